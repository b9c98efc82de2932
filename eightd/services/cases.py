"""Use cases on whole cases: open, load, list, change, import, export, audit.

Every change to a case goes through :func:`update_case`: load, change a copy,
validate, save under the loaded version (a stale version raises
ConcurrentEditError), audit, commit. The CLI, the notebooks and the report
templates call these functions; none of them touches the store directly.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Protocol

from eightd.domain import (
    Case,
    ComplaintNumber,
    Intake,
    Stage,
    StageEvent,
    StageEventKind,
    case_to_dict,
    validate_case,
)
from eightd.errors import PermissionDeniedError, ValidationError
from eightd.policy import Policy, load_policy
from eightd.policy.intake import require_intake
from eightd.services.access import (
    authorize,
    default_policy,
    refuse_protected_changes,
    register_first_user,
)
from eightd.store import AuditEntry, CaseSummary, StoredCase, User, UserChange

__all__ = [
    "ImportResult",
    "UnitOfWork",
    "audit_trail",
    "export_cases",
    "import_cases",
    "iter_export_cases",
    "list_cases",
    "load_case",
    "load_demo",
    "open_case",
    "replace_case",
    "set_user_roles",
    "update_case",
    "user_history",
    "users",
]

# The roles eightd knows (intake, quality engineer, approver, admin). A company may name
# its approver role differently in the policy ([roles] approver), so any role name of the
# same shape is accepted.
ROLES = ("intake", "qe", "approver", "admin")
_ROLE_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


class UnitOfWork(Protocol):
    """What services need of a unit of work (the SQL one, or a fake in unit tests)."""

    cases: Any
    users: Any

    def commit(self) -> None: ...


def aware_now(now: datetime | None = None) -> datetime:
    """``now`` (which must carry a time zone), or the current time in UTC."""
    moment = now or datetime.now(UTC)
    if moment.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return moment


def open_case(
    uow: UnitOfWork,
    intake: Intake,
    *,
    title: str,
    user: str,
    policy: Policy | None = None,
    now: datetime | None = None,
) -> StoredCase:
    """Record a new complaint (D0) and give it the next number of its month.

    The intake must hold what the policy requires (``[intake] required``; the
    default policy when none is given). The case is validated before a number
    is drawn, so a rejected intake uses no number; numbering and insert share
    one transaction. Needs the ``register`` permission.
    """
    authorize(uow, user, "register", policy)
    policy = policy or load_policy()
    require_intake(intake, policy)
    at = aware_now(now)
    received = intake.received_at or at
    # the month of the number is the month the complaint was received, on the
    # company's clock: 07:30 on the 1st in Beijing is that month, not the last one in UTC
    period = ComplaintNumber.period_of(received.astimezone(policy.tz))
    case = Case(
        number=f"{period}-0001",  # placeholder to validate everything else first
        title=title.strip(),
        intake=intake,
        created_at=at,
        created_by=user,
        history=[StageEvent(stage=Stage.D0, kind=StageEventKind.ENTERED, at=at, by=user)],
    )
    validate_case(case)
    case.number = uow.cases.next_number(period)
    stored: StoredCase = uow.cases.add(case, user=user, at=at, action="open_case")
    uow.commit()
    return stored


def load_case(uow: UnitOfWork, number: str) -> StoredCase:
    ComplaintNumber.parse(number)
    stored: StoredCase = uow.cases.get(number.strip())
    return stored


def list_cases(uow: UnitOfWork, **filters: Any) -> list[CaseSummary]:
    rows: list[CaseSummary] = uow.cases.list(**filters)
    return rows


def update_case(
    uow: UnitOfWork,
    number: str,
    change: Callable[[Case], Case | None],
    *,
    user: str,
    action: str,
    expected_version: int | None = None,
    now: datetime | None = None,
    permission: str = "edit",
    policy: Policy | None = None,
) -> StoredCase:
    """Apply ``change`` to a copy of the case and save it.

    ``change`` edits the copy in place, or returns a whole new case to save
    instead. ``expected_version`` is the version the user's edit was based on
    (a form loaded earlier); when omitted, the version read here is used, which
    still protects against a writer racing between this read and the write.
    ``user`` must hold ``permission`` under the policy's roles (PermissionDeniedError).
    """
    authorize(uow, user, permission, policy)
    stored = load_case(uow, number)
    version = stored.version if expected_version is None else expected_version
    # the loaded case is this call's own (decoded from the store just now): changed in
    # place, no copy; what is saved is compared with the stored document, not with it
    before = stored.case.number
    case = change(stored.case) or stored.case
    if case.number != before:
        raise ValidationError("number", "error.reason.number_is_fixed")
    saved: StoredCase = uow.cases.save(
        case, expected_version=version, user=user, at=aware_now(now), action=action
    )
    uow.commit()
    return saved


def replace_case(
    uow: UnitOfWork,
    case: Case,
    *,
    expected_version: int,
    user: str,
    now: datetime | None = None,
    policy: Policy | None = None,
) -> StoredCase:
    """Save an edited whole case (``eightd update FILE.json``), version-checked.

    Approvals, stage history, creation, closure, grade and pauses change only through
    their own services: a document that changes one is refused naming the field.
    """

    def change(current: Case) -> Case:
        refuse_protected_changes(current, case)
        return copy.deepcopy(case)

    return update_case(
        uow,
        case.number,
        change,
        user=user,
        action="edit_case",
        expected_version=expected_version,
        now=now,
        policy=policy,
    )


@dataclass(frozen=True)
class ImportResult:
    """What an import did (or, for a dry run, would do), by complaint number."""

    added: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()  # already stored exactly so: skipped
    replaced: tuple[str, ...] = ()
    dry_run: bool = False


def import_cases(
    uow: UnitOfWork,
    cases: Iterable[Case],
    *,
    user: str,
    now: datetime | None = None,
    replace: bool = False,
    dry_run: bool = False,
    policy: Policy | None = None,
) -> ImportResult:
    """Add complete cases (from an export, another system), consumed one at a time (an
    iterator streamed from a file is never held whole). All or nothing: the first bad case
    raises and nothing is kept. Needs the ``import`` permission.

    A case already stored exactly as in the file is skipped and counted, so that
    importing an export of the same store changes nothing; one that differs is
    refused unless ``replace`` (then saved as a new version, audited). ``dry_run``
    checks everything and reports what would happen, writing nothing.

    Approvals of a new case were not signed here: each is kept marked ``imported`` (shown
    as such, never as a valid signature made in this store). A replacement may not change
    what only a service changes (approvals, stage history, creation, closure, grade,
    pauses): refused naming the field, as for ``eightd update``.
    """
    authorize(uow, user, "import", policy)
    at = aware_now(now)
    added: list[str] = []
    unchanged: list[str] = []
    replaced: list[str] = []
    for i, case in enumerate(cases):
        try:
            validate_case(case)
        except ValidationError as exc:
            raise ValidationError(
                f"cases[{i}].{exc.field}", exc.reason_code, **_extra(exc)
            ) from None
        if not uow.cases.exists(case.number):
            case = mark_approvals_imported(case)
            uow.cases.add(case, user=user, at=at, action="import_case")
            uow.cases.reserve_number(case.number)
            added.append(case.number)
            continue
        stored: StoredCase = uow.cases.get(case.number)
        if case_to_dict(stored.case) == case_to_dict(case):
            unchanged.append(case.number)
        elif replace:
            refuse_protected_changes(stored.case, case, prefix=f"cases[{i}].")
            uow.cases.save(
                case, expected_version=stored.version, user=user, at=at, action="import_replace"
            )
            replaced.append(case.number)
        else:
            raise ValidationError(
                f"cases[{i}].number", "error.reason.differs_from_stored", value=case.number
            )
    if not dry_run:
        uow.commit()
    return ImportResult(tuple(added), tuple(unchanged), tuple(replaced), dry_run=dry_run)


DEMO_ROLES_OF_LOCAL_USER: tuple[str, ...] = ("admin", "intake", "qe", "approver")


def load_demo(
    uow: UnitOfWork,
    *,
    user: str,
    today: date | None = None,
    now: datetime | None = None,
    policy: Policy | None = None,
) -> list[str]:
    """Load the demo cases (``eightd demo``): the data files of :mod:`eightd.demo`, dated
    around ``today`` on the policy's calendar and time zone, numbered and signed here.

    In a store without users, ``user`` becomes its first user with every role (admin,
    intake, qe, approver) so the whole tour works for them; otherwise ``user`` needs the
    ``import`` permission (an admin, who could give themselves these roles anyway) and gets
    the roles of the tour it lacks (audited). The people of the demo cases are registered
    too (their signers as approvers, everyone else as quality engineers), in the user audit
    like any change.
    All cases are added or none (one already present refuses the lot).
    """
    from eightd.demo import demo_cases

    at = aware_now(now)
    if uow.users.any():
        account = authorize(uow, user, "import", policy)
        if not account.roles >= set(DEMO_ROLES_OF_LOCAL_USER):  # the tour needs every role
            roles = sorted(account.roles | set(DEMO_ROLES_OF_LOCAL_USER))
            uow.users.put(
                user, display_name=account.display_name, roles=roles, at=at, actor=user,
                action="demo",
            )  # fmt: skip
    else:
        register_first_user(uow, user, actor=user, roles=DEMO_ROLES_OF_LOCAL_USER, now=at)
    cases = demo_cases(today, policy=policy)
    signers = {a.signer for c in cases for a in c.approvals}
    people = {c.created_by for c in cases} | {e.by for c in cases for e in c.history}
    for name in sorted(signers | people):
        if name and name != user and uow.users.get(name) is None:
            roles = ["approver"] if name in signers else ["qe"]
            uow.users.put(name, display_name="", roles=roles, at=at, actor=user, action="demo")
    for case in cases:
        if uow.cases.exists(case.number):
            raise ValidationError("number", "error.reason.already_exists", value=case.number)
        uow.cases.add(case, user=user, at=at, action="demo_case")
        uow.cases.reserve_number(case.number)
    uow.commit()
    return [c.number for c in cases]


def mark_approvals_imported(case: Case) -> Case:
    """A copy of ``case`` whose approvals are marked as coming from another system."""
    if all(a.imported for a in case.approvals):
        return case
    marked = copy.deepcopy(case)
    for approval in marked.approvals:
        approval.imported = True
    return marked


def _extra(exc: ValidationError) -> dict[str, Any]:
    return {k: v for k, v in exc.params.items() if k not in ("field", "reason")}


def export_cases(
    uow: UnitOfWork, numbers: Iterable[str] | None = None, **filters: Any
) -> list[Case]:
    if numbers is not None:
        filters["numbers"] = list(numbers)
    return [stored.case for stored in uow.cases.load(**filters)]


def iter_export_cases(
    uow: UnitOfWork,
    numbers: Iterable[str] | None = None,
    *,
    batch_size: int = 200,
    **filters: Any,
) -> Iterator[Case]:
    """The cases to export, ordered by complaint number, read from the store in batches
    (memory holds one batch, whatever the size of the store)."""
    if numbers is not None:
        filters["numbers"] = list(numbers)
    for stored in uow.cases.iter_load(batch_size=batch_size, **filters):
        yield stored.case


def audit_trail(uow: UnitOfWork, number: str) -> list[AuditEntry]:
    load_case(uow, number)  # NotFoundError for an unknown number
    entries: list[AuditEntry] = uow.cases.audit_trail(number)
    return entries


def set_user_roles(
    uow: UnitOfWork,
    name: str,
    roles: Iterable[str],
    *,
    actor: str,
    display_name: str = "",
    now: datetime | None = None,
    policy: Policy | None = None,
) -> User:
    """Register a user with roles (intake, qe, approver, admin, ...), or change their roles.

    ``actor`` needs the ``manage_users`` permission; every change is written to the user
    audit (who, whose roles, from what to what, when). Taking that permission from the last
    user holding it is refused (nobody could manage users any more).
    """
    authorize(uow, actor, "manage_users", policy)
    name = name.strip()
    if not name or len(name) > 200:
        raise ValidationError("name", "error.reason.required")
    role_list = [r.strip() for r in roles if r.strip()]
    for role in role_list:
        if not _ROLE_NAME.match(role):
            raise ValidationError("roles", "error.reason.bad_role", value=role)
    managers = set((policy or default_policy()).roles.roles_for("manage_users"))
    if not managers & set(role_list) and not any(
        managers & u.roles for u in uow.users.list() if u.name != name
    ):
        raise PermissionDeniedError("access.error.last_admin", user=name)
    user: User = uow.users.put(
        name, display_name=display_name, roles=role_list, at=aware_now(now), actor=actor
    )
    uow.commit()
    return user


def users(uow: UnitOfWork) -> list[User]:
    """Every registered user with their roles (``eightd user list``)."""
    found: list[User] = uow.users.list()
    return found


def user_history(uow: UnitOfWork, name: str | None = None) -> list[UserChange]:
    """The user audit, oldest first (``eightd user history``)."""
    changes: list[UserChange] = uow.users.history(name)
    return changes

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
from datetime import UTC, datetime
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
from eightd.errors import ValidationError
from eightd.policy import Policy, load_policy
from eightd.policy.intake import require_intake
from eightd.store import AuditEntry, CaseSummary, StoredCase, User

__all__ = [
    "ImportResult",
    "UnitOfWork",
    "audit_trail",
    "export_cases",
    "import_cases",
    "iter_export_cases",
    "list_cases",
    "load_case",
    "open_case",
    "replace_case",
    "set_user_roles",
    "update_case",
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
    one transaction.
    """
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
) -> StoredCase:
    """Apply ``change`` to a copy of the case and save it.

    ``change`` edits the copy in place, or returns a whole new case to save
    instead. ``expected_version`` is the version the user's edit was based on
    (a form loaded earlier); when omitted, the version read here is used, which
    still protects against a writer racing between this read and the write.
    """
    stored = load_case(uow, number)
    version = stored.version if expected_version is None else expected_version
    case = copy.deepcopy(stored.case)
    case = change(case) or case
    if case.number != stored.case.number:
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
) -> StoredCase:
    """Save an edited whole case (``eightd update FILE.json``), version-checked."""

    return update_case(
        uow,
        case.number,
        lambda _current: copy.deepcopy(case),
        user=user,
        action="edit_case",
        expected_version=expected_version,
        now=now,
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
) -> ImportResult:
    """Add complete cases (from an export), consumed one at a time (an iterator
    streamed from a file is never held whole). All or nothing: the first bad case
    raises and nothing is kept.

    A case already stored exactly as in the file is skipped and counted, so that
    importing an export of the same store changes nothing; one that differs is
    refused unless ``replace`` (then saved as a new version, audited). ``dry_run``
    checks everything and reports what would happen, writing nothing.
    """
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
            uow.cases.add(case, user=user, at=at, action="import_case")
            uow.cases.reserve_number(case.number)
            added.append(case.number)
            continue
        stored: StoredCase = uow.cases.get(case.number)
        if case_to_dict(stored.case) == case_to_dict(case):
            unchanged.append(case.number)
        elif replace:
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
    display_name: str = "",
    now: datetime | None = None,
) -> User:
    """Register a user with roles (intake, qe, approver, admin)."""
    name = name.strip()
    if not name or len(name) > 200:
        raise ValidationError("name", "error.reason.required")
    role_list = [r.strip() for r in roles if r.strip()]
    for role in role_list:
        if not _ROLE_NAME.match(role):
            raise ValidationError("roles", "error.reason.bad_role", value=role)
    user: User = uow.users.put(name, display_name=display_name, roles=role_list, at=aware_now(now))
    uow.commit()
    return user

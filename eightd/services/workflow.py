"""Use cases of the workflow policy: grade, advance, verify, pause, approve, close, reopen,
and the read-only assessments behind ``eightd show``, ``lint`` and ``overdue``.

Each changing use case loads the case, applies the policy's rule, and saves through
:func:`~eightd.services.cases.update_case` (validated, version-checked, audited). A move
the policy refuses raises :class:`~eightd.errors.StageGateError` listing every missing
item; nothing is saved then.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from eightd.domain import (
    AbnormalGround,
    Approval,
    Callback,
    Case,
    CaseStatus,
    Closure,
    ClosureKind,
    ComplaintCategory,
    DefectKind,
    Pause,
    PauseReason,
    Priority,
    Severity,
    Stage,
    StageEvent,
    StageEventKind,
    Validity,
    Verification,
)
from eightd.errors import StageGateError, ValidationError
from eightd.policy import (
    Assessment,
    CaseSummary,
    Clock,
    Policy,
    assess,
    closure_problems,
    content_hash,
    reopen_problems,
    require_gate,
    suggest_priority,
    suggest_severity,
)
from eightd.services.access import authorize
from eightd.services.cases import UnitOfWork, aware_now, load_case, update_case
from eightd.store import CaseSummary as LedgerRow
from eightd.store import StoredCase

__all__ = [
    "Attention",
    "advance_stage",
    "approve_case",
    "assess_case",
    "close_case",
    "close_without_8d",
    "grade_case",
    "needing_attention",
    "pause_clock",
    "record_callback",
    "record_verification",
    "reopen_case",
    "resume_clock",
    "same_kind_candidates",
]


def _refuse_if_closed(case: Case) -> None:
    if case.is_closed:
        raise StageGateError(
            number=case.number, stage=case.stage.value, missing=["closure.already_closed"]
        )


# ---------------------------------------------------------------- D0 grading


def grade_case(
    uow: UnitOfWork,
    number: str,
    policy: Policy,
    *,
    user: str,
    severity: Severity | None = None,
    priority: Priority | None = None,
    reason: str = "",
    expected_version: int | None = None,
    now: datetime | None = None,
) -> StoredCase:
    """Record the policy's suggested grade and the grade in force.

    ``severity`` / ``priority`` override the suggestion; a severity other than the
    suggested one needs ``reason`` (ValidationError ``grading.override_reason``). The
    store's audit log keeps who changed the grade, from what, when.
    """
    at = aware_now(now)

    def change(case: Case) -> None:
        suggested, _ = suggest_severity(case, policy)
        in_force = severity or suggested
        suggested_priority, _ = suggest_priority(case, policy, in_force)
        grading = case.grading
        grading.suggested_severity = suggested
        grading.severity = in_force
        grading.priority = priority or suggested_priority
        grading.override_reason = reason.strip() if in_force != suggested else ""
        grading.graded_by = user
        grading.graded_at = at

    return update_case(
        uow,
        number,
        change,
        user=user,
        action="grade",
        expected_version=expected_version,
        now=at,
        permission="grade",
        policy=policy,
    )


# ---------------------------------------------------------------- stage moves


def advance_stage(
    uow: UnitOfWork,
    number: str,
    policy: Policy,
    *,
    user: str,
    note: str = "",
    expected_version: int | None = None,
    now: datetime | None = None,
) -> StoredCase:
    """Complete the current stage and enter the next one.

    Raises StageGateError listing every blocking item of the current stage's gate. D8 is
    left by closing the case (:func:`close_case`), not by advancing.
    """
    at = aware_now(now)

    def change(case: Case) -> None:
        _refuse_if_closed(case)
        require_gate(case, case.stage, policy)
        following = case.stage.next()
        if following is None:
            raise StageGateError(
                number=case.number, stage=case.stage.value, missing=["workflow.close_instead"]
            )
        case.history.append(StageEvent(case.stage, StageEventKind.COMPLETED, at, user, note))
        case.history.append(StageEvent(following, StageEventKind.ENTERED, at, user))
        case.stage = following

    return update_case(
        uow,
        number,
        change,
        user=user,
        action="advance",
        expected_version=expected_version,
        now=at,
        policy=policy,
    )


def _send_back_to_d4(case: Case, at: datetime, user: str, note: str) -> None:
    """Rule GT-D6: not effective → back to the root-cause analysis."""
    case.history.append(StageEvent(Stage.D4, StageEventKind.SENT_BACK, at, user, note))
    case.history.append(StageEvent(Stage.D4, StageEventKind.ENTERED, at, user))
    case.stage = Stage.D4


def record_verification(
    uow: UnitOfWork,
    number: str,
    verification: Verification,
    *,
    user: str,
    expected_version: int | None = None,
    now: datetime | None = None,
    policy: Policy | None = None,
) -> tuple[StoredCase, bool]:
    """D6: add or replace a verification (by id; an empty id gets the next ``V`` id).

    A verification that fails one of the three criteria of rule GT-D6 sends a case
    that has reached D5 or later back to D4. Returns the saved case and whether it was
    sent back.
    """
    at = aware_now(now)
    sent_back: list[bool] = []

    def change(case: Case) -> None:
        _refuse_if_closed(case)
        item = copy.deepcopy(verification)
        item.id = item.id or case.next_id("V")
        case.verifications = [v for v in case.verifications if v.id != item.id] + [item]
        back = item.effective is False and case.stage.index > Stage.D4.index
        if back:
            _send_back_to_d4(case, at, user, item.id)
        sent_back.append(back)

    stored = update_case(
        uow,
        number,
        change,
        user=user,
        action="record_verification",
        expected_version=expected_version,
        now=at,
        policy=policy,
    )
    return stored, sent_back[0]


# ---------------------------------------------------------------- the clock


def _latest_today(now: datetime | None) -> date:
    """Today's date where it is latest on earth (UTC+14): a pause up to the user's today is
    accepted in any time zone, a day that has not begun anywhere is not."""
    return (aware_now(now).astimezone(UTC) + timedelta(hours=14)).date()


def pause_clock(
    uow: UnitOfWork,
    number: str,
    reason: PauseReason,
    *,
    start: date,
    user: str,
    note: str = "",
    expected_version: int | None = None,
    now: datetime | None = None,
    policy: Policy | None = None,
) -> StoredCase:
    """Stop the deadline clock from ``start`` (waiting for the customer or an agreed test).

    Rule DL-5: an agreed test must be written into D2, so ``note`` is required then.
    """

    today = _latest_today(now)
    if start > today:  # rule DL-5: only days that have passed stop a clock
        raise ValidationError("pauses.start", "workflow.reason.pause_in_future", value=start)

    def change(case: Case) -> None:
        _refuse_if_closed(case)
        if any(p.end is None for p in case.pauses):
            raise ValidationError("pauses", "workflow.reason.already_paused")
        if reason is PauseReason.AGREED_TEST and not note.strip():
            raise ValidationError("pauses.note", "workflow.reason.agreed_test_note")
        case.pauses.append(Pause(reason, start, None, note.strip()))
        if reason is PauseReason.AGREED_TEST:
            written = case.problem.agreed_test_time.strip()
            entry = f"{start.isoformat()}: {note.strip()}"
            case.problem.agreed_test_time = f"{written}\n{entry}" if written else entry

    return update_case(
        uow,
        number,
        change,
        user=user,
        action="pause_clock",
        expected_version=expected_version,
        now=now,
        policy=policy,
    )


def resume_clock(
    uow: UnitOfWork,
    number: str,
    *,
    end: date,
    user: str,
    expected_version: int | None = None,
    now: datetime | None = None,
    policy: Policy | None = None,
) -> StoredCase:
    """Restart the clock: the open pause ends on ``end`` (the last day it stood still)."""

    today = _latest_today(now)
    if end > today:  # rule DL-5: a pause cannot end in the future
        raise ValidationError("pauses.end", "workflow.reason.pause_in_future", value=end)

    def change(case: Case) -> None:
        open_pauses = [p for p in case.pauses if p.end is None]
        if not open_pauses:
            raise ValidationError("pauses", "workflow.reason.not_paused")
        for pause in open_pauses:
            pause.end = end

    return update_case(
        uow,
        number,
        change,
        user=user,
        action="resume_clock",
        expected_version=expected_version,
        now=now,
        policy=policy,
    )


# ---------------------------------------------------------------- approval and closure


def approve_case(
    uow: UnitOfWork,
    number: str,
    policy: Policy,
    *,
    user: str,
    meaning: str = "",
    abnormal: bool = False,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> StoredCase:
    """Sign the case as it is now (rule GT-D8: the report is only valid once approved).

    Only a user holding the ``approve`` permission may sign (PermissionDeniedError). An 8D
    is approved at D8; a complaint closed without an 8D is approved once its validity is
    decided; ``abnormal`` approves closing an 8D abnormally, at any stage. The signature
    holds :func:`~eightd.policy.content_hash` of the case; any later change of the signed
    content makes it invalid.
    """
    at = aware_now(now)
    account = authorize(uow, user, "approve", policy)
    holding = [r for r in policy.roles.roles_for("approve") if r in account.roles]
    role = policy.roles.approver if policy.roles.approver in holding else holding[0]
    default_meaning = policy.roles.abnormal_meaning if abnormal else policy.roles.approval_meaning

    def change(case: Case) -> None:
        _refuse_if_closed(case)
        if case.needs_8d and case.stage is not Stage.D8 and not abnormal:
            raise StageGateError(
                number=case.number, stage=case.stage.value, missing=["workflow.approve_at_d8"]
            )
        signature = Approval(
            signer=user,
            role=role,
            meaning=meaning.strip() or default_meaning,
            signed_at=at,
            content_hash=content_hash(case),
        )
        case.approvals.append(signature)

    return update_case(
        uow,
        number,
        change,
        user=user,
        action="approve",
        expected_version=expected_version,
        now=at,
        permission="approve",
        policy=policy,
    )


def record_callback(
    uow: UnitOfWork,
    number: str,
    callback: Callback,
    *,
    user: str,
    expected_version: int | None = None,
    now: datetime | None = None,
    policy: Policy | None = None,
) -> StoredCase:
    """rules CL-1 … CL-4: a call-back to the customer after handling (satisfied, not, no answer)."""

    def change(case: Case) -> None:
        entry = copy.deepcopy(callback)
        entry.by = entry.by or user
        case.callbacks.append(entry)

    return update_case(
        uow,
        number,
        change,
        user=user,
        action="record_callback",
        expected_version=expected_version,
        now=now,
        policy=policy,
    )


def _close(case: Case, closure: Closure, at: datetime, user: str) -> None:
    if case.needs_8d:
        case.history.append(StageEvent(case.stage, StageEventKind.COMPLETED, at, user))
    case.history.append(StageEvent(case.stage, StageEventKind.CLOSED, at, user, closure.reason))
    case.status = CaseStatus.CLOSED
    case.closure = closure


def close_case(
    uow: UnitOfWork,
    number: str,
    policy: Policy,
    kind: ClosureKind,
    *,
    user: str,
    reason: str = "",
    ground: AbnormalGround | None = None,
    lessons_learned: str = "",
    expected_version: int | None = None,
    now: datetime | None = None,
) -> StoredCase:
    """Close an 8D normally (approved, customer called back and agrees) or abnormally
    (contract conflict with a written reason; unreachable on N call-backs within the
    window). Rules CL-1 … CL-4. For the non-8D paths use :func:`close_without_8d`."""
    if kind is ClosureKind.NO_8D:
        return close_without_8d(
            uow, number, policy, user=user, expected_version=expected_version, now=now
        )
    at = aware_now(now)
    permission = "close_abnormally" if kind is ClosureKind.ABNORMAL else "close"

    def change(case: Case) -> None:
        missing = closure_problems(case, kind, policy, reason=reason, ground=ground)
        if missing:
            raise StageGateError(number=case.number, stage=case.stage.value, missing=missing)
        closure = Closure(
            kind=kind,
            closed_at=at,
            closed_by=user,
            reason=reason.strip(),
            ground=ground,  # Closure.check refuses a ground on a normal closure
            customer_accepted=True if kind is ClosureKind.NORMAL else None,
            lessons_learned=lessons_learned.strip(),
        )
        _close(case, closure, at, user)

    return update_case(
        uow,
        number,
        change,
        user=user,
        action="close",
        expected_version=expected_version,
        now=at,
        permission=permission,
        policy=policy,
    )


def close_without_8d(
    uow: UnitOfWork,
    number: str,
    policy: Policy,
    *,
    user: str,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> StoredCase:
    """rules IN-1, VA-1: a complaint not founded, not ours, or a customer request is closed with
    the explanation given to the customer (``validity_note``) and an approval."""
    at = aware_now(now)

    def change(case: Case) -> None:
        missing = closure_problems(case, ClosureKind.NO_8D, policy)
        if missing:
            raise StageGateError(number=case.number, stage=case.stage.value, missing=missing)
        closure = Closure(ClosureKind.NO_8D, at, user, reason=case.validity_note.strip())
        _close(case, closure, at, user)

    return update_case(
        uow,
        number,
        change,
        user=user,
        action="close_without_8d",
        expected_version=expected_version,
        now=at,
        permission="close",
        policy=policy,
    )


def reopen_case(
    uow: UnitOfWork,
    number: str,
    *,
    reason: str,
    user: str,
    expected_version: int | None = None,
    now: datetime | None = None,
    policy: Policy | None = None,
) -> StoredCase:
    """rules CL-1 … CL-4: the customer is not satisfied: reopen the case at D4 (an 8D) or D0 (a case
    closed without one). The old closure stays in the audit log and the history."""
    at = aware_now(now)
    if not reason.strip():
        raise ValidationError("reason", "error.reason.required")

    def change(case: Case) -> None:
        missing = reopen_problems(case)
        if missing:
            raise StageGateError(number=case.number, stage=case.stage.value, missing=missing)
        was_8d = case.closure is not None and case.closure.kind is not ClosureKind.NO_8D
        stage = Stage.D4 if was_8d else Stage.D0
        case.history.append(StageEvent(stage, StageEventKind.REOPENED, at, user, reason.strip()))
        case.history.append(StageEvent(stage, StageEventKind.ENTERED, at, user))
        case.status = CaseStatus.OPEN
        case.closure = None
        case.stage = stage

    return update_case(
        uow,
        number,
        change,
        user=user,
        action="reopen",
        expected_version=expected_version,
        now=at,
        permission="reopen",
        policy=policy,
    )


# ---------------------------------------------------------------- read-only assessments


def same_kind_candidates(uow: UnitOfWork, case: Case, policy: Policy) -> list[CaseSummary]:
    """Summaries of the other cases received within the same-kind window around ``case``
    (for the rule ES-2), read from the ledger without decoding documents."""
    received = case.intake.received_at or case.created_at
    if received is None or not policy.escalation.same_kind_count:
        return []
    rules = policy.escalation
    window = timedelta(days=rules.same_kind_window_days)
    this = CaseSummary.of(case)
    rows = uow.cases.same_kind(
        received_from=received - window,
        received_to=received + window + timedelta(seconds=1),
        excluding=case.number,
        # SQL only narrows the candidates (a superset); the policy applies the exact rule.
        # A stored case without a category counts as "other"; SQLite folds ASCII only.
        category=this.category.value
        if "category" in rules.same_kind_by and this.category is not ComplaintCategory.OTHER
        else None,
        product_key=this.product_number
        if "product_number" in rules.same_kind_by and this.product_number.isascii()
        else None,
        ignored_validities=[v.value for v in rules.same_kind_ignores],
    )
    return [_summary_of(row) for row in rows]


def _summary_of(row: LedgerRow) -> CaseSummary:
    kinds = {k.value for k in DefectKind}
    return CaseSummary.keyed(
        number=row.number,
        customer_name=row.customer_name,
        customer_code=row.customer_code,
        product_number=row.product_number,
        received_at=row.received_at,
        category=ComplaintCategory(row.category or ComplaintCategory.OTHER.value),
        defect_kinds=(DefectKind(k) for k in row.defect_kinds if k in kinds),
        validity=Validity(row.validity) if row.validity else None,
    )


def assess_case(
    uow: UnitOfWork, number: str, policy: Policy, *, now: datetime | None = None
) -> tuple[StoredCase, Assessment]:
    """The case and everything the policy says about it (grade, escalation, clocks, gates,
    lint, signature) — what ``eightd show`` and the reports display."""
    stored = load_case(uow, number)
    others = same_kind_candidates(uow, stored.case, policy)
    return stored, assess(stored.case, policy, now=aware_now(now), others=others)


@dataclass(frozen=True)
class Attention:
    """An open case with clocks overdue or due soon (``eightd overdue``)."""

    number: str
    title: str
    clocks: tuple[Clock, ...]
    replies_overdue: int


def needing_attention(
    uow: UnitOfWork, policy: Policy, *, now: datetime | None = None
) -> list[Attention]:
    """Every open case with a stage overdue or due within the due-soon window, or a
    promised customer reply overdue, ordered by the earliest due time."""
    moment = aware_now(now)
    found: list[Attention] = []
    for stored in uow.cases.load(status=CaseStatus.OPEN.value):
        case = stored.case
        result = assess(case, policy, now=moment)
        replies = sum(1 for f in result.lint.findings if f.code == "reply_overdue")
        if result.attention or replies:
            found.append(Attention(case.number, case.title, result.attention, replies))
    far = datetime.max.replace(tzinfo=UTC)
    return sorted(found, key=lambda a: min((c.due or far for c in a.clocks), default=far))

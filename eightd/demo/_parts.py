"""Building blocks of the demo cases: a clock relative to ``today``, stage histories,
compact constructors for the repeated shapes, and the final numbering pass.

Working days here are Monday to Friday only: the demo places complaints "N working
days ago" without the policy's holiday calendar (the domain may not import policy).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from eightd.domain import (
    ActionStatus,
    Approval,
    BoneCategory,
    Callback,
    CallbackOutcome,
    Case,
    Cause,
    CauseStatus,
    CauseType,
    Channel,
    ComplaintNumber,
    Contact,
    ContactDirection,
    ContainmentAction,
    ContainmentLocation,
    ContainmentMeasure,
    CorrectiveAction,
    DocumentKind,
    Grading,
    IsIsNot,
    IsIsNotDimension,
    Priority,
    Severity,
    Stage,
    StageEvent,
    StageEventKind,
    StandardizationItem,
    TeamMember,
    TeamRole,
    Verification,
)
from eightd.policy.signature import content_hash  # the demo sits above domain and policy

CST = timezone(timedelta(hours=8))  # Asia/Shanghai, no DST since 1991
HOURS_PER_WORKING_DAY = 8

# short names for the table-like case builders
MAN, MACHINE, MATERIAL = BoneCategory.MAN, BoneCategory.MACHINE, BoneCategory.MATERIAL
METHOD, MEASUREMENT, ENVIRONMENT = (
    BoneCategory.METHOD,
    BoneCategory.MEASUREMENT,
    BoneCategory.ENVIRONMENT,
)
SUSPECTED, VERIFIED, RULED_OUT = CauseStatus.SUSPECTED, CauseStatus.VERIFIED, CauseStatus.RULED_OUT
PLANNED, IN_PROGRESS, DONE = ActionStatus.PLANNED, ActionStatus.IN_PROGRESS, ActionStatus.DONE


def add_working_days(day: date, n: int) -> date:
    """``day`` moved by ``n`` Monday-to-Friday days (negative goes back)."""
    step = 1 if n >= 0 else -1
    while day.weekday() >= 5:  # start from a working day
        day += timedelta(days=step)
    remaining = abs(n)
    while remaining:
        day += timedelta(days=step)
        if day.weekday() < 5:
            remaining -= 1
    return day


def later(start: datetime, working_days: float) -> datetime:
    """``start`` plus whole working days, the fraction counted in 8-hour working days."""
    whole = int(working_days)
    moment = datetime.combine(add_working_days(start.date(), whole), start.timetz())
    moment += timedelta(hours=(working_days - whole) * HOURS_PER_WORKING_DAY)
    while moment.weekday() >= 5:
        moment += timedelta(days=1)
    return moment.replace(second=0, microsecond=0)


def day_after(start: datetime, working_days: float) -> date:
    return later(start, working_days).date()


def timeline(received: datetime) -> tuple[Callable[[float], datetime], Callable[[float], date]]:
    """``at(x)`` and ``on(x)``: the moment and the day ``x`` working days after receipt."""
    return (lambda x: later(received, x)), (lambda x: day_after(received, x))


@dataclass(frozen=True)
class Clock:
    """Dates of the demo, all relative to ``today`` so ages and overdue items stay current."""

    today: date

    def ago(self, working_days: int, hour: int = 9, minute: int = 0) -> datetime:
        day = add_working_days(self.today, -working_days)
        return datetime.combine(day, time(hour, minute), CST)

    def ahead(self, working_days: int, hour: int = 17, minute: int = 0) -> datetime:
        return self.ago(-working_days, hour, minute)


# ---------------------------------------------------------------- stage history

Step = tuple[Stage, StageEventKind, float]


def run(first: int, offsets: Sequence[float]) -> list[Step]:
    """Complete D<first>, D<first+1>, ... at the offsets, entering the next stage each time."""
    steps: list[Step] = []
    for k, offset in enumerate(offsets, start=first):
        steps.append((Stage(f"D{k}"), StageEventKind.COMPLETED, offset))
        if k < 8:
            steps.append((Stage(f"D{k + 1}"), StageEventKind.ENTERED, offset))
    return steps


def events(received: datetime, steps: Iterable[Step], by: str) -> list[StageEvent]:
    return [StageEvent(stage, kind, later(received, off), by) for stage, kind, off in steps]


def history(
    received: datetime, done: Sequence[float], by: str, *, closed_after: float | None = None
) -> list[StageEvent]:
    """The straight path: D0 entered at receipt, stage k completed ``done[k]`` working days
    later; optionally closed (at D8 after a full 8D, at D0 for a closure without 8D)."""
    steps: list[Step] = [(Stage.D0, StageEventKind.ENTERED, 0.0), *run(0, done)]
    if closed_after is not None:
        steps.append((current_stage(done), StageEventKind.CLOSED, closed_after))
    return events(received, steps, by)


def current_stage(done: Sequence[float]) -> Stage:
    return Stage(f"D{min(len(done), 8)}")


# ---------------------------------------------------------------- compact constructors


def team(*rows: tuple[str, TeamRole, str, str], contact_domain: str = "") -> list[TeamMember]:
    """Rows of (name, role, department, duties)."""
    return [
        TeamMember(
            name=name,
            role=role,
            department=dept,
            duties=duties,
            contact=f"ext. {8100 + i * 7}"
            if not contact_domain
            else f"{_login(name, i)}@{contact_domain}",
        )
        for i, (name, role, dept, duties) in enumerate(rows)
    ]


def _login(name: str, i: int) -> str:
    ascii_name = "".join(ch for ch in name.lower() if ch.isascii() and ch.isalnum())
    return ascii_name or f"member{i + 1}"


def is_is_not(*rows: tuple[IsIsNotDimension, str, str]) -> list[IsIsNot]:
    return [IsIsNot(dimension=d, is_=is_, is_not=is_not) for d, is_, is_not in rows]


def contain(
    id: str,
    location: ContainmentLocation,
    measure: ContainmentMeasure,
    description: str,
    owner: str,
    due: datetime,
    done: datetime | None,
    checked: int | None,
    bad: int | None,
    effectiveness: str = "",
) -> ContainmentAction:
    return ContainmentAction(
        id=id,
        location=location,
        measure=measure,
        description=description,
        owner=owner,
        due=due,
        done_at=done,
        quantity_checked=checked,
        quantity_bad=bad,
        effectiveness=effectiveness,
    )


def cause(
    id: str,
    bone: BoneCategory,
    text: str,
    *,
    status: CauseStatus = SUSPECTED,
    escape: bool = False,
    parent: str = "",
    whys: Sequence[str] = (),
    evidence: str = "",
    systemic: bool = False,
) -> Cause:
    return Cause(
        id=id,
        text=text,
        category=bone,
        type=CauseType.ESCAPE if escape else CauseType.OCCURRENCE,
        status=status,
        parent=parent,
        whys=list(whys),
        evidence=evidence,
        systemic=systemic,
    )


def action(
    id: str,
    text: str,
    cause_ids: Sequence[str],
    owner: str,
    due: date,
    *,
    implemented_on: date | None = None,
    status: ActionStatus | None = None,
    validation: str = "",
    from_containment: str = "",
) -> CorrectiveAction:
    """Status follows the facts unless given: implemented -> done, else planned."""
    return CorrectiveAction(
        id=id,
        text=text,
        cause_ids=list(cause_ids),
        owner=owner,
        due=due,
        status=status or (DONE if implemented_on else PLANNED),
        implemented_on=implemented_on,
        validation=validation,
        from_containment=from_containment,
    )


def verify(
    id: str,
    action_ids: Sequence[str],
    on: date,
    by: str,
    criteria: tuple[bool | None, bool | None, bool | None],
    evidence: str,
    metric: str = "",
    before: float | None = None,
    after: float | None = None,
) -> Verification:
    improved, no_new, prevents = criteria
    return Verification(
        id=id,
        action_ids=list(action_ids),
        verified_on=on,
        verified_by=by,
        problem_improved=improved,
        no_new_problem=no_new,
        prevents_recurrence=prevents,
        evidence=evidence,
        metric=metric,
        before_value=before,
        after_value=after,
    )


def document(
    kind: DocumentKind, doc_id: str, title: str, old: str, new: str, owner: str, on: date
) -> StandardizationItem:
    return StandardizationItem(
        kind=kind,
        document_id=doc_id,
        title=title,
        old_revision=old,
        new_revision=new,
        owner=owner,
        done_on=on,
    )


def contact(
    at: datetime,
    by: str,
    summary: str,
    *,
    channel: Channel = Channel.PHONE,
    inbound: bool = False,
    promise: str = "",
    next_reply_due: datetime | None = None,
) -> Contact:
    return Contact(
        at=at,
        by=by,
        channel=channel,
        direction=ContactDirection.INBOUND if inbound else ContactDirection.OUTBOUND,
        summary=summary,
        promise=promise,
        next_reply_due=next_reply_due,
    )


def callback(at: datetime, by: str, outcome: CallbackOutcome, note: str = "") -> Callback:
    return Callback(at=at, by=by, outcome=outcome, note=note)


# ---------------------------------------------------------------- numbering and signing

PENDING_HASH = "pending"  # replaced by seal() once the case is complete


def assign_numbers(cases: list[Case], first_serial: int = 1) -> list[Case]:
    """Give each case ``YYYYMM-NNNN`` from its received month, in order of receipt,
    and label its sample with the number (rule IN-2)."""
    counters: dict[str, int] = {}
    for case in sorted(cases, key=lambda c: (c.intake.received_at, c.title)):
        received = case.intake.received_at
        assert received is not None
        period = ComplaintNumber.period_of(received)
        serial = counters.get(period, first_serial)
        counters[period] = serial + 1
        case.number = str(ComplaintNumber(received.year, received.month, serial))
        if case.intake.has_sample:
            case.intake.sample_label = case.number
    return cases


def approval(signer: str, role: str, meaning: str, at: datetime) -> Approval:
    """An approval whose content hash is filled in by :func:`seal` once numbers are set."""
    return Approval(
        signer=signer, role=role, meaning=meaning, signed_at=at, content_hash=PENDING_HASH
    )


def seal(case: Case) -> Case:
    """Fill in the content hash of every approval over the finished case."""
    for item in case.approvals:
        item.content_hash = content_hash(case)
    return case


def grade(
    severity: Severity,
    priority: Priority,
    by: str,
    at: datetime,
    *,
    suggested: Severity | None = None,
    reason: str = "",
) -> Grading:
    """The grade in force; ``suggested`` differs only where the QE overrode the policy."""
    return Grading(
        severity=severity,
        priority=priority,
        suggested_severity=suggested or severity,
        override_reason=reason,
        graded_by=by,
        graded_at=at,
    )

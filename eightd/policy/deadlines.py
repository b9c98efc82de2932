"""Due dates of each 8D stage from the policy, and whether each is on time (rules DL-1 … DL-6).

A clock starts at its anchor (receipt, the customer's latest feedback, or the stage's
entry), runs for the policy's working days, hours or calendar days, and stops on the
days the case waits for the customer or an agreed test (``case.pauses``). A stage is
done when the case has moved past it (its latest COMPLETED event, else the entry into a
later stage); D8 is done when the case is closed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from eightd.domain.enums import ClosureKind, ContactDirection, Stage, StageEventKind
from eightd.domain.model import Case
from eightd.policy.calendar import WorkingCalendar
from eightd.policy.gates import check_gate
from eightd.policy.grading import severity_in_force
from eightd.policy.model import Anchor, Deadline, Duration, Notice, Policy
from eightd.policy.pauses import paused_days

__all__ = [
    "ATTENTION",
    "CALLBACK",
    "DONE_STATES",
    "REMEDY",
    "Clock",
    "ClockState",
    "Schedule",
    "deadline_for",
    "due_at",
    "schedule",
    "stage_done_at",
]

CALLBACK = "callback"  # the clock of the call-back after approval (rule CL-1)
REMEDY = "remedy"  # the clock of a retail remedy (rule RT-1)


class ClockState(StrEnum):
    PENDING = "pending"  # the clock has not started (its anchor is not there yet)
    DUE = "due"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    DONE_ON_TIME = "done_on_time"
    DONE_LATE = "done_late"
    DONE = "done"  # done, but when is not recorded
    UNTIMED = "untimed"  # the policy sets no deadline for it
    CLOSED_ABNORMALLY = "closed_abnormally"  # rule CL-3: never read as "on time"


ATTENTION = frozenset({ClockState.OVERDUE, ClockState.DUE_SOON})
DONE_STATES = frozenset({ClockState.DONE, ClockState.DONE_ON_TIME, ClockState.DONE_LATE})


@dataclass(frozen=True)
class Clock:
    """One deadline of a case: a stage (``key`` "D0" … "D8") or the call-back."""

    key: str
    state: ClockState
    deadline: Deadline | None = None
    started_at: datetime | None = None
    due: datetime | None = None
    done_at: datetime | None = None
    paused: bool = False
    # rule CA-2: the due date counts days of a year whose official calendar is not loaded
    provisional: bool = False
    # rule GT-0: the case moved past the stage without its gate met (skipped, or imported
    # without its content): the stage is not shown as done
    gate_unmet: bool = False

    @property
    def shown_done(self) -> bool:
        """Done, and its gate met: what the ledger, reports and screens show as done."""
        return self.state in DONE_STATES and not self.gate_unmet

    @property
    def stage(self) -> Stage | None:
        return Stage(self.key) if self.key in Stage.__members__ else None


@dataclass(frozen=True)
class Schedule:
    clocks: tuple[Clock, ...]
    warnings: tuple[Notice, ...] = ()

    def clock(self, key: str | Stage) -> Clock:
        for clock in self.clocks:
            if clock.key == str(key):
                return clock
        raise KeyError(key)

    @property
    def attention(self) -> tuple[Clock, ...]:
        """Clocks overdue or due soon."""
        return tuple(c for c in self.clocks if c.state in ATTENTION)

    @property
    def provisional(self) -> bool:
        """A due date of the case is counted on a provisional calendar (rule CA-2)."""
        return any(c.provisional for c in self.clocks)


@dataclass
class _Context:
    """What every clock of one case at one moment shares."""

    policy: Policy
    calendar: WorkingCalendar
    skip: frozenset[date]
    paused: bool
    now: datetime
    warnings: list[Notice]


def schedule(
    case: Case,
    policy: Policy,
    *,
    now: datetime,
    calendar: WorkingCalendar | None = None,
) -> Schedule:
    """Every stage's clock and the call-back clock of ``case`` at ``now``."""
    today = now.astimezone(policy.tz).date()
    skip = paused_days(case, policy, today=today)
    ctx = _Context(
        policy, calendar or WorkingCalendar(policy.calendar), skip, today in skip, now, []
    )
    clocks = [_stage_clock(case, stage, ctx) for stage in Stage]
    clocks.append(_callback_clock(case, ctx))
    remedy = _remedy_clock(case, ctx)
    if remedy is not None:
        clocks.append(remedy)
    topic = case.intake.topic
    if topic and topic not in policy.closure.topic_limits and not case.needs_8d:
        ctx.warnings.append(_unknown_topic(case, policy))
    return Schedule(tuple(clocks), tuple(dict.fromkeys(ctx.warnings)))


def deadline_for(case: Case, stage: Stage, policy: Policy) -> Deadline | None:
    """The policy's deadline for one stage of this case.

    Rule CL-5: the closure limits by topic or category govern only a complaint handled
    without an 8D; an 8D's deadlines come from the grade (DL-1 … DL-4) and are never
    shortened by them.
    """
    if stage is Stage.D8 and not case.needs_8d:
        limit = policy.closure.limit(case.intake.topic, case.intake.category)
        if limit is not None:
            return Deadline(Duration(limit, "working_days"), Anchor.RECEIVED)
    return policy.deadlines.for_stage(stage, severity_in_force(case, policy))


def _unknown_topic(case: Case, policy: Policy) -> Notice:
    """A topic the policy does not list is no error (policies change), but say what the
    D8 deadline fell back to."""
    topic = case.intake.topic
    days = policy.closure.limits.get(case.intake.category)
    if days is not None:
        return Notice.of("closure.limit.unknown_topic_category", topic=topic, days=days)
    return Notice.of("closure.limit.unknown_topic_grade", topic=topic)


def _closed_abnormally(case: Case, stage: Stage | None) -> bool:
    """Rule CL-3: the case was closed abnormally before this stage (or the call-back) was done."""
    closure = case.closure
    if not case.is_closed or closure is None or closure.kind is not ClosureKind.ABNORMAL:
        return False
    return stage is None or stage is Stage.D8 or stage.index >= case.stage.index


def _stage_clock(case: Case, stage: Stage, ctx: _Context) -> Clock:
    done_at = stage_done_at(case, stage)
    passed = _passed(case, stage)
    if _closed_abnormally(case, stage):
        deadline = deadline_for(case, stage, ctx.policy)
        return Clock(stage.value, ClockState.CLOSED_ABNORMALLY, deadline, done_at=done_at)
    if not case.needs_8d and stage not in (Stage.D0, Stage.D8):
        return Clock(stage.value, ClockState.UNTIMED)
    deadline = deadline_for(case, stage, ctx.policy) or _customer_deadline(case, stage, ctx.policy)
    unmet = passed and case.needs_8d and bool(check_gate(case, stage, ctx.policy))
    if deadline is None:
        state = ClockState.DONE if passed else ClockState.UNTIMED
        return Clock(stage.value, state, done_at=done_at, gate_unmet=unmet)
    # rule DL-5: a pause stops only the clocks the policy names
    stops = stage in ctx.policy.deadlines.paused_stages
    clocks = []
    for candidate in (deadline, _customer_deadline(case, stage, ctx.policy)):
        if candidate is not None:
            start = _anchor_time(case, stage, candidate.anchor, until=done_at or ctx.now)
            clocks.append(
                _clock(stage.value, candidate, start, done_at, passed, ctx, pausable=stops)
            )
    # rule DL-7: the stricter of the company's and the customer's deadline applies
    clock = min(clocks, key=_due_key)
    return replace(clock, gate_unmet=unmet) if unmet else clock


def _customer_deadline(case: Case, stage: Stage, policy: Policy) -> Deadline | None:
    code = case.intake.customer_code
    return policy.deadlines.for_customer(stage, code) if code and case.needs_8d else None


def _due_key(clock: Clock) -> datetime:
    return clock.due or datetime.max.replace(tzinfo=UTC)


def _remedy_clock(case: Case, ctx: _Context) -> Clock | None:
    """Rule RT-1: a refund or replacement agreed with a retail customer is carried out
    within the policy's working days."""
    remedy = case.remedy
    days = ctx.policy.retail.remedy_limits.get(remedy.kind) if remedy else None
    if remedy is None or days is None:
        return None
    deadline = Deadline(Duration(days, "working_days"), Anchor.RECEIVED)
    done = remedy.done_at
    return _clock(REMEDY, deadline, remedy.agreed_at, done, done is not None, ctx, pausable=False)


def _callback_clock(case: Case, ctx: _Context) -> Clock:
    """rules CL-1 … CL-4: the customer is called back within the policy's time after approval."""
    deadline = Deadline(ctx.policy.closure.callback_within, Anchor.RECEIVED)
    if _closed_abnormally(case, None):
        return Clock(CALLBACK, ClockState.CLOSED_ABNORMALLY, deadline)
    signed = [a.signed_at for a in case.approvals if a.signed_at is not None]
    start = max(signed) if signed else None
    calls = sorted(c.at for c in case.callbacks if c.at and start and c.at >= start)
    done_at = calls[0] if calls else None
    return _clock(CALLBACK, deadline, start, done_at, done_at is not None, ctx, pausable=False)


def _clock(
    key: str,
    deadline: Deadline,
    start: datetime | None,
    done_at: datetime | None,
    passed: bool,
    ctx: _Context,
    *,
    pausable: bool,
) -> Clock:
    if start is None:
        state = ClockState.DONE if passed else ClockState.PENDING
        return Clock(key, state, deadline, done_at=done_at)
    tz = ctx.policy.tz
    skip = ctx.skip if pausable else frozenset()
    if done_at is not None:
        # rule DL-5: a pause after a stage was finished never moves that stage's deadline
        finished = done_at.astimezone(tz).date()
        skip = frozenset(d for d in skip if d <= finished)
    due = due_at(start, deadline.within, ctx.calendar, tz, skip)
    provisional = False
    if deadline.within.unit == "working_days":
        # rule CA-2: a due date counted on a year no official calendar declares is provisional
        uncovered = ctx.calendar.uncovered_years(start.astimezone(tz).date(), due.date())
        provisional = bool(uncovered)
        code = (
            "calendar.provisional_year"
            if ctx.policy.calendar.beyond_coverage == "statutory"
            else "calendar.assumed_year"
        )
        ctx.warnings += [Notice.of(code, year=year) for year in uncovered]
    if passed:
        if done_at is None:
            state = ClockState.DONE
        else:
            state = ClockState.DONE_ON_TIME if done_at <= due else ClockState.DONE_LATE
    elif ctx.now > due:
        state = ClockState.OVERDUE
    elif not (pausable and ctx.paused) and ctx.now >= due - ctx.policy.deadlines.due_soon.elapsed:
        state = ClockState.DUE_SOON
    else:
        state = ClockState.DUE
    paused = pausable and ctx.paused and not passed
    return Clock(key, state, deadline, start, due, done_at, paused, provisional)


def due_at(
    start: datetime,
    within: Duration,
    calendar: WorkingCalendar,
    tz: ZoneInfo,
    skip: frozenset[date] = frozenset(),
) -> datetime:
    """When a clock started at ``start`` runs out, not counting the ``skip`` days.

    Working days end at the end of the day in the policy's time zone: received on a
    Monday, "2 working days" is due at the end of Wednesday.
    """
    local = start.astimezone(tz)
    if within.unit == "working_days":
        day = calendar.add_working_days(local.date(), within.amount, skip=skip)
        return datetime.combine(day, time(23, 59, 59), tz)
    return _add_running_time(local, within.elapsed, skip, tz)


def _add_running_time(
    start: datetime, span: timedelta, skip: frozenset[date], tz: ZoneInfo
) -> datetime:
    """``start + span`` where the clock does not run on the ``skip`` days."""
    moment, remaining = start, span
    while True:
        day = moment.date()
        if day in skip:
            moment = datetime.combine(day + timedelta(days=1), time(0), tz)
            continue
        day_end = datetime.combine(day + timedelta(days=1), time(0), tz)
        if moment + remaining <= day_end:
            return moment + remaining
        remaining -= day_end - moment
        moment = day_end


def _passed(case: Case, stage: Stage) -> bool:
    if stage is Stage.D8:
        return case.is_closed
    return case.is_closed or case.stage.index > stage.index


def stage_done_at(case: Case, stage: Stage) -> datetime | None:
    """When the stage was done, if the case has moved past it."""
    if not _passed(case, stage):
        return None
    closed_at = case.closure.closed_at if case.closure else None
    if stage is Stage.D8:
        return closed_at
    done = _times(
        e.at for e in case.history if e.stage is stage and e.kind is StageEventKind.COMPLETED
    )
    if done:
        return max(done)
    later = _times(
        e.at
        for e in case.history
        if e.kind is StageEventKind.ENTERED and e.stage.index > stage.index
    )
    return min(later) if later else closed_at


def _anchor_time(case: Case, stage: Stage, anchor: Anchor, *, until: datetime) -> datetime | None:
    received = case.intake.received_at or case.created_at
    if anchor is Anchor.RECEIVED:
        return received
    if anchor is Anchor.LATEST_FEEDBACK:
        feedback = _times(
            c.at
            for c in case.contacts
            if c.direction is ContactDirection.INBOUND and c.at and c.at <= until
        )
        candidates = [*feedback, *([received] if received else [])]
        return max(candidates) if candidates else None
    entered = _times(
        e.at
        for e in case.history
        if e.stage is stage and e.kind is StageEventKind.ENTERED and e.at and e.at <= until
    )
    return max(entered) if entered else None


def _times(values: Iterable[datetime | None]) -> list[datetime]:
    return [v for v in values if v is not None]

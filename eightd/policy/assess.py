"""One call for everything the policy says about a case: what ``eightd show``, the
ledger and the reports display."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from eightd.domain.enums import Stage
from eightd.domain.model import Case
from eightd.policy.calendar import WorkingCalendar
from eightd.policy.deadlines import Clock, Schedule, schedule
from eightd.policy.gates import GateItem, gate_items
from eightd.policy.grading import CaseSummary, Escalation, Grade, escalation, grade
from eightd.policy.lint import LintReport, lint
from eightd.policy.model import Notice, Policy
from eightd.policy.signature import SignatureState, signature_state

__all__ = ["Assessment", "assess"]


@dataclass(frozen=True)
class Assessment:
    number: str
    at: datetime
    grade: Grade
    escalation: Escalation
    schedule: Schedule
    gates: tuple[tuple[Stage, tuple[GateItem, ...]], ...]
    lint: LintReport
    signature: SignatureState

    @property
    def clocks(self) -> tuple[Clock, ...]:
        return self.schedule.clocks

    @property
    def attention(self) -> tuple[Clock, ...]:
        """Clocks overdue or due soon (what ``eightd overdue`` lists)."""
        return self.schedule.attention

    @property
    def warnings(self) -> tuple[Notice, ...]:
        """Calendar warnings (a deadline computed in a year no calendar declares) and
        notices about the policy itself (an intake topic without a closure limit)."""
        return self.schedule.warnings

    def gate(self, stage: Stage) -> tuple[GateItem, ...]:
        return dict(self.gates).get(stage, ())

    @property
    def blocking(self) -> tuple[GateItem, ...]:
        """What keeps the current stage from being done."""
        return tuple(item for item in self.gate(self._stage) if item.blocking)

    @property
    def _stage(self) -> Stage:
        return self.gates[-1][0] if self.gates else Stage.D0


def assess(
    case: Case,
    policy: Policy,
    *,
    now: datetime,
    others: Iterable[CaseSummary] = (),
    calendar: WorkingCalendar | None = None,
) -> Assessment:
    """Grade, escalation, every stage's clock, gate findings up to the current stage,
    lint findings and the approval signature's state of ``case`` at ``now``.

    ``others`` are summaries of other cases (for the same-kind escalation rule);
    pass those received within the policy's ``same_kind_window_days``.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    cal = calendar or WorkingCalendar(policy.calendar)
    last = Stage.D8 if case.is_closed else case.stage
    stages = [s for s in Stage if s.index <= last.index] if case.needs_8d else []
    return Assessment(
        number=case.number,
        at=now,
        grade=grade(case, policy),
        escalation=escalation(case, policy, now=now, others=others),
        schedule=schedule(case, policy, now=now, calendar=cal),
        gates=tuple((s, tuple(gate_items(case, s, policy))) for s in stages),
        lint=lint(case, policy, now=now),
        signature=signature_state(case),
    )

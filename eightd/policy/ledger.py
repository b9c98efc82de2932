"""What the ledger (跟踪台账) shows of a case, computed once per save instead of per read.

:func:`ledger_facts` turns a case and the policy into plain values the store keeps
beside the case document: the owner, the current stage's due time and the moment
it turns "due soon", whether its clock is paused, the escalation level, the keys
of the same-kind rule, and every running clock (stages, the call-back, promised
replies) with its due time. The ledger, ``eightd list`` and ``eightd overdue``
then compare those times with *now* in SQL and never decode a case document.

The facts hold as long as neither the case nor the policy changes, and until the
moment the escalation level would change with time alone (days unresolved, a promised
reply falling due: ``escalation_review``): a save recomputes them,
:func:`policy_fingerprint` tells the store when the policy (or the calendar library)
changed so every case is recomputed, and a row whose review moment has passed is
recomputed before the next ledger read.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any

from eightd.domain import Case, TeamRole
from eightd.policy.deadlines import ClockState, schedule
from eightd.policy.grading import (
    CaseSummary,
    escalation_outlook,
    overdue_replies,
    same_kind_matters,
)
from eightd.policy.model import Policy

__all__ = ["LedgerClock", "LedgerFacts", "ledger_facts", "policy_fingerprint"]

# bump when what ledger_facts computes changes, so stored facts are recomputed
LEDGER_RULES = "4"
REPLY = "reply"  # the key of a promised reply's clock


@dataclass(frozen=True)
class LedgerClock:
    """A running clock: overdue once *now* passes ``due``, due soon from ``soon``."""

    key: str
    due: datetime
    soon: datetime
    provisional: bool = False  # counted on a provisional calendar (rule CA-2)


@dataclass(frozen=True)
class LedgerFacts:
    owner: str
    # the deadline of the current stage's clock; for a stage without one (D1, D2, D5-D7)
    # the nearest deadline still running (the ledger's "next due")
    stage_due: datetime | None
    stage_soon: datetime | None
    paused: bool
    escalation_level: int | None
    customer_key: str
    product_key: str
    clocks: tuple[LedgerClock, ...] = ()
    # when the escalation level changes with time alone: the facts must be recomputed then
    escalation_review: datetime | None = None


def ledger_facts(
    case: Case,
    policy: Policy,
    *,
    now: datetime,
    others: Iterable[CaseSummary] | Callable[[], Iterable[CaseSummary]] = (),
) -> LedgerFacts:
    """The ledger's view of ``case`` as saved at ``now`` (``others``: the cases the
    same-kind escalation rule compares it with, or a function reading them, called only
    when that rule can change the level)."""
    soon_before = policy.deadlines.due_soon.elapsed
    clocks: list[LedgerClock] = []
    stage_due = stage_soon = None
    paused = False
    if not case.is_closed:
        for clock in schedule(case, policy, now=now).clocks:
            if clock.due is None or clock.state not in _RUNNING:
                continue
            if clock.paused and clock.state is not ClockState.OVERDUE:
                # a paused clock's due date moves with the pause: it is neither due soon
                # nor overdue until the clock runs again (a save then recomputes it)
                if clock.key == case.stage.value:
                    paused = True
                continue
            item = LedgerClock(clock.key, clock.due, clock.due - soon_before, clock.provisional)
            clocks.append(item)
            if clock.key == case.stage.value:
                stage_due, stage_soon = item.due, item.soon
        if stage_due is None and not paused and clocks:
            # a stage without a clock of its own (D1, D2, D5-D7): the next deadline running
            nearest = min(clocks, key=lambda item: item.due)
            stage_due, stage_soon = nearest.due, nearest.soon
        for i in overdue_replies(case, now=datetime.max.replace(tzinfo=now.tzinfo)):
            due = case.contacts[i].next_reply_due
            if due is not None:  # a promised reply is only ever overdue, never "due soon"
                clocks.append(LedgerClock(f"{REPLY}{i}", due, due))
    summary = _keys(case)
    level = review = None
    if not case.is_closed:
        if callable(others):  # read the cases around this one only if they can matter
            others = others() if same_kind_matters(case, policy, now=now) else ()
        others = list(others)
        now_level, review = escalation_outlook(case, policy, now=now, others=others)
        level = now_level.level
    return LedgerFacts(
        owner=_owner(case),
        stage_due=stage_due,
        stage_soon=stage_soon,
        paused=paused,
        escalation_level=level,
        customer_key=summary[0],
        product_key=summary[1],
        clocks=tuple(clocks),
        escalation_review=review,
    )


_RUNNING = frozenset({ClockState.DUE, ClockState.DUE_SOON, ClockState.OVERDUE})


def _owner(case: Case) -> str:
    """The team leader, else whoever opened the case."""
    leader = next((m.name for m in case.team if m.role is TeamRole.LEADER), "")
    return (leader or case.created_by or "").strip()[:200]


def _keys(case: Case) -> tuple[str, str]:
    intake = case.intake
    customer = (intake.customer_code or intake.customer_name).strip().casefold()
    return customer[:200], intake.product_number.strip().casefold()[:80]


def policy_fingerprint(policy: Policy) -> str:
    """A hash of everything in the policy (and the calendar library) that the ledger's
    facts depend on: when it changes, every case's facts are recomputed."""
    try:
        from importlib.metadata import version

        library = version("chinesecalendar")
    except Exception:  # not installed: weekends-only calendars
        library = ""
    text = json.dumps(
        [LEDGER_RULES, library, _canonical(policy)], sort_keys=True, ensure_ascii=False
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _canonical(value: Any) -> Any:
    """Plain JSON of a policy value, the same in every process (sets sorted)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _canonical(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return sorted([str(_canonical(k)), _canonical(v)] for k, v in value.items())
    if isinstance(value, frozenset | set):
        return sorted(str(_canonical(v)) for v in value)
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)

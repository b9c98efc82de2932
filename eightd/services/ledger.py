"""The ledger (跟踪台账) as SQL: its facts kept up to date, and its queries.

Every save through a unit of work that carries a :class:`LedgerKeeper` stores the
case's ledger facts (:func:`eightd.policy.ledger.ledger_facts`) beside it; a case
saved without one, or under another policy, is marked stale and recomputed by
:func:`refresh_ledger` before the next ledger query. The ledger page, ``eightd list``
and ``eightd overdue`` then never decode a case document.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from eightd.domain import Case, Stage
from eightd.policy import CALLBACK, Clock, ClockState, Deadline, Policy
from eightd.policy.grading import CaseSummary
from eightd.policy.ledger import REPLY, ledger_facts, policy_fingerprint
from eightd.services.cases import UnitOfWork, aware_now
from eightd.services.workflow import Attention, _summary_of
from eightd.store import LedgerPage

__all__ = [
    "LedgerKeeper",
    "LedgerPage",
    "ledger_page",
    "overdue_from_ledger",
    "refresh_ledger",
]


class LedgerKeeper:
    """Computes a case's ledger columns when the store saves it (under one policy)."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self.fingerprint = policy_fingerprint(policy)

    def __call__(
        self, case: Case, at: datetime, cases: Any
    ) -> tuple[dict[str, Any], list[tuple[str, datetime, datetime, bool]]]:
        # the cases around this one are read only if the same-kind rule can change its
        # escalation level (not for a closed case, nor one another rule escalates)
        return self.columns(case, at, lambda: _windowed(cases, case, self.policy))

    def columns(
        self,
        case: Case,
        at: datetime,
        others: Iterable[CaseSummary] | Callable[[], Iterable[CaseSummary]],
    ) -> tuple[dict[str, Any], list[tuple[str, datetime, datetime, bool]]]:
        facts = ledger_facts(case, self.policy, now=at, others=others)
        values = {
            "owner": facts.owner,
            "stage_due_at": facts.stage_due,
            "stage_soon_at": facts.stage_soon,
            "clock_paused": facts.paused,
            "escalation_level": facts.escalation_level,
            "customer_key": facts.customer_key,
            "product_key": facts.product_key,
            "escalation_review_at": facts.escalation_review,
            "ledger_policy": self.fingerprint,
        }
        return values, [(c.key, c.due, c.soon, c.provisional) for c in facts.clocks]


def _windowed(cases: Any, case: Case, policy: Policy) -> list[CaseSummary]:
    """The other cases received within the same-kind window (read from ledger rows)."""
    received = case.intake.received_at or case.created_at
    if received is None or not policy.escalation.same_kind_count:
        return []
    window = timedelta(days=policy.escalation.same_kind_window_days)
    by = policy.escalation.same_kind_by
    narrow: dict[str, Any] = {}
    if "category" in by:
        narrow["category"] = case.intake.category.value
    product = case.intake.product_number.strip().casefold()
    if "product_number" in by and product.isascii():  # SQL lower() equals casefold() here
        narrow["product_exact"] = product
    rows = cases.list(
        received_from=received - window,
        received_to=received + window + timedelta(seconds=1),
        **narrow,
    )
    return [_summary_of(row) for row in rows if row.number != case.number]


def refresh_ledger(
    uow: UnitOfWork,
    keeper: LedgerKeeper,
    *,
    now: datetime | None = None,
    everything: bool = False,
    batch: int = 200,
) -> int:
    """Recompute the ledger facts of every stale case (saved without a keeper or under
    another policy, or whose escalation changes with time by ``now``; ``everything``: of
    every case). Returns how many were recomputed.

    Memory is bounded whatever the size of the store: stale cases are taken ``batch`` at
    a time in receipt order (keyset pages), and escalation compares each with the cases
    received around it, read for each batch from the ledger columns of its receipt-time
    window only (one query on the receipt-time index)."""
    moment = aware_now(now)
    fingerprint = None if everything else keeper.fingerprint
    due = None if everything else moment
    window = timedelta(days=keeper.policy.escalation.same_kind_window_days)
    same_kind = bool(keeper.policy.escalation.same_kind_count)
    by = keeper.policy.escalation.same_kind_by
    done = 0
    after: tuple[datetime, str] | None = None
    # the cases around the pages, by kind: a case is compared only with those that can be
    # of its kind (same category and product where the rule asks for them). The pages come
    # in receipt order, so the window slides: each page reads only the cases that entered
    # it since the page before, and forgets those that left it.
    groups: dict[tuple[object, object], tuple[list[datetime], list[CaseSummary]]] = {}
    read_to: datetime | None = None  # the window holds every case received before this
    while True:
        keys = uow.cases.stale_ledger(fingerprint, after=after, limit=batch, review_due=due)
        if not keys:
            break
        after = keys[-1]
        if same_kind:
            start = keys[0][0] - window
            end = keys[-1][0] + window + timedelta(seconds=1)
            if read_to is None or end > read_to:
                rows = uow.cases.list(
                    received_from=start if read_to is None else max(start, read_to),
                    received_to=end,
                )
                for summary in sorted((_summary_of(row) for row in rows), key=_received):
                    times, members = groups.setdefault(_kind(summary, by), ([], []))
                    times.append(summary.received_at)
                    members.append(summary)
                read_to = end
            for times, members in groups.values():
                gone = bisect.bisect_left(times, start)
                del times[:gone], members[:gone]
        out = []
        for stored in uow.cases.load(numbers=[number for _, number in keys]):
            case = stored.case
            around: Callable[[], Sequence[CaseSummary]] = tuple
            if same_kind:
                around = _around(case, groups, by, window)
            out.append((case.number, *keeper.columns(case, moment, around)))
        uow.cases.write_ledger(out)
        done += len(keys)
    if done:
        uow.commit()
    return done


def _received(summary: CaseSummary) -> datetime:
    return summary.received_at


def _kind(summary: CaseSummary, by: frozenset[str]) -> tuple[object, object]:
    """What two cases of one kind share exactly (the rule's equality fields)."""
    return (
        summary.category if "category" in by else None,
        summary.product_number if "product_number" in by else None,
    )


def _around(
    case: Case,
    groups: dict[tuple[object, object], tuple[list[datetime], list[CaseSummary]]],
    by: frozenset[str],
    window: timedelta,
) -> Callable[[], Sequence[CaseSummary]]:
    """The other cases of the page's window that may be of the kind of ``case``, within
    one window of its receipt (read only when the same-kind rule can matter)."""

    def others() -> Sequence[CaseSummary]:
        try:
            this = CaseSummary.of(case)
        except ValueError:  # no receipt time: no window
            return ()
        times, members = groups.get(_kind(this, by), ((), ()))
        lo = bisect.bisect_left(times, this.received_at - window)
        hi = bisect.bisect_right(times, this.received_at + window)
        return [s for s in members[lo:hi] if s.number != case.number]

    return others


def ledger_page(uow: UnitOfWork, *, now: datetime | None = None, **query: Any) -> LedgerPage:
    """One page of the ledger (see :meth:`SqlCaseRepository.ledger` for the query)."""
    page: LedgerPage = uow.cases.ledger(now=aware_now(now), **query)
    return page


def overdue_from_ledger(
    uow: UnitOfWork, policy: Policy, *, now: datetime | None = None
) -> list[Attention]:
    """:func:`~eightd.services.workflow.needing_attention` from the ledger's clocks: open
    cases with a clock overdue or due soon, or a promised reply overdue, ordered by the
    earliest due time — one SQL query, no case decoded."""
    moment = aware_now(now)
    found: dict[str, tuple[str, list[Clock], int]] = {}
    deadlines: dict[tuple[str, str | None], Deadline | None] = {}
    for row in uow.cases.attention(moment):
        title, clocks, replies = found.get(row.number, (row.title, [], 0))
        if row.key.startswith(REPLY):
            if row.due_at < moment:
                replies += 1
        else:
            state = ClockState.OVERDUE if moment > row.due_at else ClockState.DUE_SOON
            which = (row.key, row.severity)
            if which not in deadlines:
                deadlines[which] = _deadline(policy, row.key, row.severity)
            deadline = deadlines[which]
            clocks.append(
                Clock(row.key, state, deadline, due=row.due_at, provisional=row.provisional)
            )
        found[row.number] = (title, clocks, replies)
    order = {key: i for i, key in enumerate([*Stage.__members__, CALLBACK])}
    result = [
        Attention(number, title, tuple(sorted(clocks, key=lambda c: order[c.key])), replies)
        for number, (title, clocks, replies) in found.items()
        if clocks or replies
    ]
    far = datetime.max.replace(tzinfo=UTC)
    return sorted(result, key=lambda a: min((c.due or far for c in a.clocks), default=far))


def _deadline(policy: Policy, key: str, severity: str | None) -> Deadline | None:
    """The deadline a clock ran on (for how its due time is shown: a day or a time)."""
    from eightd.domain import Severity

    if key == CALLBACK:
        from eightd.policy import Anchor

        return Deadline(policy.closure.callback_within, Anchor.RECEIVED)
    if key in Stage.__members__:
        grade = Severity(severity) if severity else None
        return policy.deadlines.for_stage(Stage(key), grade)
    return None

"""Grading (severity, priority) and escalation levels of a complaint, rules GR-1, GR-2, ES-1, ES-2.

The rules come from the policy: rule GR-1 for severity, rule GR-2 for priority,
rules ES-1, ES-2 for escalation levels. Severity is only *suggested*; the QE may override it
with a reason (the service records both).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from eightd.domain.enums import (
    ComplaintCategory,
    ContactDirection,
    DefectKind,
    Priority,
    Severity,
    Validity,
)
from eightd.domain.model import Case, Intake
from eightd.policy.model import MatchRule, Notice, Policy
from eightd.policy.pauses import paused_days

__all__ = [
    "CaseSummary",
    "Escalation",
    "Grade",
    "escalation",
    "escalation_changes_at",
    "escalation_outlook",
    "grade",
    "missed_promises",
    "overdue_replies",
    "same_kind_matters",
    "severity_in_force",
    "suggest_priority",
    "suggest_severity",
]


@dataclass(frozen=True)
class Grade:
    """The suggested grade, why, and the grade in force (the QE's, else the suggestion)."""

    suggested_severity: Severity | None
    severity_reasons: tuple[Notice, ...]
    priority: Priority
    priority_reasons: tuple[Notice, ...]
    severity: Severity | None
    overridden: bool


@dataclass(frozen=True)
class CaseSummary:
    """What escalation needs to know of another case (the store builds these)."""

    number: str
    customer: str
    received_at: datetime
    category: ComplaintCategory
    defect_kinds: frozenset[DefectKind] = frozenset()
    product_number: str = ""
    validity: Validity | None = None

    @classmethod
    def keyed(
        cls,
        *,
        number: str,
        customer_name: str,
        customer_code: str,
        product_number: str,
        received_at: datetime,
        category: ComplaintCategory,
        defect_kinds: Iterable[DefectKind],
        validity: Validity | None,
    ) -> CaseSummary:
        """A summary with customers keyed by code (else name) and products compared
        without case or surrounding blanks."""
        return cls(
            number=number,
            customer=(customer_code or customer_name).strip().casefold(),
            received_at=received_at,
            category=category,
            defect_kinds=frozenset(defect_kinds),
            product_number=product_number.strip().casefold(),
            validity=validity,
        )

    @classmethod
    def of(cls, case: Case) -> CaseSummary:
        intake = case.intake
        received = intake.received_at or case.created_at
        if received is None:
            raise ValueError(f"case {case.number} has no receipt time")
        return cls.keyed(
            number=case.number,
            customer_name=intake.customer_name,
            customer_code=intake.customer_code,
            product_number=intake.product_number,
            received_at=received,
            category=intake.category,
            defect_kinds=intake.defect_kinds,
            validity=case.validity,
        )


@dataclass(frozen=True)
class Escalation:
    """``level`` 1 (the higher) or 2, or None; every rule that fired, with its level."""

    level: int | None
    reasons: tuple[tuple[int, Notice], ...] = ()


# ---------------------------------------------------------------- severity and priority


def _matches(
    rule: MatchRule, intake: Intake, severity: Severity | None, validity: Validity | None
) -> list[Notice]:
    found = [
        Notice.of("grading.reason.defect_kind", kind=k.value)
        for k in intake.defect_kinds
        if k in rule.defect_kinds
    ]
    found += [
        Notice.of(f"grading.reason.flag.{flag}")
        for flag in sorted(rule.flags)
        if getattr(intake, flag)
    ]
    if severity is not None and severity in rule.severities:
        found.append(Notice.of("grading.reason.severity", severity=severity.value))
    if validity is not None and validity in rule.validity:
        found.append(Notice.of("grading.reason.validity", validity=validity.value))
    return found


def suggest_severity(case: Case, policy: Policy) -> tuple[Severity | None, tuple[Notice, ...]]:
    """Rule GR-1: the first grade (in the policy's order) whose rule matches."""
    for severity, rule in policy.grading.severity:
        reasons = _matches(rule, case.intake, None, None)
        if reasons:
            return severity, tuple(reasons)
    fallback = policy.grading.severity_fallback
    return fallback, ((Notice.of("grading.reason.fallback"),) if fallback else ())


def suggest_priority(
    case: Case, policy: Policy, severity: Severity | None = None
) -> tuple[Priority, tuple[Notice, ...]]:
    """Rule GR-2: the first priority (in the policy's order) whose rule matches."""
    for priority, rule in policy.grading.priority:
        reasons = _matches(rule, case.intake, severity, case.validity)
        if reasons:
            return priority, tuple(reasons)
    return policy.grading.priority_fallback, (Notice.of("grading.reason.fallback"),)


def severity_in_force(case: Case, policy: Policy) -> Severity | None:
    """The QE's grade, else the recorded suggestion, else the policy's suggestion now."""
    if case.grading.severity is not None:
        return case.grading.severity
    return case.grading.suggested_severity or suggest_severity(case, policy)[0]


def grade(case: Case, policy: Policy) -> Grade:
    suggested, severity_reasons = suggest_severity(case, policy)
    in_force = case.grading.severity or suggested
    priority, priority_reasons = suggest_priority(case, policy, in_force)
    if case.grading.priority is not None:  # the QE's recorded priority is the one in force
        priority, priority_reasons = case.grading.priority, ()
    overridden = case.grading.severity is not None and case.grading.severity != suggested
    return Grade(suggested, severity_reasons, priority, priority_reasons, in_force, overridden)


# ---------------------------------------------------------------- escalation


def escalation(
    case: Case, policy: Policy, *, now: datetime, others: Iterable[CaseSummary] = ()
) -> Escalation:
    """Rules ES-1, ES-2, detected from the case, the other cases and the time."""
    return _escalation_of(
        _fired_by_the_case(case, policy, now), _same_kind_fired(case, policy, others)
    )


def escalation_outlook(
    case: Case, policy: Policy, *, now: datetime, others: Iterable[CaseSummary] = ()
) -> tuple[Escalation, datetime | None]:
    """:func:`escalation` at ``now`` and :func:`escalation_changes_at`, the rules read
    once (what the ledger keeps of every case)."""
    fired = _fired_by_the_case(case, policy, now)
    same = _same_kind_fired(case, policy, others)
    return _escalation_of(fired, same), _next_change(case, policy, now, fired, same)


def _escalation_of(fired: list[tuple[int, Notice]], same: tuple[int, Notice] | None) -> Escalation:
    if same is not None:
        fired = [*fired, same]
    top = min(lv for lv, _ in fired) if fired else None
    return Escalation(top, tuple(sorted(fired, key=lambda item: item[0])))


def same_kind_matters(case: Case, policy: Policy, *, now: datetime) -> bool:
    """Whether the other cases can change the escalation level of ``case``, at ``now`` or
    later with time alone. The same-kind rule (ES-2) escalates to level 2; once a rule on
    the case itself fires (level 2 or 1) it keeps firing as time passes, so they cannot."""
    return bool(policy.escalation.same_kind_count) and not _fired_by_the_case(case, policy, now)


def _same_kind_fired(
    case: Case, policy: Policy, others: Iterable[CaseSummary]
) -> tuple[int, Notice] | None:
    rules = policy.escalation
    if not rules.same_kind_count:
        return None
    same = _same_kind_customers(case, policy, others)
    if len(same) < rules.same_kind_count:
        return None
    return 2, Notice.of("escalation.same_kind", count=len(same), days=rules.same_kind_window_days)


def _fired_by_the_case(case: Case, policy: Policy, now: datetime) -> list[tuple[int, Notice]]:
    """The escalation rules the case alone fires (flags, departments, days unresolved,
    missed promises), with their levels."""
    rules = policy.escalation
    intake = case.intake
    fired: list[tuple[int, Notice]] = []
    for level, flags in ((1, rules.level1_flags), (2, rules.level2_flags)):
        fired += [
            (level, Notice.of(f"escalation.flag.{f}")) for f in sorted(flags) if getattr(intake, f)
        ]
    departments = len({d.strip().casefold() for d in intake.departments if d.strip()})
    for level, minimum in ((1, rules.level1_departments), (2, rules.level2_departments)):
        if minimum and departments >= minimum:
            fired.append(
                (level, Notice.of("escalation.departments", count=departments, minimum=minimum))
            )
            break
    open_days = _unresolved_days(case, policy, now)
    for level, limit in ((1, rules.level1_unresolved_days), (2, rules.level2_unresolved_days)):
        if limit and open_days is not None and open_days >= limit:
            fired.append((level, Notice.of("escalation.unresolved", days=open_days, limit=limit)))
            break
    missed = len(missed_promises(case, now=now))
    if rules.level2_missed_promises and missed >= rules.level2_missed_promises:
        fired.append((2, Notice.of("escalation.missed_promises", count=missed)))
    return fired


def escalation_changes_at(
    case: Case,
    policy: Policy,
    *,
    now: datetime,
    others: Iterable[CaseSummary] = (),
) -> datetime | None:
    """The first moment after ``now`` at which the escalation level of ``case`` changes
    with time alone (rules ES-1, ES-2: days unresolved, missed promised replies), the case
    and ``others`` unchanged; None if time alone never changes it.

    Between saves the rules that fire only grow with time (days open only increase, a
    missed promise stays missed), so the level changes at most twice: it is found by
    bisection over the moments it can change at (midnights in the policy's zone, the
    moment after each promised reply falls due)."""
    return _next_change(
        case,
        policy,
        now,
        _fired_by_the_case(case, policy, now),
        _same_kind_fired(case, policy, others),
    )


def _next_change(
    case: Case,
    policy: Policy,
    now: datetime,
    fired_now: list[tuple[int, Notice]],
    same: tuple[int, Notice] | None,
) -> datetime | None:
    if case.is_closed:
        return None
    rules = policy.escalation
    # the other cases do not change with time: the same-kind rule is decided once
    static = [same[0]] if same is not None else []

    def level(moment: datetime) -> int | None:
        levels = static + [lv for lv, _ in _fired_by_the_case(case, policy, moment)]
        return min(levels) if levels else None

    current_level = min(static + [lv for lv, _ in fired_now], default=None)
    candidates: set[datetime] = set()
    limits = [d for d in (rules.level1_unresolved_days, rules.level2_unresolved_days) if d]
    if limits:
        today = now.astimezone(policy.tz).date()
        candidates.update(
            datetime.combine(today + timedelta(days=i), time(0), policy.tz)
            for i in range(1, max(limits) + 2)
        )
    if rules.level2_missed_promises:
        candidates.update(
            c.next_reply_due + timedelta(microseconds=1)
            for c in case.contacts
            if c.next_reply_due is not None and c.next_reply_due >= now
        )
    ordered = sorted(candidates)
    lo, hi = 0, len(ordered)
    while lo < hi:
        mid = (lo + hi) // 2
        if level(ordered[mid]) != current_level:
            hi = mid
        else:
            lo = mid + 1
    return ordered[lo] if lo < len(ordered) else None


def _unresolved_days(case: Case, policy: Policy, now: datetime) -> int | None:
    """Calendar days open, not counting days waiting for the customer or a test (our reasons
    only, rules ES-1, ES-2)."""
    received = case.intake.received_at or case.created_at
    if received is None or case.is_closed:
        return None
    tz = policy.tz
    start, today = received.astimezone(tz).date(), now.astimezone(tz).date()
    skip = paused_days(case, policy, today=today)
    return sum(
        1 for i in range(1, (today - start).days + 1) if start + timedelta(days=i) not in skip
    )


def missed_promises(case: Case, *, now: datetime) -> list[int]:
    """Indexes of contacts whose promised reply is due and was never followed by our
    outbound contact (docs/RULES.md: call at the agreed time even without an answer)."""
    missed = []
    for i, contact in enumerate(case.contacts):
        due = contact.next_reply_due
        if due is None or contact.at is None or due >= now:
            continue
        replied = any(
            c.direction is ContactDirection.OUTBOUND
            and c.at is not None
            and contact.at < c.at <= due
            for c in case.contacts
        )
        if not replied:
            missed.append(i)
    return missed


def overdue_replies(case: Case, *, now: datetime) -> list[int]:
    """Indexes of contacts whose promised reply is due and not logged at all since."""
    overdue = []
    for i, contact in enumerate(case.contacts):
        due = contact.next_reply_due
        if due is None or contact.at is None or due >= now:
            continue
        if not any(
            c.direction is ContactDirection.OUTBOUND and c.at is not None and c.at > contact.at
            for c in case.contacts
        ):
            overdue.append(i)
    return overdue


def _same_kind(a: CaseSummary, b: CaseSummary, by: frozenset[str]) -> bool:
    if "category" in by and a.category is not b.category:
        return False
    if "product_number" in by and a.product_number != b.product_number:
        return False
    return not ("defect_kind" in by and not a.defect_kinds & b.defect_kinds)


def _same_kind_customers(case: Case, policy: Policy, others: Iterable[CaseSummary]) -> set[str]:
    """The largest set of distinct customers with same-kind complaints received within one
    window of ``same_kind_window_days`` that includes this case."""
    rules = policy.escalation
    try:
        this = CaseSummary.of(case)
    except ValueError:
        return set()
    if this.validity in rules.same_kind_ignores:
        return set()
    window = timedelta(days=rules.same_kind_window_days)
    similar = [
        o
        for o in others
        if o.number != this.number
        and o.validity not in rules.same_kind_ignores
        and abs(o.received_at - this.received_at) <= window
        and _same_kind(this, o, rules.same_kind_by)
    ]
    best: set[str] = set()
    # every window containing this case can start at this case or at an earlier one
    starts = {
        this.received_at,
        *(o.received_at for o in similar if o.received_at <= this.received_at),
    }
    for start in sorted(starts):
        if this.received_at > start + window:
            continue
        customers = {this.customer} | {
            o.customer for o in similar if start <= o.received_at <= start + window
        }
        if len(customers) > len(best):
            best = customers
    return best

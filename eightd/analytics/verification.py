"""Data-driven verification of corrective actions (D6) and the 30/60/90-day rechecks.

A verification may record defect counts before and after the action:

* by lot: defects among the units inspected. The two proportions are compared with
  Fisher's exact test (one-sided: the defect rate fell), valid for the small defect counts
  quality works with;
* by period: defects per units produced (or hours run) over a period. The two Poisson
  rates are compared with the exact conditional test: given all k = k1 + k2 defects, k1
  follows a binomial (k, n1 / (n1 + n2)) distribution if the rate did not change.

The action passes when the fall is significant at the policy's ``verification_alpha`` and at
least the reduction its D5 actions required (``success_reduction_percent``). Both tests come
from SciPy; the numbers, the test and the verdict are shown together.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa

from eightd.domain import Case, Verification, VerificationBasis
from eightd.policy import Policy

__all__ = ["DueCheck", "Effect", "due_checks", "effect_of", "effects"]

FISHER = "fisher_exact"
POISSON = "poisson_conditional"


@dataclass(frozen=True)
class Effect:
    """The before/after statistics of one verification."""

    verification_id: str
    basis: str
    before_defects: int
    before_units: int
    after_defects: int
    after_units: int
    before_rate: float  # defects per unit
    after_rate: float
    reduction_percent: float  # relative fall of the rate; negative when it rose
    required_reduction: float | None  # set at D5 (the largest of the actions verified)
    test: str  # FISHER or POISSON
    p_value: float
    alpha: float
    significant: bool
    passed: bool


def _required(case: Case, verification: Verification) -> float | None:
    wanted = [
        a.success_reduction_percent
        for a in case.actions
        if a.id in verification.action_ids and a.success_reduction_percent is not None
    ]
    return max(wanted) if wanted else None


def effect_of(case: Case, verification: Verification, policy: Policy) -> Effect | None:
    """The effect of the action(s) ``verification`` checks, or None without counts."""
    counts = (
        verification.before_defects,
        verification.before_units,
        verification.after_defects,
        verification.after_units,
    )
    if verification.basis is None or any(c is None for c in counts):
        return None
    k1, n1, k2, n2 = (int(c) for c in counts)  # type: ignore[arg-type]
    from scipy import stats

    if verification.basis is VerificationBasis.LOT:
        table = [[k1, n1 - k1], [k2, n2 - k2]]
        p_value = float(stats.fisher_exact(table, alternative="greater").pvalue)
        test = FISHER
    else:
        total = k1 + k2
        p_value = (
            1.0
            if total == 0
            else float(stats.binomtest(k1, total, n1 / (n1 + n2), alternative="greater").pvalue)
        )
        test = POISSON
    before, after = k1 / n1, k2 / n2
    reduction = 100.0 * (before - after) / before if before else (0.0 if not after else -100.0)
    alpha = policy.analytics.verification_alpha
    required = _required(case, verification)
    significant = p_value < alpha and after < before
    passed = significant and (required is None or reduction >= required)
    return Effect(
        verification_id=verification.id,
        basis=verification.basis.value,
        before_defects=k1,
        before_units=n1,
        after_defects=k2,
        after_units=n2,
        before_rate=before,
        after_rate=after,
        reduction_percent=round(reduction, 2),
        required_reduction=required,
        test=test,
        p_value=p_value,
        alpha=alpha,
        significant=significant,
        passed=passed,
    )


def effects(case: Case, policy: Policy) -> list[Effect]:
    """The effect of every verification of ``case`` that records counts."""
    found = (effect_of(case, v, policy) for v in case.verifications)
    return [e for e in found if e is not None]


@dataclass(frozen=True)
class DueCheck:
    """A 30/60/90-day effectiveness check of a verification: due on ``due``; ``done_by``
    is the later verification of the same actions that covers it, if any."""

    number: str
    verification_id: str
    days: int
    due: date
    done_by: str | None
    effect: Effect | None  # of done_by (or of the original while not done)


def due_checks(uow: Any, policy: Policy, *, today: date) -> list[DueCheck]:
    """Every effectiveness check due by ``today`` of the cases with a data-driven
    verification, done or not (only cases whose verifications hold counts are loaded)."""
    from eightd.store.tables import cases

    conn: sa.Connection = uow.connection
    # the document column is JSON on SQLite and JSONB on PostgreSQL: a text search for
    # the key narrows the cases to load without decoding every document
    text = sa.cast(cases.c.document, sa.Text)
    counted = sa.or_(text.like('%"basis": "lot"%'), text.like('%"basis": "period"%'))
    query = sa.select(cases.c.number).where(counted).order_by(cases.c.number)
    numbers = list(conn.execute(query).scalars())
    out: list[DueCheck] = []
    for stored in uow.cases.load(numbers=numbers) if numbers else []:
        out += _checks_of(stored.case, policy, today)
    return out


def _checks_of(case: Case, policy: Policy, today: date) -> list[DueCheck]:
    out = []
    counted = [v for v in case.verifications if v.basis is not None and v.verified_on]
    for first in counted:
        assert first.verified_on is not None
        for days in policy.analytics.effectiveness_check_days:
            due = first.verified_on + timedelta(days=days)
            if due > today:
                continue
            later = [
                v
                for v in counted
                if v is not first
                and v.verified_on is not None
                and v.verified_on >= due
                and set(v.action_ids) & set(first.action_ids)
            ]
            done = min(later, key=lambda v: v.verified_on or due) if later else None
            out.append(
                DueCheck(
                    number=case.number,
                    verification_id=first.id,
                    days=days,
                    due=due,
                    done_by=done.id if done else None,
                    effect=effect_of(case, done or first, policy),
                )
            )
    return out

"""D6 statistics against values computed by hand."""

from __future__ import annotations

import dataclasses
from datetime import date
from math import comb

import pytest

from eightd.analytics.verification import FISHER, POISSON, _checks_of, effect_of
from eightd.domain import Case, CorrectiveAction, Verification, VerificationBasis
from eightd.errors import ValidationError
from eightd.policy import load_policy

POLICY = load_policy()


def case_with(*verifications: Verification, required: float | None = None) -> Case:
    return Case(
        number="202611-0001",
        title="t",
        actions=[CorrectiveAction(id="A1", text="new fixture", success_reduction_percent=required)],
        verifications=list(verifications),
    )


def counted(
    basis: VerificationBasis, k1: int, n1: int, k2: int, n2: int, **more: object
) -> Verification:
    values: dict[str, object] = {
        "id": "V1",
        "action_ids": ["A1"],
        "verified_on": date(2026, 9, 1),
        "basis": basis,
        "before_defects": k1,
        "before_units": n1,
        "after_defects": k2,
        "after_units": n2,
    }
    values.update(more)
    return Verification(**values)  # type: ignore[arg-type]


def test_lot_counts_use_fishers_exact_test_as_computed_by_hand() -> None:
    v = counted(VerificationBasis.LOT, 10, 1000, 1, 1000)
    effect = effect_of(case_with(v), v, POLICY)
    assert effect is not None and effect.test == FISHER
    # one-sided: P(X >= 10), X ~ hypergeometric(2000 units, 11 defects, 1000 drawn before)
    by_hand = sum(comb(11, x) * comb(1989, 1000 - x) for x in (10, 11)) / comb(2000, 1000)
    assert effect.p_value == pytest.approx(by_hand, rel=1e-9)
    assert effect.p_value == pytest.approx(0.005752, abs=1e-6)
    assert effect.reduction_percent == 90.0
    assert effect.significant and effect.passed


def test_period_counts_use_the_exact_conditional_poisson_test_as_computed_by_hand() -> None:
    v = counted(VerificationBasis.PERIOD, 20, 10000, 5, 10000)
    effect = effect_of(case_with(v), v, POLICY)
    assert effect is not None and effect.test == POISSON
    # given 25 defects, before-count ~ binomial(25, 1/2) if the rate did not change
    by_hand = sum(comb(25, x) for x in range(20, 26)) / 2**25
    assert effect.p_value == pytest.approx(by_hand, rel=1e-9)  # 0.002039
    assert effect.reduction_percent == 75.0
    assert effect.passed


def test_unequal_exposure_shifts_the_binomial_share() -> None:
    v = counted(VerificationBasis.PERIOD, 6, 1000, 1, 3000)
    effect = effect_of(case_with(v), v, POLICY)
    assert effect is not None
    share = 1000 / 4000
    by_hand = sum(comb(7, x) * share**x * (1 - share) ** (7 - x) for x in range(6, 8))
    assert effect.p_value == pytest.approx(by_hand, rel=1e-9)


def test_a_significant_fall_short_of_the_d5_criterion_fails() -> None:
    v = counted(VerificationBasis.PERIOD, 20, 10000, 5, 10000)
    effect = effect_of(case_with(v, required=80.0), v, POLICY)
    assert effect is not None
    assert effect.significant and effect.required_reduction == 80.0
    assert not effect.passed  # 75 % < 80 %


def test_too_few_defects_to_show_an_effect_fail_and_a_rise_fails() -> None:
    small = counted(VerificationBasis.LOT, 2, 500, 0, 500)
    effect = effect_of(case_with(small), small, POLICY)
    assert effect is not None
    assert effect.p_value == pytest.approx(0.25, abs=1e-3)  # C(2,2)C(998,498)/C(1000,500)
    assert not effect.passed
    worse = counted(VerificationBasis.LOT, 1, 1000, 9, 1000)
    effect = effect_of(case_with(worse), worse, POLICY)
    assert effect is not None and effect.reduction_percent == -800.0 and not effect.passed


def test_the_policy_sets_alpha() -> None:
    strict = dataclasses.replace(
        POLICY, analytics=dataclasses.replace(POLICY.analytics, verification_alpha=0.001)
    )
    v = counted(VerificationBasis.LOT, 10, 1000, 1, 1000)
    effect = effect_of(case_with(v), v, strict)
    assert effect is not None and effect.alpha == 0.001 and not effect.passed


def test_counts_need_all_four_numbers_and_a_basis() -> None:
    partial = Verification(id="V1", verified_on=date(2026, 9, 1), before_defects=3)
    with pytest.raises(ValidationError) as caught:
        partial.check("verifications[0]")
    assert caught.value.field == "verifications[0].before_units"
    lot = counted(VerificationBasis.LOT, 5, 4, 0, 10)
    with pytest.raises(ValidationError) as caught:
        lot.check("verifications[0]")
    assert caught.value.field == "verifications[0].before_defects"
    assert effect_of(case_with(), Verification(id="V9"), POLICY) is None


def test_30_60_90_day_checks_are_due_and_done_by_a_later_verification() -> None:
    first = counted(VerificationBasis.LOT, 10, 1000, 1, 1000)
    later = counted(
        VerificationBasis.LOT, 10, 1000, 0, 1200, id="V2", verified_on=date(2026, 10, 5)
    )
    checks = _checks_of(case_with(first, later), POLICY, date(2026, 11, 15))
    summary = [
        (c.verification_id, c.days, c.due, c.done_by) for c in checks if c.verification_id == "V1"
    ]
    assert summary == [
        ("V1", 30, date(2026, 10, 1), "V2"),
        ("V1", 60, date(2026, 10, 31), None),
    ]
    assert checks[0].effect is not None and checks[0].effect.verification_id == "V2"

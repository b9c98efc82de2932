"""Grading and escalation, rules GR-1, GR-2, ES-1, ES-2."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from eightd.domain import (
    CaseStatus,
    Closure,
    ClosureKind,
    ComplaintCategory,
    DefectKind,
    Pause,
    PauseReason,
    Priority,
    Severity,
    Validity,
)
from eightd.policy import (
    CaseSummary,
    escalation,
    grade,
    load_policy,
    suggest_priority,
    suggest_severity,
)
from tests.unit._policy_support import POLICY, at, make_case, outbound

# ---------------------------------------------------------------- severity, rule GR-1


@pytest.mark.parametrize("kind", [DefectKind.FUNCTIONAL, DefectKind.ASSEMBLY])
def test_functional_or_assembly_defect_is_serious(kind: DefectKind) -> None:
    assert suggest_severity(make_case(defect_kinds=[kind]), POLICY)[0] is Severity.SERIOUS


@pytest.mark.parametrize("flag", ["line_stop", "corrective_action_demanded", "recurrence"])
def test_line_stop_corrective_action_demand_or_recurrence_is_serious(flag: str) -> None:
    case = make_case(defect_kinds=[DefectKind.COSMETIC], **{flag: True})
    severity, reasons = suggest_severity(case, POLICY)
    assert severity is Severity.SERIOUS
    assert [r.code for r in reasons] == [f"grading.reason.flag.{flag}"]


def test_cosmetic_defect_is_general() -> None:
    assert suggest_severity(make_case(defect_kinds=[DefectKind.COSMETIC]), POLICY)[0] is (
        Severity.GENERAL
    )


@pytest.mark.parametrize("kind", [DefectKind.QUANTITY, DefectKind.PACKAGING, DefectKind.LABELLING])
def test_quantity_packaging_or_labelling_problem_is_incidental(kind: DefectKind) -> None:
    assert suggest_severity(make_case(defect_kinds=[kind]), POLICY)[0] is Severity.INCIDENTAL


def test_the_most_severe_matching_grade_wins() -> None:
    case = make_case(defect_kinds=[DefectKind.PACKAGING, DefectKind.COSMETIC, DefectKind.ASSEMBLY])
    assert suggest_severity(case, POLICY)[0] is Severity.SERIOUS


def test_complaint_matching_no_rule_gets_the_policy_fallback() -> None:
    severity, reasons = suggest_severity(make_case(defect_kinds=[DefectKind.SERVICE]), POLICY)
    assert severity is Severity.GENERAL
    assert [r.code for r in reasons] == ["grading.reason.fallback"]


def test_qe_override_is_in_force_and_marked_as_override() -> None:
    case = make_case(defect_kinds=[DefectKind.COSMETIC])
    case.grading.severity = Severity.SERIOUS
    case.grading.override_reason = "key account, audit pending"
    result = grade(case, POLICY)
    assert result.suggested_severity is Severity.GENERAL
    assert result.severity is Severity.SERIOUS
    assert result.overridden


# ---------------------------------------------------------------- priority, rule GR-2


def test_safety_defect_is_high_priority() -> None:
    assert suggest_priority(make_case(defect_kinds=[DefectKind.SAFETY]), POLICY)[0] is (
        Priority.HIGH
    )


def test_injury_is_high_priority() -> None:
    assert suggest_priority(make_case(injury=True), POLICY)[0] is Priority.HIGH


def test_customer_request_is_low_priority() -> None:
    case = make_case()
    case.validity = Validity.CUSTOMER_REQUEST
    assert suggest_priority(case, POLICY)[0] is Priority.LOW


def test_slight_defect_is_medium_priority() -> None:
    assert suggest_priority(make_case(defect_kinds=[DefectKind.COSMETIC]), POLICY)[0] is (
        Priority.MEDIUM
    )


# ---------------------------------------------------------------- escalation level 1


@pytest.mark.parametrize("flag", ["injury", "media_or_lawsuit", "major_economic_loss"])
def test_any_injury_media_exposure_or_major_loss_escalates_to_level_1(flag: str) -> None:
    result = escalation(make_case(**{flag: True}), POLICY, now=at(2025, 9, 30, 11))
    assert result.level == 1
    assert [n.code for _, n in result.reasons] == [f"escalation.flag.{flag}"]


def test_complaint_spanning_three_departments_escalates_to_level_1() -> None:
    case = make_case(departments=["品保部", "生产部", "工程部"])
    assert escalation(case, POLICY, now=at(2025, 9, 30, 11)).level == 1


def test_complaint_unresolved_a_month_after_intake_escalates_to_level_1() -> None:
    case = make_case(received=at(2025, 9, 1, 10))
    assert escalation(case, POLICY, now=at(2025, 10, 1, 10)).level == 1


# ---------------------------------------------------------------- escalation level 2


def test_complaint_spanning_two_departments_escalates_to_level_2() -> None:
    case = make_case(departments=["品保部", "生产部"])
    assert escalation(case, POLICY, now=at(2025, 9, 30, 11)).level == 2


def test_unauthorised_promise_by_staff_escalates_to_level_2() -> None:
    result = escalation(make_case(unauthorised_promise=True), POLICY, now=at(2025, 9, 30, 11))
    assert result.level == 2


def test_unresolved_after_half_a_month_for_internal_reasons_escalates_to_level_2() -> None:
    case = make_case(received=at(2025, 9, 22, 10))
    assert escalation(case, POLICY, now=at(2025, 10, 6, 10)).level is None  # 14 days
    result = escalation(case, POLICY, now=at(2025, 10, 7, 10))  # 15 days, over the holiday
    assert result.level == 2
    assert dict(result.reasons[0][1].params) == {"days": 15, "limit": 15}


def test_days_waiting_for_the_customer_do_not_count_as_unresolved_for_our_reasons() -> None:
    case = make_case(received=at(2025, 9, 22, 10))
    case.pauses.append(Pause(PauseReason.WAITING_CUSTOMER, date(2025, 9, 25), date(2025, 9, 29)))
    assert escalation(case, POLICY, now=at(2025, 10, 7, 10)).level is None


def test_closed_case_is_not_unresolved() -> None:
    case = make_case(received=at(2025, 9, 1, 10))
    case.status = CaseStatus.CLOSED
    case.closure = Closure(ClosureKind.NORMAL, at(2025, 9, 5))
    assert escalation(case, POLICY, now=at(2025, 10, 20)).level is None


def test_repeatedly_missed_promised_replies_escalate_to_level_2() -> None:
    case = make_case(received=at(2025, 9, 22, 10))
    outbound(case, at(2025, 9, 22, 15), due=at(2025, 9, 24, 17))
    outbound(case, at(2025, 9, 26, 9), due=at(2025, 9, 29, 17))  # late reply, promises again
    assert escalation(case, POLICY, now=at(2025, 9, 30, 9)).level == 2


def _summary(number: str, customer: str, day: int, **kw: object) -> CaseSummary:
    values: dict[str, object] = {
        "category": ComplaintCategory.PRODUCT_QUALITY,
        "defect_kinds": frozenset({DefectKind.FUNCTIONAL}),
        "product_number": "pcb-7731",
    }
    values.update(kw)
    return CaseSummary(number, customer, at(2025, 9, day, 10), **values)  # type: ignore[arg-type]


def test_three_same_kind_complaints_from_different_customers_in_a_month_escalate_to_level_2() -> (
    None
):
    case = make_case(
        "202509-0030", received=at(2025, 9, 30, 10), defect_kinds=[DefectKind.FUNCTIONAL]
    )
    others = [_summary("202509-0003", "acme", 3), _summary("202509-0012", "bolt", 12)]
    result = escalation(case, POLICY, now=at(2025, 9, 30, 11), others=others)
    assert result.level == 2
    assert result.reasons[0][1].code == "escalation.same_kind"


def test_the_ledger_reads_the_cases_around_one_only_when_the_same_kind_rule_can_escalate_it() -> (
    None
):
    from eightd.policy.ledger import ledger_facts

    case = make_case(
        "202509-0030", received=at(2025, 9, 30, 10), defect_kinds=[DefectKind.FUNCTIONAL]
    )
    others = [_summary("202509-0003", "acme", 3), _summary("202509-0012", "bolt", 12)]
    asked: list[int] = []

    def around() -> list[CaseSummary]:
        asked.append(1)
        return others

    now = at(2025, 9, 30, 11)
    # no rule on the case itself fires: the same-kind rule decides the level (2)
    facts = ledger_facts(case, POLICY, now=now, others=around)
    assert facts.escalation_level == 2 == escalation(case, POLICY, now=now, others=others).level
    assert facts == ledger_facts(case, POLICY, now=now, others=others)
    assert asked == [1]
    # three departments escalate it to level 1 whatever the cases around it: none is read
    case.intake.departments = ["品保部", "生产部", "工程部"]
    facts = ledger_facts(case, POLICY, now=now, others=around)
    assert facts.escalation_level == 1 == escalation(case, POLICY, now=now, others=others).level
    assert facts == ledger_facts(case, POLICY, now=now, others=others)
    assert asked == [1]


def test_later_same_kind_complaints_escalate_the_first_one_too() -> None:
    case = make_case(
        "202509-0001", received=at(2025, 9, 1, 10), defect_kinds=[DefectKind.FUNCTIONAL]
    )
    others = [_summary("202509-0020", "acme", 20), _summary("202509-0029", "bolt", 29)]
    assert escalation(case, POLICY, now=at(2025, 9, 30, 11), others=others).level == 2


def test_same_kind_complaints_from_one_customer_do_not_escalate() -> None:
    case = make_case(
        "202509-0030", received=at(2025, 9, 30, 10), defect_kinds=[DefectKind.FUNCTIONAL]
    )
    same = case.intake.customer_code.casefold()
    others = [_summary("202509-0003", same, 3), _summary("202509-0012", same, 12)]
    assert escalation(case, POLICY, now=at(2025, 9, 30, 11), others=others).level is None


def test_same_kind_complaints_spread_over_more_than_a_month_do_not_escalate() -> None:
    case = make_case(
        "202509-0030", received=at(2025, 9, 30, 10), defect_kinds=[DefectKind.FUNCTIONAL]
    )
    others = [
        CaseSummary(
            "202508-0020",
            "acme",
            at(2025, 8, 20, 10),
            ComplaintCategory.PRODUCT_QUALITY,
            frozenset({DefectKind.FUNCTIONAL}),
            "pcb-7731",
        ),
        _summary("202509-0012", "bolt", 12),
    ]
    assert escalation(case, POLICY, now=at(2025, 9, 30, 11), others=others).level is None


def test_complaints_of_another_kind_do_not_count() -> None:
    case = make_case(
        "202509-0030", received=at(2025, 9, 30, 10), defect_kinds=[DefectKind.FUNCTIONAL]
    )
    others = [
        _summary("202509-0003", "acme", 3, defect_kinds=frozenset({DefectKind.COSMETIC})),
        _summary("202509-0012", "bolt", 12),
    ]
    assert escalation(case, POLICY, now=at(2025, 9, 30, 11), others=others).level is None


def test_complaints_about_another_product_do_not_count() -> None:
    case = make_case(
        "202509-0030", received=at(2025, 9, 30, 10), defect_kinds=[DefectKind.FUNCTIONAL]
    )
    others = [
        _summary("202509-0003", "acme", 3, product_number="pcb-9000"),
        _summary("202509-0012", "bolt", 12),
    ]
    assert escalation(case, POLICY, now=at(2025, 9, 30, 11), others=others).level is None


def test_company_can_count_same_kind_across_products(tmp_path: Path) -> None:
    (tmp_path / "p.toml").write_text(
        '[escalation]\nsame_kind_by = ["defect_kind"]\n', encoding="utf-8"
    )
    policy = load_policy(tmp_path / "p.toml")
    case = make_case(
        "202509-0030", received=at(2025, 9, 30, 10), defect_kinds=[DefectKind.FUNCTIONAL]
    )
    others = [
        _summary("202509-0003", "acme", 3, product_number="pcb-9000",
                 category=ComplaintCategory.EQUIPMENT),
        _summary("202509-0012", "bolt", 12),
    ]  # fmt: skip
    assert escalation(case, policy, now=at(2025, 9, 30, 11), others=others).level == 2


def test_complaints_found_not_ours_do_not_count_as_same_kind() -> None:
    case = make_case(
        "202509-0030", received=at(2025, 9, 30, 10), defect_kinds=[DefectKind.FUNCTIONAL]
    )
    others = [
        _summary("202509-0003", "acme", 3, validity=Validity.NOT_OURS),
        _summary("202509-0012", "bolt", 12),
    ]
    assert escalation(case, POLICY, now=at(2025, 9, 30, 11), others=others).level is None


def test_level_1_wins_when_rules_of_both_levels_fire() -> None:
    case = make_case(injury=True, unauthorised_promise=True)
    result = escalation(case, POLICY, now=at(2025, 9, 30, 11))
    assert result.level == 1
    assert [lv for lv, _ in result.reasons] == [1, 2]


def test_summary_of_a_case_keys_customers_by_code() -> None:
    case = make_case(customer_code="HX01", customer_name="Huaxin")
    summary = CaseSummary.of(case)
    assert summary.customer == "hx01"
    assert summary.received_at - case.intake.received_at == timedelta(0)  # type: ignore[operator]


@pytest.mark.parametrize("today", [date(2026, 11, 20), date(2027, 2, 5)])
def test_the_moment_the_escalation_changes_with_time_matches_hour_by_hour(today: date) -> None:
    """ES-1, ES-2: for every open demo case, the first hour at which the level differs
    (checked hour by hour over 40 days) is the moment escalation_changes_at names."""
    from datetime import datetime

    from eightd.demo import demo_cases
    from eightd.policy.grading import escalation, escalation_changes_at, escalation_outlook

    cases = [c for c in demo_cases(today) if not c.is_closed]
    assert cases
    now = datetime(today.year, today.month, today.day, 10, tzinfo=POLICY.tz)
    changing = 0
    for case in cases:
        level = escalation(case, POLICY, now=now).level
        changes = escalation_changes_at(case, POLICY, now=now)
        first = None
        for hour in range(1, 40 * 24):
            moment = now + timedelta(hours=hour)
            if escalation(case, POLICY, now=moment).level != level:
                first = moment
                break
        if first is None:
            assert changes is None or changes > now + timedelta(days=39), case.number
        else:
            assert changes is not None, case.number
            # the change happens at `changes`, which lies within the hour before `first`
            assert first - timedelta(hours=1) < changes <= first, (case.number, changes, first)
            assert escalation(case, POLICY, now=changes).level != level
            changing += 1
        # what the ledger keeps: both answers from one reading of the rules
        same_kind = [CaseSummary.of(c) for c in cases]
        assert escalation_outlook(case, POLICY, now=now, others=same_kind) == (
            escalation(case, POLICY, now=now, others=same_kind),
            escalation_changes_at(case, POLICY, now=now, others=same_kind),
        )
    assert changing >= 2  # the demo has cases that escalate as they stay open

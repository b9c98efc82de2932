"""Deadline rules DL-1 … DL-6 and CL-5 (docs/RULES.md) on dates that cross the 2026
National Day break (Thu 1 – Wed 7 Oct 2026; Sat 10 Oct 2026 is a make-up working day)."""

from __future__ import annotations

from datetime import date

import pytest

from eightd.domain import (
    ComplaintCategory,
    DefectKind,
    Pause,
    PauseReason,
    Stage,
    Validity,
)
from eightd.policy import ClockState, paused_days, schedule
from tests.unit._policy_support import POLICY, at, end_of, entered, make_case

RECEIVED = at(2026, 9, 30, 10)  # Wednesday before the National Day break
NOW = at(2026, 9, 30, 11)

GRADES = {
    "serious": [DefectKind.FUNCTIONAL],
    "general": [DefectKind.COSMETIC],
    "incidental": [DefectKind.PACKAGING],
}


@pytest.mark.parametrize("grade", sorted(GRADES))
def test_dl6_every_grade_has_the_serious_limits_across_national_day_2026(grade: str) -> None:
    case = make_case("202609-0001", received=RECEIVED, defect_kinds=GRADES[grade])
    result = schedule(case, POLICY, now=NOW)
    # DL-1: 2 working days: Thu 8 Oct, Fri 9 Oct after the break
    assert result.clock(Stage.D0).due == end_of(date(2026, 10, 9))
    # DL-2: containment within 24 h, holiday or not
    assert result.clock(Stage.D3).due == at(2026, 10, 1, 10)
    # DL-4: the whole case within one week
    assert result.clock(Stage.D8).due == at(2026, 10, 7, 10)


def test_cl5_serious_service_complaint_keeps_the_8d_deadline() -> None:
    case = make_case(
        "202609-0002",
        received=RECEIVED,
        category=ComplaintCategory.SERVICE,
        defect_kinds=[DefectKind.FUNCTIONAL],
    )
    case.validity = Validity.FOUNDED
    # not the service desk's 2 working days (9 Oct): one week
    assert schedule(case, POLICY, now=NOW).clock(Stage.D8).due == at(2026, 10, 7, 10)


def test_cl5_closure_limit_never_shortens_an_8d_with_a_topic() -> None:
    case = make_case("202609-0003", received=RECEIVED, topic="engineer_service")
    result = schedule(case, POLICY, now=NOW)
    assert result.clock(Stage.D8).due == at(2026, 10, 7, 10)
    assert result.warnings == ()


def test_cl5_service_request_without_8d_closes_within_two_working_days() -> None:
    case = make_case("202609-0004", received=RECEIVED, category=ComplaintCategory.SERVICE)
    case.validity = Validity.CUSTOMER_REQUEST
    assert schedule(case, POLICY, now=NOW).clock(Stage.D8).due == end_of(date(2026, 10, 9))


def test_dl5_agreed_test_stops_the_analysis_clock_only() -> None:
    case = make_case("202609-0005", received=RECEIVED)
    case.pauses.append(Pause(PauseReason.AGREED_TEST, date(2026, 10, 8), date(2026, 10, 9), "t"))
    result = schedule(case, POLICY, now=at(2026, 10, 12, 9))
    # the first response and the containment run on
    assert result.clock(Stage.D0).due == end_of(date(2026, 10, 9))
    assert result.clock(Stage.D3).due == at(2026, 10, 1, 10)
    # 7 working days from 30 Sep: 8, 9, Sat 10, 12, 13, 14, 15 Oct; 8 and 9 Oct stand still
    assert result.clock(Stage.D4).due == end_of(date(2026, 10, 19))


def test_dl5_pause_after_a_stage_was_finished_does_not_move_its_deadline() -> None:
    policy_stages = POLICY.deadlines.paused_stages
    assert Stage.D4 in policy_stages
    case = make_case("202609-0006", received=RECEIVED)
    entered(case, Stage.D5, at(2026, 10, 12, 9))  # analysis done on Mon 12 Oct
    case.pauses.append(Pause(PauseReason.AGREED_TEST, date(2026, 10, 13), date(2026, 10, 20), "t"))
    d4 = schedule(case, POLICY, now=at(2026, 10, 21, 9)).clock(Stage.D4)
    # 8, 9, Sat 10, 12, 13, 14, 15 Oct: the later pause is not counted
    assert d4.due == end_of(date(2026, 10, 15))
    assert d4.state is ClockState.DONE_ON_TIME


def test_dl5_pause_cannot_stop_the_clock_beyond_today() -> None:
    case = make_case("202609-0007", received=RECEIVED)
    case.pauses.append(Pause(PauseReason.AGREED_TEST, date(2026, 10, 8), date(2026, 12, 31), "t"))
    days = paused_days(case, POLICY, today=date(2026, 10, 9))
    assert days == frozenset({date(2026, 10, 8), date(2026, 10, 9)})


def test_dl5_waiting_for_the_customer_does_not_stop_the_first_response() -> None:
    case = make_case("202609-0008", received=RECEIVED)
    case.pauses.append(Pause(PauseReason.WAITING_CUSTOMER, date(2026, 10, 8)))
    d0 = schedule(case, POLICY, now=at(2026, 10, 10, 9)).clock(Stage.D0)
    assert d0.state is ClockState.OVERDUE
    assert not d0.paused


# ---------------------------------------------------------------- rule GT-0


def test_gt0_stage_passed_without_its_gate_met_is_not_shown_done() -> None:
    from tests.unit._policy_support import complete_case

    case = complete_case()
    case.containment = []  # imported without its D3 content
    case.containment_removed_on = None
    result = schedule(case, POLICY, now=at(2025, 11, 10))
    d3 = result.clock(Stage.D3)
    assert d3.gate_unmet
    assert not d3.shown_done
    d4 = result.clock(Stage.D4)
    assert not d4.gate_unmet


def test_gt0_stage_with_its_gate_met_is_shown_done() -> None:
    from tests.unit._policy_support import complete_case

    result = schedule(complete_case(), POLICY, now=at(2025, 11, 10))
    assert all(not c.gate_unmet for c in result.clocks)
    assert result.clock(Stage.D2).shown_done


# ---------------------------------------------------------------- rule DL-7


def _with_customer(**stages: object):  # type: ignore[no-untyped-def]
    from tests.unit.test_policy_deadlines import policy_with

    return policy_with(deadlines={"customers": {"NW-AUTO": stages}})


def test_dl7_customer_limit_stricter_than_the_company_applies() -> None:
    policy = _with_customer(D4={"working_days": 5})
    case = make_case("202609-0011", received=RECEIVED, customer_code="NW-AUTO")
    d4 = schedule(case, policy, now=NOW).clock(Stage.D4)
    # 5 working days: 8, 9, Sat 10 (make-up), 12, 13 Oct; the company's 7 would be 15 Oct
    assert d4.due == end_of(date(2026, 10, 13))


def test_dl7_company_limit_stricter_than_the_customer_applies() -> None:
    policy = _with_customer(D8={"working_days": 10}, D3={"working_days": 1})
    case = make_case("202609-0012", received=RECEIVED, customer_code="NW-AUTO")
    result = schedule(case, policy, now=NOW)
    assert result.clock(Stage.D8).due == at(2026, 10, 7, 10)  # one week, not 10 working days
    assert result.clock(Stage.D3).due == at(2026, 10, 1, 10)  # 24 h, not 1 working day


def test_dl7_other_customers_keep_the_company_limits() -> None:
    policy = _with_customer(D4={"working_days": 5})
    case = make_case("202609-0013", received=RECEIVED, customer_code="OTHER")
    assert schedule(case, policy, now=NOW).clock(Stage.D4).due == end_of(date(2026, 10, 15))


def test_dl7_customer_limit_across_2027_new_year_is_provisional() -> None:
    policy = _with_customer(D8={"working_days": 3})
    case = make_case("202612-0011", received=at(2026, 12, 30, 10), customer_code="NW-AUTO")
    d8 = schedule(case, policy, now=at(2026, 12, 30, 11)).clock(Stage.D8)
    # 31 Dec, (1 Jan 2027 off), 4, 5 Jan: stricter than one week (6 Jan)
    assert d8.due == end_of(date(2027, 1, 5))
    assert d8.provisional


# ---------------------------------------------------------------- rule RT-1


def _retail_case(number: str, kind: str, agreed: object, done: object = None):  # type: ignore[no-untyped-def]
    from eightd.domain import Remedy, RemedyKind

    case = make_case(number, received=at(2026, 9, 29, 10))
    case.validity = Validity.NOT_OURS  # handled without an 8D in the store
    case.remedy = Remedy(RemedyKind(kind), agreed, done)  # type: ignore[arg-type]
    return case


def test_rt1_refund_within_3_working_days_across_national_day_2026() -> None:
    from eightd.policy import REMEDY

    case = _retail_case("202609-0021", "refund", at(2026, 9, 30, 10))
    refund = schedule(case, POLICY, now=NOW).clock(REMEDY)
    # 8, 9 Oct and Sat 10 Oct (a make-up working day)
    assert refund.due == end_of(date(2026, 10, 10))


def test_rt1_replacement_within_5_working_days_done_on_time() -> None:
    from eightd.policy import REMEDY

    case = _retail_case("202609-0022", "replacement", at(2026, 9, 30, 10), at(2026, 10, 12, 15))
    replacement = schedule(case, POLICY, now=at(2026, 10, 20)).clock(REMEDY)
    assert replacement.due == end_of(date(2026, 10, 13))
    assert replacement.state is ClockState.DONE_ON_TIME


def test_rt1_refund_across_the_2027_spring_festival_is_provisional() -> None:
    from eightd.policy import REMEDY

    case = _retail_case("202702-0021", "refund", at(2027, 2, 4, 10))
    refund = schedule(case, POLICY, now=at(2027, 2, 4, 11)).clock(REMEDY)
    # 5-8 Feb off (Eve and the first three days), then 9, 10, 11 Feb
    assert refund.due == end_of(date(2027, 2, 11))
    assert refund.provisional


def test_rt1_a_remedy_the_policy_sets_no_limit_for_has_no_clock() -> None:
    from eightd.policy import REMEDY

    case = _retail_case("202609-0023", "repair", at(2026, 9, 30, 10))
    with pytest.raises(KeyError):
        schedule(case, POLICY, now=NOW).clock(REMEDY)

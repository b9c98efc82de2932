"""Deadlines per stage and grade (rules DL-1 … DL-6, CL-5), on real dates:
the 2025 National Day break (1–8 Oct), its make-up days (Sun 28 Sep, Sat 11 Oct) and
ordinary weekends."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from eightd.domain import (
    ComplaintCategory,
    DefectKind,
    Pause,
    PauseReason,
    Severity,
    Stage,
    StageEvent,
    StageEventKind,
    Validity,
)
from eightd.errors import CalendarError
from eightd.policy import CALLBACK, ClockState, WorkingCalendar, parse_policy, schedule
from eightd.policy.loader import DEFAULT_POLICY_PATH, _merge, _read_toml
from tests.unit._policy_support import (
    POLICY,
    approve,
    at,
    end_of,
    entered,
    inbound,
    make_case,
)


def policy_with(**overrides: object) -> object:
    return parse_policy(_merge(_read_toml(DEFAULT_POLICY_PATH), overrides), source="test.toml")


def clock(case: object, key: str | Stage, now: datetime, policy: object = POLICY):  # type: ignore[no-untyped-def]
    return schedule(case, policy, now=now).clock(key)  # type: ignore[arg-type]


# ---------------------------------------------------------------- response, 2 working days


def test_response_due_in_two_working_days_skips_the_weekend() -> None:
    case = make_case(received=at(2026, 11, 20, 9, 30))  # a Friday
    assert clock(case, Stage.D0, at(2026, 11, 20)).due == end_of(date(2026, 11, 24))


def test_response_due_skips_national_day_holiday() -> None:
    case = make_case(received=at(2025, 9, 30, 10))  # Tuesday before 1–8 Oct
    assert clock(case, Stage.D0, at(2025, 10, 2)).due == end_of(date(2025, 10, 10))


def test_response_due_on_makeup_saturday() -> None:
    case = make_case(received=at(2025, 10, 9, 10))  # Thu; Sat 11 Oct is a 调休 working day
    assert clock(case, Stage.D0, at(2025, 10, 9, 11)).due == end_of(date(2025, 10, 11))


def test_response_due_counts_makeup_sunday_before_national_day() -> None:
    case = make_case(received=at(2025, 9, 26, 16))  # Fri; Sun 28 Sep is a working day
    assert clock(case, Stage.D0, at(2025, 9, 26, 17)).due == end_of(date(2025, 9, 29))


def test_working_days_are_counted_in_the_policy_time_zone() -> None:
    # Thu 19 Nov 17:00 UTC is Fri 20 Nov 01:00 in Shanghai: counting starts on Friday
    case = make_case(received=datetime(2026, 11, 19, 17, tzinfo=UTC))
    assert clock(case, Stage.D0, at(2026, 11, 20)).due == end_of(date(2026, 11, 24))


# ---------------------------------------------------------------- serious complaints


def test_serious_complaint_containment_due_in_24_hours() -> None:
    case = make_case(received=at(2025, 9, 30, 10), defect_kinds=[DefectKind.FUNCTIONAL])
    # elapsed hours: the National Day holiday does not stop the containment clock
    assert clock(case, Stage.D3, at(2025, 9, 30, 11)).due == at(2025, 10, 1, 10)


def test_serious_complaint_whole_case_due_within_one_week() -> None:
    case = make_case(received=at(2025, 9, 30, 10), line_stop=True)
    assert clock(case, Stage.D8, at(2025, 9, 30, 11)).due == at(2025, 10, 7, 10)


def test_qe_graded_severity_wins_over_the_suggestion_for_deadlines() -> None:
    case = make_case(received=at(2025, 9, 30, 10), defect_kinds=[DefectKind.COSMETIC])
    case.grading.severity = Severity.SERIOUS
    case.grading.override_reason = "customer's key account"
    assert clock(case, Stage.D3, at(2025, 9, 30, 11)).due == at(2025, 10, 1, 10)


def test_general_complaint_containment_due_in_24_hours_like_a_serious_one() -> None:
    # rule DL-2, DL-6: general complaints share the serious limits
    case = make_case(received=at(2025, 9, 30, 10), defect_kinds=[DefectKind.COSMETIC])
    assert clock(case, Stage.D3, at(2025, 9, 30, 11)).due == at(2025, 10, 1, 10)


def test_incidental_complaint_shares_the_general_limits() -> None:
    general = make_case(received=at(2025, 9, 30, 10), defect_kinds=[DefectKind.COSMETIC])
    incidental = make_case(received=at(2025, 9, 30, 10), defect_kinds=[DefectKind.PACKAGING])
    now = at(2025, 9, 30, 11)
    for stage in Stage:
        assert clock(general, stage, now).due == clock(incidental, stage, now).due


# ---------------------------------------------------------------- analysis after feedback


def test_analysis_due_seven_working_days_after_customers_latest_feedback() -> None:
    case = make_case(received=at(2025, 9, 22, 10))
    inbound(case, at(2025, 9, 24, 11))
    inbound(case, at(2025, 9, 25, 15))  # the latest feedback
    # 26 Sep, Sun 28, 29, 30 Sep, 9, 10 Oct, Sat 11 Oct
    assert clock(case, Stage.D4, at(2025, 9, 26)).due == end_of(date(2025, 10, 11))


def test_feedback_after_the_analysis_was_done_does_not_move_its_deadline() -> None:
    case = make_case(received=at(2025, 9, 22, 10))
    inbound(case, at(2025, 9, 25, 15))
    entered(case, Stage.D5, at(2025, 10, 10, 12))
    inbound(case, at(2025, 10, 20, 9))
    d4 = clock(case, Stage.D4, at(2025, 10, 21))
    assert d4.due == end_of(date(2025, 10, 11))
    assert d4.state is ClockState.DONE_ON_TIME


# ---------------------------------------------------------------- pauses


def test_clock_pauses_while_waiting_for_the_customer() -> None:
    policy = policy_with(deadlines={"paused_stages": ["D0"]})
    case = make_case(received=at(2026, 11, 20, 9, 30))  # Fri; due Tue 24 without the pause
    case.pauses.append(Pause(PauseReason.WAITING_CUSTOMER, date(2026, 11, 23), date(2026, 11, 24)))
    assert clock(case, Stage.D0, at(2026, 11, 25), policy).due == end_of(date(2026, 11, 26))


def test_agreed_test_days_stop_an_elapsed_time_clock_the_policy_names() -> None:
    policy = policy_with(deadlines={"paused_stages": ["D3"]})
    case = make_case(received=at(2026, 11, 20, 10), defect_kinds=[DefectKind.FUNCTIONAL])
    case.pauses.append(Pause(PauseReason.AGREED_TEST, date(2026, 11, 21), date(2026, 11, 21)))
    # 14 h on the 20th, nothing on the 21st, 10 h on the 22nd
    assert clock(case, Stage.D3, at(2026, 11, 22, 11), policy).due == at(2026, 11, 22, 10)


def test_open_pause_holds_the_clock_and_is_not_reported_due_soon() -> None:
    policy = policy_with(deadlines={"paused_stages": ["D0"]})
    case = make_case(received=at(2026, 11, 20, 9, 30))
    case.pauses.append(Pause(PauseReason.WAITING_CUSTOMER, date(2026, 11, 24)))
    d0 = clock(case, Stage.D0, at(2026, 11, 27, 10), policy)  # Fri, still waiting
    assert d0.paused
    assert d0.state is ClockState.DUE
    assert d0.due == end_of(date(2026, 11, 30))  # Mon 23, then Mon 30 after the open pause


def test_policy_decides_which_pauses_stop_the_clock() -> None:
    policy = policy_with(deadlines={"pause_reasons": ["waiting_customer"], "paused_stages": ["D0"]})
    case = make_case(received=at(2026, 11, 20, 9, 30))
    case.pauses.append(Pause(PauseReason.AGREED_TEST, date(2026, 11, 23), date(2026, 11, 24)))
    assert clock(case, Stage.D0, at(2026, 11, 21), policy).due == end_of(date(2026, 11, 24))


# ---------------------------------------------------------------- states


def test_stage_is_overdue_after_its_due_time() -> None:
    case = make_case(received=at(2025, 9, 30, 10))
    assert clock(case, Stage.D0, at(2025, 10, 11, 8)).state is ClockState.OVERDUE


def test_stage_is_due_soon_within_a_day_of_its_due_time() -> None:
    case = make_case(received=at(2025, 9, 30, 10))
    assert clock(case, Stage.D0, at(2025, 10, 10, 8)).state is ClockState.DUE_SOON
    assert clock(case, Stage.D0, at(2025, 10, 8, 8)).state is ClockState.DUE


def test_stage_done_before_its_due_time_is_on_time() -> None:
    case = make_case(received=at(2025, 9, 30, 10))
    entered(case, Stage.D1, at(2025, 10, 10, 17))
    d0 = clock(case, Stage.D0, at(2025, 10, 20))
    assert d0.state is ClockState.DONE_ON_TIME
    assert d0.done_at == at(2025, 10, 10, 17)


def test_stage_done_after_its_due_time_is_late() -> None:
    case = make_case(received=at(2025, 9, 30, 10))
    entered(case, Stage.D1, at(2025, 10, 13, 9))
    assert clock(case, Stage.D0, at(2025, 10, 20)).state is ClockState.DONE_LATE


def test_stage_without_a_policy_deadline_is_untimed() -> None:
    case = make_case(received=at(2025, 9, 30, 10))
    assert clock(case, Stage.D1, at(2025, 10, 20)).state is ClockState.UNTIMED


def test_clock_from_stage_entry_is_pending_until_the_stage_is_entered() -> None:
    policy = policy_with(
        deadlines={"default": {"D5": {"working_days": 5, "from": "stage_entered"}}}
    )
    case = make_case(received=at(2025, 9, 22, 10))
    assert clock(case, Stage.D5, at(2025, 9, 23), policy).state is ClockState.PENDING
    entered(case, Stage.D5, at(2025, 9, 26, 10))
    # 28, 29, 30 Sep, 9, 10 Oct
    assert clock(case, Stage.D5, at(2025, 9, 26, 11), policy).due == end_of(date(2025, 10, 10))


def test_case_sent_back_to_d4_reopens_the_analysis_clock() -> None:
    case = make_case(received=at(2025, 9, 22, 10))
    entered(case, Stage.D5, at(2025, 9, 24, 10))
    case.history.append(StageEvent(Stage.D4, StageEventKind.SENT_BACK, at(2025, 10, 20), "qe"))
    case.stage = Stage.D4
    assert clock(case, Stage.D4, at(2025, 10, 21)).state is ClockState.OVERDUE


def test_whole_case_done_when_closed() -> None:
    from eightd.domain import CaseStatus, Closure, ClosureKind

    case = make_case(received=at(2025, 9, 30, 10), defect_kinds=[DefectKind.FUNCTIONAL])
    case.status = CaseStatus.CLOSED
    case.closure = Closure(ClosureKind.NORMAL, at(2025, 10, 7, 9))
    assert clock(case, Stage.D8, at(2025, 10, 20)).state is ClockState.DONE_ON_TIME


# ---------------------------------------------------------------- rule CL-5 and the call-back


def without_8d(**kwargs: object):  # type: ignore[no-untyped-def]
    """A complaint handled without an 8D (a customer request): rule CL-5's limits apply."""
    case = make_case(**kwargs)  # type: ignore[arg-type]
    case.validity = Validity.CUSTOMER_REQUEST
    return case


def test_service_complaint_closes_within_two_working_days() -> None:
    case = without_8d(received=at(2025, 9, 26, 10), category=ComplaintCategory.SERVICE)
    assert clock(case, Stage.D8, at(2025, 9, 26, 11)).due == end_of(date(2025, 9, 29))


def test_other_complaint_is_handled_the_next_working_day() -> None:
    case = without_8d(received=at(2025, 9, 30, 10), category=ComplaintCategory.OTHER)
    assert clock(case, Stage.D8, at(2025, 9, 30, 11)).due == end_of(date(2025, 10, 9))


# ---------------------------------------------------------------- rule CL-5 topics


def d8_notices(case: object, now: datetime, policy: object = POLICY) -> list[tuple[str, dict]]:
    result = schedule(case, policy, now=now)  # type: ignore[arg-type]
    return [(w.code, dict(w.params)) for w in result.warnings]


def test_refund_progress_complaint_closes_within_15_working_days() -> None:
    case = without_8d(received=at(2025, 9, 30, 10), topic="refund_progress")
    # 9, 10, Sat 11 (调休), 13–17, 20–24, 27, 28 Oct: National Day and weekends skipped
    assert clock(case, Stage.D8, at(2025, 9, 30, 11)).due == end_of(date(2025, 10, 28))
    assert d8_notices(case, at(2025, 9, 30, 11)) == []


def test_refund_review_complaint_closes_within_5_working_days() -> None:
    case = without_8d(received=at(2025, 9, 26, 10), topic="refund_review")  # a Friday
    # Sun 28 Sep (调休), 29, 30 Sep, then 9, 10 Oct after the National Day break
    assert clock(case, Stage.D8, at(2025, 9, 26, 11)).due == end_of(date(2025, 10, 10))


def test_service_topic_closes_within_2_working_days_over_a_weekend() -> None:
    case = without_8d(received=at(2026, 11, 20, 9, 30), topic="engineer_service")  # a Friday
    assert clock(case, Stage.D8, at(2026, 11, 20, 10)).due == end_of(date(2026, 11, 24))


def test_topic_limit_wins_over_category_limit() -> None:
    received, now = at(2025, 9, 26, 10), at(2025, 9, 26, 11)
    service = without_8d(received=received, category=ComplaintCategory.SERVICE)
    termination = without_8d(
        received=received, category=ComplaintCategory.SERVICE, topic="contract_termination"
    )
    assert clock(service, Stage.D8, now).due == end_of(date(2025, 9, 29))  # 2 working days
    # 10 working days: Sun 28, 29, 30 Sep, 9, 10, Sat 11, 13, 14, 15, 16 Oct
    assert clock(termination, Stage.D8, now).due == end_of(date(2025, 10, 16))


def test_topic_limit_wins_over_the_grades_d8_deadline() -> None:
    case = without_8d(received=at(2025, 9, 30, 10), line_stop=True, topic="commission")
    # serious: one week elapsed (7 Oct) without a topic; the topic's 10 working days instead:
    # 9, 10, Sat 11 (调休), 13–17, 20, 21 Oct
    assert clock(case, Stage.D8, at(2025, 9, 30, 11)).due == end_of(date(2025, 10, 21))


def test_unknown_topic_falls_back_to_category_limit_with_a_notice() -> None:
    case = without_8d(
        received=at(2025, 9, 26, 10), category=ComplaintCategory.SERVICE, topic="parking_fee"
    )
    now = at(2025, 9, 26, 11)
    assert clock(case, Stage.D8, now).due == end_of(date(2025, 9, 29))
    assert d8_notices(case, now) == [
        ("closure.limit.unknown_topic_category", {"topic": "parking_fee", "days": 2})
    ]


def test_unknown_topic_without_a_category_limit_falls_back_to_the_grade_with_a_notice() -> None:
    case = without_8d(received=at(2025, 9, 30, 10), line_stop=True, topic="parking_fee")
    now = at(2025, 9, 30, 11)
    assert clock(case, Stage.D8, now).due == at(2025, 10, 7, 10)  # serious: one week
    assert d8_notices(case, now) == [
        ("closure.limit.unknown_topic_grade", {"topic": "parking_fee"})
    ]


def test_company_policy_can_add_a_topic_limit() -> None:
    policy = policy_with(closure={"topic_limits": {"parking_fee": 3}})
    case = without_8d(received=at(2025, 9, 26, 10), topic="parking_fee")
    now = at(2025, 9, 26, 11)
    # Sun 28 (调休), 29, 30 Sep
    assert clock(case, Stage.D8, now, policy).due == end_of(date(2025, 9, 30))
    assert d8_notices(case, now, policy) == []
    assert policy.closure.topic_limits["refund_progress"] == 15  # type: ignore[attr-defined]


def test_callback_due_two_working_days_after_approval() -> None:
    case = make_case(received=at(2025, 9, 20, 10))
    assert clock(case, CALLBACK, at(2025, 9, 30)).state is ClockState.PENDING
    approve(case, at(2025, 9, 30, 15))
    callback = clock(case, CALLBACK, at(2025, 9, 30, 16))
    assert callback.due == end_of(date(2025, 10, 10))


def test_non_8d_case_has_no_stage_clocks_between_intake_and_closure() -> None:
    case = make_case(received=at(2025, 9, 30, 10))
    case.validity = Validity.NOT_OURS
    now = at(2025, 10, 2)
    assert all(clock(case, Stage(f"D{i}"), now).state is ClockState.UNTIMED for i in range(1, 8))
    assert clock(case, Stage.D0, now).state is ClockState.DUE


# ---------------------------------------------------------------- calendar coverage


def test_deadline_in_an_undeclared_year_carries_a_warning() -> None:
    last = WorkingCalendar().library_years[-1]
    case = make_case(number=f"{last}12-0001", received=at(last, 12, 30, 10))
    result = schedule(case, POLICY, now=at(last, 12, 30, 11))
    assert [(w.code, dict(w.params)) for w in result.warnings] == [
        ("calendar.provisional_year", {"year": last + 1})
    ]
    assert result.clock(Stage.D0).provisional


def test_weekends_only_assumption_for_an_undeclared_year_says_so() -> None:
    last = WorkingCalendar().library_years[-1]
    policy = policy_with(calendar={"beyond_coverage": "assume-weekends"})
    case = make_case(number=f"{last}12-0001", received=at(last, 12, 30, 10))
    result = schedule(case, policy, now=at(last, 12, 30, 11))  # type: ignore[arg-type]
    assert [w.code for w in result.warnings] == ["calendar.assumed_year"]


def test_refusing_policy_raises_for_a_deadline_in_an_undeclared_year() -> None:
    last = WorkingCalendar().library_years[-1]
    policy = policy_with(calendar={"beyond_coverage": "refuse"})
    case = make_case(number=f"{last}12-0001", received=at(last, 12, 30, 10))
    with pytest.raises(CalendarError):
        schedule(case, policy, now=at(last, 12, 30, 11))

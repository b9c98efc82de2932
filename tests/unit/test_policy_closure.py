"""Closure (rules CL-1 … CL-5) and the non-8D paths (rules IN-1, VA-1)."""

from __future__ import annotations

from eightd.domain import (
    Callback,
    CallbackOutcome,
    CaseStatus,
    Closure,
    ClosureKind,
    Validity,
)
from eightd.policy import AbnormalGround, closure_problems, reopen_problems
from tests.unit._policy_support import POLICY, approve, at, complete_case, make_case


def callback(when: object, outcome: CallbackOutcome) -> Callback:
    return Callback(when, "cs.chen", outcome)  # type: ignore[arg-type]


def test_normal_closure_needs_the_customer_called_back_and_agreeing() -> None:
    case = complete_case()  # approved on 2025-11-04
    assert closure_problems(case, ClosureKind.NORMAL, POLICY) == ["closure.normal.callback_agreed"]
    case.callbacks.append(callback(at(2025, 11, 5), CallbackOutcome.NOT_SATISFIED))
    assert closure_problems(case, ClosureKind.NORMAL, POLICY) == ["closure.normal.callback_agreed"]
    case.callbacks.append(callback(at(2025, 11, 6), CallbackOutcome.SATISFIED))
    assert closure_problems(case, ClosureKind.NORMAL, POLICY) == []


def test_callback_before_the_approval_does_not_count_for_normal_closure() -> None:
    case = complete_case()
    case.callbacks.append(callback(at(2025, 11, 3), CallbackOutcome.SATISFIED))
    assert closure_problems(case, ClosureKind.NORMAL, POLICY) == ["closure.normal.callback_agreed"]


def test_normal_closure_needs_a_valid_approval() -> None:
    case = complete_case()
    case.callbacks.append(callback(at(2025, 11, 5), CallbackOutcome.SATISFIED))
    case.actions[0].owner = "Zheng"  # changed after approval
    assert closure_problems(case, ClosureKind.NORMAL, POLICY) == ["gate.D8.approval"]


def test_abnormal_closure_for_contract_conflict_needs_a_written_reason() -> None:
    case = complete_case()
    ground = AbnormalGround.CONTRACT_CONFLICT
    assert closure_problems(case, ClosureKind.ABNORMAL, POLICY, ground=ground) == [
        "closure.abnormal.reason"
    ]
    reason = "Refund demanded beyond contract §7 warranty terms; management decision 11-05"
    assert closure_problems(case, ClosureKind.ABNORMAL, POLICY, ground=ground, reason=reason) == []


def test_abnormal_closure_needs_its_ground() -> None:
    case = complete_case()
    assert closure_problems(case, ClosureKind.ABNORMAL, POLICY, reason="x") == [
        "closure.abnormal.ground"
    ]


def test_three_unanswered_callbacks_within_a_month_allow_abnormal_closure() -> None:
    case = complete_case()
    ground, reason = AbnormalGround.UNREACHABLE, "customer unreachable"
    for day in (5, 12):
        case.callbacks.append(callback(at(2025, 11, day), CallbackOutcome.NO_ANSWER))
    assert closure_problems(case, ClosureKind.ABNORMAL, POLICY, ground=ground, reason=reason) == [
        "closure.abnormal.unreachable_attempts"
    ]
    case.callbacks.append(callback(at(2025, 12, 4), CallbackOutcome.NO_ANSWER))
    assert closure_problems(case, ClosureKind.ABNORMAL, POLICY, ground=ground, reason=reason) == []


def test_unanswered_callbacks_spread_over_more_than_a_month_do_not_allow_abnormal_closure() -> None:
    case = complete_case()
    for month, day in ((10, 1), (10, 20), (11, 5)):
        case.callbacks.append(callback(at(2025, month, day), CallbackOutcome.NO_ANSWER))
    problems = closure_problems(
        case, ClosureKind.ABNORMAL, POLICY, ground=AbnormalGround.UNREACHABLE, reason="x"
    )
    assert problems == ["closure.abnormal.unreachable_attempts"]


def test_not_founded_complaint_closes_without_8d_with_explanation_and_approval() -> None:
    case = make_case()
    assert closure_problems(case, ClosureKind.NO_8D, POLICY) == [
        "closure.no_8d.founded",
        "closure.no_8d.explanation",
        "closure.no_8d.approval",
    ]
    case.validity = Validity.NOT_OURS
    case.validity_note = "Damage from customer's own press-fit; shown with photos on 10-09"
    approve(case, at(2025, 10, 9, 15))
    assert closure_problems(case, ClosureKind.NO_8D, POLICY) == []


def test_customer_request_closes_without_8d() -> None:
    case = make_case()
    case.validity = Validity.CUSTOMER_REQUEST
    case.validity_note = "Asked for the RoHS declaration; sent"
    approve(case, at(2025, 10, 9, 15))
    assert closure_problems(case, ClosureKind.NO_8D, POLICY) == []


def test_founded_complaint_cannot_close_without_8d() -> None:
    case = complete_case()
    assert "closure.no_8d.founded" in closure_problems(case, ClosureKind.NO_8D, POLICY)


def test_not_founded_complaint_cannot_close_as_a_normal_8d() -> None:
    case = make_case()
    case.validity = Validity.NOT_FOUNDED
    assert closure_problems(case, ClosureKind.NORMAL, POLICY) == ["closure.not_8d_case"]


def test_closed_case_cannot_close_again_but_can_be_reopened() -> None:
    case = complete_case()
    assert reopen_problems(case) == ["closure.reopen.not_closed"]
    case.status = CaseStatus.CLOSED
    case.closure = Closure(ClosureKind.NORMAL, at(2025, 11, 6))
    assert closure_problems(case, ClosureKind.NORMAL, POLICY) == ["closure.already_closed"]
    assert reopen_problems(case) == []


# ---------------------------------------------------------------- rules CL-3, CL-4


def unreachable(case: object, policy: object = POLICY) -> list[str]:
    return closure_problems(case, ClosureKind.ABNORMAL, policy, ground=AbnormalGround.UNREACHABLE,  # type: ignore[arg-type]
                            reason="customer unreachable")  # fmt: skip


def test_cl4_unanswered_callbacks_count_once_per_day() -> None:
    case = complete_case()
    for hour in (9, 11, 15):  # three calls on one day are one attempt
        case.callbacks.append(callback(at(2025, 11, 5, hour), CallbackOutcome.NO_ANSWER))
    assert unreachable(case) == ["closure.abnormal.unreachable_attempts"]


def test_cl4_callbacks_before_the_closure_was_proposed_do_not_count() -> None:
    case = complete_case()  # approved (closure proposed) on 2025-11-04
    for day in (1, 2, 3):
        case.callbacks.append(callback(at(2025, 11, day), CallbackOutcome.NO_ANSWER))
    assert unreachable(case) == ["closure.abnormal.unreachable_attempts"]


def test_cl4_three_days_without_answer_across_national_day_2026_allow_the_closure() -> None:
    case = complete_case()
    case.approvals.clear()
    approve(case, at(2026, 9, 29, 10))
    for month, day in ((9, 30), (10, 3), (10, 8)):
        case.callbacks.append(callback(at(2026, month, day, 10), CallbackOutcome.NO_ANSWER))
    assert unreachable(case) == []


def test_cl3_only_the_grounds_the_policy_lists() -> None:
    from tests.unit.test_policy_deadlines import policy_with

    policy = policy_with(closure={"abnormal_grounds": ["contract_conflict"]})
    case = complete_case()
    for day in (5, 6, 7):
        case.callbacks.append(callback(at(2025, 11, day), CallbackOutcome.NO_ANSWER))
    assert unreachable(case, policy) == ["closure.abnormal.ground_not_allowed"]


def test_cl3_clocks_of_an_abnormally_closed_case_read_closed_abnormally() -> None:
    from eightd.domain import Stage
    from eightd.policy import ClockState, schedule

    case = make_case(received=at(2026, 9, 28, 10), stage=Stage.D5)
    case.status = CaseStatus.CLOSED
    case.closure = Closure(ClosureKind.ABNORMAL, at(2026, 10, 9, 10), reason="unreachable",
                           ground=AbnormalGround.UNREACHABLE)  # fmt: skip
    result = schedule(case, POLICY, now=at(2026, 10, 12))
    assert result.clock(Stage.D8).state is ClockState.CLOSED_ABNORMALLY
    assert result.clock(Stage.D5).state is ClockState.CLOSED_ABNORMALLY
    assert all(c.state is not ClockState.DONE_ON_TIME for c in result.clocks if c.key >= "D5")

"""Closure (DOMAIN §5, seed 001) and the non-8D paths (DOMAIN §1)."""

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

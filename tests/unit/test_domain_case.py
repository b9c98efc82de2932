"""Rules spanning the parts of a case: references, ids, closure, grading, the clock."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from eightd.domain import (
    AbnormalGround,
    ActionStatus,
    Case,
    CaseStatus,
    Cause,
    CauseStatus,
    CauseType,
    Closure,
    ClosureKind,
    Contact,
    ContainmentAction,
    CorrectiveAction,
    FoundAt,
    Grading,
    Intake,
    Pause,
    Severity,
    Validity,
    Verification,
    validate_case,
)
from eightd.errors import ValidationError

CST = timezone(timedelta(hours=8))
RECEIVED = datetime(2025, 3, 10, 9, 30, tzinfo=CST)


def make_case() -> Case:
    """A small valid case at D5: two causes, one action, one containment."""
    return Case(
        number="202503-0007",
        title="Cracked joints",
        intake=Intake(
            received_at=RECEIVED,
            customer_name="Nordwerk Automotive Systems",
            product_number="AE-ECU-4471",
            defect_description="Cracked solder joints on header J1",
            ship_date=date(2025, 3, 1),
            shipped_quantity=4800,
            defect_rate_percent=0.4,
            found_at=FoundAt.CUSTOMER_LINE,
        ),
        containment=[ContainmentAction(id="K1", description="Quarantine finished stock")],
        causes=[
            Cause(id="C1", text="Preheat too low", status=CauseStatus.VERIFIED, evidence="DOE"),
            Cause(id="C2", text="AOI blind to barrel fill", type=CauseType.ESCAPE, parent="C1"),
        ],
        actions=[CorrectiveAction(id="A1", text="Profile after maintenance", cause_ids=["C1"])],
        created_at=RECEIVED,
    )


def rejected(case: Case) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        validate_case(case)
    return info.value


def test_small_case_is_valid():
    validate_case(make_case())


def test_action_referring_to_unknown_cause_is_rejected():
    case = make_case()
    case.actions[0].cause_ids = ["C1", "C9"]
    err = rejected(case)
    assert (err.field, err.reason_code) == ("actions[0].cause_ids", "error.reason.unknown_ref")
    assert err.params["value"] == "C9"


def test_action_made_permanent_from_unknown_containment_is_rejected():
    case = make_case()
    case.actions[0].from_containment = "K7"
    assert rejected(case).field == "actions[0].from_containment"


def test_verification_of_unknown_action_is_rejected():
    case = make_case()
    case.verifications = [Verification(id="V1", action_ids=["A2"], verified_on=date(2025, 3, 20))]
    assert rejected(case).field == "verifications[0].action_ids"


def test_sub_cause_of_unknown_parent_is_rejected():
    case = make_case()
    case.causes[1].parent = "C5"
    assert rejected(case).field == "causes[1].parent"


def test_cause_cycle_is_rejected():
    case = make_case()
    case.causes[0].parent = "C2"  # C1 -> C2 -> C1
    err = rejected(case)
    assert (err.field, err.reason_code) == ("causes", "error.reason.cause_cycle")


def test_cause_that_is_its_own_parent_is_rejected():
    case = make_case()
    case.causes[1].parent = "C2"
    assert rejected(case).reason_code == "error.reason.cause_cycle"


def test_duplicate_cause_id_is_rejected_naming_the_second():
    case = make_case()
    case.causes[1].id = "C1"
    case.causes[1].parent = ""
    err = rejected(case)
    assert (err.field, err.reason_code) == ("causes[1].id", "error.reason.duplicate_id")


@pytest.mark.parametrize("bad_id", ["c1", "C", "1", "CAUSE1", "C12345", "C-1"])
def test_malformed_item_id_is_rejected(bad_id):
    case = make_case()
    case.containment[0].id = bad_id
    assert rejected(case).reason_code == "error.reason.bad_item_id"


def test_verified_cause_without_evidence_is_rejected():
    case = make_case()
    case.causes[0].evidence = " "
    assert rejected(case).field == "causes[0].evidence"


def test_empty_why_in_a_five_why_chain_is_rejected():
    case = make_case()
    case.causes[0].whys = ["Why cracked? Low fill", ""]
    assert rejected(case).field == "causes[0].whys[1]"


def test_done_action_needs_its_implementation_date():
    case = make_case()
    case.actions[0].status = ActionStatus.DONE
    assert rejected(case).field == "actions[0].implemented_on"


def test_more_found_bad_than_checked_in_containment_is_rejected():
    case = make_case()
    case.containment[0].quantity_checked = 10
    case.containment[0].quantity_bad = 11
    assert rejected(case).field == "containment[0].quantity_bad"


def test_verification_is_effective_only_when_all_three_criteria_hold():
    def effective(*criteria: bool | None) -> bool | None:
        improved, no_new, prevents = criteria
        return Verification(
            id="V1",
            verified_on=date(2025, 3, 20),
            problem_improved=improved,
            no_new_problem=no_new,
            prevents_recurrence=prevents,
        ).effective

    assert effective(True, True, True) is True
    assert effective(True, False, True) is False  # a new problem: not effective
    assert effective(False, True, True) is False
    assert effective(True, True, False) is False
    assert effective(True, True, None) is None  # still being watched
    assert effective(None, None, None) is None
    assert effective(None, False, None) is False  # one failure decides


def test_closed_case_needs_its_closure_record():
    case = make_case()
    case.status = CaseStatus.CLOSED
    assert rejected(case).field == "closure"


@pytest.mark.parametrize("kind", [ClosureKind.ABNORMAL, ClosureKind.NO_8D])
def test_abnormal_closure_or_closure_without_8d_needs_a_reason(kind):
    case = make_case()
    case.status = CaseStatus.CLOSED
    case.closure = Closure(kind=kind, closed_at=RECEIVED + timedelta(days=30))
    assert rejected(case).field == "closure.reason"


def test_abnormal_closure_needs_its_ground():
    case = make_case()
    case.status = CaseStatus.CLOSED
    case.closure = Closure(
        kind=ClosureKind.ABNORMAL, closed_at=RECEIVED + timedelta(days=30), reason="no answer"
    )
    err = rejected(case)
    assert (err.field, err.reason_code) == ("closure.ground", "error.reason.abnormal_needs_ground")
    case.closure.ground = AbnormalGround.UNREACHABLE
    validate_case(case)


@pytest.mark.parametrize("kind", [ClosureKind.NORMAL, ClosureKind.NO_8D])
def test_a_ground_belongs_only_to_an_abnormal_closure(kind):
    case = make_case()
    case.status = CaseStatus.CLOSED
    case.closure = Closure(
        kind=kind,
        closed_at=RECEIVED + timedelta(days=30),
        reason="done",
        ground=AbnormalGround.CONTRACT_CONFLICT,
    )
    err = rejected(case)
    assert (err.field, err.reason_code) == (
        "closure.ground",
        "error.reason.ground_without_abnormal",
    )


def test_normal_closure_needs_no_reason():
    case = make_case()
    case.status = CaseStatus.CLOSED
    case.closure = Closure(kind=ClosureKind.NORMAL, closed_at=RECEIVED + timedelta(days=30))
    validate_case(case)


def test_grade_overriding_the_suggestion_needs_a_reason():
    case = make_case()
    case.grading = Grading(severity=Severity.GENERAL, suggested_severity=Severity.SERIOUS)
    assert rejected(case).field == "grading.override_reason"
    case.grading.override_reason = "single customer, no safety impact"
    validate_case(case)


def test_promised_reply_before_the_contact_is_rejected():
    case = make_case()
    case.contacts = [
        Contact(at=RECEIVED, summary="called", next_reply_due=RECEIVED - timedelta(hours=1))
    ]
    assert rejected(case).field == "contacts[0].next_reply_due"


def test_pause_ending_before_it_starts_is_rejected():
    case = make_case()
    case.pauses = [Pause(start=date(2025, 3, 12), end=date(2025, 3, 11))]
    assert rejected(case).field == "pauses[0].end"


def test_bad_complaint_number_on_a_case_is_rejected():
    case = make_case()
    case.number = "2025-03-7"
    assert rejected(case).field == "number"


def test_next_id_continues_after_the_highest_of_its_prefix():
    case = make_case()
    assert (case.next_id("C"), case.next_id("A"), case.next_id("K"), case.next_id("V")) == (
        "C3",
        "A2",
        "K2",
        "V1",
    )


def test_lookups_find_causes_sub_causes_and_causes_by_kind():
    case = make_case()
    assert case.cause("C2").text == "AOI blind to barrel fill"
    assert [c.id for c in case.sub_causes("C1")] == ["C2"]
    assert [c.id for c in case.causes_of(CauseType.ESCAPE)] == ["C2"]
    assert [c.id for c in case.causes_of(CauseType.OCCURRENCE, CauseStatus.VERIFIED)] == ["C1"]
    with pytest.raises(KeyError):
        case.cause("C9")


@pytest.mark.parametrize(
    ("validity", "needs_8d"),
    [
        (None, True),
        (Validity.FOUNDED, True),
        (Validity.NOT_FOUNDED, False),
        (Validity.NOT_OURS, False),
        (Validity.CUSTOMER_REQUEST, False),
    ],
)
def test_only_founded_or_undecided_complaints_need_an_8d(validity, needs_8d):
    case = make_case()
    case.validity = validity
    assert case.needs_8d is needs_8d

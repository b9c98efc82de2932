"""Stage gates (rules GT-D0 … GT-D8): what must exist before a stage is done."""

from __future__ import annotations

import pytest

from eightd.domain import (
    ActionStatus,
    CauseStatus,
    Stage,
    TeamMember,
    TeamRole,
    Validity,
)
from eightd.errors import StageGateError
from eightd.policy import GateRule, check_gate, gate_items, require_gate
from tests.unit._policy_support import POLICY, complete_case, make_case


def test_complete_case_passes_every_gate() -> None:
    case = complete_case()
    assert {stage: check_gate(case, stage, POLICY) for stage in Stage} == {s: [] for s in Stage}


def test_d0_needs_validity_decision_and_grade() -> None:
    case = make_case()
    assert check_gate(case, Stage.D0, POLICY) == [
        "gate.D0.validity_decided",
        "gate.D0.severity_graded",
    ]


def test_complaint_not_founded_cannot_enter_an_8d() -> None:
    case = complete_case()
    case.validity = Validity.NOT_FOUNDED
    assert check_gate(case, Stage.D0, POLICY) == ["gate.D0.founded"]


def test_d1_team_needs_leader_sales_and_quality() -> None:
    case = complete_case()
    case.team = [TeamMember("Li", TeamRole.LEADER)]
    [item] = gate_items(case, Stage.D1, POLICY)
    assert item.code == "gate.D1.team_roles"
    assert item.refs == ("sales", "quality")


def test_d3_needs_containment_with_quantities_and_effectiveness_statement() -> None:
    case = complete_case()
    case.containment[0].quantity_bad = None
    case.containment[0].effectiveness = ""
    assert check_gate(case, Stage.D3, POLICY) == [
        "gate.D3.containment_quantities",
        "gate.D3.containment_effectiveness",
    ]
    case.containment = []
    assert check_gate(case, Stage.D3, POLICY) == ["gate.D3.containment_present"]


def test_d4_needs_a_verified_occurrence_cause() -> None:
    case = complete_case()
    case.causes[0].status = CauseStatus.SUSPECTED
    assert check_gate(case, Stage.D4, POLICY) == ["gate.D4.occurrence_cause_verified"]


def test_case_cannot_leave_d4_without_verified_escape_cause() -> None:
    case = complete_case()
    case.causes[1].status = CauseStatus.RULED_OUT
    assert check_gate(case, Stage.D4, POLICY) == ["gate.D4.escape_cause_verified"]


def test_written_reason_why_detection_was_impossible_replaces_the_escape_cause() -> None:
    case = complete_case()
    case.causes[1].status = CauseStatus.RULED_OUT
    case.no_escape_reason = "Latent defect; shows only after 500 thermal cycles"
    assert check_gate(case, Stage.D4, POLICY) == []


def test_d5_needs_an_action_for_each_verified_cause() -> None:
    case = complete_case()
    case.actions[1].status = ActionStatus.CANCELLED
    [item] = [i for i in gate_items(case, Stage.D5, POLICY) if i.blocking]
    assert item.code == "gate.D5.action_per_cause"
    assert item.refs == ("C2",)


def test_d5_action_without_owner_is_a_warning_by_default() -> None:
    case = complete_case()
    case.actions[0].owner = ""
    [item] = gate_items(case, Stage.D5, POLICY)
    assert item.code == "gate.D5.action_owner_due"
    assert item.rule is GateRule.WARN
    assert check_gate(case, Stage.D5, POLICY) == []


@pytest.mark.parametrize("criterion", ["problem_improved", "no_new_problem", "prevents_recurrence"])
def test_d6_needs_all_three_effectiveness_criteria(criterion: str) -> None:
    case = complete_case()
    setattr(case.verifications[0], criterion, None)
    assert check_gate(case, Stage.D6, POLICY) == ["gate.D6.verification_criteria"]


def test_failed_verification_blocks_d6() -> None:
    case = complete_case()
    case.verifications[0].no_new_problem = False
    assert case.verifications[0].effective is False
    assert check_gate(case, Stage.D6, POLICY) == ["gate.D6.verification_criteria"]


def test_d6_needs_every_action_verified() -> None:
    case = complete_case()
    case.verifications[0].action_ids = ["A1"]
    [item] = gate_items(case, Stage.D6, POLICY)
    assert item.refs == ("A2",)


def test_d6_needs_the_containment_removed() -> None:
    case = complete_case()
    case.containment_removed_on = None
    assert check_gate(case, Stage.D6, POLICY) == ["gate.D6.containment_removed"]


def test_d7_needs_standardization_items_or_a_reason() -> None:
    case = complete_case()
    case.standardization = []
    assert check_gate(case, Stage.D7, POLICY) == ["gate.D7.standardization"]
    case.no_standardization_reason = "One-off supplier lot; no process of ours changed"
    assert check_gate(case, Stage.D7, POLICY) == []


def test_d8_needs_approval() -> None:
    case = complete_case()
    case.approvals = []
    assert check_gate(case, Stage.D8, POLICY) == ["gate.D8.approval"]


def test_change_after_approval_blocks_d8() -> None:
    case = complete_case()
    case.problem.how_many = "41 of 5000"
    assert check_gate(case, Stage.D8, POLICY) == ["gate.D8.approval"]


def test_blocked_move_raises_stage_gate_error_listing_every_missing_item() -> None:
    case = complete_case()
    case.containment[0].quantity_checked = None
    case.containment[0].effectiveness = " "
    with pytest.raises(StageGateError) as err:
        require_gate(case, Stage.D3, POLICY)
    assert err.value.missing == [
        "gate.D3.containment_quantities",
        "gate.D3.containment_effectiveness",
    ]
    message = err.value.message("en")
    assert "202509-0001" in message
    assert "quantity checked" in message
    assert "effectiveness" in message
    assert "有效性" in err.value.message("zh")

"""8D review (rules LN-*, docs/RULES.md): what a reviewer rejects, by stage, with a score."""

from __future__ import annotations

from datetime import date

import pytest

from eightd.domain import (
    ActionStatus,
    BoneCategory,
    Cause,
    CauseStatus,
    CauseType,
    ContainmentAction,
    ContainmentLocation,
    CorrectiveAction,
    DocumentKind,
    Stage,
    StandardizationItem,
    Verification,
)
from eightd.policy import LintSeverity, lint
from tests.unit._policy_support import POLICY, at, complete_case, make_case, outbound

NOW = at(2025, 11, 10)


def report(case: object):  # type: ignore[no-untyped-def]
    return lint(case, POLICY, now=NOW)  # type: ignore[arg-type]


def codes(case: object) -> list[str]:
    return [f.code for f in report(case).findings]


def full_coverage(case: object) -> None:
    """Add containment at the other default locations so only the rule under test fires."""
    for i, loc in enumerate((ContainmentLocation.IN_PROCESS, ContainmentLocation.AT_CUSTOMER)):
        case.containment.append(  # type: ignore[attr-defined]
            ContainmentAction(f"K{i + 2}", loc, description="sort", owner="Sun",
                              due=at(2025, 10, 1), quantity_checked=10, quantity_bad=0,
                              effectiveness="ok")
        )  # fmt: skip


def clean_case():  # type: ignore[no-untyped-def]
    case = complete_case()
    full_coverage(case)
    return case


def test_good_8d_has_no_findings_and_full_score() -> None:
    result = report(clean_case())
    assert result.findings == ()
    assert result.score == 100
    assert not result.blocking


# ---------------------------------------------------------------- LN-D*.1: absence


def test_ln_d3_1_8d_past_d3_without_containment_or_reason_is_blocking() -> None:
    case = clean_case()
    case.containment = []
    case.containment_removed_on = None
    [finding] = report(case).findings
    assert (finding.code, finding.stage, finding.severity) == (
        "missing_containment",
        Stage.D3,
        LintSeverity.BLOCKING,
    )


def test_ln_d3_1_no_containment_with_its_reason_is_accepted() -> None:
    case = clean_case()
    case.containment = []
    case.no_containment_reason = "Single prototype lot, all parts already scrapped at customer"
    assert codes(case) == []


def test_ln_d4_1_8d_without_occurrence_cause_is_blocking() -> None:
    case = clean_case()
    case.causes = [c for c in case.causes if c.type is CauseType.ESCAPE]
    case.actions = [a for a in case.actions if a.id == "A2"]
    case.verifications[0].action_ids = ["A2"]
    assert codes(case) == ["missing_occurrence_cause"]


def test_ln_d4_2_missing_escape_cause_after_d4_is_a_blocking_finding() -> None:
    case = make_case(stage=Stage.D5)
    case.causes = [
        Cause("C1", "Cold reflow profile", status=CauseStatus.VERIFIED, evidence="reproduced")
    ]
    assert "no_escape_cause" in codes(case)
    case.no_escape_reason = "the defect is latent; no test can detect it"
    assert "no_escape_cause" not in codes(case)


def test_ln_empty_d3_d6_d7_fail_by_stage_while_a_full_8d_scores_higher() -> None:
    empty = clean_case()
    empty.containment, empty.containment_removed_on = [], None
    empty.verifications, empty.standardization = [], []
    full = clean_case()
    for item in full.containment:
        item.owner, item.quantity_checked = "", None  # form findings only
    empty_report, full_report = report(empty), report(full)
    assert [(f.stage, f.code) for f in empty_report.findings] == [
        (Stage.D3, "missing_containment"),
        (Stage.D6, "missing_verification"),
        (Stage.D7, "missing_d7"),
    ]
    assert all(f.severity is LintSeverity.BLOCKING for f in empty_report.findings)
    assert not full_report.blocking
    assert full_report.score > empty_report.score


def test_ln_absence_rules_wait_until_the_case_moves_past_the_stage() -> None:
    case = make_case(stage=Stage.D2)
    assert codes(case) == []
    case.stage = Stage.D3
    assert codes(case) == ["d2_quantity", "d2_is_is_not"]


# ---------------------------------------------------------------- LN-0.2: collapse


def test_ln_0_2_findings_of_one_kind_in_a_stage_collapse_with_a_count() -> None:
    case = clean_case()
    for item in case.containment:
        item.quantity_checked = None
    [finding] = report(case).findings
    assert (finding.code, finding.count) == ("containment_quantities", 3)
    assert finding.text("en") == (
        "3 containment row(s) lack the quantities checked and found bad (K1, K2, K3)"
    )
    assert report(case).score == 100 - POLICY.lint.rule("containment_quantities").weight


def test_ln_0_1_missing_section_weighs_far_more_than_a_missing_owner() -> None:
    owners = clean_case()
    for item in [*owners.containment, *owners.actions]:
        item.owner = ""
    missing = clean_case()
    missing.verifications = []
    assert report(owners).score >= 95
    assert report(missing).score <= 70


# ---------------------------------------------------------------- LN-D4.3: blame


@pytest.mark.parametrize(
    "text",
    [
        "Operator error during reflow set-up",
        "The operator did not follow the SOP",
        "Carelessness of the night-shift worker",
        "Inspector overlooked the defect",
        "New employee, insufficient training",
        "作业员未按SOP操作",
        "员工责任心不强，质量意识淡薄",
        "检验员疏忽，漏检",
        "新员工操作不熟练",
        "人为因素：操作员粗心大意",
    ],
)
def test_ln_d4_3_cause_that_only_blames_a_person_is_blocking(text: str) -> None:
    case = clean_case()
    case.causes[0].text = text
    case.causes[0].category = BoneCategory.MAN
    [finding] = report(case).findings
    assert (finding.code, finding.path, finding.severity) == (
        "blame_cause",
        "causes[0]",
        LintSeverity.BLOCKING,
    )


@pytest.mark.parametrize(
    "text",
    [
        "The operator cannot see the defect: it is inside the housing",
        "作业员无法看到护套内部的端子",
        "Reflow profile too cold for the new board",
    ],
)
def test_ln_d4_3_detection_limits_and_system_causes_are_not_blame(text: str) -> None:
    case = clean_case()
    case.causes[1].text = text
    assert codes(case) == []


def test_ln_d4_3_blame_with_a_system_cause_in_its_why_chain_is_accepted() -> None:
    case = clean_case()
    case.causes[0].text = "作业员未按SOP操作"
    case.causes[0].whys = ["为何未按SOP?", "SOP 未规定新型号的压接高度"]
    assert codes(case) == []


def test_ln_d4_3_blame_with_a_system_sub_cause_beside_it_is_accepted() -> None:
    case = clean_case()
    case.causes[0].text = "Operator did not follow the set-up sheet"
    case.causes.append(
        Cause("C3", "Set-up sheet has no reflow profile for board rev B", BoneCategory.METHOD,
              parent="C1")
    )  # fmt: skip
    assert "blame_cause" not in codes(case)


def test_ln_d4_3_a_system_cause_elsewhere_does_not_excuse_blame() -> None:
    case = clean_case()
    case.causes.append(
        Cause("C3", "操作员粗心,漏检", BoneCategory.MAN, CauseType.ESCAPE, CauseStatus.VERIFIED,
              evidence="3 of 5 inspectors missed the seeded defect")
    )  # fmt: skip
    assert codes(case) == ["blame_cause"]


def test_ln_d4_4_why_chain_that_stops_at_a_person_is_flagged() -> None:
    case = clean_case()
    case.causes[0].whys = ["profile drifted after the oven maintenance", "technician forgot"]
    [finding] = report(case).findings
    assert (finding.code, finding.path) == ("whys_stop_at_person", "causes[0].whys")


def test_ln_d4_5_cause_verified_without_method_or_data_is_flagged() -> None:
    case = clean_case()
    case.causes[0].evidence = "confirmed by the team"
    assert codes(case) == ["cause_evidence"]
    case.causes[0].evidence = "turned on and off: defect appears at the cold profile only"
    assert codes(case) == []


# ---------------------------------------------------------------- LN-D5: actions


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Retrain all operators", "training"),
        ("加强培训,要求作业员严格按SOP作业", "training"),
        ("100% inspection of all outgoing lots", "inspection"),
        ("增加全检,加严检验", "inspection"),
        ("Remind operators at the shift meeting to be careful", "reminder"),
        ("对检验员考核并罚款", "penalty"),
        ("Strictly follow the procedure", "comply"),
        ("严格执行作业指导书", "comply"),
    ],
)
def test_ln_d5_2_action_that_only_adds_hollow_measures_is_blocking(text: str, kind: str) -> None:
    case = clean_case()
    case.actions[0].text = text
    [finding] = report(case).findings
    assert (finding.code, dict(finding.params)["kind"]) == ("hollow_action", kind)
    assert finding.severity is LintSeverity.BLOCKING


@pytest.mark.parametrize(
    "text",
    [
        "Caution added to the work instruction WI-12 for the J3 orientation",
        "在作业指导书中增加注意事项:J3 方向",
        "Add a poka-yoke pin to the crimp fixture",
    ],
)
def test_ln_d5_2_a_documented_or_engineered_change_is_not_hollow(text: str) -> None:
    case = clean_case()
    case.actions[0].text = text
    assert codes(case) == []


def test_ln_d5_2_training_beside_a_real_change_for_the_same_cause_is_accepted() -> None:
    case = clean_case()
    case.actions.append(
        CorrectiveAction("A3", "Train operators on the new profile", ["C1"], "Zhou",
                         date(2025, 10, 20), ActionStatus.DONE, date(2025, 10, 20))
    )  # fmt: skip
    case.verifications[0].action_ids.append("A3")
    assert codes(case) == []


def test_ln_d5_3_action_on_a_cause_that_is_not_verified_is_flagged() -> None:
    case = clean_case()
    case.causes.append(Cause("C3", "Solder paste past shelf life", BoneCategory.MATERIAL))
    case.actions[0].cause_ids.append("C3")
    assert codes(case) == ["action_on_unverified_cause"]


def test_ln_0_3_items_without_owner_or_due_date_are_flagged_as_info() -> None:
    case = clean_case()
    case.actions[0].owner = ""
    case.actions[1].due = None
    case.containment[0].owner = ""
    found = {(f.stage, f.code): f for f in report(case).findings}
    assert set(found) == {
        (Stage.D3, "action_owner"),
        (Stage.D5, "action_owner"),
        (Stage.D5, "action_due"),
    }
    assert found[(Stage.D5, "action_owner")].severity is LintSeverity.INFO


# ---------------------------------------------------------------- LN-D6: verification


def test_ln_d6_2_verification_dated_before_the_action_was_done_is_blocking() -> None:
    case = clean_case()
    case.verifications[0].verified_on = date(2025, 10, 15)
    assert codes(case) == ["verification_before_action"]


def test_ln_d6_3_verification_of_an_action_not_done_is_blocking() -> None:
    case = clean_case()
    case.actions[1].status = ActionStatus.IN_PROGRESS
    assert codes(case) == ["verification_of_undone_action"]


def test_ln_d6_3_failed_verification_of_an_implemented_then_withdrawn_action_stays() -> None:
    case = clean_case()
    ver = case.verifications[0]
    withdrawn = next(a for a in case.actions if a.id == ver.action_ids[0])
    withdrawn.status = ActionStatus.CANCELLED
    ver.no_new_problem = False  # it made things worse: withdrawn
    assert "verification_of_undone_action" not in codes(case)
    withdrawn.implemented_on = None  # never implemented: nothing was verified
    withdrawn.status = ActionStatus.CANCELLED
    assert "verification_of_undone_action" in codes(case)


def test_ln_d6_4_verification_without_figures_or_result_is_flagged() -> None:
    case = clean_case()
    ver = case.verifications[0]
    ver.metric, ver.before_value, ver.after_value = "", None, None
    ver.evidence = ""
    assert "verification_data" in codes(case)


def test_ln_d6_4_qualitative_result_with_evidence_is_a_verification() -> None:
    case = clean_case()
    case.verifications = [
        Verification("V1", ["A1", "A2"], date(2025, 11, 1), "Qian", True, True, True,
                     evidence="customer audit report 2025-11-01, 3 lots", result="no recurrence")
    ]  # fmt: skip
    [finding] = report(case).findings
    assert (finding.code, finding.severity) == ("verification_qualitative", LintSeverity.INFO)


def test_ln_d6_5_verification_without_sample_or_period_is_flagged() -> None:
    case = clean_case()
    case.verifications[0].evidence = "no defects seen"
    assert codes(case) == ["verification_sample"]
    case.verifications[0].sample = "three production weeks"
    assert codes(case) == []


# ---------------------------------------------------------------- LN-D7


def test_ln_d7_1_d7_without_an_item_that_really_revises_a_document_is_blocking() -> None:
    case = clean_case()
    case.standardization = [
        StandardizationItem(DocumentKind.FMEA, "PFMEA-77", old_revision="C", new_revision="C")
    ]
    assert codes(case) == ["missing_d7", "d7_same_revision"]


def test_ln_d7_2_d7_without_fmea_or_control_plan_revision_is_flagged() -> None:
    case = clean_case()
    case.standardization = [
        StandardizationItem(DocumentKind.WORK_INSTRUCTION, "WI-1", old_revision="A",
                            new_revision="B")
    ]  # fmt: skip
    assert codes(case) == ["d7_documents"]


def test_ln_d7_4_design_change_without_document_id_is_a_real_d7_item() -> None:
    case = clean_case()
    case.standardization.append(
        StandardizationItem(
            DocumentKind.DESIGN_CHANGE,
            title="Housing rib moved 2 mm away from the connector so the latch cannot bend",
        )
    )
    assert codes(case) == []


# ---------------------------------------------------------------- LN-D2


def test_ln_d2_problem_without_quantity_or_is_is_not_is_flagged() -> None:
    case = clean_case()
    case.problem.how_many = ""
    case.problem.is_is_not = []
    assert codes(case) == ["d2_quantity", "d2_is_is_not"]


def test_ln_d2_3_recurrence_without_review_of_the_earlier_d7_is_flagged() -> None:
    case = clean_case()
    case.problem.repeat_occurrence = True
    assert codes(case) == ["recurrence_review"]
    case.problem.previous_8d = "202503-0004"
    case.problem.previous_d7_review = "PFMEA rev B covered J1 only; J3 was added in rev C"
    assert codes(case) == []


# ---------------------------------------------------------------- customer replies


def test_promised_customer_reply_overdue_is_a_blocking_finding() -> None:
    case = clean_case()
    outbound(case, at(2025, 11, 5), due=at(2025, 11, 7, 17))
    [finding] = report(case).findings
    assert finding.code == "reply_overdue"
    assert (
        finding.blocking
        if hasattr(finding, "blocking")
        else finding.severity is (LintSeverity.BLOCKING)
    )


def test_score_never_drops_below_zero() -> None:
    case = clean_case()
    case.containment, case.causes, case.actions = [], [], []
    case.verifications, case.standardization = [], []
    case.problem.how_many, case.problem.is_is_not = "", []
    case.containment_removed_on = None
    result = report(case)
    assert result.score == 0
    assert result.blocking

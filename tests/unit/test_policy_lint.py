"""8D lint: the weak-8D patterns reviewers reject (DOMAIN §9)."""

from __future__ import annotations

from datetime import date

from eightd.domain import (
    Cause,
    CauseStatus,
    CauseType,
    ContainmentAction,
    ContainmentLocation,
    CorrectiveAction,
    DocumentKind,
    Stage,
    StandardizationItem,
)
from eightd.policy import LintSeverity, lint
from tests.unit._policy_support import POLICY, at, complete_case, make_case, outbound

NOW = at(2025, 11, 10)


def codes(case: object) -> list[str]:
    return [f.code for f in lint(case, POLICY, now=NOW).findings]  # type: ignore[arg-type]


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
    report = lint(clean_case(), POLICY, now=NOW)
    assert report.findings == ()
    assert report.score == 100
    assert not report.blocking


def test_cause_that_only_blames_the_operator_is_a_blocking_finding() -> None:
    case = clean_case()
    case.causes[0].text = "Operator error during reflow set-up"
    report = lint(case, POLICY, now=NOW)
    [finding] = report.findings
    assert (finding.code, finding.path, finding.severity) == (
        "blame_cause",
        "causes[0]",
        LintSeverity.BLOCKING,
    )
    assert report.blocking
    assert report.score == 80
    assert "operator error" in finding.text("en")


def test_chinese_blame_cause_is_found() -> None:
    case = clean_case()
    case.causes[0].text = "作业员未按SOP操作"
    assert codes(case) == ["blame_cause"]


def test_blame_cause_with_a_systemic_cause_behind_it_is_accepted() -> None:
    case = clean_case()
    case.causes[0].text = "未按SOP操作"
    case.causes.append(
        Cause("C3", "SOP not updated after the line change", parent="C1",
              type=CauseType.OCCURRENCE, status=CauseStatus.VERIFIED, evidence="doc review",
              systemic=True)
    )  # fmt: skip
    assert codes(case) == []


def test_training_as_the_only_remedy_is_flagged() -> None:
    case = clean_case()
    case.actions[0].text = "加强培训 for all reflow operators"
    assert codes(case) == ["training_remedy"]
    case.actions.append(CorrectiveAction("A3", "Interlock reflow profile", ["C1"], "Zhou",
                                         date(2025, 10, 20)))  # fmt: skip
    case.verifications[0].action_ids.append("A3")
    assert codes(case) == []


def test_action_that_only_says_follow_the_process_is_flagged() -> None:
    case = clean_case()
    case.actions[1].text = "Follow the process strictly"
    assert codes(case) == ["vague_action"]


def test_missing_escape_cause_after_d4_is_a_blocking_finding() -> None:
    case = clean_case()
    del case.causes[1]
    case.actions[1].cause_ids = []
    assert codes(case) == ["no_escape_cause"]
    case.stage = Stage.D4  # still being analysed: not yet a finding
    assert codes(case) == []


def test_containment_without_quantities_is_flagged() -> None:
    case = clean_case()
    case.containment[0].quantity_checked = None
    assert codes(case) == ["containment_quantities"]


def test_containment_missing_a_location_is_flagged() -> None:
    case = complete_case()  # finished stock only
    report = lint(case, POLICY, now=NOW)
    [finding] = report.findings
    assert finding.code == "containment_locations"
    assert dict(finding.params) == {
        "locations": (ContainmentLocation.IN_PROCESS, ContainmentLocation.AT_CUSTOMER)
    }
    assert finding.text("en").endswith("in process, at customer")
    assert finding.text("zh").endswith("在制品, 客户处")


def test_actions_without_owner_or_due_date_are_flagged() -> None:
    case = clean_case()
    case.actions[0].owner = ""
    case.actions[1].due = None
    case.containment[0].owner = ""
    assert [(f.code, f.path) for f in lint(case, POLICY, now=NOW).findings] == [
        ("action_owner", "actions[0].owner"),
        ("action_due", "actions[1].due"),
        ("action_owner", "containment[0].owner"),
    ]


def test_verification_without_data_is_flagged() -> None:
    case = clean_case()
    case.verifications[0].before_value = None
    assert codes(case) == ["verification_data"]


def test_d7_without_fmea_or_control_plan_revision_is_flagged() -> None:
    case = clean_case()
    case.standardization = [StandardizationItem(DocumentKind.WORK_INSTRUCTION, "WI-12")]
    assert codes(case) == ["d7_documents"]
    case.standardization.append(StandardizationItem(DocumentKind.CONTROL_PLAN, "CP-3"))
    assert codes(case) == []


def test_promised_customer_reply_overdue_is_a_blocking_finding() -> None:
    case = clean_case()
    outbound(case, at(2025, 11, 5, 10), due=at(2025, 11, 7, 17))
    report = lint(case, POLICY, now=NOW)
    assert [f.code for f in report.findings] == ["reply_overdue"]
    assert report.blocking
    outbound(case, at(2025, 11, 7, 16))  # called at the agreed time, even without an answer
    assert codes(case) == []


def test_score_sums_the_weights_and_never_drops_below_zero() -> None:
    case = make_case()
    case.causes = [
        Cause(f"C{i}", "operator error", status=CauseStatus.SUSPECTED) for i in range(1, 8)
    ]
    assert lint(case, POLICY, now=NOW).score == 0

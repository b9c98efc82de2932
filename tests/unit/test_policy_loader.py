"""The policy file: documented defaults, company files laid over them, every error reported
with its key path."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from eightd.domain import CauseStatus, ComplaintCategory, DefectKind, Severity, Stage
from eightd.errors import PolicyError, StageGateError
from eightd.policy import (
    DEFAULT_POLICY_PATH,
    Anchor,
    ClockState,
    Duration,
    GateRule,
    check_gate,
    load_policy,
    require_gate,
    schedule,
)
from tests.unit._policy_support import POLICY, at, complete_case, make_case


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EIGHTD_LANG", "en")


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "acme-policy.toml"
    path.write_text(text, encoding="utf-8")
    return path


def errors_of(tmp_path: Path, text: str) -> dict[str, str]:
    with pytest.raises(PolicyError) as err:
        load_policy(write(tmp_path, text))
    return dict(err.value.errors)


# ---------------------------------------------------------------- the default file


def test_default_policy_file_lives_in_templates() -> None:
    assert DEFAULT_POLICY_PATH.name == "policy.toml"
    assert DEFAULT_POLICY_PATH.parent.name == "templates"
    assert load_policy().source == str(DEFAULT_POLICY_PATH)


def test_default_policy_carries_the_domain_deadlines() -> None:
    d = POLICY.deadlines
    assert d.for_stage(Stage.D0, None).within == Duration(2, "working_days")  # type: ignore[union-attr]
    assert d.for_stage(Stage.D3, Severity.SERIOUS).within == Duration(24, "hours")  # type: ignore[union-attr]
    assert d.for_stage(Stage.D8, Severity.SERIOUS).within == Duration(7, "days")  # type: ignore[union-attr]
    analysis = d.for_stage(Stage.D4, Severity.GENERAL)
    assert analysis is not None
    assert (analysis.within, analysis.anchor) == (
        Duration(7, "working_days"),
        Anchor.LATEST_FEEDBACK,
    )
    assert d.due_soon == Duration(24, "hours")


def test_default_policy_carries_seed_001_closure_limits_and_domain_thresholds() -> None:
    assert POLICY.closure.limits[ComplaintCategory.SERVICE] == 2
    assert POLICY.closure.callback_within == Duration(2, "working_days")
    assert (POLICY.closure.unreachable_attempts, POLICY.closure.unreachable_window_days) == (3, 30)
    e = POLICY.escalation
    assert (e.same_kind_count, e.same_kind_window_days, e.level2_unresolved_days) == (3, 30, 15)
    assert (e.level1_departments, e.level2_departments) == (3, 2)
    assert POLICY.timezone == "Asia/Shanghai"
    assert POLICY.roles.approver == "approver"


def test_default_policy_carries_seed_001_topic_limits() -> None:
    assert dict(POLICY.closure.topic_limits) == {
        "sales_service": 2,  # 销售服务类
        "sales_promise_unkept": 2,  # 销售承诺未兑现
        "refund_review": 5,  # 退订退款审核
        "contract_termination": 10,  # 合同解约
        "late_fee": 2,  # 滞纳金
        "contract_collection": 5,  # 领取合同
        "certificate": 2,  # 办证
        "commission": 10,  # 佣金
        "repair_progress": 5,  # 交付遗留/维修进度
        "engineer_service": 2,  # 工程师服务
        "claim_progress": 5,  # 客户索赔进度
        "refund_progress": 15,  # 退款进度
        "apartment_service": 2,  # 泊寓服务
        "property_service": 2,  # 物业服务
        "elevator_fault": 5,  # 电梯故障
        "other": 1,  # 其他: next day
    }


def test_company_topic_limits_are_laid_over_the_default_ones(tmp_path: Path) -> None:
    policy = load_policy(write(tmp_path, "[closure.topic_limits]\nparking_fee = 3\nlate_fee = 4\n"))
    limits = policy.closure.topic_limits
    assert (limits["parking_fee"], limits["late_fee"], limits["refund_progress"]) == (3, 4, 15)


def test_topic_limit_must_be_a_positive_whole_number_under_a_topic_key(tmp_path: Path) -> None:
    errors = errors_of(
        tmp_path,
        '[closure.topic_limits]\nrefund_review = 0\ncommission = "ten"\n'
        'Refund-Progress = 15\n"退款进度" = 15\n',
    )
    assert errors == {
        "closure.topic_limits.refund_review": "must be at least 1 (got 0)",
        "closure.topic_limits.commission": "must be a whole number",
        "closure.topic_limits.Refund-Progress": (
            "'Refund-Progress' is not a topic key (lower-case letters, digits and _, "
            "starting with a letter, e.g. refund_review)"
        ),
        "closure.topic_limits.退款进度": (
            "'退款进度' is not a topic key (lower-case letters, digits and _, "
            "starting with a letter, e.g. refund_review)"
        ),
    }


def test_every_gate_item_is_configured_in_the_default_file() -> None:
    from eightd.policy import GATE_ITEMS

    keys = {f"{s.value}.{i}" for s, items in GATE_ITEMS.items() for i in items}
    assert set(POLICY.gates.items) == keys


def test_every_lint_rule_is_configured_in_the_default_file() -> None:
    from eightd.policy import LINT_RULES

    assert set(POLICY.lint.rules) == set(LINT_RULES)


# ---------------------------------------------------------------- a company's own file


def test_company_policy_changing_a_deadline_and_a_gate_changes_behaviour(tmp_path: Path) -> None:
    acme = load_policy(
        write(
            tmp_path,
            '[deadlines.serious]\nD3 = { hours = 8 }\n[gates.D4]\nescape_cause_verified = "warn"\n',
        )
    )
    case = complete_case()
    case.intake.received_at = at(2025, 9, 30, 10)
    case.causes[1].status = CauseStatus.SUSPECTED
    case.stage = Stage.D3
    now = at(2025, 9, 30, 11)
    # the default: 24 h containment, the escape cause blocks D4
    assert schedule(case, POLICY, now=now).clock(Stage.D3).due == at(2025, 10, 1, 10)
    with pytest.raises(StageGateError):
        require_gate(case, Stage.D4, POLICY)
    # the company: 8 h containment, a missing escape cause only warns
    assert schedule(case, acme, now=now).clock(Stage.D3).due == at(2025, 9, 30, 18)
    assert check_gate(case, Stage.D4, acme) == []
    assert acme.gates.rule("D4.escape_cause_verified") is GateRule.WARN
    # everything the company did not write stays the default
    assert acme.deadlines.for_stage(Stage.D8, Severity.SERIOUS) == POLICY.deadlines.for_stage(
        Stage.D8, Severity.SERIOUS
    )


def test_company_policy_can_drop_a_deadline(tmp_path: Path) -> None:
    acme = load_policy(write(tmp_path, '[deadlines.serious]\nD8 = "none"\n'))
    case = make_case(defect_kinds=[DefectKind.FUNCTIONAL])
    assert schedule(case, acme, now=at(2025, 10, 1)).clock(Stage.D8).state is ClockState.UNTIMED


def test_company_grading_rule_changes_the_suggested_grade(tmp_path: Path) -> None:
    from eightd.policy import suggest_severity

    acme = load_policy(write(tmp_path, '[grading.severity.serious]\ndefect_kinds = ["cosmetic"]\n'))
    case = make_case(defect_kinds=[DefectKind.COSMETIC])
    assert suggest_severity(case, POLICY)[0] is Severity.GENERAL
    assert suggest_severity(case, acme)[0] is Severity.SERIOUS


def test_policy_file_alone_can_be_read_without_the_defaults(tmp_path: Path) -> None:
    alone = load_policy(write(tmp_path, 'name = "bare"\n'), defaults=False)
    assert alone.name == "bare"
    assert alone.deadlines.for_stage(Stage.D0, None) is None


# ---------------------------------------------------------------- bad files


def test_unknown_key_is_refused_with_its_path(tmp_path: Path) -> None:
    assert errors_of(tmp_path, "[deadlines.serious]\nD9 = { hours = 1 }\n") == {
        "deadlines.serious.D9": "is not a known key"
    }


def test_misspelt_section_is_refused(tmp_path: Path) -> None:
    assert errors_of(tmp_path, "[deadline]\n") == {"deadline": "is not a known key"}


def test_deadline_with_two_units_is_refused(tmp_path: Path) -> None:
    errors = errors_of(tmp_path, "[deadlines.serious]\nD3 = { hours = 24, working_days = 1 }\n")
    assert errors == {"deadlines.serious.D3": "needs exactly one of working_days, hours, days"}


def test_negative_deadline_is_refused(tmp_path: Path) -> None:
    errors = errors_of(tmp_path, "[deadlines.default]\nD0 = { working_days = -2 }\n")
    assert errors == {"deadlines.default.D0.working_days": "must be at least 0 (got -2)"}


def test_due_soon_window_in_working_days_is_refused(tmp_path: Path) -> None:
    errors = errors_of(tmp_path, "[deadlines]\ndue_soon = { working_days = 1 }\n")
    assert errors == {
        "deadlines.due_soon.working_days": "'working_days' is not allowed here; use hours, days"
    }


def test_unknown_gate_rule_is_refused_with_the_choices(tmp_path: Path) -> None:
    errors = errors_of(tmp_path, '[gates.D3]\ncontainment_present = "maybe"\n')
    assert errors == {"gates.D3.containment_present": "'maybe' is not one of: block, warn, off"}


def test_unknown_defect_kind_in_a_list_names_its_index(tmp_path: Path) -> None:
    errors = errors_of(
        tmp_path, '[grading.severity.serious]\ndefect_kinds = ["functional", "smelly"]\n'
    )
    assert list(errors) == ["grading.severity.serious.defect_kinds[1]"]
    assert errors["grading.severity.serious.defect_kinds[1]"].startswith("'smelly' is not one of")


def test_bad_time_zone_is_refused(tmp_path: Path) -> None:
    assert errors_of(tmp_path, 'timezone = "Mars/Olympus"\n') == {
        "timezone": "'Mars/Olympus' is not a known time zone (e.g. Asia/Shanghai)"
    }


def test_every_error_of_a_file_is_reported_at_once(tmp_path: Path) -> None:
    errors = errors_of(
        tmp_path,
        "timezone = 8\n"
        '[escalation]\nsame_kind_count = "three"\nlevel2_departments = -1\n'
        '[lint.rules]\nblame_cause = { severity = "fatal", weight = 20 }\n'
        '[calendar]\nholidays = ["2026-10-01"]\nweekend = [0]\n',
    )
    assert errors == {
        "timezone": "must be text",
        "escalation.same_kind_count": "must be a whole number",
        "escalation.level2_departments": "must be at least 0 (got -1)",
        "lint.rules.blame_cause.severity": "'fatal' is not one of: blocking, warning, info, off",
        "calendar.holidays[0]": "must be a date as YYYY-MM-DD",
        "calendar.weekend[0]": "'0' is not an ISO weekday (1 = Monday … 7 = Sunday)",
    }


def test_policy_error_message_names_the_file_and_each_key(tmp_path: Path) -> None:
    path = write(tmp_path, '[roles]\napprover = ""\nsigner = "x"\n')
    with pytest.raises(PolicyError) as err:
        load_policy(path)
    message = str(err.value)
    assert str(path) in message
    assert "2 error(s)" in message
    assert "roles.approver: is required" in message
    assert "roles.signer: is not a known key" in message
    assert pickle.loads(pickle.dumps(err.value)).errors == err.value.errors


def test_invalid_toml_is_refused_with_the_parser_reason(tmp_path: Path) -> None:
    [(path, reason)] = errors_of(tmp_path, "[deadlines\n").items()
    assert path == "$"
    assert reason.startswith("is not valid TOML")


def test_missing_policy_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PolicyError) as err:
        load_policy(tmp_path / "nope.toml")
    [(path, reason)] = err.value.errors
    assert (path, reason.startswith("cannot be read")) == ("$", True)


def test_grade_with_rules_missing_from_the_order_is_refused(tmp_path: Path) -> None:
    errors = errors_of(tmp_path, '[grading]\nseverity_order = ["serious", "general"]\n')
    assert errors == {"grading.severity_order": "'incidental' has rules but is not in the order"}


def test_errors_in_the_company_calendar_file_are_reported_under_calendar_file(
    tmp_path: Path,
) -> None:
    (tmp_path / "cal.toml").write_text('holidays = ["soon"]\nbridges = []\n', encoding="utf-8")
    with pytest.raises(PolicyError) as err:
        load_policy(write(tmp_path, '[calendar]\nfile = "cal.toml"\n'))
    cal = tmp_path / "cal.toml"
    assert sorted(err.value.errors) == [
        ("calendar.file", f"{cal}, bridges: is not a known key"),
        ("calendar.file", f"{cal}, holidays[0]: must be a date as YYYY-MM-DD"),
    ]


def test_day_both_holiday_and_working_day_is_refused(tmp_path: Path) -> None:
    errors = errors_of(tmp_path, "[calendar]\nholidays = [2026-10-10]\nworkdays = [2026-10-10]\n")
    assert errors == {
        "calendar.workdays": "2026-10-10 is listed both as a holiday and as a working day"
    }

"""assess(): everything the policy says about a case, in one value."""

from __future__ import annotations

from datetime import datetime

import pytest

from eightd.domain import Severity, Stage
from eightd.policy import ClockState, SignatureState, assess
from tests.unit._policy_support import POLICY, at, complete_case, make_case


def test_assessment_of_a_new_serious_complaint() -> None:
    case = make_case(received=at(2025, 9, 30, 10), line_stop=True, injury=True)
    result = assess(case, POLICY, now=at(2025, 10, 1, 11))
    assert result.grade.suggested_severity is Severity.SERIOUS
    assert result.escalation.level == 1
    assert result.schedule.clock(Stage.D3).state is ClockState.OVERDUE  # 24 h passed
    assert [c.key for c in result.attention] == ["D3"]
    assert [i.code for i in result.blocking] == [
        "gate.D0.validity_decided",
        "gate.D0.severity_graded",
    ]
    assert result.signature is SignatureState.NONE
    assert result.warnings == ()


def test_assessment_lists_gates_up_to_the_current_stage() -> None:
    case = complete_case()
    case.stage = Stage.D4
    result = assess(case, POLICY, now=at(2025, 11, 10))
    assert [stage for stage, _ in result.gates] == [Stage(f"D{i}") for i in range(5)]
    assert result.blocking == ()
    assert result.signature is SignatureState.VALID
    assert result.lint.score == 97  # containment covers finished stock only


def test_assessment_needs_an_aware_time() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        assess(make_case(), POLICY, now=datetime(2025, 10, 1, 9))

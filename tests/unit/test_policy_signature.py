"""Approval as an electronic signature over the case content (rule GT-D8)."""

from __future__ import annotations

from eightd.domain import Callback, CallbackOutcome, CaseStatus, Closure, ClosureKind, Stage
from eightd.policy import SignatureState, content_hash, signature_state
from tests.unit._policy_support import approve, at, complete_case, inbound, make_case


def test_content_hash_is_a_sha256_of_the_case() -> None:
    digest = content_hash(make_case())
    assert digest.startswith("sha256:")
    assert len(digest) == len("sha256:") + 64


def test_content_hash_is_stable_for_equal_content() -> None:
    assert content_hash(complete_case()) == content_hash(complete_case())


def test_unapproved_case_has_no_signature() -> None:
    assert signature_state(make_case()) is SignatureState.NONE


def test_approval_signs_the_current_content() -> None:
    assert signature_state(complete_case()) is SignatureState.VALID


def test_change_after_approval_invalidates_the_signature() -> None:
    case = complete_case()
    case.causes[0].evidence = "reproduced at 230 °C"
    assert signature_state(case) is SignatureState.CHANGED_AFTER_APPROVAL


def test_new_approval_after_a_change_is_valid_again() -> None:
    case = complete_case()
    case.causes[0].evidence = "reproduced at 230 °C"
    approve(case, at(2025, 11, 6))
    assert signature_state(case) is SignatureState.VALID


def test_closing_and_calling_back_after_approval_keeps_the_signature() -> None:
    case = complete_case()
    inbound(case, at(2025, 11, 5))
    case.callbacks.append(Callback(at(2025, 11, 5), "cs", CallbackOutcome.SATISFIED))
    case.history.clear()
    case.stage = Stage.D8
    case.status = CaseStatus.CLOSED
    case.closure = Closure(ClosureKind.NORMAL, at(2025, 11, 6))
    assert signature_state(case) is SignatureState.VALID

"""Closure rules (rules CL-1 … CL-5) and the non-8D paths (rules IN-1, VA-1).

Each function returns the message codes of what keeps the case from being closed
(or reopened); an empty list means the move is allowed. The services raise
:class:`~eightd.errors.StageGateError` with these codes.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from eightd.domain.enums import AbnormalGround, CallbackOutcome, ClosureKind, Stage, Validity
from eightd.domain.model import Case
from eightd.policy.gates import check_gate
from eightd.policy.model import Policy
from eightd.policy.signature import SignatureState, signature_state

# AbnormalGround lives in the domain (it is stored in Closure.ground); re-exported here
# so ``from eightd.policy import AbnormalGround`` keeps working.
__all__ = ["AbnormalGround", "closure_problems", "reopen_problems", "unanswered_callbacks"]


def unanswered_callbacks(case: Case, policy: Policy) -> int:
    """Rule CL-4: the most unanswered call-backs on different days (in the policy's time zone)
    inside one window of ``unreachable_window_days``, counted only after the closure was
    proposed (the latest approval of the 8D report; for a case closed without an 8D, its
    validity decision is the proposal and every call-back counts)."""
    proposed = _approved_after(case)
    if proposed is None and case.needs_8d:
        return 0
    days = sorted(
        {
            c.at.astimezone(policy.tz).date()
            for c in case.callbacks
            if c.at
            and c.outcome is CallbackOutcome.NO_ANSWER
            and (proposed is None or c.at >= proposed)
        }
    )
    window = timedelta(days=policy.closure.unreachable_window_days)
    return max(
        (sum(1 for other in days if start <= other <= start + window) for start in days),
        default=0,
    )


def _approved_after(case: Case) -> datetime | None:
    signed = [a.signed_at for a in case.approvals if a.signed_at is not None]
    return max(signed) if signed else None


def closure_problems(
    case: Case,
    kind: ClosureKind,
    policy: Policy,
    *,
    reason: str = "",
    ground: AbnormalGround | None = None,
) -> list[str]:
    """What is missing for closing ``case`` the ``kind`` way."""
    if case.is_closed:
        return ["closure.already_closed"]
    if kind is ClosureKind.NO_8D:
        return _no_8d_problems(case, policy)
    if not case.needs_8d:
        return ["closure.not_8d_case"]
    if kind is ClosureKind.NORMAL:
        missing = check_gate(case, Stage.D8, policy)
        approved = _approved_after(case)
        satisfied = any(
            c.outcome is CallbackOutcome.SATISFIED
            and c.at is not None
            and (approved is None or c.at >= approved)
            for c in case.callbacks
        )
        if not satisfied:
            missing.append("closure.normal.callback_agreed")
        return missing
    # abnormal closure (rules CL-3, CL-4)
    missing = [] if reason.strip() else ["closure.abnormal.reason"]
    if policy.closure.abnormal_needs_approval and signature_state(case) is not SignatureState.VALID:
        missing.append("closure.abnormal.approval")
    if ground is None:
        missing.append("closure.abnormal.ground")
    elif ground not in policy.closure.abnormal_grounds:
        missing.append("closure.abnormal.ground_not_allowed")
    elif ground is AbnormalGround.UNREACHABLE and (
        unanswered_callbacks(case, policy) < policy.closure.unreachable_attempts
    ):
        missing.append("closure.abnormal.unreachable_attempts")
    return missing


def _no_8d_problems(case: Case, policy: Policy) -> list[str]:
    missing = []
    if case.validity in (None, Validity.FOUNDED):
        missing.append("closure.no_8d.founded")
    if not case.validity_note.strip():
        missing.append("closure.no_8d.explanation")
    if policy.closure.no_8d_needs_approval and signature_state(case) is not SignatureState.VALID:
        missing.append("closure.no_8d.approval")
    return missing


def reopen_problems(case: Case) -> list[str]:
    """A case can be reopened only when it is closed (rules CL-1 … CL-4: back to D4)."""
    return [] if case.is_closed else ["closure.reopen.not_closed"]

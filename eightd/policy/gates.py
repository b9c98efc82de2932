"""Stage gates: what must exist before a stage counts as done (rules GT-D0 … GT-D8).

Each gate item has a stable code (``gate.D3.containment_quantities``, a catalog key);
the policy says whether it blocks, warns or is off. :func:`check_gate` gives the
blocking codes for a move; :func:`gate_items` every unmet item with its rule and the
ids of the items concerned (for ``eightd show``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from eightd.domain.enums import ActionStatus, CauseStatus, CauseType, Stage, Validity
from eightd.domain.model import Case, CorrectiveAction
from eightd.errors import StageGateError
from eightd.policy.loader import GATE_ITEMS
from eightd.policy.model import GateRule, Policy
from eightd.policy.signature import SignatureState, signature_state

__all__ = ["GateItem", "check_gate", "gate_items", "require_gate"]


@dataclass(frozen=True)
class GateItem:
    """An unmet gate item: ``code`` is its message key, ``refs`` the item ids concerned."""

    code: str
    rule: GateRule
    refs: tuple[str, ...] = ()

    @property
    def blocking(self) -> bool:
        return self.rule is GateRule.BLOCK


# Each check returns None when met, else the ids of the items concerned (may be empty).
Check = Callable[[Case, Policy], "tuple[str, ...] | None"]


def _unmet(refs: list[str] | tuple[str, ...], *, when: bool = True) -> tuple[str, ...] | None:
    return tuple(refs) if when else None


def _validity_decided(case: Case, policy: Policy) -> tuple[str, ...] | None:
    return _unmet((), when=case.validity is None)


def _founded(case: Case, policy: Policy) -> tuple[str, ...] | None:
    return _unmet((), when=case.validity not in (None, Validity.FOUNDED))


def _severity_graded(case: Case, policy: Policy) -> tuple[str, ...] | None:
    return _unmet((), when=case.grading.severity is None)


def _team_roles(case: Case, policy: Policy) -> tuple[str, ...] | None:
    present = {m.role for m in case.team}
    missing = [r.value for r in policy.gates.required_team_roles if r not in present]
    return _unmet(missing, when=bool(missing))


def _problem_described(case: Case, policy: Policy) -> tuple[str, ...] | None:
    return _unmet((), when=not case.problem.is_filled())


def _containment_present(case: Case, policy: Policy) -> tuple[str, ...] | None:
    # rule GT-D3: containment actions, or a written reason why none is needed
    return _unmet((), when=not case.containment and not case.no_containment_reason.strip())


def _containment_quantities(case: Case, policy: Policy) -> tuple[str, ...] | None:
    ids = [c.id for c in case.containment if c.quantity_checked is None or c.quantity_bad is None]
    return _unmet(ids, when=bool(ids))


def _containment_effectiveness(case: Case, policy: Policy) -> tuple[str, ...] | None:
    ids = [c.id for c in case.containment if not c.effectiveness.strip()]
    return _unmet(ids, when=bool(ids))


def _occurrence_cause_verified(case: Case, policy: Policy) -> tuple[str, ...] | None:
    return _unmet((), when=not case.causes_of(CauseType.OCCURRENCE, CauseStatus.VERIFIED))


def _escape_cause_verified(case: Case, policy: Policy) -> tuple[str, ...] | None:
    verified = case.causes_of(CauseType.ESCAPE, CauseStatus.VERIFIED)
    return _unmet((), when=not verified and not case.no_escape_reason.strip())


def _live_actions(case: Case) -> list[CorrectiveAction]:
    return [a for a in case.actions if a.status is not ActionStatus.CANCELLED]


def _action_per_cause(case: Case, policy: Policy) -> tuple[str, ...] | None:
    addressed = {ref for a in _live_actions(case) for ref in a.cause_ids}
    ids = [c.id for c in case.causes if c.status is CauseStatus.VERIFIED and c.id not in addressed]
    return _unmet(ids, when=bool(ids))


def _action_owner_due(case: Case, policy: Policy) -> tuple[str, ...] | None:
    ids = [a.id for a in _live_actions(case) if not a.owner.strip() or a.due is None]
    return _unmet(ids, when=bool(ids))


def _verification_criteria(case: Case, policy: Policy) -> tuple[str, ...] | None:
    """Every live action is covered by an effective verification (rule GT-D6)."""
    verified = {ref for v in case.verifications if v.effective is True for ref in v.action_ids}
    ids = [a.id for a in _live_actions(case) if a.id not in verified]
    none_effective = not any(v.effective is True for v in case.verifications)
    return _unmet(ids, when=bool(ids) or none_effective)


def _containment_removed(case: Case, policy: Policy) -> tuple[str, ...] | None:
    return _unmet((), when=bool(case.containment) and case.containment_removed_on is None)


def _standardization(case: Case, policy: Policy) -> tuple[str, ...] | None:
    # rule GT-D7: an item that really revises something, or a written reason
    revising = any(item.revises for item in case.standardization)
    return _unmet((), when=not revising and not case.no_standardization_reason.strip())


def _approval(case: Case, policy: Policy) -> tuple[str, ...] | None:
    return _unmet((), when=signature_state(case) is not SignatureState.VALID)


_CHECKS: dict[str, Check] = {
    "D0.validity_decided": _validity_decided,
    "D0.founded": _founded,
    "D0.severity_graded": _severity_graded,
    "D1.team_roles": _team_roles,
    "D2.problem_described": _problem_described,
    "D3.containment_present": _containment_present,
    "D3.containment_quantities": _containment_quantities,
    "D3.containment_effectiveness": _containment_effectiveness,
    "D4.occurrence_cause_verified": _occurrence_cause_verified,
    "D4.escape_cause_verified": _escape_cause_verified,
    "D5.action_per_cause": _action_per_cause,
    "D5.action_owner_due": _action_owner_due,
    "D6.verification_criteria": _verification_criteria,
    "D6.containment_removed": _containment_removed,
    "D7.standardization": _standardization,
    "D8.approval": _approval,
}


def gate_items(case: Case, stage: Stage, policy: Policy) -> list[GateItem]:
    """Every unmet item of the stage's gate that the policy does not switch off."""
    found = []
    for name in GATE_ITEMS[stage]:
        key = f"{stage.value}.{name}"
        rule = policy.gates.rule(key)
        if rule is GateRule.OFF:
            continue
        refs = _CHECKS[key](case, policy)
        if refs is not None:
            found.append(GateItem(f"gate.{key}", rule, refs))
    return found


def check_gate(case: Case, stage: Stage, policy: Policy) -> list[str]:
    """Message codes of the blocking items that keep ``stage`` from being done."""
    return [item.code for item in gate_items(case, stage, policy) if item.blocking]


def require_gate(case: Case, stage: Stage, policy: Policy) -> None:
    """Raise :class:`StageGateError` listing every blocking item of the stage's gate."""
    missing = check_gate(case, stage, policy)
    if missing:
        raise StageGateError(number=case.number, stage=stage.value, missing=missing)

"""What an intake must hold before a complaint is opened (rule IN-1), as policy.

The domain requires only what makes a record a complaint at all (when it came in,
the customer, the product, the defect). The rest is the company's choice: the
default policy asks for the ship date and quantity, the defect rate (or lot size
and defect count) and where the customer found it; a retailer may drop the
shipped quantity, a supplier may add the customer's own complaint number.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from eightd.domain.model import Intake
from eightd.errors import ValidationError
from eightd.policy.model import Policy

__all__ = ["REQUIRABLE", "missing_intake", "require_intake"]

# one rule spans two ways of stating the defect level (rules IN-1, VA-1)
DEFECT_RATE_OR_COUNTS = "defect_rate_or_counts"
REQUIRABLE: tuple[str, ...] = (
    *(
        fld.name
        for fld in dataclasses.fields(Intake)
        if fld.type not in ("bool", bool)  # a flag always has a value
    ),
    DEFECT_RATE_OR_COUNTS,
)


def _missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, list) and not value


def missing_intake(intake: Intake, policy: Policy, path: str = "intake") -> list[tuple[str, str]]:
    """Every required intake fact that is missing, as (the JSON key to give, reason code):
    what makes a record a complaint (the domain), then what the policy requires."""
    missing = [
        (f"{path}.{fld.name}", "error.reason.required")
        for fld in dataclasses.fields(Intake)
        if fld.metadata.get("required") and _missing(getattr(intake, fld.name))
    ]
    for name in policy.intake.required:
        if name == DEFECT_RATE_OR_COUNTS:
            if intake.defect_rate_percent is not None:
                continue
            # name the one that is missing: a lot size without a defect count, or the reverse
            if intake.lot_size is None and intake.defect_count is not None:
                missing.append((f"{path}.lot_size", "error.reason.defect_rate_or_counts"))
            elif intake.defect_count is None:
                missing.append((f"{path}.defect_count", "error.reason.defect_rate_or_counts"))
        elif _missing(getattr(intake, name)) and all(p != f"{path}.{name}" for p, _ in missing):
            missing.append((f"{path}.{name}", "error.reason.required"))
    return missing


def require_intake(intake: Intake, policy: Policy, path: str = "intake") -> None:
    """Raise ValidationError naming every required intake fact that is missing, at once:
    the first as its field, all of them (JSON keys of the intake) in the message."""
    missing = missing_intake(intake, policy, path)
    if len(missing) == 1:
        raise ValidationError(missing[0][0], missing[0][1])
    if missing:
        fields = [field for field, _ in missing]
        raise ValidationError(
            fields[0], "error.reason.intake_incomplete", missing=", ".join(fields), fields=fields
        )

"""What an intake must hold before a complaint is opened (seed 004 §5.1.1), as policy.

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

__all__ = ["REQUIRABLE", "require_intake"]

# one rule spans two ways of stating the defect level (DOMAIN §1)
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


def require_intake(intake: Intake, policy: Policy, path: str = "intake") -> None:
    """Raise ValidationError naming the first required intake fact that is missing."""
    for name in policy.intake.required:
        if name == DEFECT_RATE_OR_COUNTS:
            has_counts = intake.lot_size is not None and intake.defect_count is not None
            if intake.defect_rate_percent is None and not has_counts:
                raise ValidationError(f"{path}.defect_count", "error.reason.defect_rate_or_counts")
        elif _missing(getattr(intake, name)):
            raise ValidationError(f"{path}.{name}", "error.reason.required")

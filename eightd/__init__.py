"""eightd: a quality workbench for 8D investigations of customer complaints.

The top-level package exposes the domain (plain Python) and the errors; it
imports no database, notebook or graphics library. The store, services,
policy, diagrams and reports are imported from their sub-packages::

    from eightd.store import open_store
    from eightd import services
"""

from eightd.domain import (
    Case,
    Cause,
    ComplaintNumber,
    ContainmentAction,
    CorrectiveAction,
    Intake,
    Severity,
    Stage,
    StandardizationItem,
    TeamMember,
    Verification,
    case_from_dict,
    case_schema,
    case_to_dict,
    validate_case,
)
from eightd.errors import (
    CalendarError,
    ConcurrentEditError,
    DiagramError,
    EightDError,
    MissingDependencyError,
    NotFoundError,
    PermissionDeniedError,
    PolicyError,
    ReportError,
    StageGateError,
    StoreError,
    ValidationError,
)

__version__ = "0.1.0"

__all__ = [
    "CalendarError",
    "Case",
    "Cause",
    "ComplaintNumber",
    "ConcurrentEditError",
    "ContainmentAction",
    "CorrectiveAction",
    "DiagramError",
    "EightDError",
    "Intake",
    "MissingDependencyError",
    "NotFoundError",
    "PermissionDeniedError",
    "PolicyError",
    "ReportError",
    "Severity",
    "Stage",
    "StageGateError",
    "StandardizationItem",
    "StoreError",
    "TeamMember",
    "ValidationError",
    "Verification",
    "__version__",
    "case_from_dict",
    "case_schema",
    "case_to_dict",
    "validate_case",
]

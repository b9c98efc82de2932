"""The vocabulary of complaints and 8D investigations (docs/RULES.md).

Values are stable English codes: they are stored, exported in JSON and used
as message keys (``enum.<EnumName>.<value>`` in the catalogs), so renaming a
value is a data migration.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "AbnormalGround",
    "ActionStatus",
    "BoneCategory",
    "CallbackOutcome",
    "CaseStatus",
    "CauseStatus",
    "CauseType",
    "Channel",
    "ClosureKind",
    "ComplaintCategory",
    "ContactDirection",
    "ContainmentLocation",
    "ContainmentMeasure",
    "DefectKind",
    "DocumentKind",
    "FoundAt",
    "IsIsNotDimension",
    "PauseReason",
    "Priority",
    "RemedyKind",
    "Severity",
    "Stage",
    "StageEventKind",
    "TeamRole",
    "Validity",
    "VerificationBasis",
]


class Stage(StrEnum):
    """The 8D disciplines, D0 (intake and validity) to D8 (approval and closure)."""

    D0 = "D0"
    D1 = "D1"
    D2 = "D2"
    D3 = "D3"
    D4 = "D4"
    D5 = "D5"
    D6 = "D6"
    D7 = "D7"
    D8 = "D8"

    @property
    def index(self) -> int:  # type: ignore[override]  # D3.index == 3, not str.index
        return int(self.value[1])

    def next(self) -> Stage | None:
        return None if self is Stage.D8 else Stage(f"D{self.index + 1}")


class CaseStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class Validity(StrEnum):
    """rules IN-1, VA-1 validity check: founded and ours -> 8D; otherwise closed without one."""

    FOUNDED = "founded"  # an effective complaint about our product or service
    NOT_FOUNDED = "not_founded"
    NOT_OURS = "not_ours"
    CUSTOMER_REQUEST = "customer_request"  # help, enquiry, venting (rule VA-1)


class Severity(StrEnum):
    """Rule GR-1 grades."""

    SERIOUS = "serious"  # 严重抱怨
    GENERAL = "general"  # 一般异常
    INCIDENTAL = "incidental"  # 偶发性异常


class Priority(StrEnum):
    """Rule GR-2."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class Channel(StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    ONLINE = "online"
    WALK_IN = "walk_in"
    SOCIAL_MEDIA = "social_media"
    THIRD_PARTY = "third_party"  # e.g. a consumers' association
    LETTER = "letter"
    VISIT = "visit"  # our engineer or sales rep at the customer's site


class ComplaintCategory(StrEnum):
    """Rule VA-1: kinds of broken promise, plus fitting (eyewear) and delivery."""

    PRODUCT_QUALITY = "product_quality"
    SERVICE = "service"
    SALES = "sales"
    EQUIPMENT = "equipment"
    FITTING = "fitting"
    DELIVERY = "delivery"
    OTHER = "other"


class DefectKind(StrEnum):
    """Facts that drive grading (rule GR-1)."""

    FUNCTIONAL = "functional"
    ASSEMBLY = "assembly"
    SAFETY = "safety"
    COSMETIC = "cosmetic"
    QUANTITY = "quantity"
    PACKAGING = "packaging"
    LABELLING = "labelling"
    SERVICE = "service"
    OTHER = "other"


class FoundAt(StrEnum):
    """Where the customer found the problem (rule IN-1)."""

    INCOMING_INSPECTION = "incoming_inspection"
    CUSTOMER_LINE = "customer_line"
    END_USER = "end_user"  # field
    IN_STORE = "in_store"
    IN_TRANSIT = "in_transit"
    OTHER = "other"


class TeamRole(StrEnum):
    CHAMPION = "champion"
    LEADER = "leader"
    SALES = "sales"
    QUALITY = "quality"
    ENGINEERING = "engineering"
    PRODUCTION = "production"
    SUPPLIER = "supplier"
    MEMBER = "member"


class IsIsNotDimension(StrEnum):
    WHAT = "what"
    WHERE = "where"
    WHEN = "when"
    HOW_BIG = "how_big"


class ContainmentLocation(StrEnum):
    AT_SUPPLIER = "at_supplier"
    IN_PROCESS = "in_process"
    SEMI_FINISHED = "semi_finished"
    FINISHED_STOCK = "finished_stock"
    IN_TRANSIT = "in_transit"
    AT_CUSTOMER = "at_customer"
    FIELD = "field"


class ContainmentMeasure(StrEnum):
    """Rule GT-D3: temporary measures."""

    RECALL = "recall"
    REINSPECT = "reinspect"  # return to stock and re-inspect / sort
    STOP_PRODUCTION = "stop_production"
    QUARANTINE = "quarantine"  # 封存
    CHANGE_CONDITIONS = "change_conditions"
    ENGINEER_ON_SITE = "engineer_on_site"
    LINE_CLEARANCE = "line_clearance"
    OTHER = "other"


class BoneCategory(StrEnum):
    """The six bones of the 5M1E fishbone."""

    MAN = "man"  # 人
    MACHINE = "machine"  # 机
    MATERIAL = "material"  # 料
    METHOD = "method"  # 法
    MEASUREMENT = "measurement"  # 测
    ENVIRONMENT = "environment"  # 环


class CauseType(StrEnum):
    OCCURRENCE = "occurrence"  # why it was made
    ESCAPE = "escape"  # why it was not detected


class CauseStatus(StrEnum):
    SUSPECTED = "suspected"
    VERIFIED = "verified"
    RULED_OUT = "ruled_out"


class ActionStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"


class DocumentKind(StrEnum):
    """What a D7 item keeps in force. The first six are controlled documents with a
    revision (rule LN-D7); the others are changes real 8Ds record in D7 too."""

    FMEA = "fmea"
    CONTROL_PLAN = "control_plan"
    FLOW_CHART = "flow_chart"
    WORK_INSTRUCTION = "work_instruction"
    INSPECTION_INSTRUCTION = "inspection_instruction"
    DRAWING = "drawing"
    DESIGN_CHANGE = "design_change"
    SUPPLIER_REQUIREMENT = "supplier_requirement"
    PROGRAMME = "programme"
    INDUSTRY_STANDARD = "industry_standard"
    OTHER = "other"

    @property
    def controlled(self) -> bool:
        """A controlled document: revised from an old to a new revision."""
        return self in _CONTROLLED


_CONTROLLED = frozenset(
    {
        DocumentKind.FMEA,
        DocumentKind.CONTROL_PLAN,
        DocumentKind.FLOW_CHART,
        DocumentKind.WORK_INSTRUCTION,
        DocumentKind.INSPECTION_INSTRUCTION,
        DocumentKind.DRAWING,
    }
)


class RemedyKind(StrEnum):
    """What a retail customer is given (rule RT-1)."""

    REFUND = "refund"
    REPLACEMENT = "replacement"
    REMAKE = "remake"
    REPAIR = "repair"
    DISCOUNT = "discount"


class ClosureKind(StrEnum):
    NORMAL = "normal"  # customer called back and agrees
    ABNORMAL = "abnormal"  # contract conflict / company decision / unreachable
    NO_8D = "no_8d"  # not founded, not ours, or a customer request


class AbnormalGround(StrEnum):
    """Why a case is closed abnormally (rule CL-3)."""

    CONTRACT_CONFLICT = "contract_conflict"  # the demand conflicts with the contract / decision
    UNREACHABLE = "unreachable"  # no answer on N call-backs within the window


class CallbackOutcome(StrEnum):
    SATISFIED = "satisfied"
    NOT_SATISFIED = "not_satisfied"
    NO_ANSWER = "no_answer"


class ContactDirection(StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"


class PauseReason(StrEnum):
    """Rule DL-5: the clock stops while waiting for the customer or an agreed test."""

    WAITING_CUSTOMER = "waiting_customer"
    AGREED_TEST = "agreed_test"


class StageEventKind(StrEnum):
    ENTERED = "entered"
    COMPLETED = "completed"
    SENT_BACK = "sent_back"  # failed verification -> D4
    REOPENED = "reopened"
    CLOSED = "closed"


class VerificationBasis(StrEnum):
    """How D6 before/after defect counts were collected."""

    LOT = "lot"  # defects among the units inspected (two proportions)
    PERIOD = "period"  # defects per units produced or hours run over a period (two rates)

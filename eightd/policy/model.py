"""The company policy as typed, frozen values (read from TOML by :mod:`eightd.policy.loader`).

Every number and list here is a default of docs/RULES.md that a company may change in
its own policy file; the code reads these values and never hard-codes a rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import Enum, StrEnum
from types import MappingProxyType
from typing import Literal
from zoneinfo import ZoneInfo

from eightd.domain.enums import (
    AbnormalGround,
    ComplaintCategory,
    ContainmentLocation,
    DefectKind,
    DocumentKind,
    PauseReason,
    Priority,
    RemedyKind,
    Severity,
    Stage,
    TeamRole,
    Validity,
)
from eightd.i18n import joined, label, t

__all__ = [
    "ABNORMAL_COUNTING",
    "DEFAULT_PERMISSIONS",
    "FLAGS",
    "PERMISSIONS",
    "RECURRENCE_KEYS",
    "AnalyticsPolicy",
    "Anchor",
    "AttachmentPolicy",
    "CalendarPolicy",
    "ClosurePolicy",
    "Deadline",
    "DeadlinePolicy",
    "Duration",
    "EscalationPolicy",
    "GatePolicy",
    "GateRule",
    "GradingPolicy",
    "HollowKind",
    "LintPolicy",
    "LintRule",
    "LintSeverity",
    "MatchRule",
    "Notice",
    "Policy",
    "RetailPolicy",
    "RolePolicy",
]

# Boolean intake facts a grading or priority rule may name (all fields of ``Intake``).
FLAGS: tuple[str, ...] = (
    "line_stop",
    "corrective_action_demanded",
    "recurrence",
    "injury",
    "media_or_lawsuit",
    "major_economic_loss",
    "unauthorised_promise",
)

DurationUnit = Literal["working_days", "hours", "days"]


@dataclass(frozen=True)
class Duration:
    """``amount`` working days, elapsed hours or calendar days."""

    amount: int
    unit: DurationUnit

    @property
    def elapsed(self) -> timedelta:
        """The elapsed time of an hours or days duration (not defined for working days)."""
        if self.unit == "hours":
            return timedelta(hours=self.amount)
        if self.unit == "days":
            return timedelta(days=self.amount)
        raise ValueError("a working-day duration has no fixed elapsed time")


class Anchor(StrEnum):
    """Where a deadline's clock starts."""

    RECEIVED = "received"  # intake.received_at
    LATEST_FEEDBACK = "latest_feedback"  # the customer's latest inbound contact (rule DL-3)
    STAGE_ENTERED = "stage_entered"  # when the stage was last entered


@dataclass(frozen=True)
class Deadline:
    within: Duration
    anchor: Anchor = Anchor.RECEIVED


@dataclass(frozen=True)
class CalendarPolicy:
    library: Literal["chinese", "weekends-only"] = "chinese"
    weekend: tuple[int, ...] = (6, 7)  # ISO weekdays off outside the library's years
    file: str = ""  # company calendar file, resolved against the policy file's folder
    # rule CA-2: a folder of official years (<year>.toml) an administrator loads with
    # `eightd calendar load`; the absolute path, or "" when the policy names none
    directory: str = ""
    holidays: tuple[date, ...] = ()
    workdays: tuple[date, ...] = ()
    covered_years: tuple[int, ...] = ()  # years declared complete by the company
    # rule CA-2: a year no calendar declares gets its statutory holidays computed
    beyond_coverage: Literal["statutory", "assume-weekends", "refuse"] = "statutory"


@dataclass(frozen=True)
class MatchRule:
    """Matches a case when ANY listed fact holds."""

    defect_kinds: frozenset[DefectKind] = frozenset()
    flags: frozenset[str] = frozenset()
    severities: frozenset[Severity] = frozenset()
    validity: frozenset[Validity] = frozenset()


@dataclass(frozen=True)
class GradingPolicy:
    # checked in this order; the first matching grade wins (rule GR-1)
    severity: tuple[tuple[Severity, MatchRule], ...] = ()
    severity_fallback: Severity | None = Severity.GENERAL
    # rule GR-2
    priority: tuple[tuple[Priority, MatchRule], ...] = ()
    priority_fallback: Priority = Priority.MEDIUM


@dataclass(frozen=True)
class EscalationPolicy:
    """Rules ES-1, ES-2. A threshold of 0 switches that rule off."""

    level1_flags: frozenset[str] = frozenset({"injury", "media_or_lawsuit", "major_economic_loss"})
    level1_unresolved_days: int = 30
    level1_departments: int = 3
    level2_flags: frozenset[str] = frozenset({"unauthorised_promise"})
    level2_missed_promises: int = 2
    level2_unresolved_days: int = 15
    level2_departments: int = 2
    same_kind_count: int = 3
    same_kind_window_days: int = 30
    same_kind_by: frozenset[str] = frozenset({"category", "defect_kind", "product_number"})
    same_kind_ignores: frozenset[Validity] = frozenset(
        {Validity.NOT_FOUNDED, Validity.NOT_OURS, Validity.CUSTOMER_REQUEST}
    )


@dataclass(frozen=True)
class DeadlinePolicy:
    due_soon: Duration = Duration(24, "hours")
    pause_reasons: frozenset[PauseReason] = frozenset(PauseReason)
    # rule DL-5: a pause stops the analysis clock and what follows it, never the first
    # response or the containment
    paused_stages: frozenset[Stage] = frozenset({Stage.D4, Stage.D5, Stage.D6, Stage.D7, Stage.D8})
    default: MappingProxyType[Stage, Deadline] = field(default_factory=lambda: MappingProxyType({}))
    by_severity: MappingProxyType[Severity, MappingProxyType[Stage, Deadline | None]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    # rule DL-7: a customer's own limits by customer code; the stricter one applies
    by_customer: MappingProxyType[str, MappingProxyType[Stage, Deadline]] = field(
        default_factory=lambda: MappingProxyType({})
    )

    def for_customer(self, stage: Stage, customer_code: str) -> Deadline | None:
        """The customer's own deadline for a stage (rule DL-7), if its profile sets one."""
        return self.by_customer.get(customer_code, MappingProxyType({})).get(stage)

    def for_stage(self, stage: Stage, severity: Severity | None) -> Deadline | None:
        """The grade's deadline for a stage, else the default one (a grade may drop it)."""
        if severity is not None:
            table = self.by_severity.get(severity, MappingProxyType({}))
            if stage in table:
                return table[stage]
        return self.default.get(stage)


class GateRule(StrEnum):
    BLOCK = "block"  # the move is refused (StageGateError)
    WARN = "warn"  # shown, the move is allowed
    OFF = "off"  # not checked


@dataclass(frozen=True)
class GatePolicy:
    items: MappingProxyType[str, GateRule] = field(default_factory=lambda: MappingProxyType({}))
    required_team_roles: tuple[TeamRole, ...] = (TeamRole.LEADER, TeamRole.SALES, TeamRole.QUALITY)

    def rule(self, code: str) -> GateRule:
        return self.items.get(code, GateRule.OFF)


class LintSeverity(StrEnum):
    BLOCKING = "blocking"
    WARNING = "warning"
    INFO = "info"
    OFF = "off"


class HollowKind(StrEnum):
    """What a hollow action only adds (rule LN-D5.2); the policy lists words for each."""

    TRAINING = "training"
    INSPECTION = "inspection"
    REMINDER = "reminder"
    PENALTY = "penalty"
    COMPLY = "comply"


@dataclass(frozen=True)
class LintRule:
    severity: LintSeverity
    weight: int


@dataclass(frozen=True)
class LintPolicy:
    rules: MappingProxyType[str, LintRule] = field(default_factory=lambda: MappingProxyType({}))
    # rule LN-D4.3: words that blame a person, their care or attitude ...
    blame_words: tuple[str, ...] = ()
    # ... and words that name a cause in the method, machine, material, measurement or
    # environment (a detection limit such as "cannot see" included)
    system_words: tuple[str, ...] = ()
    # rule LN-D4.5: how a cause was verified (reproduced, turned on and off, a test ...)
    method_words: tuple[str, ...] = ()
    # rule LN-D5.2: hollow remedies by kind (training, inspection, reminder, penalty, comply)
    hollow_actions: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # ... unless the action changes one of these objects with one of these verbs
    change_words: tuple[str, ...] = ()
    change_objects: tuple[str, ...] = ()
    containment_locations: tuple[ContainmentLocation, ...] = ()
    d7_documents: tuple[DocumentKind, ...] = (DocumentKind.FMEA, DocumentKind.CONTROL_PLAN)

    def rule(self, code: str) -> LintRule:
        return self.rules.get(code, LintRule(LintSeverity.OFF, 0))


@dataclass(frozen=True)
class ClosurePolicy:
    callback_within: Duration = Duration(2, "working_days")
    unreachable_attempts: int = 3
    unreachable_window_days: int = 30
    no_8d_needs_approval: bool = True
    # rule CL-3: the grounds an abnormal closure may cite; it needs a valid approval
    # (``approve --abnormal``) and the close_abnormally permission (checked by the services)
    abnormal_grounds: frozenset[AbnormalGround] = frozenset(AbnormalGround)
    abnormal_needs_approval: bool = True
    # rule CL-5, working days from receipt, by complaint category
    limits: MappingProxyType[ComplaintCategory, int] = field(
        default_factory=lambda: MappingProxyType({})
    )
    # the same, by the company's finer topic (Intake.topic); a topic limit wins
    topic_limits: MappingProxyType[str, int] = field(default_factory=lambda: MappingProxyType({}))

    def limit(self, topic: str, category: ComplaintCategory) -> int | None:
        """Working days to close: the topic's limit, else the category's, else None
        (then the grade's D8 deadline applies)."""
        if topic in self.topic_limits:
            return self.topic_limits[topic]
        return self.limits.get(category)


# rule IN-1: without these quality may refuse the complaint (besides the customer,
# product, defect and receipt time, which every complaint has)
DEFAULT_INTAKE_REQUIRED = ("ship_date", "shipped_quantity", "defect_rate_or_counts", "found_at")


@dataclass(frozen=True)
class IntakePolicy:
    """Which intake facts a complaint must carry before it is opened."""

    required: tuple[str, ...] = DEFAULT_INTAKE_REQUIRED


# How the on-time rate counts an abnormally closed case (rule AN-2: not as "on time")
ABNORMAL_COUNTING = ("late", "exclude", "as_timed")
# What makes a new complaint a recurrence of a closed case (all listed must hold)
RECURRENCE_KEYS = ("product_number", "defect_kind", "category", "customer")


@dataclass(frozen=True)
class AnalyticsPolicy:
    """KPIs, recurrence and effectiveness checks (rules AN-2, AN-4)."""

    # "late": an abnormal closure counts as not on time; "exclude": left out of the rate;
    # "as_timed": judged by its clocks like any other case
    abnormal_closure: str = "late"
    # a paused case's running clocks are not overdue (the clock stops); False counts them
    paused_stops_clock: bool = True
    # satisfaction = satisfied / answered call-backs; True also counts unanswered ones
    satisfaction_counts_unanswered: bool = False
    # a new complaint matching a case closed within this many days is a recurrence
    recurrence_window_days: int = 365
    recurrence_match: tuple[str, ...] = ("product_number", "defect_kind")
    recurrence_severity: Severity = Severity.SERIOUS
    # days after the D6 verification when the effect is checked again (30/60/90-day checks)
    effectiveness_check_days: tuple[int, ...] = (30, 60, 90)
    # significance level of the before/after test of a verification
    verification_alpha: float = 0.05


# What a user may do, each permission held by the roles the policy lists ([roles.permissions]).
PERMISSIONS: tuple[str, ...] = (
    "register",  # open a complaint (D0 intake)
    "edit",  # edit stage content, advance, verify, pause, contacts, call-backs
    "grade",  # grade severity and priority
    "approve",  # sign the 8D report / a closure
    "close",  # close normally, or without an 8D
    "close_abnormally",  # close abnormally (contract conflict, customer unreachable)
    "reopen",  # reopen a closed case
    "import",  # import cases from a file (another system, a backup)
    "manage_users",  # register users and change their roles
    "act_for_users",  # a service login (the workbench) acting for the hub's user
)

DEFAULT_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "register": ("intake", "qe"),
    "edit": ("qe",),
    "grade": ("qe",),
    "approve": ("approver",),
    "close": ("qe", "approver"),
    "close_abnormally": ("approver",),
    "reopen": ("qe", "approver"),
    "import": ("admin",),
    "manage_users": ("admin",),
    "act_for_users": ("service",),
}


@dataclass(frozen=True)
class AttachmentPolicy:
    """Photos and evidence kept with a case: the largest file accepted."""

    max_mb: int = 10


@dataclass(frozen=True)
class RetailPolicy:
    """Rule RT-1: working days from the agreement to carry out a retail remedy."""

    remedy_limits: MappingProxyType[RemedyKind, int] = field(
        default_factory=lambda: MappingProxyType({})
    )


@dataclass(frozen=True)
class RolePolicy:
    approver: str = "approver"
    approval_meaning: str = "8D report approved"
    abnormal_meaning: str = "Abnormal closure approved"
    permissions: MappingProxyType[str, tuple[str, ...]] = field(
        default_factory=lambda: MappingProxyType(dict(DEFAULT_PERMISSIONS))
    )

    def roles_for(self, permission: str) -> tuple[str, ...]:
        """The roles holding ``permission`` (none for an unknown permission)."""
        return self.permissions.get(permission, ())


@dataclass(frozen=True)
class Policy:
    """A company's workflow policy. Build it with :func:`eightd.policy.load_policy`."""

    name: str = ""
    source: str = ""
    timezone: str = "Asia/Shanghai"
    calendar: CalendarPolicy = CalendarPolicy()
    intake: IntakePolicy = IntakePolicy()
    grading: GradingPolicy = GradingPolicy()
    escalation: EscalationPolicy = EscalationPolicy()
    deadlines: DeadlinePolicy = DeadlinePolicy()
    gates: GatePolicy = GatePolicy()
    lint: LintPolicy = LintPolicy()
    closure: ClosurePolicy = ClosurePolicy()
    retail: RetailPolicy = RetailPolicy()
    roles: RolePolicy = RolePolicy()
    analytics: AnalyticsPolicy = AnalyticsPolicy()
    attachments: AttachmentPolicy = AttachmentPolicy()

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@dataclass(frozen=True)
class Notice:
    """A message code with its parameters: a warning, a reason, a finding's text."""

    code: str
    params: tuple[tuple[str, object], ...] = ()

    @classmethod
    def of(cls, code: str, **params: object) -> Notice:
        return cls(code, tuple(sorted(params.items())))

    def text(self, lang: str | None = None) -> str:
        """The message in ``lang``; enum members become their labels, and a tuple (of
        members, or of texts such as ids) one list, joined the way ``lang`` writes lists."""
        return t(self.code, lang, **{k: _labelled(v, lang) for k, v in self.params})


def _labelled(value: object, lang: str | None) -> object:
    if isinstance(value, Enum):
        return label(value, lang)
    if isinstance(value, tuple):
        return joined((str(_labelled(v, lang)) for v in value), lang)
    return value

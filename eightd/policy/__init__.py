"""The company policy and the rules it drives: working-day calendar, grading, escalation,
deadlines, stage gates, closure, 8D lint and approval signatures.

Pure: no database, no I/O beyond reading the policy and calendar files. The usual
entry points are :func:`load_policy` and :func:`assess`::

    policy = load_policy()                      # templates/policy.toml
    policy = load_policy("acme-policy.toml")    # the company file over the default
    result = assess(case, policy, now=now, others=summaries)
"""

from eightd.domain.enums import AbnormalGround  # stored in Closure.ground; kept importable here
from eightd.policy.assess import Assessment, assess
from eightd.policy.calendar import WorkingCalendar
from eightd.policy.closure import (
    closure_problems,
    reopen_problems,
    unanswered_callbacks,
)
from eightd.policy.deadlines import (
    CALLBACK,
    REMEDY,
    Clock,
    ClockState,
    Schedule,
    deadline_for,
    due_at,
    schedule,
    stage_done_at,
)
from eightd.policy.gates import GateItem, check_gate, gate_items, require_gate
from eightd.policy.grading import (
    CaseSummary,
    Escalation,
    Grade,
    escalation,
    grade,
    missed_promises,
    overdue_replies,
    severity_in_force,
    suggest_priority,
    suggest_severity,
)
from eightd.policy.lint import Finding, LintReport, lint
from eightd.policy.loader import (
    DEFAULT_POLICY_PATH,
    GATE_ITEMS,
    LINT_RULES,
    load_policy,
    parse_policy,
)
from eightd.policy.model import (
    Anchor,
    Deadline,
    Duration,
    GateRule,
    LintSeverity,
    Notice,
    Policy,
)
from eightd.policy.pauses import paused_days
from eightd.policy.signature import (
    UNSIGNED_FIELDS,
    SignatureState,
    content_hash,
    signature_state,
)

__all__ = [
    "CALLBACK",
    "DEFAULT_POLICY_PATH",
    "GATE_ITEMS",
    "LINT_RULES",
    "REMEDY",
    "UNSIGNED_FIELDS",
    "AbnormalGround",
    "Anchor",
    "Assessment",
    "CaseSummary",
    "Clock",
    "ClockState",
    "Deadline",
    "Duration",
    "Escalation",
    "Finding",
    "GateItem",
    "GateRule",
    "Grade",
    "LintReport",
    "LintSeverity",
    "Notice",
    "Policy",
    "Schedule",
    "SignatureState",
    "WorkingCalendar",
    "assess",
    "check_gate",
    "closure_problems",
    "content_hash",
    "deadline_for",
    "due_at",
    "escalation",
    "gate_items",
    "grade",
    "lint",
    "load_policy",
    "missed_promises",
    "overdue_replies",
    "parse_policy",
    "paused_days",
    "reopen_problems",
    "require_gate",
    "schedule",
    "severity_in_force",
    "signature_state",
    "stage_done_at",
    "suggest_priority",
    "suggest_severity",
    "unanswered_callbacks",
]

"""8D lint: the weak-8D patterns reviewers reject (DOMAIN §9), as findings with a score.

Rules on content (a cause that only blames a person, an action without an owner) apply
whenever the content exists; rules on absence (no escape cause, D7 without an FMEA or
control-plan revision) apply once the case has moved past that stage. Severities and
score weights come from the policy (``[lint.rules]``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from eightd.domain.enums import ActionStatus, CauseStatus, CauseType, Stage
from eightd.domain.model import Case, Cause, CorrectiveAction
from eightd.policy.grading import overdue_replies
from eightd.policy.model import LintSeverity, Notice, Policy

__all__ = ["Finding", "LintReport", "lint"]

MAX_SCORE = 100


@dataclass(frozen=True)
class Finding:
    """``code`` is the rule (text: ``lint.<code>``), ``path`` the field concerned."""

    code: str
    severity: LintSeverity
    path: str
    params: tuple[tuple[str, object], ...] = ()

    @property
    def message(self) -> Notice:
        return Notice(f"lint.{self.code}", self.params)

    def text(self, lang: str | None = None) -> str:
        return self.message.text(lang)


@dataclass(frozen=True)
class LintReport:
    findings: tuple[Finding, ...] = ()
    score: int = MAX_SCORE
    blocking: bool = False


def lint(case: Case, policy: Policy, *, now: datetime) -> LintReport:
    """Every finding on ``case``, its score (100 minus the weights) and whether one blocks."""
    raw = [*_causes(case, policy), *_actions(case, policy), *_containment(case, policy)]
    raw += [*_verifications(case), *_standardization(case, policy), *_replies(case, policy, now)]
    findings, weights = [], []
    for code, path, params in raw:
        rule = policy.lint.rule(code)
        if rule.severity is LintSeverity.OFF:
            continue
        findings.append(Finding(code, rule.severity, path, tuple(sorted(params.items()))))
        weights.append(rule.weight)
    blocking = any(f.severity is LintSeverity.BLOCKING for f in findings)
    score = max(0, MAX_SCORE - sum(weights))
    return LintReport(tuple(findings), score, blocking)


Raw = tuple[str, str, dict[str, object]]


def _contains(text: str, words: tuple[str, ...]) -> str | None:
    folded = text.casefold()
    return next((w for w in words if w in folded), None)


def _past(case: Case, stage: Stage) -> bool:
    return case.needs_8d and (case.is_closed or case.stage.index > stage.index)


def _live(cause: Cause) -> bool:
    return cause.status is not CauseStatus.RULED_OUT


def _causes(case: Case, policy: Policy) -> Iterator[Raw]:
    words = policy.lint.blame_words
    systemic = any(c.systemic and _live(c) for c in case.causes)
    for i, cause in enumerate(case.causes):
        if not _live(cause) or systemic:
            continue
        word = _contains(" ".join([cause.text, *cause.whys]), words)
        if word:
            yield "blame_cause", f"causes[{i}]", {"id": cause.id, "word": word}
    live = [c for c in case.causes if _live(c)]
    escape = [c for c in live if c.type is CauseType.ESCAPE]
    if _past(case, Stage.D4) and not escape and not case.no_escape_reason.strip():
        yield "no_escape_cause", "causes", {}


def _actions(case: Case, policy: Policy) -> Iterator[Raw]:
    lint_policy = policy.lint
    live = [(i, a) for i, a in enumerate(case.actions) if a.status is not ActionStatus.CANCELLED]
    for i, action in live:
        path = f"actions[{i}]"
        if not action.owner.strip():
            yield "action_owner", f"{path}.owner", {"id": action.id}
        if action.due is None:
            yield "action_due", f"{path}.due", {"id": action.id}
        vague = _contains(action.text, lint_policy.vague_action_words)
        if vague:
            yield "vague_action", f"{path}.text", {"id": action.id, "word": vague}
        if _training_only(action, [a for _, a in live], lint_policy.training_words):
            yield "training_remedy", f"{path}.text", {"id": action.id}
    for i, item in enumerate(case.containment):
        path = f"containment[{i}]"
        if not item.owner.strip():
            yield "action_owner", f"{path}.owner", {"id": item.id}
        if item.due is None:
            yield "action_due", f"{path}.due", {"id": item.id}


def _training_only(
    action: CorrectiveAction, live: list[CorrectiveAction], words: tuple[str, ...]
) -> bool:
    """A training action that is the only remedy of its causes ("加强培训" as the fix)."""
    if not _contains(action.text, words):
        return False
    others = [a for a in live if a is not action and set(a.cause_ids) & set(action.cause_ids)]
    return not any(not _contains(a.text, words) for a in others)


def _containment(case: Case, policy: Policy) -> Iterator[Raw]:
    for i, item in enumerate(case.containment):
        if item.quantity_checked is None or item.quantity_bad is None:
            yield "containment_quantities", f"containment[{i}]", {"id": item.id}
    if case.containment or _past(case, Stage.D3):
        covered = {c.location for c in case.containment}
        missing = tuple(loc for loc in policy.lint.containment_locations if loc not in covered)
        if missing:
            yield "containment_locations", "containment", {"locations": missing}


def _verifications(case: Case) -> Iterator[Raw]:
    for i, ver in enumerate(case.verifications):
        if ver.before_value is None or ver.after_value is None or not ver.metric.strip():
            yield "verification_data", f"verifications[{i}]", {"id": ver.id}


def _standardization(case: Case, policy: Policy) -> Iterator[Raw]:
    if not _past(case, Stage.D7) and not case.standardization:
        return
    kinds = {item.kind for item in case.standardization}
    wanted = policy.lint.d7_documents
    if wanted and not kinds & set(wanted):
        yield "d7_documents", "standardization", {"documents": tuple(wanted)}


def _replies(case: Case, policy: Policy, now: datetime) -> Iterator[Raw]:
    for i in overdue_replies(case, now=now):
        due = case.contacts[i].next_reply_due
        shown = due.astimezone(policy.tz).strftime("%Y-%m-%d %H:%M") if due else ""
        yield "reply_overdue", f"contacts[{i}].next_reply_due", {"due": shown}

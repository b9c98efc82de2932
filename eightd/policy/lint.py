"""8D review: what a senior quality engineer rejects in an 8D, as findings with a score.

The rules are documented in ``docs/RULES.md`` (ids ``LN-…``). Three families:

* **Absence** (LN-D3.1, LN-D4.1, LN-D4.2, LN-D5.1, LN-D6.1, LN-D7.1): once a case has moved
  past a stage, a stage without its content is the worst finding, as strong as a gate refusal.
* **Unsupported reasoning** (LN-D4.3 … LN-D4.5, LN-D5.2, LN-D5.3, LN-D6.2 … LN-D6.5): a cause
  that only blames a person, a 5-Why chain that stops at a person, a cause "verified" without
  a method or data, an action on an unverified cause or one that only adds inspection,
  training, reminders, penalties or "strictly follow the procedure", a verification that
  cannot have verified anything.
* **Form** (owners, due dates, quantities, locations): findings of one kind in one stage
  collapse into one finding with a count, so a thorough D3 with ten rows does not score
  below an empty one.

Severities and weights come from the policy (``[lint.rules]``); the word lists that
recognise blame, system causes and hollow actions too (``[lint]``), in Chinese and English.
A word list only finds candidates: a cause is people-only when it blames a person AND has no
system cause in its why-chain or beside it (LN-D4.3), an action hollow when it adds only
inspection, training, ... AND changes no document, tool or design (LN-D5.2).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from eightd.domain.enums import ActionStatus, BoneCategory, CauseStatus, CauseType, Stage
from eightd.domain.model import Case, Cause, CorrectiveAction
from eightd.policy.grading import overdue_replies
from eightd.policy.model import HollowKind, LintPolicy, LintSeverity, Notice, Policy

__all__ = ["RULE_STAGES", "Finding", "HollowKind", "LintReport", "lint"]

MAX_SCORE = 100

# The stage each rule reviews (findings are listed and collapsed by stage).
RULE_STAGES: dict[str, Stage] = {
    "d2_quantity": Stage.D2,
    "d2_is_is_not": Stage.D2,
    "recurrence_review": Stage.D2,
    "missing_containment": Stage.D3,
    "containment_quantities": Stage.D3,
    "containment_locations": Stage.D3,
    "missing_occurrence_cause": Stage.D4,
    "no_escape_cause": Stage.D4,
    "blame_cause": Stage.D4,
    "whys_stop_at_person": Stage.D4,
    "cause_evidence": Stage.D4,
    "missing_actions": Stage.D5,
    "hollow_action": Stage.D5,
    "action_on_unverified_cause": Stage.D5,
    "missing_verification": Stage.D6,
    "verification_data": Stage.D6,
    "verification_qualitative": Stage.D6,
    "verification_before_action": Stage.D6,
    "verification_of_undone_action": Stage.D6,
    "verification_sample": Stage.D6,
    "missing_d7": Stage.D7,
    "d7_documents": Stage.D7,
    "d7_same_revision": Stage.D7,
}


@dataclass(frozen=True)
class Finding:
    """``code`` is the rule (text: ``lint.<code>``), ``path`` the first field concerned;
    ``count`` how many items of the stage share the finding (``paths`` all of them)."""

    code: str
    severity: LintSeverity
    path: str
    params: tuple[tuple[str, object], ...] = ()
    stage: Stage = Stage.D0
    count: int = 1
    paths: tuple[str, ...] = ()

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

    def by_stage(self) -> dict[Stage, tuple[Finding, ...]]:
        """The findings grouped by the stage they review, in stage order."""
        out: dict[Stage, list[Finding]] = {}
        for finding in self.findings:
            out.setdefault(finding.stage, []).append(finding)
        return {stage: tuple(found) for stage, found in sorted(out.items(), key=_stage_key)}


# Rules on items of several stages (owners, due dates) take the stage from the item.
_ITEM_STAGES = {"containment": Stage.D3, "actions": Stage.D5}


def _stage_of(code: str, path: str, case: Case) -> Stage:
    if code in RULE_STAGES:
        return RULE_STAGES[code]
    return _ITEM_STAGES.get(path.split("[")[0], case.stage)


def _stage_key(item: tuple[Stage, object]) -> int:
    return item[0].index


Raw = tuple[str, str, dict[str, object]]


def lint(case: Case, policy: Policy, *, now: datetime) -> LintReport:
    """Every finding on ``case``, by stage; its score (100 minus the weights, each kind of
    finding counted once per stage) and whether one blocks."""
    words = policy.lint
    raw: list[Raw] = [
        *_problem(case),
        *_containment(case, policy),
        *_causes(case, words),
        *_actions(case, words),
        *_verifications(case),
        *_standardization(case, policy),
    ]
    raw += _replies(case, policy, now)
    groups: dict[tuple[str, Stage, object], list[tuple[str, dict[str, object]]]] = {}
    for code, path, params in raw:
        key = (code, _stage_of(code, path, case), params.get("kind"))
        groups.setdefault(key, []).append((path, params))
    findings: list[Finding] = []
    for (code, stage, _), items in groups.items():
        rule = policy.lint.rule(code)
        if rule.severity is LintSeverity.OFF:
            continue
        findings.append(_collapse(code, rule.severity, stage, items))
    findings.sort(key=lambda f: (f.stage.index, _SEVERITY_ORDER[f.severity]))
    # LN-0.2: each rule weighs once per stage, however many items share it
    weights = sum(
        policy.lint.rule(code).weight for code, _ in {(f.code, f.stage) for f in findings}
    )
    blocking = any(f.severity is LintSeverity.BLOCKING for f in findings)
    return LintReport(tuple(findings), max(0, MAX_SCORE - weights), blocking)


_SEVERITY_ORDER = {
    LintSeverity.BLOCKING: 0,
    LintSeverity.WARNING: 1,
    LintSeverity.INFO: 2,
    LintSeverity.OFF: 3,
}


def _collapse(
    code: str, severity: LintSeverity, stage: Stage, items: list[tuple[str, dict[str, object]]]
) -> Finding:
    """One finding for every item of one kind (and one hollow kind) in one stage (LN-0.2)."""
    params = dict(items[0][1])
    ids = [str(p["id"]) for _, p in items if "id" in p]
    if ids:
        params.pop("id")
        params["ids"] = tuple(dict.fromkeys(ids))  # joined in the reader's language
    params["count"] = len(items)
    paths = tuple(path for path, _ in items)
    return Finding(
        code, severity, paths[0], tuple(sorted(params.items())), stage, len(items), paths
    )


# ---------------------------------------------------------------- word matching


def _find(text: str, words: Iterable[str]) -> str | None:
    folded = text.casefold()
    return next((w for w in words if w in folded), None)


def _past(case: Case, stage: Stage) -> bool:
    """The case has moved past ``stage``: its content is due (absence rules apply)."""
    return case.needs_8d and (case.is_closed or case.stage.index > stage.index)


def _live(cause: Cause) -> bool:
    return cause.status is not CauseStatus.RULED_OUT


# ---------------------------------------------------------------- D2


def _problem(case: Case) -> Iterator[Raw]:
    if not _past(case, Stage.D2):
        return
    problem = case.problem
    if not problem.how_many.strip():  # LN-D2.1
        yield "d2_quantity", "problem.how_many", {}
    if not any(row.is_not.strip() for row in problem.is_is_not):  # LN-D2.2
        yield "d2_is_is_not", "problem.is_is_not", {}
    recurring = case.intake.recurrence or problem.repeat_occurrence
    if recurring and not problem.previous_d7_review.strip():  # LN-D2.3
        yield "recurrence_review", "problem.previous_d7_review", {}


# ---------------------------------------------------------------- D3


def _containment(case: Case, policy: Policy) -> Iterator[Raw]:
    if _past(case, Stage.D3) and not case.containment and not case.no_containment_reason.strip():
        yield "missing_containment", "containment", {}  # LN-D3.1
    for i, item in enumerate(case.containment):
        path = f"containment[{i}]"
        if item.quantity_checked is None or item.quantity_bad is None:
            yield "containment_quantities", path, {"id": item.id}
    if case.containment:
        covered = {c.location for c in case.containment}
        missing = tuple(loc for loc in policy.lint.containment_locations if loc not in covered)
        if missing:
            yield "containment_locations", "containment", {"locations": missing}


# ---------------------------------------------------------------- D4


def _blames(cause: Cause, words: LintPolicy) -> str | None:
    return _find(" ".join([cause.text, *cause.whys]), words.blame_words)


def _system_text(text: str, words: LintPolicy) -> bool:
    return _find(text, words.system_words) is not None


def _is_system_cause(cause: Cause, words: LintPolicy) -> bool:
    """A cause in the method, machine, material, measurement or environment, or one the
    team marked systemic, that does not itself only blame a person."""
    if not _live(cause) or _blames(cause, words):
        return False
    text = " ".join([cause.text, *cause.whys])
    return cause.systemic or cause.category is not BoneCategory.MAN or _system_text(text, words)


def _beside(case: Case, cause: Cause) -> list[Cause]:
    """The causes next to ``cause`` on the fishbone: its parent, its sub-causes, its
    siblings, and the systemic causes of the same type recorded beside it."""
    out = []
    for other in case.causes:
        if other is cause:
            continue
        related = (
            other.id == cause.parent
            or other.parent == cause.id
            or (cause.parent and other.parent == cause.parent)
            or (other.systemic and other.type is cause.type)
        )
        if related:
            out.append(other)
    return out


def _causes(case: Case, words: LintPolicy) -> Iterator[Raw]:
    live = [(i, c) for i, c in enumerate(case.causes) if _live(c)]
    for i, cause in live:
        path = f"causes[{i}]"
        blame = _blames(cause, words)
        chain = " ".join([cause.text, *cause.whys])
        supported = _system_text(chain, words) or any(
            _is_system_cause(other, words) for other in _beside(case, cause)
        )
        in_text = _find(cause.text, words.blame_words)
        technical = not in_text and cause.category is not BoneCategory.MAN and cause.whys
        if blame and not supported and not cause.systemic and not technical:  # LN-D4.3
            yield "blame_cause", path, {"id": cause.id, "word": blame}
        elif cause.whys and not cause.systemic:  # LN-D4.4
            last = cause.whys[-1]
            stop = _find(last, words.blame_words)
            if stop and not _system_text(last, words):
                yield "whys_stop_at_person", f"{path}.whys", {"id": cause.id, "word": stop}
        if cause.status is CauseStatus.VERIFIED and not _names_method(cause.evidence, words):
            yield "cause_evidence", f"{path}.evidence", {"id": cause.id}  # LN-D4.5
    if _past(case, Stage.D4):
        occurrence = [c for _, c in live if c.type is CauseType.OCCURRENCE]
        if not occurrence:  # LN-D4.1
            yield "missing_occurrence_cause", "causes", {}
        escape = [c for _, c in live if c.type is CauseType.ESCAPE]
        if not escape and not case.no_escape_reason.strip():  # LN-D4.2
            yield "no_escape_cause", "causes", {}


def _names_method(evidence: str, words: LintPolicy) -> bool:
    """Evidence that names how it was verified (reproduced, on/off, a test) or gives data."""
    return any(ch.isdigit() for ch in evidence) or _find(evidence, words.method_words) is not None


# ---------------------------------------------------------------- D5


def _hollow(action: CorrectiveAction, words: LintPolicy) -> HollowKind | None:
    """The kind of hollow remedy the action is (training, inspection ...), or None when it
    is none or when it also changes a document, a tool or the design (LN-D5.2)."""
    text = action.text
    kind = next((HollowKind(k) for k, ws in words.hollow_actions if _find(text, ws)), None)
    if kind is None:
        return None
    changes = _find(text, words.change_words) and _find(text, words.change_objects)
    return None if changes else kind


def _actions(case: Case, words: LintPolicy) -> Iterator[Raw]:
    live = [(i, a) for i, a in enumerate(case.actions) if a.status is not ActionStatus.CANCELLED]
    if _past(case, Stage.D5) and not live:
        yield "missing_actions", "actions", {}  # LN-D5.1
    hollow = {a.id: _hollow(a, words) for _, a in live}
    statuses = {c.id: c.status for c in case.causes}
    for i, action in live:
        path = f"actions[{i}]"
        kind = hollow[action.id]
        if kind is not None:
            # only when no real change addresses the same causes beside it
            backed = any(
                other is not action
                and hollow[other.id] is None
                and set(other.cause_ids) & set(action.cause_ids)
                for _, other in live
            )
            if not backed:
                yield "hollow_action", f"{path}.text", {"id": action.id, "kind": kind}
        unverified = [ref for ref in action.cause_ids if statuses.get(ref) is CauseStatus.SUSPECTED]
        if unverified:  # LN-D5.3
            yield "action_on_unverified_cause", f"{path}.cause_ids", {"id": action.id}
        if not action.owner.strip():
            yield "action_owner", f"{path}.owner", {"id": action.id}
        if action.due is None:
            yield "action_due", f"{path}.due", {"id": action.id}
    for i, item in enumerate(case.containment):
        path = f"containment[{i}]"
        if not item.owner.strip():
            yield "action_owner", f"{path}.owner", {"id": item.id}
        if item.due is None:
            yield "action_due", f"{path}.due", {"id": item.id}


# ---------------------------------------------------------------- D6


def _verifications(case: Case) -> Iterator[Raw]:
    live = [a for a in case.actions if a.status is not ActionStatus.CANCELLED]
    if _past(case, Stage.D6) and live and not case.verifications:
        yield "missing_verification", "verifications", {}  # LN-D6.1
    actions = {a.id: a for a in case.actions}
    for i, ver in enumerate(case.verifications):
        path = f"verifications[{i}]"
        figures = ver.before_value is not None and ver.after_value is not None
        if figures and ver.metric.strip():
            pass
        elif ver.qualitative:  # LN-D6.4: a stated result with its evidence is a verification
            yield "verification_qualitative", path, {"id": ver.id}
        else:
            yield "verification_data", path, {"id": ver.id}
        verified = [actions[ref] for ref in ver.action_ids if ref in actions]
        # LN-D6.3; an action implemented, found ineffective and withdrawn keeps its record
        withdrawn = ver.effective is False
        undone = [
            a.id
            for a in verified
            if a.status is not ActionStatus.DONE
            and not (withdrawn and a.status is ActionStatus.CANCELLED and a.implemented_on)
        ]
        if undone:
            yield "verification_of_undone_action", f"{path}.action_ids", {"id": ver.id}
        early = [
            a.id
            for a in verified
            if a.implemented_on and ver.verified_on and ver.verified_on < a.implemented_on
        ]
        if early:  # LN-D6.2
            yield "verification_before_action", f"{path}.verified_on", {"id": ver.id}
        text = " ".join([ver.sample, ver.evidence])
        if not ver.sample.strip() and not any(ch.isdigit() for ch in text):  # LN-D6.5
            yield "verification_sample", f"{path}.sample", {"id": ver.id}


# ---------------------------------------------------------------- D7


def _standardization(case: Case, policy: Policy) -> Iterator[Raw]:
    items = case.standardization
    for i, item in enumerate(items):
        if item.kind.controlled and not item.revises:  # LN-D7.3
            yield (
                "d7_same_revision",
                f"standardization[{i}].new_revision",
                {"id": item.document_id or item.title[:40]},
            )
    if not _past(case, Stage.D7) and not items:
        return
    revising = [item for item in items if item.revises]
    if not revising and not case.no_standardization_reason.strip():
        yield "missing_d7", "standardization", {}  # LN-D7.1
        return
    wanted = policy.lint.d7_documents
    if wanted and revising and not {item.kind for item in revising} & set(wanted):
        yield "d7_documents", "standardization", {"documents": tuple(wanted)}  # LN-D7.2


# ---------------------------------------------------------------- customer replies


def _replies(case: Case, policy: Policy, now: datetime) -> Iterator[Raw]:
    for i in overdue_replies(case, now=now):
        due = case.contacts[i].next_reply_due
        shown = due.astimezone(policy.tz).strftime("%Y-%m-%d %H:%M") if due else ""
        yield "reply_overdue", f"contacts[{i}].next_reply_due", {"due": shown}

"""The report's view model: one case, resolved into the texts of one language.

:func:`build_context` turns a :class:`~eightd.domain.Case` (and the policy's
assessment of it) into plain rows and tables: the header block of the 8D form
(8D-FORM.md), one :class:`Section` per discipline D0–D8, the stage timeline and
the approval state. Every value is already a string in the report language, so
the HTML, PDF and Excel writers only lay it out. The context round-trips
through JSON (:meth:`ReportContext.to_dict` / :meth:`ReportContext.from_dict`):
the executed notebook carries it, and the Excel form is written from it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from enum import Enum
from functools import cache
from typing import Any

from eightd.domain import (
    ActionStatus,
    Case,
    CauseStatus,
    CauseType,
    ContainmentAction,
    Stage,
    report_file_stem,
)
from eightd.i18n import joined, label, normalize_lang, t
from eightd.policy import Assessment, Clock, stage_done_at

__all__ = [
    "REPORT_MIME",
    "ApprovalView",
    "Block",
    "FindingView",
    "ReportContext",
    "Row",
    "Section",
    "TimelineRow",
    "build_context",
]

# the MIME type under which the executed notebook carries the context
REPORT_MIME = "application/vnd.eightd.report+json"


@dataclass
class Row:
    """One labelled value of a header or a field block."""

    label: str
    value: str


@dataclass
class Block:
    """A piece of a section: ``kind`` is ``fields`` (rows), ``table`` (columns and
    cells), ``text`` (a paragraph) or ``figure`` (a diagram drawn by the writer:
    ``name`` is ``fishbone``, ``five_whys`` or ``timeline``)."""

    kind: str
    title: str = ""
    rows: list[Row] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    cells: list[list[str]] = field(default_factory=list)
    text: str = ""
    name: str = ""


@dataclass
class Section:
    stage: str
    title: str
    blocks: list[Block] = field(default_factory=list)


@dataclass
class TimelineRow:
    """A stage against its deadline. Dates are ISO strings (or empty) so the
    chart can place them; ``state`` is a key of ``report.state``."""

    stage: str
    label: str
    start: str
    due: str
    done: str
    state: str
    state_text: str
    # rule CA-2: the due date is counted on a provisional calendar (shown with the state)
    provisional: bool = False


@dataclass
class ApprovalView:
    """``state`` is ``valid``, ``none``, ``changed`` (changed after approval) or ``imported``
    (an approval brought in by an import, not signed in this store)."""

    state: str
    banner: str
    note: str
    rows: list[Row] = field(default_factory=list)
    # the signature state in a few words ("approved, signature valid")
    state_text: str = ""


@dataclass
class FindingView:
    """A review finding at the stage it concerns: ``kind`` is ``gate`` (what keeps the
    stage from being done), ``lint`` (the 8D review), ``escalation`` (why the case is
    escalated) or ``notice`` (a policy or calendar warning); ``severity`` is ``blocking``,
    ``warning`` or ``info``."""

    stage: str
    kind: str
    severity: str
    text: str
    blocking: bool = False


@cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


def _plain(value: Any) -> Any:
    """``dataclasses.asdict`` for the view model, a few times faster: its leaves are
    strings, numbers and booleans, which need no deep copy; tuples become lists."""
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    kind: type = type(value)
    if hasattr(kind, "__dataclass_fields__"):
        return {name: _plain(getattr(value, name)) for name in _field_names(kind)}
    return value


@dataclass
class ReportContext:
    lang: str
    number: str
    product_number: str
    file_stem: str
    title: str
    report_title: str
    report_date: str
    header: list[Row]
    sections: list[Section]
    timeline: list[TimelineRow]
    approval: ApprovalView
    labels: dict[str, str]
    findings: list[FindingView] = field(default_factory=list)
    # the case's other running clocks with a due time (call-back, retail remedy): rows
    # like the timeline's, ``stage`` holding the clock's key
    clocks: list[TimelineRow] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The context as JSON-ready dicts, lists and strings."""
        return dict(_plain(self))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ReportContext:
        def rows(items: Iterable[dict[str, Any]]) -> list[Row]:
            return [Row(**r) for r in items]

        def block(b: dict[str, Any]) -> Block:
            return Block(**{**b, "rows": rows(b.get("rows", []))})

        return cls(
            **{
                **data,
                "header": rows(data["header"]),
                "sections": [
                    Section(s["stage"], s["title"], [block(b) for b in s["blocks"]])
                    for s in data["sections"]
                ],
                "timeline": [TimelineRow(**r) for r in data["timeline"]],
                "approval": ApprovalView(
                    **{**data["approval"], "rows": rows(data["approval"]["rows"])}
                ),
                "findings": [FindingView(**f) for f in data.get("findings", [])],
                "clocks": [TimelineRow(**r) for r in data.get("clocks", [])],
            }
        )

    def findings_at(self, stage: str) -> list[FindingView]:
        """The findings of one stage (``""``: those of the whole case)."""
        return [f for f in self.findings if f.stage == stage]

    def section(self, stage: str) -> Section:
        for section in self.sections:
            if section.stage == stage:
                return section
        raise KeyError(stage)


# ---------------------------------------------------------------- formatting


class _Fmt:
    """Formats values for one language and time zone."""

    def __init__(self, lang: str, tz: Any) -> None:
        self.lang = lang
        self.tz = tz

    def t(self, key: str, **params: Any) -> str:
        return t(key, self.lang, **params)

    def __call__(self, value: Any) -> str:
        if value is None or value == "":
            return ""
        if isinstance(value, bool):
            return self.t("report.yes") if value else self.t("report.no")
        if isinstance(value, Enum):
            return label(value, self.lang)
        if isinstance(value, datetime):
            return value.astimezone(self.tz).strftime("%Y-%m-%d %H:%M")
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, float):
            return f"{value:g}"
        if isinstance(value, (list, tuple)):
            return joined((self(v) for v in value), self.lang)
        return str(value)

    def tri(self, value: bool | None) -> str:
        return self.t("report.pending") if value is None else self(value)

    def percent(self, value: float | None) -> str:
        return "" if value is None else f"{value:.3g} %"

    def rows(self, prefix: str, pairs: Sequence[tuple[str, Any]], *, keep_empty: bool) -> list[Row]:
        out = []
        for key, value in pairs:
            text = self(value)
            if text or keep_empty:
                out.append(Row(self.t(f"{prefix}.{key}"), text))
        return out

    def table(
        self, prefix: str, keys: Sequence[str], cells: list[list[Any]], title: str = ""
    ) -> Block:
        return Block(
            "table",
            title=title,
            columns=[self.t(f"{prefix}.{k}") for k in keys],
            cells=[[self(c) for c in row] for row in cells],
        )


# ---------------------------------------------------------------- building


def build_context(
    case: Case,
    assessment: Assessment,
    *,
    lang: str,
    now: datetime,
    version: int | None = None,
) -> ReportContext:
    """The report of ``case`` in ``lang`` as of ``now``, with the policy's ``assessment``
    (grade, escalation, stage deadlines, signature state) of the same moment."""
    lang = normalize_lang(lang)
    fmt = _Fmt(lang, now.tzinfo)
    intake = case.intake
    sections = [
        _d0(case, assessment, fmt),
        _d1(case, fmt),
        _d2(case, fmt),
        _d3(case, fmt),
        _d4(case, fmt),
        _d5(case, fmt),
        _d6(case, fmt),
        _d7(case, fmt),
        _d8(case, fmt),
    ]
    return ReportContext(
        lang=lang,
        number=case.number,
        product_number=intake.product_number,
        file_stem=report_file_stem(case.number, intake.product_number),
        title=case.title,
        report_title=fmt.t("report.title"),
        report_date=fmt(now),
        header=_header(case, assessment, fmt, version),
        sections=sections,
        timeline=_timeline(case, assessment, fmt),
        approval=_approval(case, assessment, fmt),
        findings=_findings(assessment, fmt),
        clocks=_other_clocks(assessment, fmt),
        labels={
            key: fmt.t(f"report.{key}")
            for key in (
                "subtitle",
                "empty_table",
                "page_number",
                "code_hidden",
                "header.block",
                "timeline.title",
                "timeline.today",
                "timeline.window",
                "timeline.done_mark",
                "timeline.stage",
                "timeline.start",
                "timeline.due",
                "timeline.done",
                "timeline.state",
                "approval.block",
                "findings.block",
                "d4.fishbone",
                "d4.five_whys",
                "sheet.name",
            )
        }
        | {"colon": fmt.t("text.colon")},
    )


def _stage_title(stage: Stage, lang: str) -> str:
    """8D-FORM.md: Chinese forms carry bilingual labels ("D3 临时措施 Containment")."""
    text = label(stage, lang)
    if lang == "zh":
        text += " " + label(stage, "en").split(" ", 1)[1]
    return text


def _containment_done(items: Sequence[ContainmentAction]) -> datetime | None:
    if not items or any(c.done_at is None for c in items):
        return None
    return max(c.done_at for c in items if c.done_at is not None)


def _header(case: Case, a: Assessment, fmt: _Fmt, version: int | None) -> list[Row]:
    intake = case.intake
    implemented = [x.implemented_on for x in case.actions if x.implemented_on is not None]
    all_done = case.actions and all(
        x.status in (ActionStatus.DONE, ActionStatus.CANCELLED) for x in case.actions
    )
    leader = next((m.name for m in case.team if m.role.value == "leader"), "")
    approver = case.approvals[-1].signer if case.approvals else ""
    escalation = (
        fmt.t("report.escalation.level", level=a.escalation.level)
        if a.escalation.level
        else fmt.t("report.escalation.none")
    )
    pairs: list[tuple[str, Any]] = [
        ("number", case.number),
        ("title", case.title),
        ("status", case.status),
        ("stage", case.stage),
        ("version", "" if version is None else str(version)),
        ("customer", intake.customer_name),
        ("customer_code", intake.customer_code),
        ("customer_ref", intake.customer_complaint_ref),
        ("contact", " ".join(p for p in (intake.contact_person, intake.contact_details) if p)),
        ("site", intake.site),
        ("product", intake.product_name),
        ("product_number", intake.product_number),
        ("product_revision", intake.product_revision),
        ("lots", intake.lot_numbers),
        ("received", intake.received_at),
        ("ship_date", intake.ship_date),
        ("first_occurred", case.problem.first_occurred),
        ("containment_done", _containment_done(case.containment)),
        ("root_cause_found", stage_done_at(case, Stage.D4)),
        ("implemented", max(implemented) if all_done and implemented else None),
        ("closed", case.closure.closed_at if case.closure else None),
        ("shipped_quantity", intake.shipped_quantity),
        ("quantity_complained", intake.quantity_complained),
        ("quantity_returned", intake.quantity_returned),
        ("lot_size", intake.lot_size),
        ("defect_count", intake.defect_count),
        ("defect_rate", fmt.percent(intake.defect_rate)),
        ("found_at", " — ".join(p for p in (fmt(intake.found_at), intake.found_at_detail) if p)),
        ("category", intake.category),
        ("topic", intake.topic),
        ("defect_kinds", intake.defect_kinds),
        ("grade", a.grade.severity),
        ("priority", a.grade.priority),
        ("escalation", escalation),
        ("repeat", intake.recurrence or case.problem.repeat_occurrence),
        ("team", [m.name for m in case.team]),
        ("prepared_by", leader),
        ("approved_by", approver),
    ]
    return fmt.rows("report.header", pairs, keep_empty=True)


def _fields(fmt: _Fmt, prefix: str, pairs: Sequence[tuple[str, Any]]) -> Block:
    return Block("fields", rows=fmt.rows(prefix, pairs, keep_empty=False))


def _d0(case: Case, a: Assessment, fmt: _Fmt) -> Section:
    intake, grading = case.intake, case.grading
    blocks = [
        _fields(
            fmt,
            "report.d0",
            [
                ("validity", case.validity),
                ("validity_note", case.validity_note),
                ("channel", intake.channel),
                ("customer_demand", intake.customer_demand),
                ("emergency", case.emergency_actions),
                ("suggested_grade", grading.suggested_severity),
                ("override_reason", grading.override_reason),
                ("graded_by", grading.graded_by),
                ("sample", intake.has_sample or intake.has_attachment),
                ("sample_label", intake.sample_label),
                ("return_route", intake.return_route if intake.return_sample else ""),
                ("customer_tests", intake.customer_tests),
                ("assembly_process", intake.assembly_process),
            ],
        ),
        Block("text", title=fmt.t("report.header.title"), text=intake.defect_description),
    ]
    if case.contacts:
        blocks.append(
            fmt.table(
                "report.d0",
                [
                    "contact_at",
                    "contact_by",
                    "contact_direction",
                    "contact_summary",
                    "contact_promise",
                ],
                [[c.at, c.by, c.direction, c.summary, c.promise] for c in case.contacts],
                title=fmt.t("report.d0.contacts"),
            )
        )
    if a.lint.findings:
        blocks.append(
            fmt.table(
                "report.d0",
                ["lint_code", "lint_severity"],
                [
                    [f.text(fmt.lang), fmt.t(f"lint.severity.{f.severity.value}")]
                    for f in a.lint.findings
                ],
                title=fmt.t("report.d0.lint"),
            )
        )
    return Section("D0", _stage_title(Stage.D0, fmt.lang), blocks)


def _d1(case: Case, fmt: _Fmt) -> Section:
    table = fmt.table(
        "report.d1",
        ["name", "role", "department", "contact", "duties"],
        [[m.name, m.role, m.department, m.contact, m.duties] for m in case.team],
    )
    return Section("D1", _stage_title(Stage.D1, fmt.lang), [table])


def _d2(case: Case, fmt: _Fmt) -> Section:
    p = case.problem
    w5h2 = fmt.table(
        "report.d2",
        ["what", "where", "when", "who", "why", "how", "how_many"],
        [[p.what, p.where, p.when, p.who, p.why, p.how, p.how_many]],
        title=fmt.t("report.d2.w5h2"),
    )
    is_not = fmt.table(
        "report.d2",
        ["dimension", "is", "is_not"],
        [[r.dimension, r.is_, r.is_not] for r in p.is_is_not],
        title=fmt.t("report.d2.is_is_not"),
    )
    facts = _fields(
        fmt,
        "report.d2",
        [
            ("first_occurred", p.first_occurred),
            ("repeat", p.repeat_occurrence),
            ("other_affected", p.other_affected),
            ("agreed_test_time", p.agreed_test_time),
        ],
    )
    return Section("D2", _stage_title(Stage.D2, fmt.lang), [w5h2, is_not, facts])


def _d3(case: Case, fmt: _Fmt) -> Section:
    table = fmt.table(
        "report.d3",
        [
            "id",
            "location",
            "measure",
            "description",
            "owner",
            "due",
            "done",
            "checked",
            "bad",
            "effectiveness",
        ],
        [
            [
                c.id,
                c.location,
                c.measure,
                c.description,
                c.owner,
                c.due,
                c.done_at,
                c.quantity_checked,
                c.quantity_bad,
                c.effectiveness,
            ]
            for c in case.containment
        ],
    )
    return Section(
        "D3",
        _stage_title(Stage.D3, fmt.lang),
        [table, _fields(fmt, "report.d3", [("clean_point", case.clean_point)])],
    )


def _d4(case: Case, fmt: _Fmt) -> Section:
    causes = fmt.table(
        "report.d4",
        ["id", "bone", "type", "status", "text", "parent", "evidence"],
        [[c.id, c.category, c.type, c.status, c.text, c.parent, c.evidence] for c in case.causes],
        title=fmt.t("report.d4.causes"),
    )
    whys = [c for c in case.causes if c.whys]
    width = max((len(c.whys) for c in whys), default=0)
    why_table = Block(
        "table",
        title=fmt.t("report.d4.five_whys"),
        columns=[fmt.t("report.d4.id")] + [fmt.t("report.d4.why", n=i + 1) for i in range(width)],
        cells=[[c.id, *c.whys, *[""] * (width - len(c.whys))] for c in whys],
    )

    def roots(kind: CauseType) -> str:
        verified = case.causes_of(kind, CauseStatus.VERIFIED)
        return joined((f"{c.id} {c.text}" for c in verified), fmt.lang, entries=True)

    root_rows = _fields(
        fmt,
        "report.d4",
        [
            ("root_occurrence", roots(CauseType.OCCURRENCE)),
            ("root_escape", roots(CauseType.ESCAPE)),
            ("no_escape_reason", case.no_escape_reason),
        ],
    )
    blocks = [
        Block("figure", title=fmt.t("report.d4.fishbone"), name="fishbone"),
        root_rows,
        causes,
    ]
    if whys:
        blocks += [Block("figure", title=fmt.t("report.d4.five_whys"), name="five_whys"), why_table]
    return Section("D4", _stage_title(Stage.D4, fmt.lang), blocks)


def _d5(case: Case, fmt: _Fmt) -> Section:
    table = fmt.table(
        "report.d5",
        [
            "id",
            "text",
            "causes",
            "owner",
            "due",
            "status",
            "implemented",
            "validation",
            "from_containment",
        ],
        [
            [
                x.id,
                x.text,
                x.cause_ids,
                x.owner,
                x.due,
                x.status,
                x.implemented_on,
                x.validation,
                x.from_containment,
            ]
            for x in case.actions
        ],
    )
    return Section("D5", _stage_title(Stage.D5, fmt.lang), [table])


def _d6(case: Case, fmt: _Fmt) -> Section:
    table = fmt.table(
        "report.d6",
        [
            "id",
            "actions",
            "verified_on",
            "verified_by",
            "improved",
            "no_new",
            "prevents",
            "effective",
            "metric",
            "before",
            "after",
            "evidence",
        ],
        [
            [
                v.id,
                v.action_ids,
                v.verified_on,
                v.verified_by,
                fmt.tri(v.problem_improved),
                fmt.tri(v.no_new_problem),
                fmt.tri(v.prevents_recurrence),
                fmt.tri(v.effective),
                v.metric,
                v.before_value,
                v.after_value,
                v.evidence,
            ]
            for v in case.verifications
        ],
    )
    removed = _fields(fmt, "report.d6", [("containment_removed", case.containment_removed_on)])
    return Section("D6", _stage_title(Stage.D6, fmt.lang), [table, removed])


def _d7(case: Case, fmt: _Fmt) -> Section:
    table = fmt.table(
        "report.d7",
        ["kind", "document_id", "title", "revision", "owner", "done"],
        [
            [
                s.kind,
                s.document_id,
                s.title,
                " → ".join(r for r in (s.old_revision, s.new_revision) if r),
                s.owner,
                s.done_on,
            ]
            for s in case.standardization
        ],
    )
    lessons = case.closure.lessons_learned if case.closure else ""
    facts = _fields(
        fmt,
        "report.d7",
        [
            ("read_across", "\n".join(case.read_across)),
            ("no_standardization_reason", case.no_standardization_reason),
            ("lessons", lessons),
        ],
    )
    return Section("D7", _stage_title(Stage.D7, fmt.lang), [table, facts])


def _d8(case: Case, fmt: _Fmt) -> Section:
    blocks: list[Block] = []
    closure = case.closure
    if closure is None:
        blocks.append(Block("text", text=fmt.t("report.d8.not_closed")))
    else:
        blocks.append(
            _fields(
                fmt,
                "report.d8",
                [
                    ("closure_kind", closure.kind),
                    ("closed_at", closure.closed_at),
                    ("closed_by", closure.closed_by),
                    ("customer_accepted", fmt.tri(closure.customer_accepted)),
                    ("ground", closure.ground),
                    ("reason", closure.reason),
                    ("recognition", closure.team_recognition),
                ],
            )
        )
    if case.callbacks:
        blocks.append(
            fmt.table(
                "report.d8",
                ["callback_at", "callback_by", "callback_outcome", "callback_note"],
                [[c.at, c.by, c.outcome, c.note] for c in case.callbacks],
                title=fmt.t("report.d8.callbacks"),
            )
        )
    return Section("D8", _stage_title(Stage.D8, fmt.lang), blocks)


def _clock_row(clock: Clock, name: str, fmt: _Fmt) -> TimelineRow:
    def iso(moment: datetime | None) -> str:
        return moment.astimezone(fmt.tz).isoformat() if moment else ""

    return TimelineRow(
        stage=clock.key,
        label=name,
        start=iso(clock.started_at),
        due=iso(clock.due),
        done=iso(clock.done_at),
        state="gate_unmet" if clock.gate_unmet else clock.state.value,
        state_text=(
            fmt.t("clock.gate_unmet")
            if clock.gate_unmet
            else fmt.t(f"report.state.{clock.state.value}")
        )
        + (" " + fmt.t("clock.provisional") if clock.provisional else ""),
        provisional=clock.provisional,
    )


def _timeline(case: Case, a: Assessment, fmt: _Fmt) -> list[TimelineRow]:
    return [_clock_row(a.schedule.clock(stage), label(stage, fmt.lang), fmt) for stage in Stage]


def _other_clocks(a: Assessment, fmt: _Fmt) -> list[TimelineRow]:
    """Clocks that are not a stage's (the call-back, a retail remedy), once they are due."""
    return [
        _clock_row(clock, fmt.t(f"clock.name.{clock.key}"), fmt)
        for clock in a.clocks
        if clock.stage is None and clock.due is not None
    ]


def _findings(a: Assessment, fmt: _Fmt) -> list[FindingView]:
    """Gate refusals, 8D review findings and policy notices, each at its stage."""
    out: list[FindingView] = []
    for stage, items in a.gates:
        for item in items:
            refs = f" ({', '.join(item.refs)})" if item.refs else ""
            severity = "blocking" if item.blocking else "warning"
            out.append(
                FindingView(stage.value, "gate", severity, fmt.t(item.code) + refs, item.blocking)
            )
    for finding in a.lint.findings:
        severity = finding.severity.value
        out.append(
            FindingView(
                finding.stage.value, "lint", severity, finding.text(fmt.lang),
                severity == "blocking",
            )
        )  # fmt: skip
    for level, reason in a.escalation.reasons:
        level_text = fmt.t("report.escalation.level", level=level)
        text = fmt.t("report.escalation.reason", level=level_text, reason=reason.text(fmt.lang))
        out.append(FindingView("", "escalation", "warning", text))
    for notice in a.warnings:
        out.append(FindingView("", "notice", "warning", notice.text(fmt.lang)))
    return out


def _role_label(role: str, fmt: _Fmt) -> str:
    """A user role as its label (``qa_manager`` -> "QA manager"); a role the catalogs do
    not know (a company's own) prints with spaces for its underscores."""
    key = f"report.user_role.{role}"
    text = fmt.t(key)
    return role.replace("_", " ") if text == key else text


def _approval(case: Case, a: Assessment, fmt: _Fmt) -> ApprovalView:
    state = a.signature.value
    key = {
        "valid": "valid",
        "none": "none",
        "changed_after_approval": "changed",
        "imported": "imported",
    }[state]
    rows: list[Row] = []
    if case.approvals:
        last = case.approvals[-1]
        rows = fmt.rows(
            "report.approval",
            [
                ("signer", last.signer),
                ("role", _role_label(last.role, fmt)),
                ("meaning", last.meaning),
                ("signed_at", last.signed_at),
                ("hash", last.content_hash),
            ],
            keep_empty=True,
        )
    note = {
        "valid": "",
        "none": "report.approval.none_note",
        "changed": "report.approval.changed_note",
        "imported": "report.approval.imported_note",
    }
    return ApprovalView(
        state=key,
        banner=fmt.t(f"report.approval.{key}"),
        note=fmt.t(note[key]) if note[key] else "",
        rows=rows,
        state_text=fmt.t(f"signature.state.{state}"),
    )

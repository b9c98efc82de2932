"""The form of each 8D stage on the case page. Every button calls one use case of the
application with the version the page was loaded at; the stage's gate items and 8D
review findings are listed in words above its forms."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets

from eightd.domain import (
    AbnormalGround,
    Callback,
    Case,
    Cause,
    CauseStatus,
    ClosureKind,
    ContainmentAction,
    CorrectiveAction,
    IsIsNot,
    Priority,
    ProblemDescription,
    Severity,
    Stage,
    StandardizationItem,
    TeamMember,
    Validity,
    Verification,
)
from eightd.i18n import joined, label
from eightd.ui.editors import Column, ItemEditor
from eightd.ui.forms import DataclassForm, FormErrors
from eightd.ui.host import CaseHost
from eightd.ui.style import esc
from eightd.ui.widgets import card, heading

__all__ = ["StagePanel"]


def _yes(value: bool | None, t: Callable[..., str]) -> str:
    return "—" if value is None else t("ui.yes") if value else t("ui.no")


class StagePanel:
    """The selected stage: its findings, its forms, and the move to the next stage."""

    def __init__(self, page: CaseHost, stage: Stage) -> None:
        self.page, self.stage = page, stage
        self.s = page.session
        self.app = page.session.app
        self.case: Case = page.stored.case
        self.tz = self.app.policy.tz
        self.number = page.number
        builders: dict[Stage, Callable[[], list[widgets.Widget]]] = {
            Stage.D0: self._d0,
            Stage.D1: self._d1,
            Stage.D2: self._d2,
            Stage.D3: self._d3,
            Stage.D4: self._d4,
            Stage.D5: self._d5,
            Stage.D6: self._d6,
            Stage.D7: self._d7,
            Stage.D8: self._d8,
        }
        parts = [self._findings(), *builders[stage](), self._advance()]
        self.widget = card(*[p for p in parts if p is not None], title=label(stage, self.s.lang))
        self.widget.add_class(f"ed-panel-{stage.value}")

    # ---------------------------------------------------------------- common parts

    @property
    def version(self) -> int:
        return self.page.version

    def _saved(self) -> None:
        self.page.after_save(self.s.t("ui.msg.saved"))

    def _button(
        self,
        key: str,
        action: Callable[[], None],
        name: str,
        *,
        primary: bool = True,
        disabled: bool = False,
    ) -> widgets.Button:
        button = widgets.Button(
            description=self.s.t(key), button_style="primary" if primary else ""
        )
        button.add_class(f"ed-btn-{name}")
        button.disabled = disabled or self.case.is_closed
        button.on_click(self.page.feedback.run(action))
        return button

    def _findings(self) -> widgets.Widget | None:
        texts = self.page.findings(self.stage)
        if not texts:
            return None
        items = "".join(f"<li>{esc(text)}</li>" for text in texts)
        return widgets.HTML(
            f'<div class="ed-msg ed-msg-warn ed-findings"><b>{esc(self.s.t("ui.case.findings"))}'
            f"</b><ul>{items}</ul></div>"
        )

    def _advance(self) -> widgets.Widget | None:
        case = self.case
        if case.is_closed or self.stage is not case.stage or self.stage is Stage.D8:
            return None
        if not case.needs_8d:
            return None

        def advance() -> None:
            self.app.advance(self.number, version=self.version)
            self.page.selected = case.stage.next()
            self._saved()

        return widgets.HBox(
            [self._button("ui.case.advance", advance, "advance")],
            layout=widgets.Layout(justify_content="flex-end", margin="10px 0 0 0"),
        )

    def _form(self, cls: type, fields: tuple[str, ...], **options: Any) -> DataclassForm[Any]:
        return DataclassForm(cls, fields, lang=self.s.lang, tz=self.tz, **options)

    def _read(self, form: DataclassForm[Any], base: Any) -> Any:
        try:
            return form.read(base)
        except FormErrors as exc:
            self.page.feedback.show(
                "error", esc(self.s.t("ui.form.has_errors", count=len(exc.errors)))
            )
            return None

    def _editor(self, **options: Any) -> ItemEditor[Any]:
        return ItemEditor(
            feedback=self.page.feedback,
            lang=self.s.lang,
            tz=self.tz,
            t=self.s.t,
            read_only=self.case.is_closed,
            **options,
        )

    def _put(self, collection: str) -> Callable[[Any, int], None]:
        def save(item: Any, _index: int) -> None:
            self.app.put_item(self.number, collection, item, version=self.version)  # type: ignore[arg-type]
            self._saved()

        return self.page._guarded(save)

    def _remove(self, collection: str, items: list[Any]) -> Callable[[int], None]:
        def remove(index: int) -> None:
            self.app.remove_item(self.number, collection, items[index].id, version=self.version)  # type: ignore[arg-type]
            self._saved()

        return self.page._guarded(remove)

    def _next_id(self, prefix: str) -> str:
        return self.case.next_id(prefix)

    def _text_field(
        self, key: str, value: str, name: str
    ) -> tuple[widgets.Widget, widgets.Textarea]:
        area = widgets.Textarea(value=value, layout=widgets.Layout(width="100%"))
        area.add_class(f"ed-input-{name}")
        box = widgets.VBox(
            [widgets.HTML(f'<label class="ed-label">{esc(self.s.t(key))}</label>'), area]
        )
        return box, area

    def _set_field(self, name: str, read: Callable[[], object]) -> Callable[[], None]:
        def save() -> None:
            self.app.set_fields(self.number, {name: read()}, version=self.version)
            self._saved()

        return save

    # ---------------------------------------------------------------- D0

    def _d0(self) -> list[widgets.Widget]:
        s, case, a = self.s, self.case, self.page.assessment
        intake = case.intake
        facts = [
            ("ui.field.Intake.defect_description", intake.defect_description),
            ("ui.field.Intake.customer_demand", intake.customer_demand),
            (
                "ui.field.Intake.found_at",
                label(intake.found_at, s.lang) if intake.found_at else "—",
            ),
            (
                "ui.case.defect_rate",
                f"{intake.defect_rate:.3g} %" if intake.defect_rate is not None else "—",
            ),
            ("ui.field.Intake.lot_numbers", ", ".join(intake.lot_numbers) or "—"),
        ]
        kv = "".join(f'<div class="k">{esc(s.t(k))}</div><div>{esc(v)}</div>' for k, v in facts)
        summary = widgets.HTML(f'<div class="ed-kv">{kv}</div>')
        validity = widgets.Dropdown(
            options=[("—", None), *[(label(v, s.lang), v) for v in Validity]],
            value=case.validity,
            description=s.t("ui.case.validity"),
            style={"description_width": "initial"},
            layout=widgets.Layout(width="360px"),
        )
        validity.add_class("ed-input-validity")
        note_box, note = self._text_field(
            "ui.case.validity_note", case.validity_note, "validity-note"
        )

        def save_validity() -> None:
            if validity.value is None:
                self.page.feedback.show("error", esc(s.t("ui.case.choose_validity")))
                return
            self.app.set_validity(self.number, validity.value, note.value, version=self.version)
            self._saved()

        grade = a.grade
        reasons = joined((n.text(s.lang) for n in grade.severity_reasons), s.lang, entries=True)
        suggested = label(grade.suggested_severity, s.lang) if grade.suggested_severity else "—"
        suggested_heading = s.t("ui.intake.suggested") + s.t("text.colon")
        suggestion = widgets.HTML(
            f'<div class="ed-msg ed-msg-info">{esc(suggested_heading)}'
            f"<b>{esc(suggested)}</b>{' — ' + esc(reasons) if reasons else ''}</div>"
        )
        severity = widgets.Dropdown(
            options=[
                (s.t("ui.case.take_suggestion"), None),
                *[(label(v, s.lang), v) for v in Severity],
            ],
            value=case.grading.severity
            if case.grading.severity != grade.suggested_severity
            else None,
            description=s.t("ui.case.severity"),
            style={"description_width": "initial"},
            layout=widgets.Layout(width="360px"),
        )
        severity.add_class("ed-input-severity")
        priority = widgets.Dropdown(
            options=[
                (s.t("ui.case.take_suggestion"), None),
                *[(label(v, s.lang), v) for v in Priority],
            ],
            value=None,
            description=s.t("ui.case.priority"),
            style={"description_width": "initial"},
            layout=widgets.Layout(width="360px"),
        )
        reason_box, reason = self._text_field(
            "ui.case.override_reason", case.grading.override_reason, "grade-reason"
        )

        def save_grade() -> None:
            self.app.grade(
                self.number,
                severity=severity.value,
                priority=priority.value,
                reason=reason.value,
                version=self.version,
            )
            self._saved()

        emergency_box, emergency = self._text_field(
            "ui.field.Case.emergency_actions", case.emergency_actions, "emergency"
        )
        parts: list[widgets.Widget] = [
            heading(s.t("ui.case.intake"), 3),
            summary,
            heading(s.t("ui.case.validity"), 3),
            validity,
            note_box,
            self._button("ui.case.save_validity", save_validity, "validity"),
            heading(s.t("ui.case.grading"), 3),
            suggestion,
            severity,
            priority,
            reason_box,
            self._button("ui.case.save_grade", save_grade, "grade"),
            heading(s.t("ui.field.Case.emergency_actions"), 3),
            emergency_box,
            self._button(
                "ui.editor.save",
                self._set_field("emergency_actions", lambda: emergency.value),
                "emergency",
            ),
        ]
        if case.validity is not None and not case.needs_8d and not case.is_closed:
            parts.append(self._close_without_8d())
        return parts

    def _close_without_8d(self) -> widgets.Widget:
        def close() -> None:
            self.app.close_case(self.number, ClosureKind.NO_8D, version=self.version)
            self._saved()

        return widgets.VBox(
            [
                widgets.HTML(f'<div class="ed-muted">{esc(self.s.t("ui.case.no_8d_hint"))}</div>'),
                self._button("ui.case.close_no_8d", close, "close-no-8d"),
            ]
        )

    # ---------------------------------------------------------------- D1

    def _d1(self) -> list[widgets.Widget]:
        s, team = self.s, list(self.case.team)

        def save(member: TeamMember, index: int) -> None:
            members = copy.deepcopy(team)
            if index < 0:
                members.append(member)
            else:
                members[index] = member
            self.app.set_team(self.number, members, version=self.version)
            self._saved()

        def remove(index: int) -> None:
            members = [m for i, m in enumerate(team) if i != index]
            self.app.set_team(self.number, members, version=self.version)
            self._saved()

        editor = self._editor(
            cls=TeamMember,
            items=team,
            fields=("name", "role", "department", "contact", "duties"),
            columns=[
                Column(s.t("ui.field.TeamMember.name"), lambda m: m.name),
                Column(s.t("ui.field.TeamMember.role"), lambda m: label(m.role, s.lang)),
                Column(s.t("ui.field.TeamMember.department"), lambda m: m.department),
                Column(s.t("ui.field.TeamMember.contact"), lambda m: m.contact),
                Column(s.t("ui.field.TeamMember.duties"), lambda m: m.duties),
            ],
            key=lambda m, i: f"{m.name} ({label(m.role, s.lang)})",
            new_item=TeamMember,
            on_save=self.page._guarded(save),
            on_remove=self.page._guarded(remove),
            name="team",
            form_options={"columns": 3},
        )
        return [editor.widget]

    # ---------------------------------------------------------------- D2

    def _d2(self) -> list[widgets.Widget]:
        s, problem = self.s, self.case.problem
        fields = (
            "what",
            "where",
            "when",
            "who",
            "why",
            "how",
            "how_many",
            "first_occurred",
            "repeat_occurrence",
            "other_affected",
            "agreed_test_time",
        )
        form = self._form(ProblemDescription, fields, columns=2)
        form.load(problem)

        def save() -> None:
            new = self._read(form, problem)
            if new is None:
                return
            self.app.describe_problem(self.number, new, version=self.version)
            self._saved()

        rows = list(problem.is_is_not)

        def save_row(row: IsIsNot, index: int) -> None:
            new = copy.deepcopy(problem)
            if index < 0:
                new.is_is_not.append(row)
            else:
                new.is_is_not[index] = row
            self.app.describe_problem(self.number, new, version=self.version)
            self._saved()

        def remove_row(index: int) -> None:
            new = dataclasses.replace(
                problem, is_is_not=[r for i, r in enumerate(rows) if i != index]
            )
            self.app.describe_problem(self.number, new, version=self.version)
            self._saved()

        is_not = self._editor(
            cls=IsIsNot,
            items=rows,
            fields=("dimension", "is_", "is_not"),
            columns=[
                Column(s.t("ui.field.IsIsNot.dimension"), lambda r: label(r.dimension, s.lang)),
                Column(s.t("ui.field.IsIsNot.is_"), lambda r: r.is_),
                Column(s.t("ui.field.IsIsNot.is_not"), lambda r: r.is_not),
            ],
            key=lambda r, i: f"{label(r.dimension, s.lang)}{s.t('text.colon')}{r.is_[:40]}",
            new_item=IsIsNot,
            on_save=self.page._guarded(save_row),
            on_remove=self.page._guarded(remove_row),
            name="isisnot",
            form_options={"columns": 3},
        )
        return [
            heading(s.t("ui.case.five_w_two_h"), 3),
            form.grid,
            self._button("ui.editor.save", save, "problem"),
            heading(s.t("ui.case.is_is_not"), 3),
            is_not.widget,
            *self.page.attachments(Stage.D2),
        ]

    # ---------------------------------------------------------------- D3

    def _d3(self) -> list[widgets.Widget]:
        s, items = self.s, list(self.case.containment)
        tz = self.tz
        editor = self._editor(
            cls=ContainmentAction,
            items=items,
            fields=(
                "location",
                "measure",
                "description",
                "owner",
                "due",
                "done_at",
                "quantity_checked",
                "quantity_bad",
                "effectiveness",
            ),
            columns=[
                Column("ID", lambda k: k.id),
                Column(
                    s.t("ui.field.ContainmentAction.location"), lambda k: label(k.location, s.lang)
                ),
                Column(
                    s.t("ui.field.ContainmentAction.measure"), lambda k: label(k.measure, s.lang)
                ),
                Column(s.t("ui.field.ContainmentAction.description"), lambda k: k.description),
                Column(s.t("ui.field.ContainmentAction.owner"), lambda k: k.owner),
                Column(
                    s.t("ui.case.quantities"),
                    lambda k: f"{_n(k.quantity_bad)} / {_n(k.quantity_checked)}",
                ),
                Column(s.t("ui.field.ContainmentAction.effectiveness"), lambda k: k.effectiveness),
                Column(
                    s.t("ui.field.ContainmentAction.done_at"),
                    lambda k: k.done_at.astimezone(tz).strftime("%Y-%m-%d") if k.done_at else "—",
                ),
            ],
            key=lambda k, i: f"{k.id} {k.description[:40]}",
            new_item=lambda: ContainmentAction(id=self._next_id("K")),
            on_save=self._put("containment"),
            on_remove=self._remove("containment", items),
            name="containment",
            form_options={"columns": 3, "long_text": ("description", "effectiveness")},
        )
        clean_box, clean = self._text_field(
            "ui.field.Case.clean_point", self.case.clean_point, "clean-point"
        )
        return [
            editor.widget,
            heading(s.t("ui.field.Case.clean_point"), 3),
            clean_box,
            self._button(
                "ui.editor.save", self._set_field("clean_point", lambda: clean.value), "clean-point"
            ),
        ]

    # ---------------------------------------------------------------- D4

    def _d4(self) -> list[widgets.Widget]:
        s, items = self.s, list(self.case.causes)
        self.diagrams = widgets.HTML(self._diagrams(self.case))
        self.diagrams.add_class("ed-diagrams")

        def draft(cause: Cause, index: int) -> None:
            case = copy.deepcopy(self.case)
            if index < 0:
                case.causes.append(cause)
            else:
                case.causes[index] = cause
            self.diagrams.value = self._diagrams(case)

        editor = self._editor(
            cls=Cause,
            items=items,
            fields=("text", "category", "type", "status", "parent", "whys", "evidence", "systemic"),
            columns=[
                Column("ID", lambda c: c.id),
                Column(s.t("ui.field.Cause.text"), lambda c: c.text),
                Column(s.t("ui.field.Cause.category"), lambda c: label(c.category, s.lang)),
                Column(s.t("ui.field.Cause.type"), lambda c: label(c.type, s.lang)),
                Column(s.t("ui.field.Cause.status"), lambda c: label(c.status, s.lang)),
                Column(s.t("ui.field.Cause.whys"), lambda c: " → ".join(c.whys)),
                Column(s.t("ui.field.Cause.evidence"), lambda c: c.evidence),
            ],
            key=lambda c, i: f"{c.id} {c.text[:40]}",
            new_item=lambda: Cause(id=self._next_id("C")),
            on_save=self._put("causes"),
            on_remove=self._remove("causes", items),
            name="cause",
            form_options={
                "columns": 2,
                "long_text": ("text", "evidence"),
                "hints": {"whys": s.t("ui.case.whys_hint"), "parent": "C1"},
            },
            on_draft=draft,
        )
        reason_box, reason = self._text_field(
            "ui.field.Case.no_escape_reason", self.case.no_escape_reason, "no-escape"
        )
        return [
            heading(s.t("ui.case.diagrams"), 3),
            self.diagrams,
            heading(s.t("ui.case.causes"), 3),
            editor.widget,
            heading(s.t("ui.field.Case.no_escape_reason"), 3),
            reason_box,
            self._button(
                "ui.editor.save",
                self._set_field("no_escape_reason", lambda: reason.value),
                "no-escape",
            ),
            *self.page.attachments(Stage.D4),
        ]

    def _diagrams(self, case: Case) -> str:
        from eightd.diagrams import fishbone, five_whys
        from eightd.errors import EightDError

        s = self.s
        try:
            fish = fishbone(case, lang=s.lang).svg()
            whys = five_whys(case, lang=s.lang).svg() if any(c.whys for c in case.causes) else ""
        except EightDError as exc:
            return f'<div class="ed-msg ed-msg-error">{esc(exc.message(s.lang))}</div>'
        out = f'<div class="ed-diagram ed-fishbone">{_svg_only(fish)}</div>'
        if whys:
            out += f'<div class="ed-diagram ed-five-whys">{_svg_only(whys)}</div>'
        return out

    # ---------------------------------------------------------------- D5

    def _d5(self) -> list[widgets.Widget]:
        s, items = self.s, list(self.case.actions)
        causes = [
            (f"{c.id} {c.text[:50]}", c.id)
            for c in self.case.causes
            if c.status is not CauseStatus.RULED_OUT
        ]
        containment = [
            ("—", ""),
            *[(f"{k.id} {k.description[:40]}", k.id) for k in self.case.containment],
        ]
        editor = self._editor(
            cls=CorrectiveAction,
            items=items,
            fields=(
                "text",
                "cause_ids",
                "owner",
                "due",
                "status",
                "implemented_on",
                "validation",
                "from_containment",
            ),
            columns=[
                Column("ID", lambda a: a.id),
                Column(s.t("ui.field.CorrectiveAction.text"), lambda a: a.text),
                Column(
                    s.t("ui.field.CorrectiveAction.cause_ids"), lambda a: ", ".join(a.cause_ids)
                ),
                Column(s.t("ui.field.CorrectiveAction.owner"), lambda a: a.owner),
                Column(s.t("ui.field.CorrectiveAction.due"), lambda a: str(a.due or "—")),
                Column(s.t("ui.field.CorrectiveAction.status"), lambda a: label(a.status, s.lang)),
            ],
            key=lambda a, i: f"{a.id} {a.text[:40]}",
            new_item=lambda: CorrectiveAction(id=self._next_id("A")),
            on_save=self._put("actions"),
            on_remove=self._remove("actions", items),
            name="action",
            form_options={"columns": 2, "long_text": ("text", "validation")},
        )
        _choose(editor, "cause_ids", causes)
        _choose(editor, "from_containment", containment)
        return [editor.widget]

    # ---------------------------------------------------------------- D6

    def _d6(self) -> list[widgets.Widget]:
        s, items = self.s, list(self.case.verifications)
        actions = [(f"{a.id} {a.text[:50]}", a.id) for a in self.case.actions]

        def save(item: Verification, _index: int) -> None:
            _stored, back = self.app.verify(self.number, item, version=self.version)
            if back:
                self.page.selected = Stage.D4
            self.page.after_save(s.t("ui.case.sent_back" if back else "ui.msg.saved"))

        editor = self._editor(
            cls=Verification,
            items=items,
            fields=(
                "action_ids",
                "verified_on",
                "verified_by",
                "problem_improved",
                "no_new_problem",
                "prevents_recurrence",
                "metric",
                "before_value",
                "after_value",
                "evidence",
            ),
            columns=[
                Column("ID", lambda v: v.id),
                Column(s.t("ui.field.Verification.action_ids"), lambda v: ", ".join(v.action_ids)),
                Column(
                    s.t("ui.field.Verification.verified_on"), lambda v: str(v.verified_on or "—")
                ),
                Column(s.t("ui.field.Verification.metric"), lambda v: v.metric),
                Column(
                    s.t("ui.case.before_after"),
                    lambda v: f"{_n(v.before_value)} → {_n(v.after_value)}",
                ),
                Column(s.t("ui.case.effective"), lambda v: _yes(v.effective, s.t)),
                Column(s.t("ui.field.Verification.evidence"), lambda v: v.evidence),
            ],
            key=lambda v, i: f"{v.id} {', '.join(v.action_ids)}",
            new_item=lambda: Verification(
                id=self._next_id("V"),
                verified_on=self.app.today(),
                problem_improved=True,
                no_new_problem=True,
                prevents_recurrence=True,
            ),
            on_save=self.page._guarded(save),
            on_remove=self._remove("verifications", items),
            name="verification",
            form_options={"columns": 3, "long_text": ("evidence",)},
        )
        _choose(editor, "action_ids", actions)
        removed = widgets.Text(
            value=str(self.case.containment_removed_on or ""),
            placeholder="YYYY-MM-DD",
            description=s.t("ui.field.Case.containment_removed_on"),
            style={"description_width": "initial"},
            layout=widgets.Layout(width="420px"),
        )
        removed.add_class("ed-input-containment-removed")
        return [
            editor.widget,
            widgets.HBox(
                [
                    removed,
                    self._button(
                        "ui.editor.save",
                        self._set_field(
                            "containment_removed_on", lambda: removed.value.strip() or None
                        ),
                        "containment-removed",
                    ),
                ]
            ),
            *self.page.attachments(Stage.D6),
        ]

    # ---------------------------------------------------------------- D7

    def _d7(self) -> list[widgets.Widget]:
        s, items = self.s, list(self.case.standardization)

        def save(item: StandardizationItem, _index: int) -> None:
            self.app.add_standardization(self.number, item, version=self.version)
            self._saved()

        editor = self._editor(
            cls=StandardizationItem,
            items=items,
            fields=(
                "kind",
                "document_id",
                "title",
                "old_revision",
                "new_revision",
                "owner",
                "done_on",
            ),
            columns=[
                Column(s.t("ui.field.StandardizationItem.kind"), lambda d: label(d.kind, s.lang)),
                Column(s.t("ui.field.StandardizationItem.document_id"), lambda d: d.document_id),
                Column(s.t("ui.field.StandardizationItem.title"), lambda d: d.title),
                Column(s.t("ui.case.revision"), lambda d: f"{d.old_revision} → {d.new_revision}"),
                Column(s.t("ui.field.StandardizationItem.owner"), lambda d: d.owner),
                Column(
                    s.t("ui.field.StandardizationItem.done_on"), lambda d: str(d.done_on or "—")
                ),
            ],
            key=lambda d, i: f"{d.document_id} {d.title[:30]}",
            new_item=StandardizationItem,
            on_save=self.page._guarded(save),
            on_remove=None,
            name="standard",
            form_options={"columns": 4},
        )
        editor.choice.layout.display = "none"  # documents are added; the revision history stays
        reason_box, reason = self._text_field(
            "ui.field.Case.no_standardization_reason", self.case.no_standardization_reason, "no-std"
        )
        across_box, across = self._text_field(
            "ui.field.Case.read_across", "\n".join(self.case.read_across), "read-across"
        )
        return [
            editor.widget,
            heading(s.t("ui.field.Case.no_standardization_reason"), 3),
            reason_box,
            self._button(
                "ui.editor.save",
                self._set_field("no_standardization_reason", lambda: reason.value),
                "no-std",
            ),
            heading(s.t("ui.field.Case.read_across"), 3),
            across_box,
            self._button(
                "ui.editor.save",
                self._set_field(
                    "read_across",
                    lambda: [x.strip() for x in across.value.splitlines() if x.strip()],
                ),
                "read-across",
            ),
        ]

    # ---------------------------------------------------------------- D8

    def _d8(self) -> list[widgets.Widget]:
        s, case, a = self.s, self.case, self.page.assessment
        role = self.app.policy.roles.approver
        user = next((u for u in self.app.users() if u.name == s.user), None)
        is_approver = user is not None and role in user.roles
        signed = "".join(
            f"<li>{esc(ap.signer)} · {esc(ap.role)} · {esc(ap.meaning)} · "
            f"{esc(_when(ap.signed_at, self.tz))}</li>"
            for ap in case.approvals
        )
        state = s.t(f"ui.signature.{a.signature.value}")
        approvals = widgets.HTML(
            f'<div><span class="ed-state ed-state-{esc(a.signature.value)}">{esc(state)}</span>'
            f'<ul class="ed-log">{signed}</ul></div>'
        )
        meaning = widgets.Text(
            value=self.app.policy.roles.approval_meaning,
            description=s.t("ui.case.meaning"),
            style={"description_width": "initial"},
            layout=widgets.Layout(width="520px"),
        )
        meaning.add_class("ed-input-meaning")

        def approve() -> None:
            self.app.approve(self.number, meaning=meaning.value, version=self.version)
            self._saved()

        approve_button = self._button(
            "ui.case.approve", approve, "approve", disabled=not is_approver
        )
        approver_note = widgets.HTML(
            ""
            if is_approver
            else '<div class="ed-muted ed-approver-only">'
            f"{esc(s.t('ui.case.approver_only', role=role))}</div>"
        )

        def save_callback(item: Callback, _index: int) -> None:
            self.app.record_callback(self.number, item, version=self.version)
            self._saved()

        tz = self.tz
        callbacks = self._editor(
            cls=Callback,
            items=list(case.callbacks),
            fields=("at", "outcome", "note"),
            columns=[
                Column(
                    s.t("ui.field.Callback.at"),
                    lambda c: c.at.astimezone(tz).strftime("%Y-%m-%d %H:%M") if c.at else "—",
                ),
                Column(s.t("ui.field.Callback.by"), lambda c: c.by),
                Column(s.t("ui.field.Callback.outcome"), lambda c: label(c.outcome, s.lang)),
                Column(s.t("ui.field.Callback.note"), lambda c: c.note),
            ],
            key=lambda c, i: str(i),
            new_item=lambda: Callback(at=self.app.now(), by=s.user),
            on_save=self.page._guarded(save_callback),
            on_remove=None,
            name="callback",
            form_options={"columns": 3},
        )
        callbacks.choice.layout.display = "none"
        kind = widgets.Dropdown(
            options=[(label(k, s.lang), k) for k in ClosureKind if k is not ClosureKind.NO_8D],
            description=s.t("ui.case.closure_kind"),
            style={"description_width": "initial"},
        )
        kind.add_class("ed-input-closure-kind")
        ground = widgets.Dropdown(
            options=[("—", None), *[(label(g, s.lang), g) for g in AbnormalGround]],
            description=s.t("ui.case.ground"),
            style={"description_width": "initial"},
        )
        reason_box, reason = self._text_field("ui.case.closure_reason", "", "closure-reason")
        lessons_box, lessons = self._text_field("ui.case.lessons", "", "lessons")

        def close() -> None:
            self.app.close_case(
                self.number,
                kind.value,
                reason=reason.value,
                ground=ground.value,
                lessons_learned=lessons.value,
                version=self.version,
            )
            self._saved()

        closure = []
        if case.closure is not None:
            c = case.closure
            closure.append(
                widgets.HTML(
                    '<div class="ed-msg ed-msg-ok ed-closed">'
                    + esc(
                        s.t(
                            "ui.case.closed_line",
                            kind=label(c.kind, s.lang),
                            by=c.closed_by,
                            at=_when(c.closed_at, tz),
                        )
                    )
                    + "</div>"
                )
            )
        return [
            heading(s.t("ui.case.approval"), 3),
            approvals,
            meaning,
            approve_button,
            approver_note,
            heading(s.t("ui.case.callbacks"), 3),
            callbacks.widget,
            heading(s.t("ui.case.closure"), 3),
            *closure,
            widgets.HBox([kind, ground]),
            reason_box,
            lessons_box,
            self._button("ui.case.close", close, "close"),
        ]


def _n(value: object) -> str:
    if value is None:
        return "—"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _when(moment: Any, tz: Any) -> str:
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M") if moment else ""


def _svg_only(svg: str) -> str:
    """The <svg> element of Graphviz output (without the XML prolog and doctype)."""
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else svg


def _choose(editor: ItemEditor[Any], name: str, options: list[tuple[str, str]]) -> None:
    """Offer the case's own items (causes, actions, containment) for a reference field."""
    fld = editor.form.fields[name]
    if isinstance(fld.input, widgets.Textarea):
        multi = widgets.SelectMultiple(
            options=options, rows=min(6, max(2, len(options))), layout=widgets.Layout(width="100%")
        )
        fld.input = multi
        fld.box.children = [fld.label, multi, fld.error]
        fld.parse = lambda: list(multi.value)  # type: ignore[method-assign]
        fld.show = lambda value: setattr(  # type: ignore[method-assign]
            multi, "value", tuple(v for v in (value or []) if v in dict((b, a) for a, b in options))
        )
    else:
        drop = widgets.Dropdown(options=options, layout=widgets.Layout(width="100%"))
        fld.input = drop
        fld.box.children = [fld.label, drop, fld.error]
        fld.parse = lambda: drop.value or ""  # type: ignore[method-assign]
        fld.show = lambda value: setattr(  # type: ignore[method-assign]
            drop, "value", value if value in [b for _a, b in options] else options[0][1]
        )
    editor.form.load(editor._base())

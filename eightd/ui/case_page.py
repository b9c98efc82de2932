"""The case page, reachable by its own URL: the header, the D0–D8 stepper with each
stage's state and due date, the selected stage's forms with its gate items and review
findings, the customer communication log, the audit history and the reports.

Every save names the version the page was loaded at; a save refused because someone
else saved in between says who and when, offers a reload, and leaves the unsaved input
where it is."""

from __future__ import annotations

import base64
import contextlib
from datetime import datetime
from typing import Any

import ipywidgets as widgets
from ipywidgets.widgets.widget_button import ButtonStyle

from eightd.domain import Contact, Stage
from eightd.errors import ConcurrentEditError
from eightd.i18n import label
from eightd.ui.editors import Column, ItemEditor
from eightd.ui.session import Session
from eightd.ui.stages import StagePanel
from eightd.ui.style import esc
from eightd.ui.widgets import Feedback, card, heading

__all__ = ["CasePage"]

LINT_STAGE = {
    "causes": Stage.D4,
    "no_escape_reason": Stage.D4,
    "actions": Stage.D5,
    "containment": Stage.D3,
    "verifications": Stage.D6,
    "standardization": Stage.D7,
    "read_across": Stage.D7,
    "problem": Stage.D2,
    "team": Stage.D1,
}


class CasePage:
    """The body of ``case.ipynb?number=...``."""

    def __init__(self, session: Session, number: str) -> None:
        self.session = session
        self.number = number.strip()
        self.feedback = Feedback(session)
        self.feedback.on_conflict = self._on_conflict
        self.widget = widgets.VBox(layout=widgets.Layout(width="100%"))
        self.widget.add_class("ed-casepage")
        self.selected: Stage | None = None
        self._file_list: list[Any] | None = None
        self.load()

    # ---------------------------------------------------------------- loading

    def load(self) -> None:
        """Read the case as it is now and draw the page."""
        app = self.session.app
        self._file_list = None
        self.stored, self.assessment = app.assess(self.number)
        self.version = self.stored.version
        case = self.stored.case
        if self.selected is None:
            self.selected = Stage.D8 if case.is_closed else case.stage
        self.draw()

    def after_save(self, message: str) -> None:
        """A save went through: show the page as saved, and say so."""
        self.load()
        self.feedback.ok(message)

    def _on_conflict(self, exc: ConcurrentEditError) -> None:
        s = self.session
        reload = widgets.Button(description=s.t("ui.case.reload"), button_style="warning")
        reload.add_class("ed-reload")
        reload.on_click(self.feedback.run(lambda: self.after_save(s.t("ui.case.reloaded"))))
        when = exc.params.get("changed_at")
        if isinstance(when, str):
            with contextlib.suppress(ValueError):
                when = datetime.fromisoformat(when)
        at = fmt_time(when, app_tz(self)) if isinstance(when, datetime) else str(when)
        self.feedback.show(
            "warn",
            esc(
                s.t("ui.case.conflict", changed_by=exc.params.get("changed_by", "?"), changed_at=at)
            ),
        )
        self.feedback.widget.children = [self.feedback.message, reload, self.feedback.details]

    # ---------------------------------------------------------------- drawing

    def draw(self) -> None:
        self.feedback.widget.children = [self.feedback.message, self.feedback.details]
        stage = self.selected or Stage.D0
        panel = StagePanel(self, stage)
        self.widget.children = [
            self._header(),
            card(self._stepper(), self.feedback.widget),
            panel.widget,
            self._communication(),
            self._history(),
        ]

    def _header(self) -> widgets.Widget:
        from eightd.ui.reports_panel import ReportsPanel

        s, case, a = self.session, self.stored.case, self.assessment
        grade = a.grade
        severity = label(grade.severity, s.lang) if grade.severity else s.t("ui.case.ungraded")
        state = case.status if case.is_closed else case.stage
        rows = [
            (s.t("ui.case.customer"), f"{case.intake.customer_name} {case.intake.customer_code}"),
            (s.t("ui.case.product"), f"{case.intake.product_number} {case.intake.product_name}"),
            (s.t("ui.case.status"), label(state, s.lang)),
            (s.t("ui.case.grade"), severity),
            (
                s.t("ui.case.escalation"),
                s.t("ui.ledger.level", level=a.escalation.level) if a.escalation.level else "—",
            ),
            (s.t("ui.case.signature"), s.t(f"ui.signature.{a.signature.value}")),
            (s.t("ui.case.received"), fmt_time(case.intake.received_at, app_tz(self))),
            (
                s.t("ui.case.version"),
                s.t(
                    "ui.case.version_line",
                    version=self.version,
                    by=self.stored.updated_by,
                    at=fmt_time(self.stored.updated_at, app_tz(self)),
                ),
            ),
        ]
        kv = "".join(f'<div class="k">{esc(k)}</div><div>{esc(v)}</div>' for k, v in rows)
        head = widgets.HTML(
            f'<div class="ed-muted"><a href="{esc(s.url("ledger"))}">'
            f"{esc(s.t('ui.nav.ledger'))}</a> › {esc(case.number)}</div>"
            f'<div class="ed-title ed-case-title" data-version="{self.version}">'
            f"{esc(case.number)} · {esc(case.title)}</div>"
            f'<div class="ed-kv">{kv}</div>'
        )
        return card(head, ReportsPanel(self).widget)

    def _stepper(self) -> widgets.Widget:
        s, case = self.session, self.stored.case
        clocks = {c.key: c for c in self.assessment.clocks}
        steps = []
        # the steps share their layout and style models (see forms.Looks)
        button_style = ButtonStyle()
        button_layout = widgets.Layout(width="auto")
        step_layout = widgets.Layout(flex="1 1 0", min_width="0")
        for stage in Stage:
            clock = clocks.get(stage.value)
            if case.is_closed or stage.index < case.stage.index:
                kind = "done"
            elif stage is case.stage:
                kind = "current"
            else:
                kind = "todo"
            due = ""
            if clock is not None and clock.due is not None:
                due = clock.due.astimezone(app_tz(self)).strftime("%m-%d %H:%M")
            state = s.t(f"ui.clock.{clock.state.value}") if clock is not None else ""
            name = label(stage, s.lang)
            text = f"{name}\n{state} {due}".strip()
            button = widgets.Button(
                description=text,
                tooltip=f"{name} — {state} {due}",
                layout=button_layout,
                style=button_style,
            )
            classes = ["ed-step", f"ed-step-{kind}", f"ed-step-{stage.value}"]
            if clock is not None:
                classes.append(f"ed-step-{clock.state.value}")
            if stage is self.selected:
                classes.append("ed-step-selected")
            box = widgets.Box([button], layout=step_layout, _dom_classes=tuple(classes))
            button.on_click(self._select(stage))
            steps.append(box)
        bar = widgets.HBox(steps, layout=widgets.Layout(width="100%"))
        bar.add_class("ed-stepper")
        return bar

    def _select(self, stage: Stage) -> Any:
        def handler(_b: Any) -> None:
            with self.feedback.guard():
                self.selected = stage
                self.feedback.clear()
                self.draw()

        return handler

    # ---------------------------------------------------------------- the side cards

    def _communication(self) -> widgets.Widget:
        s, case = self.session, self.stored.case
        tz = app_tz(self)
        now = self.session.app.now()

        def reply(c: Contact) -> str:
            if c.next_reply_due is None:
                return ""
            late = c.next_reply_due < now and not any(
                later.at and later.at > (c.at or now) for later in case.contacts
            )
            text = fmt_time(c.next_reply_due, tz)
            return f"{text} ⚠ {s.t('ui.case.reply_overdue')}" if late else text

        def save(contact: Contact, _index: int) -> None:
            s.app.log_contact(self.number, contact, version=self.version)
            self.after_save(s.t("ui.msg.saved"))

        editor: ItemEditor[Contact] = ItemEditor(
            cls=Contact,
            items=case.contacts,
            fields=("at", "channel", "direction", "summary", "promise", "next_reply_due"),
            columns=[
                Column(s.t("ui.field.Contact.at"), lambda c: fmt_time(c.at, tz)),
                Column(s.t("ui.field.Contact.by"), lambda c: c.by),
                Column(s.t("ui.field.Contact.channel"), lambda c: label(c.channel, s.lang)),
                Column(s.t("ui.field.Contact.summary"), lambda c: c.summary),
                Column(s.t("ui.field.Contact.promise"), lambda c: c.promise),
                Column(s.t("ui.field.Contact.next_reply_due"), reply),
            ],
            key=lambda c, i: f"{fmt_time(c.at, tz)} {c.summary[:30]}",
            new_item=lambda: Contact(at=self.session.app.now(), by=s.user),
            on_save=self._guarded(save),
            on_remove=None,
            feedback=self.feedback,
            lang=s.lang,
            tz=tz,
            t=s.t,
            name="contact",
            form_options={"long_text": ("summary", "promise"), "columns": 3},
        )
        editor.choice.layout.display = "none"  # the log is appended to, never edited
        return card(editor.widget, title=s.t("ui.case.communication"))

    def _history(self) -> widgets.Widget:
        s = self.session
        tz = app_tz(self)
        entries = s.app.history(self.number)
        lines = []
        colon = esc(s.t("text.colon"))
        for e in reversed(entries):
            action = (
                s.t(f"ui.action.{e.action}")
                if f"ui.action.{e.action}" != s.t(f"ui.action.{e.action}")
                else e.action
            )
            old = _short(e.old_value)
            new = _short(e.new_value)
            lines.append(
                f"<li><b>{esc(fmt_time(e.at, tz))}</b> · {esc(e.user)} · {esc(action)}{colon}"
                f"{esc(e.path)} {esc(old)} → {esc(new)}</li>"
            )
        body = "".join(lines[:300]) or f'<li class="ed-muted">{esc(s.t("ui.editor.none"))}</li>'
        html_list = widgets.HTML(f'<ul class="ed-log">{body}</ul>')
        box = widgets.Accordion(
            children=[html_list], titles=(s.t("ui.case.history", count=len(entries)),)
        )
        box.selected_index = None
        return card(box)

    # ---------------------------------------------------------------- helpers for panels

    def attachments(self, stage: Stage) -> list[widgets.Widget]:
        """Photos and evidence of ``stage``: thumbnails, and an upload for more."""
        s = self.session
        files = [a for a in self._files() if a.stage == stage.value]
        thumbs = []
        for meta in files:
            item = s.app.attachment(meta.id)
            data = base64.b64encode(item.data).decode("ascii")
            href = f"data:{esc(item.media_type)};base64,{data}"
            if item.media_type.startswith("image/"):
                picture = f'<img src="{href}" alt="{esc(item.name)}">'
            else:
                picture = '<div class="ed-pdf">PDF</div>'
            thumbs.append(
                f'<div class="ed-thumb"><a href="{href}" download="{esc(item.name)}">{picture}'
                f'</a>{esc(item.name)}<br><span class="ed-muted">{esc(item.uploaded_by)} · '
                f"{esc(fmt_time(item.uploaded_at, app_tz(self)))}</span></div>"
            )
        gallery = widgets.HTML(
            f'<div class="ed-thumbs">{"".join(thumbs)}</div>'
            if thumbs
            else f'<div class="ed-muted">{esc(s.t("ui.editor.none"))}</div>'
        )
        gallery.add_class(f"ed-files-{stage.value}")
        upload = widgets.FileUpload(
            accept="image/png,image/jpeg,image/gif,image/webp,application/pdf,.pdf",
            multiple=True,
            description=s.t("ui.case.upload"),
            layout=widgets.Layout(width="auto"),
        )
        upload.add_class(f"ed-upload-{stage.value}")
        upload.disabled = self.stored.case.is_closed

        def on_upload(change: Any) -> None:
            files_in = change["new"]
            if not files_in:
                return
            self.feedback.clear()
            with self.feedback.guard():
                for f in files_in:
                    s.app.attach(self.number, stage.value, str(f["name"]), bytes(f["content"]))
                self.after_save(s.t("ui.case.uploaded", count=len(files_in)))

        upload.observe(on_upload, names="value")
        limit = s.app.policy.attachments.max_mb
        hint = widgets.HTML(
            f'<span class="ed-muted">{esc(s.t("ui.case.upload_hint", max_mb=limit))}</span>'
        )
        key = "ui.case.photos" if stage is Stage.D2 else "ui.case.evidence"
        parts = [
            heading(s.t(key), 3),
            gallery,
            widgets.HBox([upload, hint], layout=widgets.Layout(align_items="center")),
        ]
        if files and not self.stored.case.is_closed:
            parts.append(self._remover(stage, files))
        return parts

    def _remover(self, stage: Stage, files: list[Any]) -> widgets.Widget:
        """Take a wrong or private file off the case, with the reason (kept on record)."""
        s = self.session
        tz = app_tz(self)
        choice = widgets.Dropdown(
            options=[
                (f"{f.name} · {f.uploaded_by} · {fmt_time(f.uploaded_at, tz)}", f.id) for f in files
            ],
            value=None,
            layout=widgets.Layout(width="320px"),
        )
        choice.add_class(f"ed-remove-choice-{stage.value}")
        reason = widgets.Text(
            placeholder=s.t("ui.case.remove_reason"), layout=widgets.Layout(width="320px")
        )
        reason.add_class(f"ed-remove-reason-{stage.value}")
        button = widgets.Button(description=s.t("ui.case.remove_file"), button_style="danger")
        button.add_class(f"ed-remove-file-{stage.value}")

        def remove() -> None:
            if choice.value is None:
                from eightd.errors import ValidationError

                raise ValidationError("attachment.file", "error.reason.required")
            removed = s.app.remove_attachment(int(choice.value), reason=reason.value)
            self._file_list = None
            self.after_save(s.t("ui.case.removed", name=removed.name))

        button.on_click(lambda _: self._guarded(remove)())
        box = widgets.HBox([choice, reason, button], layout=widgets.Layout(align_items="center"))
        box.add_class(f"ed-remover-{stage.value}")
        return box

    def _files(self) -> list[Any]:
        if self._file_list is None:
            self._file_list = self.session.app.attachments(self.number)
        return self._file_list

    def _guarded(self, action: Any) -> Any:
        """Item editors call this; failures reach the page's message area."""

        def run(*args: Any) -> None:
            self.feedback.clear()
            with self.feedback.guard():
                action(*args)

        return run

    def findings(self, stage: Stage) -> list[str]:
        """Gate items and review findings that concern ``stage``, in words."""
        s, a = self.session, self.assessment
        texts = [
            s.t(item.code) + ("" if item.blocking else f" ({s.t('ui.case.warning')})")
            for item in a.gate(stage)
        ]
        for finding in a.lint.findings:
            head = finding.path.split(".")[0].split("[")[0]
            if LINT_STAGE.get(head) is stage:
                texts.append(finding.text(s.lang))
        return texts


def app_tz(page: CasePage) -> Any:
    return page.session.app.policy.tz


def fmt_time(moment: datetime | None, tz: Any) -> str:
    if moment is None:
        return "—"
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def _short(value: Any) -> str:
    if value is None or value == "":
        return "—"
    text = str(value)
    return text if len(text) <= 80 else text[:77] + "…"

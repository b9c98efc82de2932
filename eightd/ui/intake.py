"""The new-complaint form (投诉登记): every intake field, the policy's required ones
marked, the suggested grade shown while facts are entered, every error beside its
field at once, and nothing saved until the whole record is valid."""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets

from eightd.domain import Intake
from eightd.errors import ValidationError
from eightd.i18n import joined, label
from eightd.ui.data import DEFECT_RATE_OR_COUNTS, suggest_grade
from eightd.ui.forms import DataclassForm, FormErrors
from eightd.ui.session import Session
from eightd.ui.style import esc
from eightd.ui.widgets import Feedback, card

__all__ = ["SECTIONS", "IntakePage"]

# the intake record's sections, in the order of the complaint form
SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "complaint",
        (
            "received_at",
            "channel",
            "customer_name",
            "customer_code",
            "customer_complaint_ref",
            "contact_person",
            "contact_details",
            "category",
            "topic",
            "customer_demand",
        ),
    ),
    (
        "product",
        (
            "product_number",
            "product_name",
            "product_revision",
            "site",
            "lot_numbers",
            "order_refs",
            "ship_date",
            "shipped_quantity",
        ),
    ),
    (
        "defect",
        (
            "defect_description",
            "defect_kinds",
            "lot_size",
            "defect_count",
            "defect_rate_percent",
            "quantity_complained",
            "quantity_returned",
            "found_at",
            "found_at_detail",
            "customer_tests",
            "assembly_process",
        ),
    ),
    (
        "samples",
        ("has_attachment", "has_sample", "sample_label", "return_sample", "return_route"),
    ),
    (
        "grading",
        (
            "line_stop",
            "corrective_action_demanded",
            "recurrence",
            "injury",
            "media_or_lawsuit",
            "major_economic_loss",
            "unauthorised_promise",
            "departments",
        ),
    ),
)
LONG = ("defect_description", "customer_demand", "customer_tests", "assembly_process")


class IntakePage:
    """The body of ``new.ipynb``."""

    def __init__(self, session: Session) -> None:
        self.session = s = session
        policy = s.app.policy
        tz = policy.tz
        required = set(policy.intake.required) - {DEFECT_RATE_OR_COUNTS}
        self.rate_or_counts = DEFECT_RATE_OR_COUNTS in policy.intake.required
        self.title = widgets.Text(layout=widgets.Layout(width="100%"))
        self.title_error = widgets.HTML("")
        self.title_error.add_class("ed-error")
        self.forms: list[DataclassForm[Intake]] = []
        sections = []
        hints = {
            "defect_rate_percent": s.t("ui.intake.rate_or_counts") if self.rate_or_counts else "",
            "topic": "refund_review",
        }
        for key, names in SECTIONS:
            form = DataclassForm(
                Intake,
                names,
                lang=s.lang,
                tz=tz,
                required=required,
                path="intake",
                long_text=LONG,
                hints=hints,
                columns=3 if key != "samples" else 5,
            )
            self.forms.append(form)
            sections.append(card(form.grid, title=s.t(f"ui.intake.section.{key}")))
        self.grade = widgets.HTML("")
        self.feedback = Feedback(s)
        self.save = widgets.Button(description=s.t("ui.intake.save"), button_style="primary")
        self.save.add_class("ed-save-intake")
        self.save.on_click(self.feedback.run(self.submit))
        title_box = widgets.VBox(
            [
                widgets.HTML(
                    f'<label class="ed-label">{esc(s.t("ui.intake.title"))}'
                    ' <span class="ed-req">*</span></label>'
                ),
                self.title,
                self.title_error,
            ]
        )
        title_box.add_class("ed-field")
        title_box.add_class("ed-field-title")
        intro = widgets.HTML(
            f'<div class="ed-title">{esc(s.t("ui.intake.heading"))}</div>'
            f'<div class="ed-muted">{esc(s.t("ui.intake.intro"))}</div>'
        )
        self.widget = widgets.VBox(
            [
                card(intro, title_box, self.grade),
                *sections,
                card(self.feedback.widget, self.save),
            ],
            layout=widgets.Layout(width="100%"),
        )
        for form in self.forms:
            for fld in form.fields.values():
                fld.input.observe(self._on_change, names="value")
        self._on_change(None)

    def _intake_so_far(self) -> Intake:
        values: dict[str, Any] = {}
        for form in self.forms:
            values.update(form.values())
        return Intake(**values)

    def _on_change(self, _change: Any) -> None:
        s = self.session
        try:
            grade = suggest_grade(s.app, self._intake_so_far())
        except Exception:  # a half-typed record: no suggestion yet
            self.grade.value = ""
            return
        reasons = joined((n.text(s.lang) for n in grade.reasons), s.lang, entries=True)
        severity = label(grade.severity, s.lang) if grade.severity else "—"
        suggested = s.t("ui.intake.suggested") + s.t("text.colon")
        self.grade.value = (
            f'<div class="ed-msg ed-msg-info ed-suggested">{esc(suggested)}'
            f"<b>{esc(severity)}</b> · {esc(label(grade.priority, s.lang))}"
            f"{' — ' + esc(reasons) if reasons else ''}</div>"
        )

    def read(self) -> tuple[str, Intake]:
        """The title and the intake, or FormErrors naming every bad field (shown)."""
        s = self.session
        errors: dict[str, str] = {}
        values: dict[str, Any] = {}
        for form in self.forms:
            try:
                values.update(form.values())
                form.read(cross_check=False)
            except FormErrors as exc:
                errors.update(exc.errors)
        title = self.title.value.strip()
        self.title_error.value = ""
        if not title:
            errors["title"] = s.t("error.reason.required")
            self.title_error.value = esc(errors["title"])
        intake = Intake(**values)
        if self.rate_or_counts and not errors.keys() & {"defect_count", "lot_size"}:
            has_counts = intake.lot_size is not None and intake.defect_count is not None
            if intake.defect_rate_percent is None and not has_counts:
                message = s.t("error.reason.defect_rate_or_counts")
                errors["defect_count"] = message
                for form in self.forms:
                    form.show_errors({"defect_count": message})
        if not errors:
            # the rules spanning sections (ship date before the complaint, ...)
            try:
                Intake.check(intake, "intake")
            except ValidationError as exc:
                name = exc.field.removeprefix("intake.").split("[")[0]
                for form in self.forms:
                    form.show_errors({name: s.t(str(exc.params.get("reason")), **exc.params)})
                errors[name] = exc.message(s.lang)
        if errors:
            raise FormErrors(errors)
        return title, intake

    def submit(self) -> None:
        s = self.session
        try:
            title, intake = self.read()
        except FormErrors as exc:
            general = exc.errors.get("", "")
            self.feedback.show(
                "error",
                esc(s.t("ui.intake.has_errors", count=len(exc.errors)))
                + (f"<br>{esc(general)}" if general else ""),
            )
            return
        stored = s.app.open_complaint(intake, title=title)
        number = stored.case.number
        href = esc(s.url("case", number=number))
        self.feedback.show(
            "ok",
            esc(s.t("ui.intake.saved", number=number))
            + f' <a class="ed-open-case" href="{href}">{esc(s.t("ui.intake.open_case"))}</a>',
        )
        self.save.disabled = True

"""An editor for a list of items of a case (team members, IS / IS-NOT rows, containment
actions, causes, corrective actions, verifications, documents, contacts): the items as
one table, a choice of the item to edit (or a new one), its form, save and remove."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import tzinfo
from typing import Any, Generic, TypeVar

import ipywidgets as widgets

from eightd.ui.forms import DataclassForm, FormErrors
from eightd.ui.style import esc
from eightd.ui.widgets import Feedback

__all__ = ["Column", "ItemEditor"]

T = TypeVar("T")
NEW = -1


@dataclass(frozen=True)
class Column(Generic[T]):
    caption: str
    cell: Callable[[T], str]  # plain text; escaped when drawn


class ItemEditor(Generic[T]):
    """``on_save(item, index)`` stores an edited (index >= 0) or new (index -1) item;
    ``on_remove(index)`` removes one (None: items cannot be removed here)."""

    def __init__(
        self,
        *,
        cls: type[T],
        items: Sequence[T],
        fields: Iterable[str],
        columns: Sequence[Column[T]],
        key: Callable[[T, int], str],
        new_item: Callable[[], T],
        on_save: Callable[[T, int], None],
        on_remove: Callable[[int], None] | None,
        feedback: Feedback,
        lang: str,
        tz: tzinfo,
        t: Callable[..., str],
        name: str,
        read_only: bool = False,
        form_options: dict[str, Any] | None = None,
        on_draft: Callable[[T, int], None] | None = None,
    ) -> None:
        self.items, self.new_item, self.feedback, self.t = list(items), new_item, feedback, t
        self.on_save, self.on_remove, self.on_draft = on_save, on_remove, on_draft
        self.columns = columns
        self.table = widgets.HTML(self._table())
        self.form: DataclassForm[T] = DataclassForm(
            cls, fields, lang=lang, tz=tz, **(form_options or {})
        )
        options = [(t("ui.editor.new"), NEW)] + [
            (key(item, i), i) for i, item in enumerate(self.items)
        ]
        self.choice = widgets.Dropdown(
            options=options,
            value=NEW,
            description=t("ui.editor.edit"),
            style={"description_width": "initial"},
            layout=widgets.Layout(width="420px"),
            _dom_classes=(f"ed-choice-{name}",),  # given when made: no extra message
        )
        self.choice.observe(self._on_choice, names="value")
        self.save = widgets.Button(
            description=t("ui.editor.save"),
            button_style="primary",
            _dom_classes=(f"ed-save-{name}",),
        )
        self.save.on_click(feedback.run(self._save))
        self.remove = widgets.Button(
            description=t("ui.editor.remove"),
            button_style="danger",
            disabled=True,
            _dom_classes=(f"ed-remove-{name}",),
        )
        self.remove.on_click(feedback.run(self._remove))
        buttons = [self.save] + ([self.remove] if on_remove is not None else [])
        controls = widgets.HBox([self.choice, *buttons], _dom_classes=("ed-toolbar",))
        parts: list[widgets.Widget] = [self.table]
        if not read_only:
            parts += [controls, self.form.grid]
        self.widget = widgets.VBox(
            parts, layout=widgets.Layout(width="100%"), _dom_classes=(f"ed-editor-{name}",)
        )
        self.form.load(new_item())
        if on_draft is not None:
            for fld in self.form.fields.values():
                fld.input.observe(self._on_input, names="value")

    def _table(self) -> str:
        if not self.items:
            return f'<div class="ed-muted">{esc(self.t("ui.editor.none"))}</div>'
        head = "".join(f"<th>{esc(c.caption)}</th>" for c in self.columns)
        rows = "".join(
            "<tr>" + "".join(f"<td>{esc(c.cell(item))}</td>" for c in self.columns) + "</tr>"
            for item in self.items
        )
        return (
            f'<table class="ed-table"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'
        )

    def _on_choice(self, change: Any) -> None:
        index = change["new"]
        self.form.load(self.new_item() if index == NEW else self.items[index])
        self.remove.disabled = index == NEW

    def _base(self) -> T:
        index = self.choice.value
        return self.new_item() if index == NEW else self.items[index]

    def _save(self) -> None:
        try:
            item = self.form.read(self._base())
        except FormErrors as exc:
            self.feedback.show("error", self._errors_text(exc))
            return
        self.on_save(item, self.choice.value)

    def _remove(self) -> None:
        if self.on_remove is not None and self.choice.value != NEW:
            self.on_remove(self.choice.value)

    def _on_input(self, _change: Any) -> None:
        if self.on_draft is None:
            return
        try:
            item = self.form.read(self._base())
        except FormErrors:
            return
        self.on_draft(item, self.choice.value)

    def _errors_text(self, exc: FormErrors) -> str:
        general = exc.errors.get("", "")
        text = esc(self.t("ui.form.has_errors", count=len(exc.errors)))
        return text + (f"<br>{esc(general)}" if general else "")

"""Forms built from the domain's field declarations: one labelled input per field, the
error of each field shown beside it, all of them at once.

A :class:`DataclassForm` turns widget values (untrusted text) into a domain object:
each value is parsed on its own (a bad number names its field), then the object is
validated by the domain repeatedly, each time setting aside the field that failed,
so every problem the user can fix is listed in one go. Nothing here decides a
business rule: required fields come from the domain and the policy, checks from
``eightd.domain``.
"""

from __future__ import annotations

import dataclasses
import html
import typing
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, tzinfo
from enum import Enum
from functools import cached_property
from typing import Any, Generic, TypeVar, get_args, get_origin

import ipywidgets as widgets
from ipywidgets.widgets.widget_bool import CheckboxStyle
from ipywidgets.widgets.widget_description import DescriptionStyle
from ipywidgets.widgets.widget_string import HTMLStyle, TextStyle

from eightd.domain.fields import check_field, validate
from eightd.errors import EightDError, ValidationError
from eightd.i18n import label, t

__all__ = ["DataclassForm", "FieldWidget", "Looks", "error_text", "field_of"]

T = TypeVar("T")

LONG_TEXT = 300  # text fields allowing more than this many characters get a text area


def error_text(exc: EightDError, lang: str) -> str:
    """The reason alone ("is required ...") for a field error shown beside its field."""
    if isinstance(exc, ValidationError):
        reason = str(exc.params.get("reason", "error.reason.invalid"))
        params = {k: v for k, v in exc.params.items() if k not in ("field", "reason")}
        return t(reason, lang, **params)
    return exc.message(lang)


def field_of(path: str, prefix: str = "") -> str:
    """``intake.defect_count`` -> ``defect_count``; ``whys[2]`` -> ``whys``."""
    if prefix and path.startswith(prefix + "."):
        path = path[len(prefix) + 1 :]
    return path.split(".")[0].split("[")[0]


def _unwrap(tp: Any) -> tuple[Any, bool]:
    args = get_args(tp)
    if args and type(None) in args and len(args) == 2:
        return next(a for a in args if a is not type(None)), True
    return tp, False


class Looks:
    """The layout and style models the widgets of one form share.

    Every widget has a layout model and most a style model of their own, each one more
    message from the kernel and one more object the browser builds before it draws the
    page (two thirds of a case page's 330 models). Widgets of a form whose layout and
    style never change afterwards share them; a widget that changes its own (hides
    itself, say) must not be given these. Each model is made when first asked for."""

    def __init__(self) -> None:
        self._styles: dict[type, widgets.Widget] = {}

    @cached_property
    def full_width(self) -> widgets.Layout:
        return widgets.Layout(width="100%")

    @cached_property
    def plain(self) -> widgets.Layout:
        return widgets.Layout()

    def style(self, cls: type[widgets.Widget]) -> Any:
        if cls not in self._styles:
            self._styles[cls] = cls()
        return self._styles[cls]


class FieldWidget:
    """One field: its label (required ones marked), an input and the error line beside it."""

    def __init__(
        self,
        name: str,
        tp: Any,
        caption: str,
        *,
        required: bool,
        lang: str,
        tz: tzinfo,
        long_text: bool = False,
        choices: Sequence[Enum] | None = None,
        hint: str = "",
        looks: Looks | None = None,
    ) -> None:
        self.name, self.lang, self.tz = name, lang, tz
        self.looks = looks = looks or Looks()
        self.type, self.optional = _unwrap(tp)
        self.required = required
        self.input = self._make_input(long_text, choices, hint)
        mark = ' <span class="ed-req" title="*">*</span>' if required else ""
        text_style = looks.style(HTMLStyle)
        self.label = widgets.HTML(
            f'<label class="ed-label">{html.escape(caption)}{mark}</label>',
            layout=looks.full_width,
            style=text_style,
        )
        # classes given when made travel with the widget (add_class is one more message)
        self.error = widgets.HTML(
            "", layout=looks.full_width, style=text_style, _dom_classes=("ed-error",)
        )
        self.box = widgets.VBox(
            [self.label, self.input, self.error],
            layout=looks.plain,
            _dom_classes=("ed-field", f"ed-field-{name}"),
        )

    # -- building

    def _make_input(
        self, long_text: bool, choices: Sequence[Enum] | None, hint: str
    ) -> widgets.Widget:
        tp, looks = self.type, self.looks
        layout = looks.full_width
        if get_origin(tp) is list:
            (item,) = get_args(tp)
            if isinstance(item, type) and issubclass(item, Enum):
                kinds = [(label(m, self.lang), m) for m in (choices or list(item))]
                return widgets.SelectMultiple(
                    options=kinds, rows=4, layout=layout, style=looks.style(DescriptionStyle)
                )
            hint = hint or t("ui.form.one_per_line", self.lang)
            return widgets.Textarea(placeholder=hint, layout=layout, style=looks.style(TextStyle))
        if tp is bool:
            return widgets.Checkbox(
                value=False,
                indent=False,
                description="",
                style=looks.style(CheckboxStyle),
            )
        if isinstance(tp, type) and issubclass(tp, Enum):
            options: list[tuple[str, Enum | None]] = [
                (label(m, self.lang), m) for m in (choices or list(tp))
            ]
            if self.optional:
                options = [("—", None), *options]
            return widgets.Dropdown(
                options=options, layout=layout, style=looks.style(DescriptionStyle)
            )
        placeholder = hint
        if tp is datetime:
            placeholder = hint or "YYYY-MM-DD HH:MM"
        elif tp is date:
            placeholder = hint or "YYYY-MM-DD"
        if long_text:
            return widgets.Textarea(
                placeholder=placeholder, layout=layout, style=looks.style(TextStyle)
            )
        return widgets.Text(placeholder=placeholder, layout=layout, style=looks.style(TextStyle))

    # -- values

    def raw(self) -> Any:
        return self.input.value

    def parse(self) -> Any:
        """The typed value (raises ValidationError naming this field)."""
        tp, value = self.type, self.input.value
        if get_origin(tp) is list:
            (item,) = get_args(tp)
            if isinstance(item, type) and issubclass(item, Enum):
                return list(value)
            return [line.strip() for line in str(value).splitlines() if line.strip()]
        if tp is bool or (isinstance(tp, type) and issubclass(tp, Enum)):
            return value
        text = str(value).strip()
        if tp is str:
            return str(value) if "\n" in str(value) else text
        if not text:
            return None
        try:
            if tp is int:
                return int(text.replace(",", ""))
            if tp is float:
                return float(text.replace(",", "").removesuffix("%"))
            if tp is date:
                return date.fromisoformat(text)
            if tp is datetime:
                moment = datetime.fromisoformat(text.replace("/", "-"))
                return moment if moment.tzinfo else moment.replace(tzinfo=self.tz)
        except ValueError:
            code = {
                int: "error.reason.not_integer",
                float: "error.reason.not_number",
                date: "error.reason.not_date",
            }.get(tp, "ui.form.not_datetime")
            raise ValidationError(self.name, code) from None
        raise TypeError(f"unsupported field type {tp!r}")  # a programming error

    def show(self, value: Any) -> None:
        """Put a domain value into the input."""
        tp = self.type
        if get_origin(tp) is list:
            (item,) = get_args(tp)
            if isinstance(item, type) and issubclass(item, Enum):
                self.input.value = tuple(value or ())
            else:
                self.input.value = "\n".join(value or [])
        elif tp is bool or (isinstance(tp, type) and issubclass(tp, Enum)):
            if value is not None or self.optional:
                self.input.value = value
        elif value is None:
            self.input.value = ""
        elif tp is datetime:
            self.input.value = value.astimezone(self.tz).strftime("%Y-%m-%d %H:%M")
        elif tp is float:
            self.input.value = f"{value:g}"
        else:
            self.input.value = str(value)

    def set_error(self, message: str) -> None:
        self.error.value = f"<span>{html.escape(message)}</span>" if message else ""
        if message:
            self.box.add_class("ed-invalid")
        else:
            self.box.remove_class("ed-invalid")


class DataclassForm(Generic[T]):
    """Inputs for some fields of a domain dataclass, read back into an instance.

    ``fields`` lists the field names shown; ``required`` adds names the policy requires
    beyond the domain's own; ``path`` is the field path prefix the domain uses in its
    errors (``intake`` for an Intake inside a case).
    """

    def __init__(
        self,
        cls: type[T],
        fields: Iterable[str],
        *,
        lang: str,
        tz: tzinfo,
        required: Iterable[str] = (),
        path: str = "",
        long_text: Iterable[str] = (),
        hints: dict[str, str] | None = None,
        columns: int = 2,
        choices: dict[str, Sequence[Enum]] | None = None,
        caption: Callable[[str], str] | None = None,
    ) -> None:
        self.cls, self.lang, self.path = cls, lang, path
        type_hints = typing.get_type_hints(cls)
        declared = {fld.name: fld for fld in dataclasses.fields(cls)}  # type: ignore[arg-type]
        extra_required = set(required)
        long_names = set(long_text)
        caption = caption or (lambda name: t(f"ui.field.{cls.__name__}.{name}", lang))
        self.fields: dict[str, FieldWidget] = {}
        looks = Looks()
        for name in fields:
            meta = declared[name].metadata
            is_long = name in long_names or (
                type_hints[name] is str and meta.get("max_length", 4000) > LONG_TEXT
            )
            self.fields[name] = FieldWidget(
                name,
                type_hints[name],
                caption(name),
                required=bool(meta.get("required")) or name in extra_required,
                lang=lang,
                tz=tz,
                long_text=is_long and name in long_names,
                choices=(choices or {}).get(name),
                hint=(hints or {}).get(name, ""),
                looks=looks,
            )
        self.required = extra_required
        self.grid = widgets.GridBox(
            [f.box for f in self.fields.values()],
            layout=widgets.Layout(
                grid_template_columns=" ".join(["minmax(0, 1fr)"] * columns),
                grid_gap="4px 16px",
                width="100%",
            ),
            _dom_classes=("ed-form",),
        )

    # -- reading and writing

    def load(self, obj: T) -> None:
        for name, fld in self.fields.items():
            fld.show(getattr(obj, name))
        self.clear_errors()

    def values(self) -> dict[str, Any]:
        """Each field's typed value; a field that does not parse is left out (see read)."""
        out: dict[str, Any] = {}
        for name, fld in self.fields.items():
            try:
                out[name] = fld.parse()
            except ValidationError:
                continue
        return out

    def read(
        self,
        base: T | None = None,
        *,
        extra_check: Callable[[T], None] | None = None,
        cross_check: bool = True,
    ) -> T:
        """The object the inputs describe, or ValidationErrors for every bad field at once
        (raised as :class:`FormErrors`); errors are also shown beside their fields."""
        self.clear_errors()
        errors: dict[str, str] = {}
        values: dict[str, Any] = {}
        for name, fld in self.fields.items():
            try:
                values[name] = fld.parse()
            except ValidationError as exc:
                errors[name] = error_text(exc, self.lang)
        for name in self.required:
            if name in self.fields and name not in errors and _blank(values.get(name)):
                errors[name] = t("error.reason.required", self.lang)
        obj: T = (
            dataclasses.replace(base, **values)  # type: ignore[type-var]
            if base is not None
            else self.cls(**values)
        )
        for name in self.fields:
            if name not in errors:
                try:
                    check_field(obj, name, self.path)
                except ValidationError as exc:
                    errors[name] = error_text(exc, self.lang)
        if not errors and cross_check:
            errors = self._cross_field_errors(obj, extra_check)
        if errors:
            self.show_errors(errors)
            raise FormErrors(errors)
        return obj

    def _cross_field_errors(
        self, obj: T, extra_check: Callable[[T], None] | None
    ) -> dict[str, str]:
        """Rules spanning fields (the object's ``check``), each failing field set aside in
        turn so that independent problems are all named."""
        errors: dict[str, str] = {}
        defaults = self.cls()
        for _ in range(len(self.fields) + 1):
            try:
                validate(obj, self.path)
                if extra_check is not None:
                    extra_check(obj)
                break
            except ValidationError as exc:
                name = field_of(exc.field, self.path)
                if name not in self.fields:
                    errors.setdefault("", exc.message(self.lang))
                    break
                if name in errors:
                    break
                errors[name] = error_text(exc, self.lang)
                obj = dataclasses.replace(obj, **{name: getattr(defaults, name)})  # type: ignore[type-var]
        return errors

    def show_errors(self, errors: dict[str, str]) -> None:
        for name, message in errors.items():
            if name in self.fields:
                self.fields[name].set_error(message)

    def clear_errors(self) -> None:
        for fld in self.fields.values():
            fld.set_error("")


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str | list | tuple) and not value)


class FormErrors(Exception):
    """Errors by field name ("" for one no field shows); already shown beside the fields."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors

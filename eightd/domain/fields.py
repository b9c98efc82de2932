"""One declaration per field drives validation, JSON interchange and the JSON Schema.

Domain classes are plain dataclasses whose fields are declared with :func:`f`,
carrying constraints in the field metadata::

    customer_name: str = f("", required=True, max_length=200)
    defect_count: int | None = f(None, minimum=0)

* :func:`validate` checks types and constraints of a (possibly hand-built)
  object tree, then calls each object's ``check(path)`` hook for rules that
  span fields; the first problem raises :class:`ValidationError` naming the
  field path (``causes[2].category``) and the reason.
* :func:`decode` builds an object tree from untrusted JSON data (unknown keys,
  wrong types and bad enum values are errors), then validates it.
* :func:`encode` gives the JSON-ready dict (field order, ISO dates, enum values).
* :func:`json_schema` describes the same rules as JSON Schema (draft 2020-12).

Supported field types: str, int, float, bool, date, datetime (timezone-aware),
StrEnum subclasses, nested dataclasses, ``list[X]`` and ``X | None``.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import re
import types
import typing
from datetime import date, datetime
from enum import Enum
from typing import Any, TypeVar, Union, get_args, get_origin

from eightd.errors import ValidationError

__all__ = ["check_field", "decode", "decode_value", "encode", "f", "json_schema", "validate"]

T = TypeVar("T")

DEFAULT_MAX_LENGTH = 4000
_SURROGATE = re.compile("[\ud800-\udfff]")
_MISSING: Any = dataclasses.MISSING


def f(
    default: Any = _MISSING,
    *,
    default_factory: Any = _MISSING,
    required: bool = False,
    minimum: float | None = None,
    maximum: float | None = None,
    max_length: int = DEFAULT_MAX_LENGTH,
    max_items: int = 1000,
    description: str = "",
) -> Any:
    """A dataclass field with eightd constraints.

    ``required`` means: not None, and for text not blank, and for lists not empty.
    """
    meta = {
        "required": required,
        "minimum": minimum,
        "maximum": maximum,
        "max_length": max_length,
        "max_items": max_items,
        "description": description,
    }
    if default_factory is not _MISSING:
        return dataclasses.field(default_factory=default_factory, metadata=meta)
    return dataclasses.field(default=default, metadata=meta)


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


_HINTS: dict[Any, dict[str, Any]] = {}


def _hints(cls: Any) -> dict[str, Any]:
    """Resolved field types of a dataclass (cached: resolution is slow)."""
    hints = _HINTS.get(cls)
    if hints is None:
        hints = _HINTS[cls] = typing.get_type_hints(cls)
    return hints


@functools.cache  # called for every value checked; a field's type is resolved once
def _unwrap_optional(tp: Any) -> tuple[Any, bool]:
    origin = get_origin(tp)
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]
        if len(args) == 1 and len(get_args(tp)) == 2:
            return args[0], True
    return tp, False


# ---------------------------------------------------------------- validation


@functools.cache
def _fields_of(cls: type) -> tuple[tuple[str, Any, typing.Mapping[str, Any]], ...]:
    """(name, resolved type, metadata) of a dataclass's fields, resolved once."""
    hints = _hints(cls)
    return tuple((f.name, hints[f.name], f.metadata) for f in dataclasses.fields(cls))


@functools.cache
def _shape(tp: Any) -> tuple[Any, bool, Any, Any, bool]:
    """(inner type, optional, origin, list item type or None, is a dataclass) of a type."""
    inner, optional = _unwrap_optional(tp)
    item = get_args(inner)[0] if get_origin(inner) is list else None
    return inner, optional, get_origin(inner), item, dataclasses.is_dataclass(inner)


def validate(obj: Any, path: str = "") -> None:
    """Check every field of a dataclass tree; raise ValidationError on the first problem."""
    cls: Any = type(obj)
    for name, tp, meta in _fields_of(cls):
        _check_value(getattr(obj, name), tp, meta, _join(path, name))
    check = getattr(obj, "check", None)
    if check is not None:
        check(path)


def check_field(obj: Any, name: str, path: str = "") -> None:
    """Check one field's type and constraints (not the object's cross-field rules), so a
    form can name every bad field at once."""
    fld = next(f for f in dataclasses.fields(obj) if f.name == name)
    _check_value(getattr(obj, name), _hints(type(obj))[name], fld.metadata, _join(path, name))


def _check_value(value: Any, tp: Any, meta: typing.Mapping[str, Any], path: str) -> None:
    inner, optional, origin, item_tp, is_dataclass = _shape(tp)
    if value is None:
        if meta.get("required") or not optional:
            raise ValidationError(path, "error.reason.required")
        return
    if origin is list:
        if not isinstance(value, list):
            raise ValidationError(path, "error.reason.not_list")
        if meta.get("required") and not value:
            raise ValidationError(path, "error.reason.required_items")
        if len(value) > meta.get("max_items", 1000):
            raise ValidationError(path, "error.reason.too_many", max=meta.get("max_items"))
        for i, item in enumerate(value):
            _check_value(item, item_tp, {}, f"{path}[{i}]")
        return
    if is_dataclass and isinstance(inner, type):
        if not isinstance(value, inner):
            raise ValidationError(path, "error.reason.not_object")
        validate(value, path)
        return
    _check_scalar(value, inner, meta, path)


def _check_scalar(value: Any, tp: Any, meta: typing.Mapping[str, Any], path: str) -> None:
    if isinstance(tp, type) and issubclass(tp, Enum):
        if not isinstance(value, tp):
            raise ValidationError(
                path, "error.reason.not_in_choices", value=value, choices=_choices(tp)
            )
        return
    if tp is str:
        if not isinstance(value, str):
            raise ValidationError(path, "error.reason.not_text")
        if meta.get("required") and not value.strip():
            raise ValidationError(path, "error.reason.required")
        if len(value) > meta.get("max_length", DEFAULT_MAX_LENGTH):
            raise ValidationError(path, "error.reason.too_long", max=meta.get("max_length"))
        if "\x00" in value:
            raise ValidationError(path, "error.reason.nul_character")
        if _SURROGATE.search(value):  # JSON "\ud800" parses, but cannot be stored or printed
            raise ValidationError(path, "error.reason.not_unicode")
        return
    if tp is bool:
        if not isinstance(value, bool):
            raise ValidationError(path, "error.reason.not_bool")
        return
    if tp is int or tp is float:
        if isinstance(value, bool) or not isinstance(value, (int, float) if tp is float else int):
            raise ValidationError(
                path, "error.reason.not_integer" if tp is int else "error.reason.not_number"
            )
        if isinstance(value, float) and not math.isfinite(value):
            raise ValidationError(path, "error.reason.not_number")
        low, high = meta.get("minimum"), meta.get("maximum")
        if low is not None and value < low:
            raise ValidationError(path, "error.reason.below_minimum", minimum=low, value=value)
        if high is not None and value > high:
            raise ValidationError(path, "error.reason.above_maximum", maximum=high, value=value)
        return
    if tp is datetime:
        if not isinstance(value, datetime):
            raise ValidationError(path, "error.reason.not_datetime")
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValidationError(path, "error.reason.naive_datetime")
        return
    if tp is date:
        if not isinstance(value, date) or isinstance(value, datetime):
            raise ValidationError(path, "error.reason.not_date")
        return
    raise TypeError(f"unsupported field type {tp!r} at {path}")  # a programming error


def _choices(enum_cls: type[Enum]) -> str:
    return ", ".join(str(m.value) for m in enum_cls)


# ---------------------------------------------------------------- decoding


def decode(cls: type[T], data: Any, path: str = "", *, check: bool = True) -> T:
    """Build a ``cls`` tree from untrusted JSON-like data and validate it.

    ``check=False`` skips the constraint checks (types, unknown keys and enum
    values are still enforced) for parts that are validated later as part of
    the whole case, e.g. an item whose id the service assigns.
    """
    obj = _decode_dataclass(cls, data, path)
    if check:
        validate(obj, path)
    return obj


def _decode_dataclass(cls: type[T], data: Any, path: str) -> T:
    if not isinstance(data, dict):
        raise ValidationError(path or "$", "error.reason.not_object")
    hints = _hints(cls)
    names = {fld.name for fld in dataclasses.fields(cls)}  # type: ignore[arg-type]
    for key in data:
        if key not in names:
            raise ValidationError(_join(path, str(key)), "error.reason.unknown_field")
    kwargs = {
        name: decode_value(data[name], hints[name], _join(path, name))
        for name in names
        if name in data
    }
    return cls(**kwargs)


def decode_value(value: Any, tp: Any, path: str) -> Any:
    """One value of type ``tp`` from JSON data (constraints are checked by validate())."""
    inner, _optional = _unwrap_optional(tp)
    if value is None:
        return None  # validate() decides whether None is allowed
    if get_origin(inner) is list:
        if not isinstance(value, list):
            raise ValidationError(path, "error.reason.not_list")
        (item_tp,) = get_args(inner)
        return [decode_value(v, item_tp, f"{path}[{i}]") for i, v in enumerate(value)]
    if dataclasses.is_dataclass(inner):
        return _decode_dataclass(inner, value, path)  # type: ignore[arg-type]
    if isinstance(inner, type) and issubclass(inner, Enum):
        try:
            return inner(value)
        except ValueError:
            raise ValidationError(
                path, "error.reason.not_in_choices", value=value, choices=_choices(inner)
            ) from None
    if inner is datetime:
        if not isinstance(value, str):
            raise ValidationError(path, "error.reason.not_datetime")
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            raise ValidationError(path, "error.reason.not_datetime") from None
    if inner is date:
        if not isinstance(value, str) or len(value) != 10:
            raise ValidationError(path, "error.reason.not_date")
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ValidationError(path, "error.reason.not_date") from None
    if inner is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value  # str / int / bool: type-checked by validate()


# ---------------------------------------------------------------- encoding


def encode(obj: Any) -> Any:
    """JSON-ready form of a dataclass tree (fields in declaration order)."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        hints = _hints(type(obj))
        return {
            fld.name: _encode_field(getattr(obj, fld.name), hints[fld.name])
            for fld in dataclasses.fields(obj)
        }
    if isinstance(obj, list):
        return [encode(v) for v in obj]
    if isinstance(obj, Enum):
        return obj.value
    if isinstance(obj, (date, datetime)):
        return obj.isoformat()
    return obj


def _encode_field(value: Any, tp: Any) -> Any:
    # a whole number in a float field is written as 1200.0, as decode() reads it back,
    # so export -> import -> export stays byte-identical for hand-built cases too
    if _unwrap_optional(tp)[0] is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return encode(value)


# ---------------------------------------------------------------- JSON Schema


def json_schema(cls: type, *, title: str = "") -> dict[str, Any]:
    """JSON Schema (2020-12) of a dataclass tree, nested classes under ``$defs``."""
    defs: dict[str, Any] = {}
    root = _schema_of_dataclass(cls, defs)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": title or cls.__name__,
        **root,
        "$defs": defs,
    }


def _schema_of_dataclass(cls: type, defs: dict[str, Any]) -> dict[str, Any]:
    hints = _hints(cls)
    props: dict[str, Any] = {}
    required: list[str] = []
    for fld in dataclasses.fields(cls):
        props[fld.name] = _schema_of(hints[fld.name], fld.metadata, defs)
        if fld.metadata.get("required"):
            required.append(fld.name)
    schema: dict[str, Any] = {
        "type": "object",
        "properties": props,
        "additionalProperties": False,
    }
    if cls.__doc__:
        schema["description"] = " ".join(cls.__doc__.split())
    if required:
        schema["required"] = required
    return schema


def _schema_of(tp: Any, meta: typing.Mapping[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    inner, optional = _unwrap_optional(tp)
    schema = _schema_of_inner(inner, meta, defs)
    if meta.get("description"):
        schema["description"] = meta["description"]
    if optional and not meta.get("required"):
        return {"anyOf": [schema, {"type": "null"}]}
    return schema


def _schema_of_inner(tp: Any, meta: typing.Mapping[str, Any], defs: dict[str, Any]) -> Any:
    if get_origin(tp) is list:
        (item_tp,) = get_args(tp)
        schema: dict[str, Any] = {
            "type": "array",
            "items": _schema_of(item_tp, {}, defs),
            "maxItems": meta.get("max_items", 1000),
        }
        if meta.get("required"):
            schema["minItems"] = 1
        return schema
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        name = tp.__name__
        if name not in defs:
            defs[name] = {}  # placeholder against recursion
            defs[name] = _schema_of_dataclass(tp, defs)
        return {"$ref": f"#/$defs/{name}"}
    if isinstance(tp, type) and issubclass(tp, Enum):
        return {"type": "string", "enum": [m.value for m in tp]}
    if tp is str:
        schema = {"type": "string", "maxLength": meta.get("max_length", DEFAULT_MAX_LENGTH)}
        if meta.get("required"):
            schema["pattern"] = r"\S"
        return schema
    if tp is bool:
        return {"type": "boolean"}
    if tp is int or tp is float:
        schema = {"type": "integer" if tp is int else "number"}
        if meta.get("minimum") is not None:
            schema["minimum"] = meta["minimum"]
        if meta.get("maximum") is not None:
            schema["maximum"] = meta["maximum"]
        return schema
    if tp is datetime:
        return {"type": "string", "format": "date-time"}
    if tp is date:
        return {"type": "string", "format": "date"}
    raise TypeError(f"unsupported field type {tp!r}")

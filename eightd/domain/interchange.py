"""JSON interchange of complete cases: the export document, its import, its JSON Schema.

The export document is ``{"format": "eightd.cases", "format_version": 1, "cases": [...]}``
with cases ordered by complaint number and each case's fields in declaration
order, so export -> import -> export is byte-identical.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from eightd.domain.fields import decode, encode, json_schema
from eightd.domain.model import Case
from eightd.errors import ValidationError

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "case_from_dict",
    "case_schema",
    "case_to_dict",
    "dumps_export",
    "export_document",
    "parse_export",
]

FORMAT = "eightd.cases"
FORMAT_VERSION = 1


def case_to_dict(case: Case) -> dict[str, Any]:
    encoded: dict[str, Any] = encode(case)
    return encoded


def case_from_dict(data: Any, path: str = "") -> Case:
    """A validated case from untrusted JSON data; ValidationError names the bad field."""
    return decode(Case, data, path)


def export_document(cases: Iterable[Case]) -> dict[str, Any]:
    ordered = sorted(cases, key=lambda c: c.number)
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "cases": [case_to_dict(c) for c in ordered],
    }


def dumps_export(cases: Iterable[Case]) -> str:
    return json.dumps(export_document(cases), ensure_ascii=False, indent=2) + "\n"


def parse_export(data: Any) -> list[Case]:
    """Cases from an export document (or a single case object), all validated.

    Raises ValidationError for the first bad field, with a path such as
    ``cases[3].intake.defect_count``; nothing is returned half-read.
    """
    if isinstance(data, dict) and "format" not in data and "number" in data:
        return [case_from_dict(data)]
    if not isinstance(data, dict):
        raise ValidationError("$", "error.reason.not_object")
    if data.get("format") != FORMAT:
        raise ValidationError("format", "error.reason.bad_format", expected=FORMAT)
    if data.get("format_version") != FORMAT_VERSION:
        raise ValidationError(
            "format_version", "error.reason.bad_format_version", expected=FORMAT_VERSION
        )
    unknown = set(data) - {"format", "format_version", "cases"}
    if unknown:
        raise ValidationError(sorted(unknown)[0], "error.reason.unknown_field")
    raw = data.get("cases")
    if not isinstance(raw, list):
        raise ValidationError("cases", "error.reason.not_list")
    cases = [case_from_dict(item, f"cases[{i}]") for i, item in enumerate(raw)]
    seen: set[str] = set()
    for i, case in enumerate(cases):
        if case.number in seen:
            raise ValidationError(
                f"cases[{i}].number", "error.reason.duplicate_id", value=case.number
            )
        seen.add(case.number)
    return cases


def case_schema() -> dict[str, Any]:
    """JSON Schema of one case (what ``eightd schema`` prints)."""
    schema = json_schema(Case, title="eightd 8D case")
    schema["$id"] = "https://eightd.invalid/schema/case-v1.json"
    return schema

"""JSON interchange of complete cases: the export document, its import, its JSON Schema.

The export document is ``{"format": "eightd.cases", "format_version": 1, "cases": [...]}``
with cases ordered by complaint number and each case's fields in declaration
order, so export -> import -> export is byte-identical.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterable, Iterator
from typing import IO, Any

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
    "iter_export",
    "parse_export",
    "write_export",
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


def write_export(cases: Iterable[Case], out: IO[str]) -> int:
    """Write the export document of ``cases`` (already ordered by complaint number) to
    ``out`` one case at a time; the text is exactly :func:`dumps_export`'s. Returns the
    number of cases written. Memory holds one case, whatever the number of cases."""
    out.write(f'{{\n  "format": "{FORMAT}",\n  "format_version": {FORMAT_VERSION},\n  "cases": [')
    count = 0
    for case in cases:
        text = json.dumps(case_to_dict(case), ensure_ascii=False, indent=2)
        # one level deeper than alone: JSON strings hold no raw newline, so lines are safe
        out.write(("," if count else "") + "\n    " + text.replace("\n", "\n    "))
        count += 1
    out.write("\n  ]\n}\n" if count else "]\n}\n")
    return count


def iter_export(stream: IO[bytes], *, chunk_size: int = 1 << 16) -> Iterator[Case]:
    """The cases of an export document (or of a single case object) read from a binary
    stream, validated one at a time as they are parsed: memory holds one case, not the
    document. Keys may come in any order.

    Raises ValidationError naming the bad field (``cases[3].intake.defect_count``),
    and ValueError (``json.JSONDecodeError``, ``UnicodeDecodeError``) for a file that
    is not UTF-8 JSON. A caller wanting all or nothing consumes it in one transaction.
    """
    reader = _JsonReader(stream, chunk_size)
    reader.expect("{")
    header: dict[str, Any] = {}
    seen: set[str] = set()
    count = 0
    first = True
    while reader.peek() != "}":
        if not first:
            reader.expect(",")
        first = False
        key = reader.value()
        if not isinstance(key, str):
            raise json.JSONDecodeError("expected a key", reader.text, reader.pos)
        reader.expect(":")
        if key != "cases" or "number" in header:
            header[key] = reader.value()
            continue
        _check_header(header, partial=True)
        reader.expect("[")
        while reader.peek() != "]":
            if count:
                reader.expect(",")
            case = case_from_dict(reader.value(), f"cases[{count}]")
            if case.number in seen:
                raise ValidationError(
                    f"cases[{count}].number", "error.reason.duplicate_id", value=case.number
                )
            seen.add(case.number)
            count += 1
            yield case
        reader.expect("]")
        header["cases"] = None
    reader.expect("}")
    reader.expect_end()
    if "format" not in header and "number" in header:  # a single case, as `show --json`
        # prints it, with the version it was read at: an import compares the content
        header.pop("version", None)
        yield case_from_dict(header)
        return
    _check_header(header, partial=False)


def _check_header(header: dict[str, Any], *, partial: bool) -> None:
    # a partial header (keys before "cases") is checked for what it already holds
    if ("format" in header or not partial) and header.get("format") != FORMAT:
        raise ValidationError("format", "error.reason.bad_format", expected=FORMAT)
    version = header.get("format_version")
    if ("format_version" in header or not partial) and version != FORMAT_VERSION:
        raise ValidationError(
            "format_version", "error.reason.bad_format_version", expected=FORMAT_VERSION
        )
    unknown = set(header) - {"format", "format_version", "cases"}
    if unknown:
        raise ValidationError(sorted(unknown)[0], "error.reason.unknown_field")
    if not partial and "cases" not in header:
        raise ValidationError("cases", "error.reason.not_list")


class _JsonReader:
    """Just enough of an incremental JSON reader to walk one object's keys and one
    array's items, each value parsed whole by :mod:`json` once it is in the buffer."""

    _SPACE = " \t\r\n"

    def __init__(self, stream: IO[bytes], chunk_size: int) -> None:
        self._stream = stream
        self._decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self._json = json.JSONDecoder()
        self._chunk = chunk_size
        self.text = ""
        self.pos = 0
        self._eof = False

    def _fill(self) -> bool:
        """Read more (at least as much as is buffered: a value spanning many chunks is
        re-parsed a logarithmic number of times). False at the end of the stream."""
        if self._eof:
            return False
        self.text = self.text[self.pos :]
        self.pos = 0
        data = self._stream.read(max(self._chunk, len(self.text)))
        self.text += self._decoder.decode(data, final=not data)
        self._eof = not data
        return True

    def peek(self) -> str:
        """The next character that is not white space ("" at the end)."""
        while True:
            while self.pos < len(self.text) and self.text[self.pos] in self._SPACE:
                self.pos += 1
            if self.pos < len(self.text):
                return self.text[self.pos]
            if not self._fill():
                return ""

    def expect(self, char: str) -> None:
        if self.peek() != char:
            raise json.JSONDecodeError(f"Expecting {char!r}", self.text, self.pos)
        self.pos += 1

    def expect_end(self) -> None:
        if self.peek() != "":
            raise json.JSONDecodeError("Extra data", self.text, self.pos)

    def value(self) -> Any:
        self.peek()
        while True:
            try:
                value, end = self._json.raw_decode(self.text, self.pos)
            except json.JSONDecodeError:
                if self._fill():
                    continue
                raise
            # a number or literal at the end of the buffer may go on in the next chunk
            if end == len(self.text) and not isinstance(value, (dict, list, str)) and self._fill():
                continue
            self.pos = end
            return value


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

"""Every message raised by eightd gets every placeholder its text names: a user never
reads a raw ``{value}``."""

from __future__ import annotations

import ast
from pathlib import Path

import eightd
from eightd.i18n import catalog, placeholders

PACKAGE = Path(eightd.__file__).parent


def _validation_errors() -> list[tuple[str, int, str, set[str]]]:
    """(file, line, reason code, keyword names) of ``ValidationError(field, "code", ...)``
    calls whose parameters are all spelled out (no ``**params``)."""
    found = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            if getattr(node.func, "id", "") != "ValidationError":
                continue
            if len(node.args) < 2 or not isinstance(node.args[1], ast.Constant):
                continue
            if any(kw.arg is None for kw in node.keywords):
                continue
            names = {kw.arg for kw in node.keywords if kw.arg}
            found.append((str(path.relative_to(PACKAGE)), node.lineno, node.args[1].value, names))
    return found


def test_validation_errors_are_found() -> None:
    assert len(_validation_errors()) > 50


def test_every_validation_error_fills_every_placeholder_of_its_reason() -> None:
    missing = []
    for file, line, code, given in _validation_errors():
        for lang in ("en", "zh"):
            template = catalog(lang).get(code)
            assert template is not None, f"{file}:{line}: no message {code!r} in {lang}"
            absent = placeholders(template) - given
            if absent:
                missing.append(f"{file}:{line} {code} ({lang}) lacks {sorted(absent)}")
    assert missing == []

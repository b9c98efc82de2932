"""Message catalogs: every user-facing text of eightd, in English and Chinese.

Catalogs are TOML files in ``catalogs/``, one per area and language
(``domain.en.toml``, ``domain.zh.toml``, ...). Keys are dotted
(``error.validation.required``) and values are ``str.format`` templates.
Each area's two files must hold the same keys with the same placeholders;
``tests/unit/test_i18n.py`` enforces that.

This module imports only the standard library so the domain can use it.
"""

from __future__ import annotations

import os
import string
import tomllib
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

__all__ = [
    "LANGS",
    "catalog",
    "default_lang",
    "joined",
    "label",
    "normalize_lang",
    "placeholders",
    "t",
]

LANGS: tuple[str, ...] = ("en", "zh")
_CATALOG_DIR = Path(__file__).parent / "catalogs"


def _flatten(prefix: str, table: dict[str, Any], out: dict[str, str]) -> None:
    for key, value in table.items():
        full = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            _flatten(full, value, out)
        else:
            out[full] = str(value)


@cache
def catalog(lang: str) -> dict[str, str]:
    """All messages of one language, merged from every area file."""
    lang = normalize_lang(lang)
    merged: dict[str, str] = {}
    for path in sorted(_CATALOG_DIR.glob(f"*.{lang}.toml")):
        with path.open("rb") as fh:
            _flatten("", tomllib.load(fh), merged)
    return merged


def normalize_lang(lang: str | None) -> str:
    """Map 'zh_CN.UTF-8', 'zh-Hans', 'EN' ... to one of LANGS (English when unknown)."""
    if not lang:
        return "en"
    code = lang.strip().lower().replace("-", "_")
    return "zh" if code.startswith("zh") else "en"


def default_lang() -> str:
    """EIGHTD_LANG wins, then the POSIX locale variables; English otherwise."""
    for var in ("EIGHTD_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value and value not in ("C", "POSIX", "C.UTF-8"):
            return normalize_lang(value)
    return "en"


class _Lenient(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def t(key: str, lang: str | None = None, /, **params: Any) -> str:
    """Translate ``key`` into ``lang`` (default: :func:`default_lang`).

    A key missing from the chosen language falls back to English, then to the
    key itself, so a gap in a catalog never hides an error message.
    """
    lang = normalize_lang(lang) if lang else default_lang()
    template = catalog(lang).get(key) or catalog("en").get(key)
    if template is None:
        return key if not params else f"{key} {params}"
    return string.Formatter().vformat(template, (), _Lenient(params))


def joined(values: Iterable[str], lang: str | None = None, /, *, entries: bool = False) -> str:
    """``values`` as one text in ``lang``: the items of a list ("C1, C2" / "C1、C2"), or
    whole entries, each a phrase of its own ("a; b" / "a；b")."""
    return t("text.entries" if entries else "text.items", lang).join(values)


def placeholders(template: str) -> set[str]:
    """Names used as ``{name}`` in a template (for catalog consistency tests)."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def label(value: Any, lang: str | None = None) -> str:
    """The label of an enum member (``enum.<Class>.<value>`` in the catalogs)."""
    return t(f"enum.{type(value).__name__}.{value.value}", lang)

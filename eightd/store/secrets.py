"""Keep database passwords out of every message, log and file (issue rule: no message,
file or notebook ever contains a password).

A database URL may carry a password in its user-info part (``user:secret@host``) or as a
query parameter (``?password=secret``). :func:`redact_url` shows a URL without either, even
when the URL is malformed; :func:`scrub` removes every spelling of the password (as typed,
percent-decoded, and escaped the way Python, JSON or a notebook would write it) from a text
such as a driver's error message.
"""

from __future__ import annotations

import json
import re
from urllib.parse import unquote

__all__ = ["MASK", "passwords_in", "redact_url", "scrub"]

MASK = "***"

# scheme://user:password@  (the password ends at the last "@" before the host)
_USERINFO = re.compile(r"^(?P<head>[^:/?#]+://[^:/?#@]*):(?P<secret>.*)@(?P<tail>[^@]*)$", re.S)
_QUERY_SECRET = re.compile(r"(?P<key>[?&](?:password|passwd|pass)=)(?P<secret>[^&#]*)", re.I)


def passwords_in(url: str) -> list[str]:
    """Every password the URL carries, as written in it and percent-decoded."""
    found: list[str] = []
    match = _USERINFO.match(url)
    if match and match.group("secret"):
        found.append(match.group("secret"))
    found.extend(m.group("secret") for m in _QUERY_SECRET.finditer(url) if m.group("secret"))
    decoded = [unquote(p) for p in found] + [unquote(p.replace("+", " ")) for p in found]
    return _unique(found + decoded)


def redact_url(url: str) -> str:
    """``url`` with its passwords replaced by ``***`` (works on malformed URLs too)."""
    shown = url
    match = _USERINFO.match(shown)
    if match and match.group("secret"):
        shown = f"{match.group('head')}:{MASK}@{match.group('tail')}"
    shown = _QUERY_SECRET.sub(lambda m: m.group("key") + MASK, shown)
    return scrub(shown, url)


def scrub(text: str, url: str) -> str:
    """``text`` without any spelling of a password of ``url``."""
    for password in passwords_in(url):
        for spelling in _spellings(password):
            if spelling:
                text = text.replace(spelling, MASK)
    return text


def _spellings(password: str) -> list[str]:
    """How a password can appear in text: as is, in a Python repr, in JSON, in a URL."""
    from urllib.parse import quote

    forms = [
        password,
        repr(password)[1:-1],
        json.dumps(password)[1:-1],
        json.dumps(password, ensure_ascii=False)[1:-1],
        password.encode("unicode_escape").decode("ascii"),
        quote(password, safe=""),
        quote(password),
    ]
    # longest first, so a shorter form never leaves part of a longer one behind
    return sorted(_unique(forms), key=len, reverse=True)


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(i for i in items if i))

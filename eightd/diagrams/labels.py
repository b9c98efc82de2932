"""User text made safe for Graphviz HTML-like labels, and wrapped by display width.

Every fragment of user text goes through :func:`literal` before it enters a
label: the result renders exactly as typed and cannot add markup, attributes,
nodes or edges to the graph.
"""

from __future__ import annotations

import html
import re
import unicodedata

__all__ = ["display_width", "literal", "wrap"]

# XML 1.0 forbids these; Graphviz's expat parser would reject the whole label
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
# a CJK line should not start with closing punctuation nor end with opening (kinsoku)
_NO_LINE_START = set("，。、；：？！）》」』】〕〉”’%‰°℃,.;:?!)]}")
_NO_LINE_END = set("（《「『【〔〈“‘([{")


def literal(text: str) -> str:
    """``text`` as the content of an HTML-like label, rendered literally.

    ``html.escape`` stops markup (``<b>``, ``&``, quotes); doubling backslashes
    stops Graphviz's escString substitutions, which it applies even inside
    HTML-like labels (``\\N`` would become the node name, ``\\G`` the graph name).
    """
    text = _CONTROL.sub("\ufffd", text)
    return html.escape(text, quote=True).replace("\\", "\\\\")


def char_width(char: str) -> int:
    """Columns a character takes: 2 for wide/full-width (CJK), 0 for combining marks."""
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def display_width(text: str) -> int:
    return sum(char_width(c) for c in text)


def wrap(text: str, width: int) -> list[str]:
    """Break ``text`` into lines of at most ``width`` display columns.

    Latin text breaks at spaces (a word longer than a line is split); CJK text
    may break between any two characters, but never puts closing punctuation at
    the start of a line. Line breaks in ``text`` are kept; runs of spaces are not.
    """
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        lines.extend(_wrap_paragraph(" ".join(paragraph.split()), max(width, 2)))
    while len(lines) > 1 and not lines[-1]:
        lines.pop()
    return lines


def _tokens(paragraph: str) -> list[str]:
    """Words of Latin text (with their trailing space) and single wide characters."""
    tokens: list[str] = []
    word = ""
    for char in paragraph:
        if char_width(char) == 2:
            if word:
                tokens.append(word)
                word = ""
            tokens.append(char)
        elif char == " ":
            tokens.append(word + " ")
            word = ""
        else:
            word += char
    if word:
        tokens.append(word)
    return tokens


def _wrap_paragraph(paragraph: str, width: int) -> list[str]:
    lines: list[str] = []
    line: list[str] = []  # the tokens of the line being filled
    for token in _tokens(paragraph):
        if display_width("".join(line) + token.rstrip()) <= width:
            line.append(token)
            continue
        carried: list[str] = []
        # kinsoku: closing punctuation or a unit never starts a line, an opening
        # bracket never ends one; the token before it moves down with it
        if len(line) > 1 and (token[0] in _NO_LINE_START or line[-1][-1] in _NO_LINE_END):
            carried = [line.pop()]
        if "".join(line).strip():
            lines.append("".join(line).rstrip())
        word = "".join(carried) + token
        while display_width(word.rstrip()) > width:  # a word longer than the line
            head = _take(word, width)
            lines.append(head.rstrip())
            word = word[len(head) :]
        line = [word]
    lines.append("".join(line).rstrip())
    return lines


def _take(text: str, width: int) -> str:
    """The longest prefix of ``text`` at most ``width`` columns wide (at least one char)."""
    used = 0
    for i, char in enumerate(text):
        used += char_width(char)
        if used > width:
            return text[: max(i, 1)]
    return text

"""How a cause looks, shared by the fishbone and the 5-Why chains.

Occurrence and escape are told apart by colour (blue / amber fill and ink);
the status by the border: dashed while suspected, heavy and solid once
verified, dotted and struck through when ruled out. The legend draws the same
styles from the same functions, so it cannot drift from the picture.
"""

from __future__ import annotations

from eightd.diagrams.dot import Html
from eightd.diagrams.labels import literal, wrap
from eightd.domain import Cause, CauseStatus, CauseType
from eightd.i18n import t

__all__ = [
    "FONT",
    "INK",
    "MUTED",
    "captioned",
    "cause_attrs",
    "cause_label",
    "lines_html",
    "status_attrs",
    "type_attrs",
]

# Noto Sans CJK covers Latin and CJK with matching metrics; sans-serif is the
# fallback a browser uses when it lacks the font (the PNG is always exact)
FONT = "Noto Sans CJK SC,sans-serif"
INK = "#1f2937"
MUTED = "#4b5563"

_TYPE_COLOURS: dict[CauseType, tuple[str, str]] = {
    # (fill, ink)
    CauseType.OCCURRENCE: ("#dbeafe", "#1e40af"),
    CauseType.ESCAPE: ("#fef3c7", "#b45309"),
}
_RULED_OUT_FILL = "#f3f4f6"


def type_attrs(kind: CauseType) -> dict[str, str | float | int | Html]:
    fill, ink = _TYPE_COLOURS[kind]
    return {"fillcolor": fill, "color": ink}


def status_attrs(status: CauseStatus) -> dict[str, str | float | int | Html]:
    if status is CauseStatus.VERIFIED:
        return {"style": "rounded,filled,solid", "penwidth": 2.6}
    if status is CauseStatus.RULED_OUT:
        return {
            "style": "rounded,filled,dotted",
            "penwidth": 1.4,
            "fillcolor": _RULED_OUT_FILL,
            "fontcolor": MUTED,
        }
    return {"style": "rounded,filled,dashed", "penwidth": 1.4}


def cause_attrs(cause: Cause) -> dict[str, str | float | int | Html]:
    return {**type_attrs(cause.type), **status_attrs(cause.status)}


def lines_html(lines: list[str], *, strike: bool = False) -> str:
    """Escaped lines joined with left-aligned breaks."""
    parts = [literal(line) for line in lines]
    if strike:
        parts = [f"<S>{part}</S>" if part else part for part in parts]
    return "".join(f'{part}<BR ALIGN="LEFT"/>' for part in parts)


def captioned(caption: str, body: str, *, colour: str) -> Html:
    """A small caption line above ``body`` (both escaped HTML).

    A table, not a ``<BR/>``: Graphviz spaces lines of mixed font sizes badly
    and the caption would touch the border.
    """
    return Html(
        '<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0">'
        f'<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="8" COLOR="{colour}">{caption}</FONT></TD></TR>'
        f'<TR><TD ALIGN="LEFT" BALIGN="LEFT">{body}</TD></TR>'
        "</TABLE>"
    )


def cause_label(
    cause: Cause, lang: str, *, width: int, tags: bool = True, explains: str = ""
) -> Html:
    """``C3 text...`` wrapped to ``width`` columns, the id in bold and in the type's ink.

    ``tags`` adds the small "systemic" and "5-Why" markers after the text, and "explains
    C1" for a sub-cause drawn on another bone than its parent (``explains``).
    """
    _, ink = _TYPE_COLOURS[cause.type]
    strike = cause.status is CauseStatus.RULED_OUT
    lines = wrap(f"{cause.id} {cause.text}", width)
    prefix = f"{cause.id} "
    if cause.id and " " not in cause.id and lines[0].startswith(prefix):
        rest = lines[0][len(prefix) :]
        first = f'<FONT COLOR="{ink}"><B>{literal(cause.id)}</B></FONT> '
        first += f"<S>{literal(rest)}</S>" if strike and rest else literal(rest)
        body = f'{first}<BR ALIGN="LEFT"/>' + lines_html(lines[1:], strike=strike)
    else:  # an id that does not fit on a line goes on its own line
        body = f'<FONT COLOR="{ink}"><B>{literal(cause.id)}</B></FONT><BR ALIGN="LEFT"/>'
        body += lines_html(wrap(cause.text, width), strike=strike)
    if tags:
        markers = []
        if cause.systemic:
            markers.append(t("diagrams.tag.systemic", lang))
        if cause.whys:
            markers.append(t("diagrams.tag.five_whys", lang, count=len(cause.whys)))
        if explains:
            markers.append(t("diagrams.tag.explains", lang, id=explains))
        if markers:
            tag = " · ".join(markers)
            body += f'<FONT POINT-SIZE="8" COLOR="{MUTED}"><I>{literal(tag)}</I></FONT>'
            body += '<BR ALIGN="LEFT"/>'
    return Html(body)

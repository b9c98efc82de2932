"""5-Why chains: from the D2 symptom, why after why, down to the root cause.

One chain per cause that has ``whys``, left to right, all starting from the
same symptom box (the problem statement). Each chain sits in a frame named
after the fishbone cause it explains (``C3 · Machine · occurrence · verified``)
whose SVG id is ``five-whys-C3``: the fishbone's cause boxes link to it.
The last answer is the root cause and carries the cause's colours and status.
"""

from __future__ import annotations

from eightd.diagrams.dot import DotWriter, Html, safe_id
from eightd.diagrams.labels import literal, wrap
from eightd.diagrams.render import Diagram
from eightd.diagrams.style import (
    FONT,
    INK,
    MUTED,
    captioned,
    cause_attrs,
    lines_html,
    type_attrs,
)
from eightd.domain import Case, Cause, CauseStatus
from eightd.i18n import default_lang, label, normalize_lang, t

__all__ = ["five_whys"]

WHY_WIDTH = 24  # display columns of one answer (12 CJK characters)
SYMPTOM_WIDTH = 22
CHAIN_TITLE_WIDTH = 70


def five_whys(case: Case, *, lang: str | None = None, cause_id: str | None = None) -> Diagram:
    """The 5-Why chains of ``case`` (or only that of ``cause_id``; KeyError if unknown)."""
    lang = normalize_lang(lang or default_lang())
    causes = [case.cause(cause_id)] if cause_id else [c for c in case.causes if c.whys]
    out = DotWriter()
    chains = [c for c in causes if c.whys]
    if chains:
        symptom = _symptom(out, case, lang)
        for index, cause in enumerate(chains):
            _chain(out, cause, index, symptom, lang)
    else:
        out.node(
            {
                "label": Html(literal(t("diagrams.five_whys.none", lang))),
                "shape": "plaintext",
                "style": "",
                "fontcolor": MUTED,
                "class": "empty",
            }
        )
    title = t("diagrams.five_whys.title", lang, number=case.number)
    return Diagram(
        out.source(
            {
                "rankdir": "LR",
                "label": Html(f"<B>{literal(title)}</B>"),
                "labelloc": "t",
                "labeljust": "l",
                "fontname": FONT,
                "fontsize": 14,
                "fontcolor": INK,
                "nodesep": 0.25,
                "ranksep": 0.3,
                "pad": 0.3,
                "bgcolor": "white",
            },
            {
                "fontname": FONT,
                "fontsize": 11,
                "fontcolor": INK,
                "shape": "box",
                "style": "rounded,filled",
                "fillcolor": "white",
                "color": "#94a3b8",
                "margin": "0.10,0.09",
            },
            {"color": "#475569", "arrowsize": 0.7, "penwidth": 1.2},
        ),
        lang=lang,
    )


def _symptom(out: DotWriter, case: Case, lang: str) -> str:
    statement = case.problem.statement or case.title.strip()
    text = statement or t("diagrams.fishbone.no_statement", lang)
    caption = literal(t("diagrams.five_whys.symptom", lang))
    return out.node(
        {
            "label": captioned(
                caption, f"<B>{lines_html(wrap(text, SYMPTOM_WIDTH))}</B>", colour="#cbd5e1"
            ),
            "id": "symptom",
            "class": "symptom",
            "style": "filled",
            "fillcolor": "#0f172a",
            "color": "#0f172a",
            "fontcolor": "white",
            "margin": "0.14,0.10",
        }
    )


def _chain(out: DotWriter, cause: Cause, index: int, symptom: str, lang: str) -> None:
    heading = t(
        "diagrams.five_whys.chain",
        lang,
        id=cause.id,
        bone=label(cause.category, lang),
        type=label(cause.type, lang),
        status=label(cause.status, lang),
    )
    ink = type_attrs(cause.type)["color"]
    text = lines_html(wrap(cause.text, CHAIN_TITLE_WIDTH))
    out.open_subgraph(
        f"cluster_why_{index}",
        {
            "label": Html(f'<B>{literal(heading)}</B><BR ALIGN="LEFT"/>{text}'),
            "id": f"five-whys-{safe_id(cause.id)}",
            "class": "five-whys",
            "labeljust": "l",
            "fontsize": 11,
            "style": "rounded",
            "color": ink,
            "penwidth": 1.2,
            "margin": 10,
        },
    )
    nodes = []
    last = len(cause.whys) - 1
    for n, answer in enumerate(cause.whys):
        root = n == last
        key = "diagrams.five_whys.root_cause" if root else "diagrams.five_whys.why"
        caption = literal(t(key, lang, n=n + 1))
        strike = root and cause.status is CauseStatus.RULED_OUT
        body = lines_html(wrap(answer, WHY_WIDTH), strike=strike)
        attrs: dict[str, str | float | int | Html] = {
            "label": captioned(caption, body, colour=MUTED),
            "class": "why root-cause" if root else "why",
        }
        if root:
            attrs.update(cause_attrs(cause))
        nodes.append(out.node(attrs))
    out.chain(nodes)
    out.close_subgraph()
    out.edge(symptom, nodes[0])

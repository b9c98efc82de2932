"""The 5M1E fishbone (Ishikawa diagram) of a case's D4 causes.

Layout (top to bottom)::

        [Man]        [Machine]      [Material]        <- bone heads
    C1 ───▶┤      C4 ───▶┤       C7 ───▶┤            <- causes point at their bone;
      C2 ─▶┤  ...        │              │               sub-causes point at their cause
   ────────┴─────────────┴──────────────┴────▶ [Problem (D2)]   <- spine and effect
    C9 ───▶┤      ...    │              │
       [Method]   [Measurement]  [Environment]
                      [legend]

Each bone is a column: the bone line is a chain of small joints, and every
cause sits on the joint of its own row, so labels never share a row and
cannot overlap, from one cause to sixty. Sub-causes of their cause's category take
the rows right below it; a sub-cause of another category is drawn on its own
category's bone (rule FB-1: a Machine cause is never drawn on the Material bone),
marked with the id of the cause it explains (an arrow across bones would tangle the
layout).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from eightd.diagrams.dot import DotWriter, Html, safe_id
from eightd.diagrams.labels import literal, wrap
from eightd.diagrams.render import Diagram
from eightd.diagrams.style import (
    FONT,
    INK,
    MUTED,
    captioned,
    cause_attrs,
    cause_label,
    lines_html,
)
from eightd.domain import BoneCategory, Case, Cause, CauseStatus, CauseType
from eightd.i18n import default_lang, label, normalize_lang, t

__all__ = ["BOTTOM_BONES", "TOP_BONES", "fishbone"]

TOP_BONES = (BoneCategory.MAN, BoneCategory.MACHINE, BoneCategory.MATERIAL)
BOTTOM_BONES = (BoneCategory.METHOD, BoneCategory.MEASUREMENT, BoneCategory.ENVIRONMENT)

CAUSE_WIDTH = 30  # display columns of a cause label (15 CJK characters)
SUB_CAUSE_WIDTH = 26
EFFECT_WIDTH = 24
BONE_COLOUR = "#334155"


@dataclass(frozen=True)
class Row:
    """One cause on its bone; ``depth`` 0 for a cause, 1+ for its sub-causes on the same
    bone; ``explains`` the id of the cause on another bone that it explains (rule FB-1)."""

    cause: Cause
    depth: int
    explains: str = ""


def bone_rows(case: Case) -> dict[BoneCategory, list[Row]]:
    """Every cause exactly once, on its own category's bone (rule FB-1), each sub-cause of
    the same category right below its parent.

    A sub-cause of another category heads its own bone's rows (``explains`` names its
    parent). A cause whose parent is missing (or part of a cycle, in a case that was not
    validated) is drawn as a top-level cause of its own bone.
    """
    ids = {c.id for c in case.causes}
    children: dict[str, list[Cause]] = {}
    for cause in case.causes:
        if cause.parent and cause.parent in ids and cause.parent != cause.id:
            children.setdefault(cause.parent, []).append(cause)
    rows: dict[BoneCategory, list[Row]] = {bone: [] for bone in BoneCategory}
    placed: set[int] = set()

    def place(cause: Cause, bone: BoneCategory, depth: int, explains: str = "") -> None:
        if id(cause) in placed:
            return
        placed.add(id(cause))
        rows[bone].append(Row(cause, depth, explains))
        for child in children.get(cause.id, []):
            if child.category is bone:
                place(child, bone, depth + 1)

    categories = {c.id: c.category for c in case.causes}
    for cause in case.causes:
        if not (cause.parent and cause.parent in ids and cause.parent != cause.id):
            place(cause, cause.category, 0)
    for cause in case.causes:  # sub-causes of another category: on their own bone
        if cause.parent in ids and categories[cause.parent] is not cause.category:
            place(cause, cause.category, 0, cause.parent)
    for cause in case.causes:  # left over only when parents form a cycle
        place(cause, cause.category, 0)
    return rows


def fishbone(case: Case, *, lang: str | None = None) -> Diagram:
    """The fishbone of ``case``: the D2 problem as the effect, D4 causes on six bones.

    ``lang`` ("en" or "zh", default from the environment) chooses the bone
    labels, the legend and the titles; user text is shown as typed.
    """
    lang = normalize_lang(lang or default_lang())
    out = DotWriter()
    rows = bone_rows(case)

    spine = [out.node({"shape": "point", "width": 0.01, "style": "invis"})]
    bone_heads: dict[BoneCategory, str] = {}
    for top, bottom in zip(TOP_BONES, BOTTOM_BONES, strict=True):
        group = f"bone-{top.value}"  # dot keeps the edges within a group straight
        joint = out.node({"shape": "point", "width": 0.09, "color": BONE_COLOUR, "group": group})
        spine.append(joint)
        for bone, above in ((top, True), (bottom, False)):
            bone_heads[bone] = _bone(
                out, bone, rows[bone], joint, above=above, group=group, lang=lang
            )
    spine.append(_effect(out, case, lang))
    out.same_rank(spine)
    out.chain(spine[:-1], {"arrowhead": "none", "penwidth": 3, "color": BONE_COLOUR})
    out.edge(
        spine[-2],
        spine[-1],
        {"penwidth": 3, "color": BONE_COLOUR, "arrowsize": 1.0, "minlen": 2},
    )
    out.same_rank([bone_heads[b] for b in TOP_BONES])
    out.same_rank([bone_heads[b] for b in BOTTOM_BONES])
    _legend(out, anchor=bone_heads[BOTTOM_BONES[0]], lang=lang)

    title = t("diagrams.fishbone.title", lang, number=case.number)
    return Diagram(
        out.source(
            {
                "rankdir": "TB",
                "label": Html(f"<B>{literal(title)}</B>"),
                "labelloc": "t",
                "labeljust": "l",
                "fontname": FONT,
                "fontsize": 14,
                "fontcolor": INK,
                "nodesep": 0.18,
                "ranksep": 0.16,
                "pad": 0.3,
                "bgcolor": "white",
                "outputorder": "edgesfirst",
            },
            {
                "fontname": FONT,
                "fontsize": 11,
                "fontcolor": INK,
                "shape": "box",
                "style": "rounded,filled",
                "margin": "0.10,0.07",
            },
            {"color": BONE_COLOUR, "arrowsize": 0.6, "penwidth": 1.2},
        ),
        lang=lang,
    )


def _bone(
    out: DotWriter,
    bone: BoneCategory,
    rows: list[Row],
    spine_joint: str,
    *,
    above: bool,
    group: str,
    lang: str,
) -> str:
    """Draw one bone: its head, its causes, the line down (or up) to the spine."""
    head = out.node(
        {
            "label": Html(f"<B>{literal(label(bone, lang))}</B>"),
            "id": f"bone-{bone.value}",
            "class": f"bone bone-{bone.value}",
            "fontsize": 13,
            "fontcolor": "white",
            "fillcolor": BONE_COLOUR,
            "color": BONE_COLOUR,
            "style": "rounded,filled",
            "margin": "0.18,0.06",
            "group": group,
        }
    )
    joints: list[str] = []
    cause_nodes: dict[str, str] = {}
    for row in rows:
        # a dot as wide as the bone line: dot leaves a 2 pt gap at each joint otherwise
        joint = out.node({"shape": "point", "width": 0.032, "color": BONE_COLOUR, "group": group})
        joints.append(joint)
        node = _cause(out, row, lang)
        cause_nodes.setdefault(row.cause.id, node)
        out.same_rank([node, joint])
        parent = cause_nodes.get(row.cause.parent) if row.depth else None
        if parent is None:
            out.edge(node, joint, {"color": BONE_COLOUR, "arrowsize": 0.7})
        else:
            # keeps the sub-cause left of the bone, in its own row...
            out.edge(node, joint, {"style": "invis"})
            # ...and points it at the cause it explains
            out.edge(parent, node, {"dir": "back", "arrowsize": 0.55, "color": MUTED})
    line: dict[str, str | float | int | Html] = {
        "arrowhead": "none",
        "penwidth": 2.2,
        "color": BONE_COLOUR,
        "weight": 50,
        "headclip": "false",
        "tailclip": "false",
    }
    slack: dict[str, str | float | int | Html] = {
        **line,
        "weight": 1,
    }  # a bone shorter than its neighbours stretches here
    path = [head, *joints, spine_joint] if above else [spine_joint, *joints, head]
    for tail, tip in itertools.pairwise(path):
        touches_spine = spine_joint in (tail, tip)
        out.edge(tail, tip, slack if touches_spine else line)
    return head


def _cause(out: DotWriter, row: Row, lang: str) -> str:
    cause = row.cause
    width = CAUSE_WIDTH if row.depth == 0 else SUB_CAUSE_WIDTH
    attrs = {
        **cause_attrs(cause),
        "label": cause_label(cause, lang, width=width, explains=row.explains),
        "id": f"cause-{safe_id(cause.id)}",
        "class": " ".join(
            [
                "cause",
                "sub-cause" if row.depth else "top-cause",
                f"cause-{cause.type.value}",
                f"cause-{cause.status.value}",
            ]
        ),
    }
    if row.depth:
        attrs["fontsize"] = 10
    if cause.whys:
        attrs["href"] = f"#five-whys-{safe_id(cause.id)}"
    return out.node(attrs)


def _effect(out: DotWriter, case: Case, lang: str) -> str:
    statement = case.problem.statement or case.title.strip()
    caption = literal(t("diagrams.fishbone.effect", lang))
    if statement:
        body = lines_html(wrap(statement, EFFECT_WIDTH))
    else:
        body = lines_html([t("diagrams.fishbone.no_statement", lang)])
    return out.node(
        {
            "label": captioned(caption, f"<B>{body}</B>", colour="#cbd5e1"),
            "id": "effect",
            "class": "effect",
            "shape": "box",
            "style": "filled",
            "fillcolor": "#0f172a",
            "color": "#0f172a",
            "fontcolor": "white",
            "fontsize": 12,
            "margin": "0.16,0.10",
        }
    )


def _legend(out: DotWriter, *, anchor: str, lang: str) -> None:
    """Sample boxes drawn with the very styles of the causes, in one row below the fish."""
    out.open_subgraph(
        "cluster_legend",
        {
            "label": Html(f"<B>{literal(t('diagrams.legend.title', lang))}</B>"),
            "id": "legend",
            "class": "legend",
            "style": "rounded,dashed",
            "color": "#94a3b8",
            "fontsize": 10,
            "labeljust": "l",
            "margin": 8,
        },
    )
    samples: list[tuple[str, dict[str, str | float | int | Html], bool]] = []
    for kind in CauseType:
        base = Cause(type=kind, status=CauseStatus.VERIFIED)
        samples.append((label(kind, lang), {**cause_attrs(base), "penwidth": 1.4}, False))
    for status in CauseStatus:
        base = Cause(type=CauseType.OCCURRENCE, status=status)
        attrs = cause_attrs(base)
        attrs["fillcolor"] = "white" if status is not CauseStatus.RULED_OUT else attrs["fillcolor"]
        attrs["color"] = INK
        samples.append((label(status, lang), attrs, status is CauseStatus.RULED_OUT))
    names = []
    for text, attrs, strike in samples:
        body = f"<S>{literal(text)}</S>" if strike else literal(text)
        names.append(
            out.node({**attrs, "label": Html(body), "fontsize": 10, "class": "legend-item"})
        )
    out.same_rank(names)
    out.chain(names, {"style": "invis"})
    out.close_subgraph()
    out.edge(anchor, names[0], {"style": "invis"})

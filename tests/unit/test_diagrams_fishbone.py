"""The 5M1E fishbone: structure of the SVG, escaping of user text, CJK in the PNG."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

import pytest
from PIL import Image

import eightd.diagrams
from eightd.diagrams import Diagram, fishbone
from eightd.diagrams.fishbone import bone_rows
from eightd.domain import (
    BoneCategory,
    Case,
    Cause,
    CauseStatus,
    CauseType,
    ProblemDescription,
)
from eightd.errors import DiagramError, MissingDependencyError
from eightd.i18n import label

SVG = "{http://www.w3.org/2000/svg}"


def make_case(*causes: Cause, statement: str = "Solder joints crack at ICT") -> Case:
    return Case(
        number="202611-0007",
        title="Solder joints crack",
        problem=ProblemDescription(what=statement),
        causes=list(causes),
    )


def cause(cid: str, text: str = "A cause", **kw: object) -> Cause:
    return Cause(id=cid, text=text, evidence="tested", **kw)  # type: ignore[arg-type]


def many_causes(n: int) -> list[Cause]:
    bones = list(BoneCategory)
    out = []
    for i in range(n):
        parent = f"C{i}" if i % 5 == 4 else ""
        out.append(
            cause(
                f"C{i + 1}",
                f"Cause number {i + 1} with a label long enough to need wrapping",
                category=bones[i % 6],
                type=CauseType.ESCAPE if i % 4 == 3 else CauseType.OCCURRENCE,
                status=list(CauseStatus)[i % 3],
                parent=parent,
            )
        )
    return out


@dataclass
class Node:
    name: str
    id: str
    classes: list[str]
    texts: list[str]
    element: ET.Element = field(repr=False)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.texts).split())


@dataclass
class Drawing:
    """The parts of a Graphviz SVG the tests look at."""

    root: ET.Element
    nodes: list[Node]
    edges: list[tuple[str, str]]

    @classmethod
    def of(cls, svg: str) -> Drawing:
        root = ET.fromstring(svg)
        nodes, edges = [], []
        for g in root.iter(f"{SVG}g"):
            classes = (g.get("class") or "").split()
            title = g.findtext(f"{SVG}title") or ""
            if "node" in classes:
                texts = [t.text or "" for t in g.iter(f"{SVG}text")]
                nodes.append(Node(title, g.get("id") or "", classes, texts, g))
            elif "edge" in classes:
                tail, head = title.split("->")
                edges.append((tail, head))
        return cls(root, nodes, edges)

    def having(self, css_class: str) -> list[Node]:
        return [n for n in self.nodes if css_class in n.classes]

    def by_id(self, node_id: str) -> Node:
        return next(n for n in self.nodes if n.id == node_id)

    def group(self, group_id: str) -> ET.Element:
        return next(g for g in self.root.iter(f"{SVG}g") if g.get("id") == group_id)


def draw(case: Case, lang: str = "en") -> Drawing:
    return Drawing.of(fishbone(case, lang=lang).svg())


# ---------------------------------------------------------------- structure


def test_fishbone_has_one_text_element_per_cause() -> None:
    case = make_case(*many_causes(12))
    drawing = draw(case)
    nodes = drawing.having("cause")
    assert sorted(n.id for n in nodes) == sorted(f"cause-{c.id}" for c in case.causes)
    categories = {c.id: c.category for c in case.causes}
    for c in case.causes:
        # FB-1: a sub-cause drawn on another bone than its parent says which cause it explains
        other_bone = c.parent and categories[c.parent] is not c.category
        marker = f" explains {c.parent}" if other_bone else ""
        assert drawing.by_id(f"cause-{c.id}").text == f"{c.id} {c.text}{marker}"


def test_fishbone_draws_the_six_bones_in_the_chosen_language() -> None:
    for lang in ("en", "zh"):
        bones = draw(make_case(), lang).having("bone")
        assert {n.id for n in bones} == {f"bone-{b.value}" for b in BoneCategory}
        assert {n.text for n in bones} == {label(b, lang) for b in BoneCategory}
    assert {n.text for n in draw(make_case(), "zh").having("bone")} == set("人机料法测环")


def test_fishbone_legend_explains_types_and_statuses() -> None:
    drawing = draw(make_case(cause("C1")), "zh")
    legend = drawing.group("legend")
    texts = {" ".join((t.text or "").split()) for t in legend.iter(f"{SVG}text")}
    items = {n.text for n in drawing.having("legend-item")}
    assert {label(k, "zh") for k in CauseType} <= items
    assert {label(s, "zh") for s in CauseStatus} <= items
    assert "图例" in texts


def test_effect_box_holds_the_problem_statement() -> None:
    effect = draw(make_case(statement="Plating peels after 48 h salt spray")).by_id("effect")
    assert "Plating peels after 48 h salt spray" in effect.text


def test_effect_box_says_when_there_is_no_statement_yet() -> None:
    case = make_case(statement="")
    case.title = ""
    assert "no problem statement" in draw(case).by_id("effect").text


def test_occurrence_and_escape_causes_have_different_colours() -> None:
    drawing = draw(
        make_case(cause("C1", type=CauseType.OCCURRENCE), cause("C2", type=CauseType.ESCAPE))
    )

    def fill(node_id: str) -> str | None:
        return drawing.by_id(node_id).element.find(f"{SVG}path").get("fill")  # type: ignore[union-attr]

    assert fill("cause-C1") != fill("cause-C2")


def test_each_status_has_its_own_border() -> None:
    drawing = draw(
        make_case(*(cause(f"C{i}", status=s) for i, s in enumerate(CauseStatus, start=1)))
    )
    borders = set()
    for i, _ in enumerate(CauseStatus, start=1):
        path = drawing.by_id(f"cause-C{i}").element.find(f"{SVG}path")
        assert path is not None
        borders.add((path.get("stroke-dasharray"), path.get("stroke-width")))
    assert len(borders) == len(CauseStatus)


def test_ruled_out_cause_is_struck_through() -> None:
    node = draw(make_case(cause("C1", status=CauseStatus.RULED_OUT))).by_id("cause-C1")
    decorations = {t.get("text-decoration") for t in node.element.iter(f"{SVG}text")}
    assert "line-through" in decorations


def test_sub_cause_points_at_its_parent_and_sits_below_it() -> None:
    case = make_case(
        cause("C1", category=BoneCategory.MACHINE),
        cause("C2", "Sub-cause on the same bone", category=BoneCategory.MACHINE, parent="C1"),
    )
    drawing = draw(case)
    parent, child = drawing.by_id("cause-C1"), drawing.by_id("cause-C2")
    assert (parent.name, child.name) in drawing.edges
    assert "sub-cause" in child.classes

    def top(node: Node) -> float:
        return float(node.element.find(f"{SVG}text").get("y"))  # type: ignore[union-attr, arg-type]

    assert top(child) > top(parent)


def test_fb1_sub_cause_of_another_category_is_drawn_on_its_own_bone() -> None:
    case = make_case(
        cause("C1", "Resin batch brittle", category=BoneCategory.MATERIAL),
        cause("C2", "Dryer timer broken", category=BoneCategory.MACHINE, parent="C1"),
    )
    rows = bone_rows(case)
    assert [r.cause.id for r in rows[BoneCategory.MACHINE]] == ["C2"]
    assert [r.cause.id for r in rows[BoneCategory.MATERIAL]] == ["C1"]
    assert rows[BoneCategory.MACHINE][0].explains == "C1"
    child = draw(case).by_id("cause-C2")
    text = " ".join(t.text or "" for t in child.element.iter(f"{SVG}text"))
    assert "explains C1" in text  # still says which cause it explains


def test_cause_with_a_five_why_chain_links_to_it() -> None:
    drawing = draw(make_case(cause("C1", whys=["why one", "why two"]), cause("C2")))
    links = [a.get("{http://www.w3.org/1999/xlink}href") for a in drawing.root.iter(f"{SVG}a")]
    assert links == ["#five-whys-C1"]


def test_every_cause_is_drawn_once_even_with_a_parent_cycle() -> None:
    # an unvalidated case may hold a cycle; the drawing must still show each cause once
    case = make_case(cause("C1", parent="C2"), cause("C2", parent="C1"), cause("C3", parent="C9"))
    assert sorted(n.id for n in draw(case).having("cause")) == ["cause-C1", "cause-C2", "cause-C3"]


def test_sixty_causes_render_without_overlapping_boxes() -> None:
    drawing = draw(make_case(*many_causes(60)))
    boxes = []
    for node in drawing.having("cause"):
        path = node.element.find(f"{SVG}path")
        assert path is not None
        numbers = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", path.get("d") or "")]
        xs, ys = numbers[0::2], numbers[1::2]
        boxes.append((min(xs), min(ys), max(xs), max(ys)))
    assert len(boxes) == 60
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            disjoint = a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
            assert disjoint, (a, b)


def test_long_labels_are_wrapped() -> None:
    text = "word " * 40
    node = draw(make_case(cause("C1", text))).by_id("cause-C1")
    assert len(node.texts) > 5
    assert node.text == f"C1 {' '.join(text.split())}"


def test_language_defaults_to_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EIGHTD_LANG", "zh_CN.UTF-8")
    svg = fishbone(make_case()).svg()
    assert "因果图" in svg


# ---------------------------------------------------------------- escaping

HOSTILE = [
    "<b>bold</b>",
    "say \"hi\" and 'bye'",
    r"back\nslash \N \G \L \l \\",
    "{braces} and | pipes",
    "a -> b; c -- d",
    "Tom & Jerry &amp; &lt;",
    '<font color="red">x</font><br/>',
    "<img src=x onerror=alert(1)> <!-- c --> ]]>",
    '"]; evil [label="x',
    "> } digraph { x",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_label_with_markup_or_dot_syntax_renders_literally(text: str) -> None:
    plain = draw(make_case(cause("C1", "plain"), cause("C2", "other")))
    hostile = draw(make_case(cause("C1", text), cause("C2", "other"), statement=text))
    assert squeeze(hostile.by_id("cause-C1").text) == squeeze(f"C1 {text}")
    assert squeeze(text) in squeeze(hostile.by_id("effect").text)
    # the graph is unchanged: same nodes, same edges, no new elements or styles
    assert len(hostile.nodes) == len(plain.nodes)
    assert len(hostile.edges) == len(plain.edges)
    assert styles(hostile.by_id("cause-C1")) == styles(plain.by_id("cause-C1"))


def squeeze(text: str) -> str:
    """Text without any whitespace (wrapping moves it)."""
    return "".join(text.split())


def styles(node: Node) -> set[tuple[tuple[str, str], ...]]:
    """The distinct attribute sets of the text elements, positions left out."""
    return {
        tuple(sorted((k, v) for k, v in t.attrib.items() if k not in ("x", "y")))
        for t in node.element.iter(f"{SVG}text")
    }


def test_label_with_a_line_break_keeps_both_lines() -> None:
    node = draw(make_case(cause("C1", "first line\nsecond line"))).by_id("cause-C1")
    assert node.texts[-2:] == ["first line", "second line"] or node.text.endswith(
        "first line second line"
    )


def test_control_characters_do_not_break_the_drawing() -> None:
    node = draw(make_case(cause("C1", "nul\x00 bell\x07 end"))).by_id("cause-C1")
    assert node.text == "C1 nul\ufffd bell\ufffd end"


def test_odd_cause_ids_cannot_escape_the_svg_id() -> None:
    case = make_case(cause('C1" onload="x', "text", whys=["w"]))
    drawing = draw(case)
    (node,) = drawing.having("cause")
    assert re.fullmatch(r"cause-[A-Za-z0-9_-]+", node.id)
    assert node.text.startswith('C1" onload="x')


def test_case_number_in_the_title_is_escaped() -> None:
    case = make_case()
    case.number = "<b>&</b>"
    svg = fishbone(case, lang="en").svg()
    assert "&lt;b&gt;&amp;&lt;/b&gt;" in svg


# ---------------------------------------------------------------- PNG and CJK


def label_crop(diagram: Diagram, node_id: str, *, dpi: int = 192) -> Image.Image:
    """The PNG pixels of the user text (after the bold id) of one cause box."""
    root = ET.fromstring(diagram.svg())
    graph = root.find(f"{SVG}g")
    assert graph is not None
    match = re.search(r"translate\(([-\d.]+) ([-\d.]+)\)", graph.get("transform") or "")
    assert match
    tx, ty = map(float, match.groups())
    node = next(g for g in root.iter(f"{SVG}g") if g.get("id") == node_id)
    path = node.find(f"{SVG}path")
    assert path is not None
    xs = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", path.get("d") or "")][0::2]
    text = node.findall(f"{SVG}text")[1]
    size = float(text.get("font-size") or 0)
    baseline = float(text.get("y") or 0)
    x0, x1 = float(text.get("x") or 0), max(xs) - 4
    y0, y1 = baseline - size, baseline + 0.35 * size
    scale = dpi / 72
    png = Image.open(io.BytesIO(diagram.png(dpi=dpi))).convert("L")
    return png.crop(tuple(round(v * scale) for v in (x0 + tx, y0 + ty, x1 + tx, y1 + ty)))


def looks_like_tofu(crop: Image.Image) -> bool:
    """Missing glyphs are drawn as boxes: their top edges fill one pixel row almost entirely."""
    width, height = crop.size
    px = crop.load()
    assert px is not None
    ink = [[px[x, y] < 128 for x in range(width)] for y in range(height)]
    columns = [x for x in range(width) if any(row[x] for row in ink)]
    assert columns, "the label area is blank"
    span = columns[-1] - columns[0] + 1
    return max(sum(row) for row in ink) / span > 0.7


def test_chinese_label_renders_glyphs_not_tofu_in_png() -> None:
    text = "焊点开裂导致接触不良"
    glyphs = label_crop(fishbone(make_case(cause("C1", text)), lang="zh"), "cause-C1")
    # private-use characters have no glyph in any font: a reference render of tofu
    tofu_text = "".join(chr(0xE000 + i) for i in range(len(text)))
    tofu = label_crop(fishbone(make_case(cause("C1", tofu_text)), lang="zh"), "cause-C1")
    assert looks_like_tofu(tofu)
    assert not looks_like_tofu(glyphs)
    inked = sum(1 for value in glyphs.tobytes() if value < 128)
    assert inked > 0.05 * glyphs.size[0] * glyphs.size[1]


def test_chinese_label_box_is_as_wide_as_its_text() -> None:
    text = "供应商未通知即更换电镀槽液"  # 13 characters, one line
    node = draw(make_case(cause("C1", text)), "zh").by_id("cause-C1")
    path = node.element.find(f"{SVG}path")
    assert path is not None
    xs = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", path.get("d") or "")][0::2]
    size = float(node.element.findall(f"{SVG}text")[1].get("font-size") or 0)
    assert node.texts[-1].strip() == text
    assert max(xs) - min(xs) >= len(text) * size  # a CJK glyph is one em wide


def test_png_and_svg_come_from_the_same_diagram() -> None:
    diagram = fishbone(make_case(cause("C1")), lang="en")
    small, large = diagram.png(dpi=72), diagram.png(dpi=144)
    assert small.startswith(b"\x89PNG\r\n\x1a\n")
    width = Image.open(io.BytesIO(small)).size[0]
    assert Image.open(io.BytesIO(large)).size[0] == pytest.approx(2 * width, abs=2)
    match = re.search(r'viewBox="0\.00 0\.00 ([\d.]+)', diagram.svg())
    assert match and float(match.group(1)) == pytest.approx(width, abs=2)


def test_png_refuses_an_absurd_resolution() -> None:
    with pytest.raises(ValueError, match="dpi"):
        fishbone(make_case(), lang="en").png(dpi=5000)


# ---------------------------------------------------------------- dot itself


def test_missing_dot_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    monkeypatch.delenv("EIGHTD_DOT", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(MissingDependencyError) as err:
        fishbone(make_case(), lang="en").svg()
    assert "Graphviz 'dot' is missing" in str(err.value)
    assert "apt-get install graphviz fonts-noto-cjk" in str(err.value)
    assert "请安装 Graphviz" in err.value.message("zh") or "apt-get" in err.value.message("zh")


def test_configured_dot_path_that_does_not_exist_is_reported(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("EIGHTD_DOT", "/nonexistent/bin/dot")
    with pytest.raises(MissingDependencyError, match="apt-get install graphviz"):
        fishbone(make_case(), lang="zh").png()


def test_dot_failure_becomes_an_eightd_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EIGHTD_DOT", "false")  # exits 1 without output
    with pytest.raises(DiagramError, match="Graphviz could not draw the diagram"):
        fishbone(make_case(), lang="en").svg()


def test_public_api_is_small_and_pinned() -> None:
    assert eightd.diagrams.__all__ == ["Diagram", "fishbone", "five_whys"]


def test_diagram_source_is_plain_dot_text() -> None:
    diagram = fishbone(make_case(cause("C1")), lang="en")
    assert isinstance(diagram, Diagram)
    assert diagram.source.startswith("digraph eightd {")


def test_two_diagrams_inline_on_one_page_share_no_element_id() -> None:
    import re

    from eightd.demo import demo_cases
    from eightd.diagrams import five_whys

    case = next(c for c in demo_cases() if any(cause.whys for cause in c.causes))
    ids_a = re.findall(r'\bid="([^"]+)"', fishbone(case, lang="en").svg())
    ids_b = re.findall(r'\bid="([^"]+)"', five_whys(case, lang="en").svg())
    assert ids_a and ids_b
    assert set(ids_a).isdisjoint(ids_b)
    assert len(ids_a) == len(set(ids_a))

"""5-Why chains: symptom -> why -> ... -> root cause, one framed chain per cause."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET

from eightd.diagrams import fishbone, five_whys
from eightd.domain import BoneCategory, Case, Cause, CauseStatus, CauseType, ProblemDescription
from eightd.i18n import label

SVG = "{http://www.w3.org/2000/svg}"
WHYS = [
    "Joints crack at ICT",
    "Intermetallic layer too thin",
    "Peak temperature 8 °C low",
    "Profile not re-validated after oven repair",
    "No rule requires re-validation after maintenance",
]


def make_case() -> Case:
    return Case(
        number="202611-0007",
        title="Solder joints crack",
        problem=ProblemDescription(what="PCBA solder joints crack at customer ICT"),
        causes=[
            Cause(
                id="C1",
                text="Reflow peak temperature too low",
                category=BoneCategory.MACHINE,
                status=CauseStatus.VERIFIED,
                evidence="DOE",
                whys=WHYS,
            ),
            Cause(id="C2", text="No whys here"),
            Cause(
                id="C3",
                text="AOI threshold too loose",
                type=CauseType.ESCAPE,
                category=BoneCategory.MEASUREMENT,
                whys=["AOI passed cracked joints", "Threshold widened in program v12"],
            ),
        ],
    )


def frames(svg: str) -> dict[str, ET.Element]:
    root = ET.fromstring(svg)
    return {
        g.get("id") or "": g
        for g in root.iter(f"{SVG}g")
        if "five-whys" in (g.get("class") or "").split()
    }


def chain_nodes(svg: str) -> dict[str, str]:
    """Node name -> text, for every node of the drawing."""
    root = ET.fromstring(svg)
    return {
        g.findtext(f"{SVG}title") or "": " ".join(
            " ".join(t.text or "" for t in g.iter(f"{SVG}text")).split()
        )
        for g in root.iter(f"{SVG}g")
        if "node" in (g.get("class") or "").split()
    }


def edges(svg: str) -> set[tuple[str, str]]:
    root = ET.fromstring(svg)
    out = set()
    for g in root.iter(f"{SVG}g"):
        if "edge" in (g.get("class") or "").split():
            tail, head = (g.findtext(f"{SVG}title") or "").split("->")
            out.add((tail, head))
    return out


def test_one_chain_per_cause_with_whys_named_after_the_cause() -> None:
    svg = five_whys(make_case(), lang="en").svg()
    found = frames(svg)
    assert set(found) == {"five-whys-C1", "five-whys-C3"}
    heading = " ".join(t.text or "" for t in found["five-whys-C1"].iter(f"{SVG}text"))
    assert "C1 · Machine · occurrence · verified" in heading
    assert "Reflow peak temperature too low" in heading


def test_chain_runs_from_the_symptom_through_every_why_to_the_root_cause() -> None:
    svg = five_whys(make_case(), lang="en").svg()
    nodes = chain_nodes(svg)
    by_text = {text: name for name, text in nodes.items()}
    symptom = next(n for n, text in nodes.items() if text.startswith("Symptom"))
    path = [symptom] + [next(n for t, n in by_text.items() if t.endswith(why)) for why in WHYS]
    assert all(pair in edges(svg) for pair in itertools.pairwise(path))
    assert nodes[path[1]].startswith("Why 1?")
    assert nodes[path[-1]].startswith("Root cause")


def test_chain_frame_is_what_the_fishbone_cause_links_to() -> None:
    case = make_case()
    fish = fishbone(case, lang="en").svg()
    chains = five_whys(case, lang="en").svg()
    links = {
        a.get("{http://www.w3.org/1999/xlink}href") for a in ET.fromstring(fish).iter(f"{SVG}a")
    }
    assert {link.lstrip("#") for link in links if link} == set(frames(chains))


def test_single_chain_for_one_cause() -> None:
    svg = five_whys(make_case(), lang="zh", cause_id="C3").svg()
    assert set(frames(svg)) == {"five-whys-C3"}
    assert label(CauseType.ESCAPE, "zh") in svg
    assert "为什么 1？" in svg


def test_case_without_whys_says_so() -> None:
    case = make_case()
    for c in case.causes:
        c.whys = []
    svg = five_whys(case, lang="en").svg()
    assert frames(svg) == {}
    assert "No 5-Why chain has been recorded yet." in chain_nodes(svg).values()


def test_why_answers_render_literally() -> None:
    case = make_case()
    case.causes[0].whys = ["<b>x</b> & \\N", 'a -> b "q"']
    nodes = chain_nodes(five_whys(case, lang="en").svg())
    assert any(text.endswith("<b>x</b> & \\N") for text in nodes.values())
    assert any(text.endswith('a -> b "q"') for text in nodes.values())

"""Every demo case's PDF, in Chinese and in English, is fit to send: no word or number
broken across lines in a table, no text outside the page margins, real fonts only.

The PDFs are printed by the report's Chromium from the report's HTML and style sheet
(drawn without a kernel, as the kernel-free floor of the benchmark does), and read back
with poppler: ``pdftotext -bbox-layout`` for the words and their positions, ``pdffonts``
for the fonts.
"""

from __future__ import annotations

import html
import itertools
import re
import shutil
import subprocess
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from xml.etree import ElementTree

import pytest

from eightd.demo import demo_cases
from eightd.diagrams import fishbone, five_whys
from eightd.policy import CaseSummary, assess, load_policy
from eightd.reports.pdf import PdfPrinter
from eightd.reports.render import kept_tokens, page_html
from eightd.views.case import ReportContext, build_context

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CST = timezone(timedelta(hours=8))
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=CST)
MARGIN_PT = 12 / 25.4 * 72  # @page margin, left and right: 12 mm
SLACK_PT = 1.0


@dataclass(frozen=True)
class Printed:
    number: str
    lang: str
    ctx: ReportContext
    pdf: Path
    free_text: str  # what the page prints outside tables: paragraphs and diagrams


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> list[Printed]:
    if not shutil.which("pdftotext") or not shutil.which("pdffonts"):
        pytest.skip("poppler-utils (pdftotext, pdffonts) not installed")
    out = tmp_path_factory.mktemp("layout")
    cases = demo_cases(date(2026, 11, 23))
    summaries = [CaseSummary.of(c) for c in cases]
    policy = load_policy()
    done: list[Printed] = []
    with PdfPrinter() as printer:
        for case in cases:
            assessment = assess(case, policy, now=NOW, others=summaries)
            for lang in ("zh", "en"):
                ctx = build_context(case, assessment, lang=lang, now=NOW)
                figures = {"fishbone": fishbone(case, lang=lang).svg()}
                if any(c.whys for c in case.causes):
                    figures["five_whys"] = five_whys(case, lang=lang).svg()
                page = out / f"{case.number}-{lang}.html"
                page.write_text(page_html(ctx, figures, NOW), encoding="utf-8")
                pdf = printer.print_pdf(page, out / f"{case.number}-{lang}.pdf")
                done.append(Printed(case.number, lang, ctx, pdf, _free_text(ctx, figures)))
    return done


@dataclass(frozen=True)
class Word:
    text: str
    x_min: float
    x_max: float


def _lines(pdf: Path) -> tuple[list[float], list[list[list[Word]]]]:
    """Page widths, and the lines of every text block (a cell, a paragraph)."""
    xml = subprocess.run(
        ["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, check=True
    ).stdout
    xml = re.sub(rb"<!DOCTYPE[^>]*>", b"", xml)
    root = ElementTree.fromstring(xml)
    ns = {"x": "http://www.w3.org/1999/xhtml"}
    widths, blocks = [], []
    for page in root.iterfind(".//x:page", ns):
        widths.append(float(page.get("width", "0")))
        for block in page.iterfind(".//x:block", ns):
            lines = [
                [
                    Word(w.text or "", float(w.get("xMin", "0")), float(w.get("xMax", "0")))
                    for w in line.iterfind("x:word", ns)
                ]
                for line in block.iterfind("x:line", ns)
            ]
            blocks.append([line for line in lines if line])
    return widths, blocks


def _free_text(ctx: ReportContext, figures: dict[str, str]) -> str:
    texts = [b.text for s in ctx.sections for b in s.blocks if b.kind == "text"]
    for svg in figures.values():  # the diagrams wrap their labels into lines of their own
        lines = [re.sub(r"<[^>]+>", "", t) for t in re.findall(r"<text[^>]*>.*?</text>", svg)]
        texts.append("".join(html.unescape(line) for line in lines))
    return "\n".join(texts)


def _table_tokens(ctx: ReportContext, free_text: str = "") -> set[str]:
    """What the tables and forms must never break: their words, numbers, codes and short
    values, as the renderer keeps them together (less those printed outside tables too,
    where the same words wrap as running text)."""
    texts = [r.label for r in ctx.header] + [r.value for r in ctx.header]
    for section in ctx.sections:
        for block in section.blocks:
            texts += block.columns + [c for row in block.cells for c in row]
            texts += [r.label for r in block.rows] + [r.value for r in block.rows]
    tokens = {token for text in texts for token in kept_tokens(text) if len(token) > 1}
    return {token for token in tokens if token not in free_text}


def broken_words(pdf: Path, tokens: set[str]) -> list[str]:
    """Tokens printed as the end of one line and the start of the next in one block."""
    _, blocks = _lines(pdf)
    found = []
    for lines in blocks:
        for above, below in itertools.pairwise(lines):
            joined = above[-1].text + below[0].text
            if joined in tokens:
                found.append(f"{above[-1].text}/{below[0].text}")
    return found


def test_no_table_breaks_a_word_or_a_number_across_lines(printed: list[Printed]) -> None:
    broken = {
        f"{p.number}-{p.lang}": found
        for p in printed
        if (found := broken_words(p.pdf, _table_tokens(p.ctx, p.free_text)))
    }
    assert not broken, broken


def test_no_text_lies_outside_the_page_margins(printed: list[Printed]) -> None:
    outside = []
    for p in printed:
        widths, blocks = _lines(p.pdf)
        width = widths[0]
        for lines in blocks:
            for line in lines:
                for word in line:
                    left_out = word.x_min < MARGIN_PT - SLACK_PT
                    right_out = word.x_max > width - MARGIN_PT + SLACK_PT
                    if left_out or right_out:
                        outside.append(f"{p.number}-{p.lang}: {word.text!r}")
    assert not outside, outside[:20]


def test_pdfs_embed_real_fonts_never_type_3(printed: list[Printed]) -> None:
    for p in printed:
        fonts = subprocess.run(
            ["pdffonts", str(p.pdf)], capture_output=True, text=True, check=True
        ).stdout
        assert "Type 3" not in fonts, (p.pdf.name, fonts)
        assert "TrueType" in fonts


def test_the_check_finds_a_word_broken_across_lines(tmp_path: Path) -> None:
    """The detector itself: a cell too narrow for its words, set the way reports once were."""
    page = tmp_path / "narrow.html"
    page.write_text(
        '<!DOCTYPE html><html><head><meta charset="utf-8"><style>'
        "td { width: 30px; word-break: break-word; font: 10pt 'Liberation Sans'; }"
        "</style></head><body><table><tr><td>Machine 60000</td></tr></table></body></html>",
        encoding="utf-8",
    )
    with PdfPrinter() as printer:
        pdf = printer.print_pdf(page, tmp_path / "narrow.pdf")
    assert broken_words(pdf, {"Machine", "60000"})

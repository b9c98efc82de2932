"""The report page written from an executed notebook's outputs (no kernel)."""

from __future__ import annotations

import base64
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from eightd.demo import demo_cases
from eightd.policy import assess, load_policy
from eightd.reports.html import notebook_page
from eightd.reports.notebook import save_notebook
from eightd.views.case import ReportContext, build_context

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=timezone(timedelta(hours=8)))
HOSTILE = "<img src=x onerror=alert(1)>"


def _context(lang: str) -> ReportContext:
    case = demo_cases(date(2026, 11, 23))[0]
    return build_context(case, assess(case, load_policy(), now=NOW), lang=lang, now=NOW, version=1)


def _notebook() -> nbformat.NotebookNode:
    png = base64.b64encode(b"\x89PNG fake").decode("ascii")
    return new_notebook(
        cells=[
            new_markdown_cell("# the template's own notes"),
            new_code_cell("x = 1", outputs=[]),
            new_code_cell(
                "show()",
                outputs=[
                    new_output("display_data", data={"text/html": "<p>first</p>"}),
                    new_output("stream", name="stdout", text=f"printed {HOSTILE}\n"),
                    new_output("display_data", data={"text/plain": HOSTILE}),
                ],
            ),
            new_code_cell(
                "draw()",
                outputs=[
                    new_output("display_data", data={"image/svg+xml": "<svg>s</svg>"}),
                    new_output("display_data", data={"image/png": png}),
                    new_output("error", ename="ValueError", evalue=HOSTILE, traceback=[]),
                ],
            ),
        ]
    )


def test_the_page_is_the_code_cells_outputs_in_order_inside_the_report_head() -> None:
    ctx = _context("en")
    page = notebook_page(_notebook(), ctx)
    assert page.startswith('<!DOCTYPE html><html lang="en">')
    assert page.endswith("</main></body></html>")
    body = page[page.index("<main>") :]
    order = ["<p>first</p>", "printed &lt;img", "<svg>s</svg>", "data:image/png;base64,"]
    order.append("ValueError")
    positions = [body.index(part) for part in order]
    assert positions == sorted(positions)
    assert "the template's own notes" not in page and "show()" not in page  # no code
    assert "<script" not in page and "http" not in body  # offline


def test_text_a_template_prints_is_escaped_not_run() -> None:
    page = notebook_page(_notebook(), _context("zh"))
    assert '<html lang="zh-CN">' in page
    assert HOSTILE not in page
    assert page.count("&lt;img src=x onerror=alert(1)&gt;") == 3


def test_the_saved_notebook_is_valid_nbformat_and_reads_back_whole(tmp_path: Path) -> None:
    nb = _notebook()
    nb.metadata["orig_nbformat"] = 4  # a transient value: never written
    save_notebook(nb, tmp_path / "saved.ipynb")
    saved = nbformat.read(tmp_path / "saved.ipynb", as_version=4)
    nbformat.validate(saved)
    assert "orig_nbformat" not in saved.metadata
    assert saved.cells == nb.cells

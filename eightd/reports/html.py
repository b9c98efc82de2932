"""The executed report notebook as one self-contained HTML page.

The page is the outputs of the notebook's code cells, in order, inside the
report's head (its own inline style sheet, nothing fetched from the network: no
scripts, no fonts, no CDN). Code, prompts, markdown and raw cells are left out:
the reader sees the report, not the notebook.

The cells display HTML that :mod:`eightd.reports.render` built (every user text
escaped there), so an HTML output is copied as it is. Any other output a template
may produce is shown safely: SVG inline, PNG and JPEG as data URLs, and text
(``print``, a plain result, an error) escaped in a ``<pre>``.

This is what nbconvert's HTML exporter with a custom template did for these pages,
without its costs: it deep-copied and re-validated the whole notebook several
times and rendered it through Jinja, about a fifth of every warm report.
"""

from __future__ import annotations

import html
from collections.abc import Iterator, Mapping
from typing import Any

from nbformat import NotebookNode

from eightd.reports.render import document
from eightd.views.case import ReportContext

__all__ = ["notebook_page"]

_IMAGES = ("image/png", "image/jpeg")


def _text(value: Any) -> str:
    """A multiline notebook string (a string or a list of lines) as one string."""
    return "".join(value) if isinstance(value, list) else str(value)


def _pre(text: str, kind: str) -> str:
    return f'<pre class="output-{kind}">{html.escape(text)}</pre>'


def _rich(data: Mapping[str, Any]) -> str:
    """The richest kind of a display output this page can show."""
    if "text/html" in data:
        return _text(data["text/html"])
    if "image/svg+xml" in data:
        return _text(data["image/svg+xml"])
    for mime in _IMAGES:
        if mime in data:
            encoded = "".join(_text(data[mime]).split())
            return f'<img src="data:{mime};base64,{html.escape(encoded)}" alt="">'
    if "text/plain" in data:
        return _pre(_text(data["text/plain"]), "text")
    return ""


def _output(output: Mapping[str, Any]) -> str:
    kind = output.get("output_type")
    if kind in ("display_data", "execute_result"):
        return _rich(output.get("data", {}))
    if kind == "stream":
        return _pre(_text(output.get("text", "")), "stream")
    if kind == "error":
        return _pre(f"{output.get('ename', '')}: {output.get('evalue', '')}", "error")
    return ""


def _cells(nb: NotebookNode) -> Iterator[str]:
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        shown = "".join(_output(output) for output in cell.get("outputs", []))
        if shown:
            yield shown


def notebook_page(nb: NotebookNode, ctx: ReportContext) -> str:
    """The report page of executed notebook ``nb`` (whose view model is ``ctx``)."""
    return document(ctx, "<main>" + "".join(_cells(nb)) + "</main>")

"""The executed report notebook as one self-contained HTML page.

nbconvert's HTMLExporter with the ``eightd_report`` template: lab's cell
layout, the report's own inline style sheet, code cells' input hidden, and
nothing fetched from the network (no require.js, MathJax or widget scripts).
Diagrams are inline SVG inside the cells' HTML outputs.
"""

from __future__ import annotations

from pathlib import Path

from nbconvert import HTMLExporter
from nbformat import NotebookNode

from eightd.reports.context import ReportContext
from eightd.reports.render import page_css

__all__ = ["HtmlWriter"]

_TEMPLATES = Path(__file__).with_name("nbconvert")


class HtmlWriter:
    """Reusable: building the exporter (its Jinja environment) is the costly part."""

    def __init__(self) -> None:
        self.exporter = HTMLExporter(
            template_name="eightd_report",
            extra_template_basedirs=[str(_TEMPLATES)],
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
            exclude_markdown=True,
            exclude_raw=True,
            exclude_unknown=True,
        )

    def render(self, nb: NotebookNode, ctx: ReportContext) -> str:
        resources = {
            "eightd": {
                "html_lang": "zh-CN" if ctx.lang == "zh" else "en",
                "title": f"{ctx.report_title} {ctx.file_stem}",
                "css": page_css(ctx),
            }
        }
        body, _ = self.exporter.from_notebook_node(nb, resources=resources)
        return str(body)

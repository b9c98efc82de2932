"""The executed report notebook as one self-contained HTML page.

nbconvert's HTMLExporter with the ``eightd_report`` template: lab's cell
layout, the report's own inline style sheet, code cells' input hidden, and
nothing fetched from the network (no require.js, MathJax or widget scripts).
Diagrams are inline SVG inside the cells' HTML outputs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nbconvert import HTMLExporter, TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
from nbformat import NotebookNode
from nbformat.v4 import new_code_cell, new_notebook, new_output

from eightd.reports.render import page_css
from eightd.views.case import ReportContext

__all__ = ["HtmlWriter"]

_TEMPLATES = Path(__file__).with_name("nbconvert")


class _ReportExporter(HTMLExporter):
    """HTMLExporter without its closing BeautifulSoup pass.

    That pass re-parses the whole page only to add alt texts to ``<img>`` tags and
    tab stops to ``.jp-Notebook`` cells; the report page has neither (its figures
    are inline SVG, its body is not a ``jp-Notebook``), and the pass costs more
    than the rest of the export.
    """

    def from_notebook_node(  # type: ignore[override]
        self, nb: NotebookNode, resources: dict[str, Any] | None = None, **kw: Any
    ) -> tuple[str, dict[str, Any]]:
        lexer = nb.metadata.get("language_info", {}).get("name")
        self.register_filter("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
        resources = self._init_resources(resources)
        self.register_filter(
            "filter_data_type",
            WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources
            ),
        )
        return TemplateExporter.from_notebook_node(self, nb, resources, **kw)


class HtmlWriter:
    """Reusable: building the exporter (its Jinja environment) is the costly part."""

    def __init__(self) -> None:
        self.exporter = _ReportExporter(
            template_name="eightd_report",
            extra_template_basedirs=[str(_TEMPLATES)],
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
            exclude_markdown=True,
            exclude_raw=True,
            exclude_unknown=True,
            # the notebook is checked once, after the preprocessors, not after each of
            # them (a dozen, nearly all switched off): 40 % of a page's export
            optimistic_validation=True,
        )

    def compile(self) -> None:
        """Get everything the first report needs ready now: the page template and the
        templates it extends are compiled on their first page, and the notebook
        validator on its first check (together about 0.15 s), so render a small page."""
        cell = new_code_cell(outputs=[new_output("display_data", data={"text/html": "<p></p>"})])
        nb = new_notebook(cells=[cell], metadata={"language_info": {"name": "python"}})
        self._export(nb, {"html_lang": "en", "title": "", "css": ""})

    def render(self, nb: NotebookNode, ctx: ReportContext) -> str:
        return self._export(
            nb,
            {
                "html_lang": "zh-CN" if ctx.lang == "zh" else "en",
                "title": f"{ctx.report_title} {ctx.file_stem}",
                "css": page_css(ctx),
            },
        )

    def _export(self, nb: NotebookNode, page: dict[str, str]) -> str:
        body, _ = self.exporter.from_notebook_node(nb, resources={"eightd": page})
        return str(body)

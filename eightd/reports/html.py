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
        )

    def compile(self) -> None:
        """Load and compile the page template now rather than on the first report."""
        _ = self.exporter.template

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

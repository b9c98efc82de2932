"""One 8D report: execute the template for a case, then write the requested files.

The executed notebook is the report's source of truth: it holds the context
(as JSON) and the figures, and it is kept beside the output files as
``<complaint number>-<product number>.ipynb``. The HTML comes from it through
nbconvert, the PDF from that HTML through Chromium, the Excel form from its
context. File names follow rule NU-2 and never leave the output folder.
"""

from __future__ import annotations

import asyncio
import base64
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING

from nbformat import NotebookNode

from eightd.domain import safe_file_part
from eightd.errors import ReportError
from eightd.reports.html import HtmlWriter
from eightd.reports.notebook import WarmKernel, load_template
from eightd.reports.pdf import print_pdf
from eightd.reports.request import ReportRequest, ReportResult
from eightd.reports.xlsx import write_xlsx
from eightd.views.case import REPORT_MIME, ReportContext

if TYPE_CHECKING:
    from eightd.reports.batch import ReportPool

__all__ = [
    "ReportWriter",
    "generate_report",
    "generate_report_async",
    "take_report_data",
    "write_report",
]


def _inside(out_dir: Path, name: str) -> Path:
    """``out_dir / name``, refusing any name that would land elsewhere."""
    path = (out_dir / name).resolve()
    if path.parent != out_dir:
        raise ReportError("report.error.outside_out", path=name, out=str(out_dir))
    return path


def take_report_data(nb: NotebookNode, path: Path) -> tuple[ReportContext, bytes]:
    """The context and the fishbone PNG the cells put into the executed notebook,
    removed from the in-memory copy (the saved notebook keeps them): the HTML page
    shows neither, and the exporter copies every output it is given."""
    ctx: ReportContext | None = None
    png = b""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if REPORT_MIME in data:
                ctx = ReportContext.from_dict(dict(data.pop(REPORT_MIME)))
            if cell.get("id") == "d4" and "image/png" in data:
                png = base64.b64decode(data.pop("image/png"))
    if ctx is None:
        raise ReportError("report.error.no_report_data", path=str(path))
    return ctx, png


class ReportWriter:
    """Produces reports one after another on one warm kernel (and one HTML exporter)."""

    def __init__(self, kernel: WarmKernel | None = None) -> None:
        self.kernel = kernel or WarmKernel()
        self._html: HtmlWriter | None = None

    def __enter__(self) -> ReportWriter:
        self.kernel.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.kernel.close()

    def warm_up(self) -> None:
        """Get ready for the first report: the HTML exporter is built while the kernel
        boots, then the kernel imports the report code."""
        self.kernel.launch()
        self.html.compile()
        self.kernel.start()
        self.kernel.preload("eightd.reports.cells")

    @property
    def html(self) -> HtmlWriter:
        if self._html is None:
            self._html = HtmlWriter()
        return self._html

    def write(self, request: ReportRequest) -> ReportResult:
        started = time.perf_counter()
        out_dir = Path(request.out_dir).resolve()
        out_dir.mkdir(parents=True, exist_ok=True)
        running = _inside(out_dir, safe_file_part(request.number) + ".ipynb")
        nb = self.kernel.execute(load_template(request.template), request.parameters(), running)
        ctx, fishbone_png = take_report_data(nb, running)
        files = {"ipynb": _inside(out_dir, ctx.file_stem + ".ipynb")}
        os.replace(running, files["ipynb"])
        if "html" in request.formats or "pdf" in request.formats:
            page = self.html.render(nb, ctx)
            html_path = _inside(out_dir, ctx.file_stem + ".html")
            if "html" in request.formats:
                html_path.write_text(page, encoding="utf-8")
                files["html"] = html_path
            if "pdf" in request.formats:
                files["pdf"] = self._pdf(page, html_path, _inside(out_dir, ctx.file_stem + ".pdf"))
        if "xlsx" in request.formats:
            files["xlsx"] = write_xlsx(
                ctx,
                _inside(out_dir, ctx.file_stem + ".xlsx"),
                fishbone_png=fishbone_png,
                attachments=request.attachments,
            )
        return ReportResult(request.number, files, time.perf_counter() - started)

    @staticmethod
    def _pdf(page: str, html_path: Path, pdf_path: Path) -> Path:
        if html_path.is_file():
            return print_pdf(html_path, pdf_path)
        # PDF without HTML: print from a hidden page beside it, then remove that
        scratch = html_path.with_name(f".{html_path.stem}.print.html")
        scratch.write_text(page, encoding="utf-8")
        try:
            return print_pdf(scratch, pdf_path)
        finally:
            scratch.unlink(missing_ok=True)


def write_report(request: ReportRequest) -> ReportResult:
    """Produce one report on a kernel of its own (started and stopped here)."""
    with ReportWriter() as writer:
        return writer.write(request)


def generate_report(request: ReportRequest) -> ReportResult:
    """Produce one report (a :class:`ReportRequest`, usually from
    ``Application.report_request``): start a kernel, run the template, stop the kernel.

    For many reports use :class:`~eightd.reports.batch.ReportPool` (warm kernels).
    Raises ReportError naming the failed notebook when a cell fails.
    """
    return write_report(request)


async def generate_report_async(
    request: ReportRequest, *, pool: ReportPool | None = None
) -> ReportResult:
    """:func:`generate_report` for an event loop (a Voilà callback): the work runs in a
    worker thread, or in ``pool``'s warm workers, so the loop keeps serving meanwhile."""
    if pool is not None:
        return await asyncio.wrap_future(pool.submit(request))
    return await asyncio.to_thread(write_report, request)

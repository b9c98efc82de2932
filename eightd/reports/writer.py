"""Writing one 8D report: execute the template for a case, then write the requested files
(used by :mod:`eightd.reports.generate` for a single report and by the warm workers of
:mod:`eightd.reports.batch`).

The executed notebook is the report's source of truth: it holds the context
(as JSON) and the figures, and it is kept beside the output files as
``<complaint number>-<product number>.ipynb``. The HTML page is its code cells'
outputs (:mod:`eightd.reports.html`), the PDF from that HTML through Chromium, the
Excel form from its context. File names follow rule NU-2 and never leave the output folder.
"""

from __future__ import annotations

import base64
import os
import time
from dataclasses import replace
from pathlib import Path

from nbformat import NotebookNode

from eightd.domain import safe_file_part
from eightd.errors import ReportError
from eightd.reports.files import (
    check_html,
    forget,
    remove_if_stopped,
    remove_stale,
    temporary_file,
    write_text_checked,
)
from eightd.reports.html import notebook_page
from eightd.reports.notebook import WarmKernel, default_template, load_template
from eightd.reports.pdf import PdfPrinter
from eightd.reports.request import PendingPdf, ReportRequest, ReportResult
from eightd.views.case import REPORT_MIME, ReportContext

__all__ = ["ReportWriter", "finish_pdf", "take_report_data", "write_report"]


def _inside(out_dir: Path, name: str) -> Path:
    """``out_dir / name``, refusing any name that would land elsewhere."""
    path = (out_dir / name).resolve()
    if path.parent != out_dir:
        raise ReportError("report.error.outside_out", path=name, out=str(out_dir))
    return path


def take_report_data(nb: NotebookNode, path: Path) -> tuple[ReportContext, bytes]:
    """The context and the fishbone PNG the cells put into the executed notebook,
    removed from the in-memory copy (the saved notebook keeps them): the HTML page
    shows neither. Both ride on HTML outputs (the header's and D4's), whatever cell
    they are in; a picture displayed on its own stays in the page."""
    ctx: ReportContext | None = None
    png = b""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if REPORT_MIME in data:
                ctx = ReportContext.from_dict(dict(data.pop(REPORT_MIME)))
            if not png and "text/html" in data and "image/png" in data:
                png = base64.b64decode(data.pop("image/png"))
    if ctx is None:
        raise ReportError("report.error.no_report_data", path=str(path))
    return ctx, png


class ReportWriter:
    """Produces reports one after another on one warm kernel (and one HTML exporter,
    and one Chromium once a PDF is asked for)."""

    def __init__(self, kernel: WarmKernel | None = None, printer: PdfPrinter | None = None) -> None:
        self.kernel = kernel or WarmKernel()
        self._printer = printer
        self._own_printer = printer is None

    def __enter__(self) -> ReportWriter:
        self.kernel.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        try:
            self.kernel.close()
        finally:
            if self._own_printer and self._printer is not None:
                self._printer.close()
                self._printer = None

    def abandon(self) -> None:
        """Stop the kernel at once, from a signal handler: nothing waits, nothing is asked."""
        self.kernel.abandon()

    def warm_up(self) -> None:
        """Get ready for the first report: start the kernel and wait until it answers
        (it imports the report code while it starts)."""
        self.kernel.start()

    @property
    def printer(self) -> PdfPrinter:
        if self._printer is None:
            self._printer = PdfPrinter()
        return self._printer

    def _execute(
        self, request: ReportRequest, out_dir: Path, running: Path
    ) -> tuple[NotebookNode, ReportContext, bytes, dict[str, Path]]:
        """Run the template into ``running``, then keep it as ``<stem>.ipynb``."""
        try:
            template = request.template or default_template()
            nb = self.kernel.execute(
                load_template(template), request.parameters(), running, source=str(template)
            )
            ctx, fishbone_png = take_report_data(nb, running)
            files = {"ipynb": _inside(out_dir, ctx.file_stem + ".ipynb")}
            os.replace(running, files["ipynb"])
        except ReportError as exc:
            # a failed run keeps its marked notebook under a name a user finds
            failed = _inside(out_dir, safe_file_part(request.number) + ".ipynb")
            if running.is_file():
                os.replace(running, failed)
            raise ReportError(exc.code, **{**exc.params, "path": str(failed)}) from exc
        except OSError as exc:  # e.g. a full disk while the notebook is saved
            raise ReportError(
                "report.error.write_failed", path=str(running), detail=exc.strerror or str(exc)
            ) from exc
        return nb, ctx, fishbone_png, files

    def write(self, request: ReportRequest, *, print_pdf: bool = True) -> ReportResult:
        """Produce every file of ``request``; each replaces its earlier version only when
        it is whole. With ``print_pdf=False`` the PDF is left to the caller
        (:attr:`ReportResult.pending_pdf`, see :func:`finish_pdf`)."""
        started = time.perf_counter()
        out_dir = Path(request.out_dir).resolve()
        out_dir.mkdir(parents=True, exist_ok=True)
        part = safe_file_part(request.number)
        remove_stale(out_dir, f".{part}.*.running.ipynb")
        remove_stale(out_dir, f".{part}-*.print.html")
        running = _inside(out_dir, f".{part}.{os.getpid()}.running.ipynb")
        with temporary_file(running):
            nb, ctx, fishbone_png, files = self._execute(request, out_dir, running)
        pending: PendingPdf | None = None
        if "html" in request.formats or "pdf" in request.formats:
            page = notebook_page(nb, ctx)
            html_path = _inside(out_dir, ctx.file_stem + ".html")
            if "html" in request.formats:
                files["html"] = write_text_checked(html_path, page, check_html)
            if "pdf" in request.formats:
                pdf_path = _inside(out_dir, ctx.file_stem + ".pdf")
                if "html" in request.formats:
                    pending = PendingPdf(html_path, pdf_path)
                else:  # PDF without HTML: print from a hidden page beside it
                    scratch = html_path.with_name(f".{html_path.stem}.{os.getpid()}.print.html")
                    remove_if_stopped(scratch)
                    scratch.write_text(page, encoding="utf-8")
                    pending = PendingPdf(scratch, pdf_path, scratch=True)
        if "xlsx" in request.formats:
            from eightd.reports.xlsx import write_xlsx  # openpyxl: only for Excel forms

            files["xlsx"] = write_xlsx(
                ctx,
                _inside(out_dir, ctx.file_stem + ".xlsx"),
                fishbone_png=fishbone_png,
                attachments=request.attachments,
            )
        result = ReportResult(request.number, files, time.perf_counter() - started, pending)
        return finish_pdf(result, self.printer) if print_pdf and pending else result


def finish_pdf(result: ReportResult, printer: PdfPrinter) -> ReportResult:
    """Print the PDF ``result`` left pending, on ``printer``'s browser."""
    pending = result.pending_pdf
    if pending is None:
        return result
    started = time.perf_counter()
    try:
        pdf = printer.print_pdf(pending.html, pending.pdf)
    finally:
        if pending.scratch:
            pending.html.unlink(missing_ok=True)
            forget(pending.html)
    return replace(
        result,
        files={**result.files, "pdf": pdf},
        seconds=result.seconds + time.perf_counter() - started,
        pending_pdf=None,
    )


def write_report(request: ReportRequest, *, kernel: WarmKernel | None = None) -> ReportResult:
    """Produce one report on a kernel of its own (started, unless ``kernel`` was launched
    already, and stopped here)."""
    writer = ReportWriter(kernel)
    try:
        return writer.write(request)
    finally:
        writer.close()

"""One 8D report: execute the template for a case, then write the requested files.

The executed notebook is the report's source of truth: it holds the context
(as JSON) and the figures, and it is kept beside the output files as
``<complaint number>-<product number>.ipynb``. The HTML page is its code cells'
outputs, the PDF from that HTML through Chromium, the Excel form from its
context (see :mod:`eightd.reports.writer`). File names follow rule NU-2 and never
leave the output folder.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from eightd.reports.request import ReportRequest, ReportResult
from eightd.reports.writer import ReportWriter, finish_pdf, take_report_data, write_report

if TYPE_CHECKING:
    from eightd.reports.batch import ReportPool

__all__ = [
    "ReportWriter",
    "finish_pdf",
    "generate_report",
    "generate_report_async",
    "take_report_data",
    "write_report",
]


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

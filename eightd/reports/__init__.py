"""8D reports of cases: HTML, PDF, Excel and the executed notebook.

::

    from eightd.application import Application

    app = Application.from_settings(settings)
    app.report("202611-0007", formats=["html", "pdf"], lang="zh", out_dir="reports")
    app.reports(numbers, out_dir="reports", jobs=2)          # warm kernels in parallel
    result = await app.report_async("202611-0007")           # Voilà

A :class:`ReportRequest` carries the case document and its view model
(:mod:`eightd.views`), never a way into the store: the application builds it
(``Application.report_request``) and :func:`generate_report`,
:func:`generate_reports` and :func:`generate_report_async` render it.

The names are loaded on first use: importing a light part (the request
values, the view model) does not pull in papermill, nbclient or openpyxl.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = [
    "FORMATS",
    "BatchItem",
    "ReportContext",
    "ReportPool",
    "ReportRequest",
    "ReportResult",
    "build_context",
    "generate_report",
    "generate_report_async",
    "generate_reports",
    "make_request",
    "write_report",
]

_WHERE = {
    "FORMATS": "request",
    "ReportRequest": "request",
    "ReportResult": "request",
    "make_request": "request",
    "ReportContext": "eightd.views.case",
    "build_context": "eightd.views.case",
    "generate_report": "generate",
    "generate_report_async": "generate",
    "write_report": "generate",
    "BatchItem": "batch",
    "ReportPool": "batch",
    "generate_reports": "batch",
}


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'eightd.reports' has no attribute {name!r}")
    where = _WHERE[name]
    module = where if "." in where else f"eightd.reports.{where}"
    return getattr(importlib.import_module(module), name)

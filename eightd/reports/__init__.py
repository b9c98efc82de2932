"""8D reports of cases: HTML, PDF, Excel and the executed notebook.

::

    from eightd.reports import generate_report, generate_reports, make_request

    generate_report("202611-0007", case_source=settings.database_url,
                    formats=["html", "pdf"], lang="zh", out_dir="reports")

    requests = [make_request(n, case_source=url, out_dir="reports") for n in numbers]
    generate_reports(requests, jobs=2, progress=True)        # warm kernels in parallel

    result = await generate_report_async("202611-0007", case_source=url)   # Voilà

The names are loaded on first use: importing a light part (the request
values, the view model) does not pull in nbconvert, papermill or openpyxl.
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
    "ReportContext": "context",
    "build_context": "context",
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
    return getattr(importlib.import_module(f"eightd.reports.{_WHERE[name]}"), name)

"""The view model of a case: what every screen and report shows of it.

:func:`build_context` turns a case and the policy's assessment of it into plain,
language-resolved rows (header, D0–D8 sections, the stage timeline with each
stage's state and due date, the review findings, the approval state). ``eightd
show``, every report format (HTML, PDF, Excel) and the workbench's case page
render this one model; none formats a case its own way. It round-trips
through JSON, so it crosses process boundaries (report kernels, batch workers).
"""

from eightd.views.case import (
    REPORT_MIME,
    ApprovalView,
    Block,
    FindingView,
    ReportContext,
    Row,
    Section,
    TimelineRow,
    build_context,
)

# the names the workbench and the CLI use
CaseView = ReportContext
build_view = build_context

__all__ = [
    "REPORT_MIME",
    "ApprovalView",
    "Block",
    "CaseView",
    "FindingView",
    "ReportContext",
    "Row",
    "Section",
    "TimelineRow",
    "build_context",
    "build_view",
]

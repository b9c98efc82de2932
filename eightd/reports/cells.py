"""What the cells of ``templates/8d_report.ipynb`` call, inside the report kernel.

The template stays thin: its ``parameters`` cell carries the complaint number,
the case document, its view model (built by the application, see
:mod:`eightd.views`), the language and the report date, and every other cell is
one call here. :func:`prepare` decodes them and draws the diagrams; the
:class:`ReportCells` methods display the header, the timeline and each
discipline as HTML outputs. The header output also carries the view model as
JSON (``REPORT_MIME``) and the D4 output the fishbone PNG, so the executed
notebook alone is enough to write the HTML, PDF and Excel files.

The kernel opens no store and reads no policy: it renders the data it is given.
"""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from eightd.diagrams import fishbone, five_whys
from eightd.domain import case_from_dict
from eightd.errors import ReportError
from eightd.i18n import normalize_lang
from eightd.reports.render import (
    attachments_html,
    figure_html,
    header_html,
    section_html,
    timeline_svg,
)
from eightd.views.case import REPORT_MIME, ReportContext

__all__ = ["REPORT_MIME", "ReportCells", "prepare"]

FISHBONE_PNG_DPI = 110


def _display(bundle: dict[str, Any]) -> None:
    from IPython.display import display

    display(bundle, raw=True)


@dataclass
class ReportCells:
    """One report's context and figures, displayed cell by cell."""

    context: ReportContext
    now: datetime
    figures: dict[str, str] = field(default_factory=dict)
    fishbone_png: bytes = b""
    # photos and evidence stored with the case: stage, name, media_type, uploaded_by, data
    # (base64), as the application read them
    files: tuple[dict[str, str], ...] = ()
    lang: str = "en"

    def header(self) -> None:
        _display({"text/html": header_html(self.context), REPORT_MIME: self.context.to_dict()})

    def timeline(self) -> None:
        svg = timeline_svg(self.context, self.now)
        _display({"text/html": figure_html(self.context.labels["timeline.title"], svg, "timeline")})

    def sections(self, *stages: str) -> None:
        """One output per discipline (``"D0"`` .. ``"D8"``)."""
        for stage in stages:
            page = section_html(self.context, stage, self.figures)
            page += attachments_html([f for f in self.files if f.get("stage") == stage], self.lang)
            bundle: dict[str, Any] = {"text/html": page}
            if stage == "D4" and self.fishbone_png:
                bundle["image/png"] = base64.b64encode(self.fishbone_png).decode("ascii")
            _display(bundle)


def prepare(
    complaint_number: str,
    *,
    case_document: dict[str, Any],
    view: dict[str, Any],
    lang: str,
    as_of: str = "",
    with_png: bool = False,
    attachments: list[dict[str, str]] | None = None,
) -> ReportCells:
    """Decode the case and its view model for one report and draw its diagrams.

    ``as_of`` is the report date-time (ISO 8601 with a zone) the view was built at.
    ``with_png`` adds the fishbone as PNG for the Excel form. ``attachments`` are the
    case's photos and evidence, printed at their stage.
    """
    # errors raised in this kernel from here on read in the report's language
    os.environ["EIGHTD_LANG"] = normalize_lang(lang)
    case = case_from_dict(case_document)
    if case.number != complaint_number:
        raise ReportError("report.error.no_case", number=complaint_number, source=case.number)
    context = ReportContext.from_dict(view)
    now = datetime.fromisoformat(as_of) if as_of else datetime.now(UTC)
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    figures = {"fishbone": fishbone(case, lang=lang).svg()}
    if any(c.whys for c in case.causes):
        figures["five_whys"] = five_whys(case, lang=lang).svg()
    png = fishbone(case, lang=lang).png(dpi=FISHBONE_PNG_DPI) if with_png else b""
    files = tuple(dict(f) for f in attachments or ())
    return ReportCells(context, now, figures, png, files, normalize_lang(lang))

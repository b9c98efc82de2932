"""What to produce for one report, and what was produced: plain values that cross
process boundaries (to batch workers) and import nothing heavy.

A request carries the data the report renders, the case document and its view
model (:mod:`eightd.views`), built by the application; a report kernel never
opens a store, so no database URL or password reaches a notebook."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from eightd.errors import ReportError
from eightd.i18n import default_lang, normalize_lang

__all__ = [
    "FORMATS",
    "PendingPdf",
    "ReportRequest",
    "ReportResult",
    "make_request",
    "parse_formats",
]

FORMATS: tuple[str, ...] = ("html", "pdf", "xlsx", "ipynb")


@dataclass(frozen=True)
class ReportRequest:
    """What to produce for one case: ``case`` is the case document (``case_to_dict``),
    ``view`` its view model (``ReportContext.to_dict()``, in ``lang``, as of ``as_of``)."""

    number: str
    case: Mapping[str, Any]
    view: Mapping[str, Any]
    out_dir: Path
    formats: tuple[str, ...] = ("html",)
    lang: str = "en"
    as_of: datetime | None = None
    template: Path | None = None
    # photos and evidence: stage, name, media_type, uploaded_by, data (base64)
    attachments: tuple[Mapping[str, str], ...] = ()

    def parameters(self) -> dict[str, object]:
        """The template's ``parameters`` cell values (papermill injects them)."""
        return {
            "complaint_number": self.number,
            "case_document": dict(self.case),
            "view": dict(self.view),
            "lang": self.lang,
            "as_of": self.as_of.isoformat() if self.as_of else "",
            "with_png": "xlsx" in self.formats,
            "attachments": [dict(a) for a in self.attachments],
        }


@dataclass(frozen=True)
class PendingPdf:
    """A PDF still to print from ``html`` (removed afterwards when ``scratch``)."""

    html: Path
    pdf: Path
    scratch: bool = False


@dataclass(frozen=True)
class ReportResult:
    number: str
    files: dict[str, Path] = field(default_factory=dict)  # format -> file, with "ipynb"
    seconds: float = 0.0
    # set when the PDF is printed by the caller's browser (a batch prints in one Chromium)
    pending_pdf: PendingPdf | None = None


def parse_formats(values: Iterable[str]) -> tuple[str, ...]:
    """``["html,pdf", "xlsx"]`` -> ``("html", "pdf", "xlsx")``; ReportError for an unknown one."""
    out: list[str] = []
    for value in values:
        for name in (v.strip().lower() for v in value.split(",")):
            if not name:
                continue
            if name not in FORMATS:
                raise ReportError(
                    "report.error.unknown_format", value=name, choices=", ".join(FORMATS)
                )
            if name not in out:
                out.append(name)
    return tuple(out) or ("html",)


def make_request(
    number: str,
    *,
    case: Mapping[str, Any],
    view: Mapping[str, Any],
    out_dir: str | Path = ".",
    formats: Iterable[str] = ("html",),
    lang: str | None = None,
    as_of: datetime | None = None,
    template: str | Path | None = None,
    attachments: Iterable[Mapping[str, str]] = (),
) -> ReportRequest:
    """A checked :class:`ReportRequest` (formats parsed, language normalized).

    Usually built by :meth:`eightd.application.Application.report_request`, which
    loads the case and its view model from the store."""
    return ReportRequest(
        number=number.strip(),
        case=case,
        view=view,
        out_dir=Path(out_dir),
        formats=parse_formats(formats),
        lang=normalize_lang(lang or default_lang()),
        as_of=as_of,
        template=Path(template) if template else None,
        attachments=tuple(attachments),
    )

"""What the cells of ``templates/8d_report.ipynb`` call, inside the report kernel.

The template stays thin: its ``parameters`` cell names the complaint, the case
source, the language and the report date, and every other cell is one call
here. :func:`prepare` loads the case, assesses it with the policy and builds
the :class:`~eightd.reports.context.ReportContext`; the :class:`ReportCells`
methods display the header, the timeline and each discipline as HTML outputs.
The header output also carries the context as JSON (``REPORT_MIME``) and the
D4 output the fishbone PNG, so the executed notebook alone is enough to write
the HTML, PDF and Excel files.

Stores, policies and export files are cached per process: a warm kernel pays
for opening them once, while each report still reads its case afresh.
"""

from __future__ import annotations

import base64
import json
import os
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eightd.diagrams import fishbone, five_whys
from eightd.domain import Case, parse_export
from eightd.errors import NotFoundError, ReportError
from eightd.i18n import normalize_lang
from eightd.policy import Assessment, CaseSummary, Policy, assess, load_policy
from eightd.reports.context import REPORT_MIME, ReportContext, build_context
from eightd.reports.render import figure_html, header_html, section_html, timeline_svg
from eightd.services.workflow import assess_case

if TYPE_CHECKING:
    from eightd.store import Store

__all__ = ["REPORT_MIME", "ReportCells", "load_assessed_case", "prepare"]

FISHBONE_PNG_DPI = 110


def _is_export_file(source: str) -> bool:
    return source.lower().endswith(".json")


@cache
def _store(url: str) -> Store:
    from eightd.store import open_store  # SQLAlchemy: only when reading from a store

    return open_store(url)


@dataclass(frozen=True)
class _Export:
    """An export file's cases, and their summaries for the same-kind escalation rule."""

    cases: dict[str, Case]
    summaries: tuple[CaseSummary, ...]


@cache
def _export(path: str, mtime_ns: int) -> _Export:
    with open(path, encoding="utf-8") as fh:
        cases = {c.number: c for c in parse_export(json.load(fh))}
    summaries = []
    for case in cases.values():
        with suppress(ValueError):  # a case without a receipt date has no summary
            summaries.append(CaseSummary.of(case))
    return _Export(cases, tuple(summaries))


@cache
def _policy(path: str, mtime_ns: int) -> Policy:
    return load_policy(path or None)


def load_assessed_case(
    number: str, source: str, policy: Policy, now: datetime
) -> tuple[Case, int | None, Assessment]:
    """The case, its stored version and the policy's assessment of it at ``now``, from a
    store URL or an export file (``.json``); other cases count for escalation."""
    if _is_export_file(source):
        file = Path(source).resolve()
        export = _export(str(file), file.stat().st_mtime_ns)
        if number not in export.cases:
            raise ReportError("report.error.no_case", number=number, source=str(file))
        case = export.cases[number]
        return case, None, assess(case, policy, now=now, others=export.summaries)
    store = _store(source)
    with store.uow() as uow:
        try:
            stored, assessment = assess_case(uow, number, policy, now=now)
        except NotFoundError as exc:  # the store's URL without its password
            raise ReportError("report.error.no_case", number=number, source=store.url) from exc
    return stored.case, stored.version, assessment


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

    def header(self) -> None:
        _display({"text/html": header_html(self.context), REPORT_MIME: self.context.to_dict()})

    def timeline(self) -> None:
        svg = timeline_svg(self.context, self.now)
        _display({"text/html": figure_html(self.context.labels["timeline.title"], svg, "timeline")})

    def sections(self, *stages: str) -> None:
        """One output per discipline (``"D0"`` .. ``"D8"``)."""
        for stage in stages:
            bundle: dict[str, Any] = {"text/html": section_html(self.context, stage, self.figures)}
            if stage == "D4" and self.fishbone_png:
                bundle["image/png"] = base64.b64encode(self.fishbone_png).decode("ascii")
            _display(bundle)


def prepare(
    complaint_number: str,
    *,
    case_source: str,
    lang: str,
    as_of: str = "",
    policy_path: str = "",
    with_png: bool = False,
) -> ReportCells:
    """Load, assess and lay out one case for its report.

    ``as_of`` is the report date-time (ISO 8601 with a zone; empty: now in the
    policy's time zone). ``with_png`` adds the fishbone as PNG for the Excel form.
    """
    # errors raised in this kernel from here on read in the report's language
    os.environ["EIGHTD_LANG"] = normalize_lang(lang)
    policy_file = Path(policy_path).resolve() if policy_path else None
    policy = _policy(str(policy_file or ""), policy_file.stat().st_mtime_ns if policy_file else 0)
    now = datetime.fromisoformat(as_of) if as_of else datetime.now(policy.tz)
    if now.tzinfo is None:
        now = now.replace(tzinfo=policy.tz)
    case, version, assessment = load_assessed_case(complaint_number, case_source, policy, now)
    context = build_context(case, assessment, lang=lang, now=now, version=version)
    figures = {"fishbone": fishbone(case, lang=lang).svg()}
    if any(c.whys for c in case.causes):
        figures["five_whys"] = five_whys(case, lang=lang).svg()
    png = fishbone(case, lang=lang).png(dpi=FISHBONE_PNG_DPI) if with_png else b""
    return ReportCells(context, now, figures, png)

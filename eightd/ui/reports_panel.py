"""Reports from the case page: HTML, PDF and Excel made in the background (the page keeps
working, a progress bar runs), then offered as downloads."""

from __future__ import annotations

import asyncio
import base64
import mimetypes
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from eightd.ui.host import CaseHost
from eightd.ui.style import esc

__all__ = ["ReportsPanel"]

FORMATS = ("html", "pdf", "xlsx")
MIME = {
    "html": "text/html",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class ReportsPanel:
    def __init__(self, page: CaseHost) -> None:
        self.page = page
        s = page.session
        self.buttons = []
        for fmt in FORMATS:
            button = widgets.Button(
                description=s.t(f"ui.report.{fmt}"),
                layout=widgets.Layout(width="auto"),
            )
            button.add_class(f"ed-report-{fmt}")
            button.on_click(self._start(fmt))
            self.buttons.append(button)
        self.progress = widgets.FloatProgress(
            value=0, min=0, max=1, layout=widgets.Layout(width="220px", display="none")
        )
        self.status = widgets.HTML("")
        self.status.add_class("ed-report-status")
        self.links = widgets.HTML("")
        self.links.add_class("ed-report-links")
        row = widgets.HBox(
            [
                widgets.HTML(f'<span class="ed-label">{esc(s.t("ui.report.title"))}</span>'),
                *self.buttons,
                self.progress,
                self.status,
            ],
            layout=widgets.Layout(align_items="center", margin="10px 0 0 0"),
        )
        self.widget = widgets.VBox([row, self.links])
        self.task: asyncio.Future[None] | None = None  # the report being made

    def _start(self, fmt: str) -> Any:
        def handler(_b: Any) -> None:
            self.task = asyncio.ensure_future(self._make(fmt))

        return handler

    async def _make(self, fmt: str) -> None:
        s = self.page.session
        app = s.app
        for b in self.buttons:
            b.disabled = True
        self.progress.layout.display = ""
        self.progress.value = 0.05
        self.status.value = esc(s.t("ui.report.working"))
        started = time.monotonic()
        out_dir = Path(tempfile.mkdtemp(prefix="eightd-report-"))
        # the application reads the case off the event loop and renders it in a worker:
        # the page keeps answering while the bar moves
        task = asyncio.ensure_future(
            app.report_async(self.page.number, formats=(fmt,), out_dir=out_dir, lang=s.lang)
        )
        try:
            while not task.done():
                # an estimate: reports take a few seconds; the bar approaches the end
                elapsed = time.monotonic() - started
                self.progress.value = min(0.95, 1 - 1 / (1 + elapsed / 4))
                await asyncio.sleep(0.25)
            result = task.result()
            path = result.files[fmt]
            self.progress.value = 1
            self.links.value = self.links.value + _download_link(
                path, fmt, s.t("ui.report.download")
            )
            self.status.value = esc(s.t("ui.report.done", seconds=f"{result.seconds:.1f}"))
        except Exception as exc:
            self.page.feedback.error(exc)
            self.status.value = ""
        finally:
            shutil.rmtree(out_dir, ignore_errors=True)  # the file now lives in the page
            for b in self.buttons:
                b.disabled = False
            self.progress.layout.display = "none"


def _download_link(path: Path, fmt: str, caption: str) -> str:
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    mime = MIME.get(fmt) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return (
        f'<div><a class="ed-download ed-download-{esc(fmt)}" download="{esc(path.name)}" '
        f'href="data:{mime};base64,{data}">⬇ {esc(caption)} {esc(path.name)}</a></div>'
    )

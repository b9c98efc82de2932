"""PDF through headless Chromium: the report's HTML printed on A4.

:class:`PdfPrinter` starts one Chromium and drives it over the DevTools
protocol on a pair of pipes (``--remote-debugging-pipe``): every report of a
batch is loaded into a tab of the same browser and printed with
``Page.printToPDF`` (a tab is reused once its report is printed: one tab per
report printed at the same time), so a report costs its printing, not a browser
start nor a new tab's renderer. The browser dies with the printer's process
(``PR_SET_PDEATHSIG`` on Linux, and it quits when its pipe closes), so a killed
batch leaves no Chromium behind.

The page size, margins and the "page n of m" footer come from the style
sheet's ``@page`` rules (CSS paged media), so Chromium's own header and
footer are switched off. Chinese text needs a CJK font on the system (Debian:
``fonts-noto-cjk``); the style sheet asks for Noto Sans CJK SC first.
"""

from __future__ import annotations

import base64
import contextlib
import ctypes
import fcntl
import itertools
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from eightd.errors import MissingDependencyError, ReportError
from eightd.i18n import t
from eightd.reports.files import check_pdf, write_bytes_checked

__all__ = ["PdfPrinter", "find_chromium", "print_pdf"]

_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
_TIMEOUT_S = 120
_PR_SET_PDEATHSIG = 1


def find_chromium() -> str:
    """EIGHTD_CHROMIUM, else the first Chromium on PATH."""
    if env := os.environ.get("EIGHTD_CHROMIUM"):
        return env
    for name in _CANDIDATES:
        if found := shutil.which(name):
            return found
    raise MissingDependencyError(
        what=t("report.error.no_chromium"), hint=t("report.error.no_chromium_hint")
    )


def _die_with_parent() -> Any:
    """A ``preexec_fn`` asking Linux to kill the child when its parent dies."""
    if not sys.platform.startswith("linux"):
        return None
    libc = ctypes.CDLL(None, use_errno=True)

    def preexec() -> None:
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)

    return preexec


def _high_fd(fd: int) -> int:
    """``fd`` moved above 10, so placing the pipes on 3 and 4 in the child cannot clash."""
    moved = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return moved


class _Failed(Exception):
    """Chromium answered a command with an error, or went away."""


class PdfPrinter:
    """One Chromium for many PDFs; thread-safe. Use as a context manager, or :meth:`close`."""

    def __init__(self, *, timeout: float = _TIMEOUT_S) -> None:
        self.timeout = timeout
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._profile: str | None = None
        self._write_fd = -1
        self._ids = itertools.count(1)
        self._pending: dict[int, Future[dict[str, Any]]] = {}
        self._events: dict[tuple[str, str], Future[dict[str, Any]]] = {}
        self._reader: threading.Thread | None = None
        self._tabs: list[str] = []  # sessions of the tabs no report is using
        self._launches = 0  # which browser a tab belongs to

    def __enter__(self) -> PdfPrinter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the browser

    def start(self) -> None:
        with self._lock:
            if self._proc is None or self._proc.poll() is not None:
                self._launch()

    def _launch(self) -> None:
        browser = find_chromium()
        self._profile = tempfile.mkdtemp(prefix="eightd-chromium-")
        to_browser_r, to_browser_w = map(_high_fd, os.pipe())
        from_browser_r, from_browser_w = map(_high_fd, os.pipe())
        command = [
            browser,
            "--headless",
            "--disable-gpu",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-extensions",
            "--remote-debugging-pipe",
            f"--user-data-dir={self._profile}",
            "about:blank",
        ]
        if os.geteuid() == 0:  # Chromium refuses to run as root inside its sandbox
            command.insert(1, "--no-sandbox")
        pdeathsig = _die_with_parent()

        def preexec() -> None:
            os.dup2(to_browser_r, 3)  # Chromium reads commands from fd 3 ...
            os.dup2(from_browser_w, 4)  # ... and writes answers to fd 4
            if pdeathsig is not None:
                pdeathsig()

        try:
            self._proc = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                # fds are not inherited unless marked so (PEP 446): only 3 and 4 are, by dup2
                close_fds=False,
                preexec_fn=preexec,
            )
        except OSError as exc:
            for fd in (to_browser_r, to_browser_w, from_browser_r, from_browser_w):
                os.close(fd)
            raise MissingDependencyError(
                what=t("report.error.no_chromium"), hint=t("report.error.no_chromium_hint")
            ) from exc
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._write_fd = to_browser_w
        self._pending.clear()
        self._events.clear()
        self._tabs.clear()
        self._launches += 1
        self._reader = threading.Thread(
            target=self._read, args=(from_browser_r,), name="eightd-chromium", daemon=True
        )
        self._reader.start()

    def _read(self, fd: int) -> None:
        buffer = b""
        try:
            while chunk := os.read(fd, 1 << 20):
                buffer += chunk
                while b"\0" in buffer:
                    raw, buffer = buffer.split(b"\0", 1)
                    self._dispatch(json.loads(raw))
        except OSError:
            pass
        finally:
            os.close(fd)
            gone = _Failed("Chromium exited")
            with self._lock:
                waiting = [*self._pending.values(), *self._events.values()]
                self._pending.clear()
                self._events.clear()
            for future in waiting:
                if not future.done():
                    future.set_exception(gone)

    def _dispatch(self, message: dict[str, Any]) -> None:
        with self._lock:
            if "id" in message:
                future = self._pending.pop(message["id"], None)
            else:
                future = self._events.pop((message.get("sessionId", ""), message["method"]), None)
        if future is None or future.done():
            return
        if "error" in message:
            future.set_exception(_Failed(message["error"].get("message", "?")))
        else:
            future.set_result(message.get("result", message.get("params", {})))

    def _send(self, method: str, params: dict[str, Any], session: str = "") -> dict[str, Any]:
        future: Future[dict[str, Any]] = Future()
        with self._lock:
            number = next(self._ids)
            self._pending[number] = future
            message: dict[str, Any] = {"id": number, "method": method, "params": params}
            if session:
                message["sessionId"] = session
            data = json.dumps(message).encode("utf-8") + b"\0"
            try:
                while data:
                    data = data[os.write(self._write_fd, data) :]
            except OSError as exc:
                self._pending.pop(number, None)
                raise _Failed(f"Chromium is gone ({exc.strerror})") from exc
        return future.result(timeout=self.timeout)

    def _expect(self, session: str, event: str) -> Future[dict[str, Any]]:
        future: Future[dict[str, Any]] = Future()
        with self._lock:
            self._events[(session, event)] = future
        return future

    # -- printing

    def render(self, html_path: Path) -> bytes:
        """The PDF of ``html_path`` (a local file) as bytes."""
        self.start()
        session, launch = self._take_tab()
        loaded = self._expect(session, "Page.loadEventFired")
        self._send("Page.navigate", {"url": html_path.resolve().as_uri()}, session)
        loaded.result(timeout=self.timeout)
        printed = self._send(
            "Page.printToPDF",
            {"printBackground": True, "preferCSSPageSize": True, "displayHeaderFooter": False},
            session,
        )
        with self._lock:
            if launch == self._launches:  # not a tab of a browser stopped meanwhile
                self._tabs.append(session)
        return base64.b64decode(printed["data"])

    def _take_tab(self) -> tuple[str, int]:
        """An idle tab, or a new one; with the browser it belongs to."""
        with self._lock:
            if self._tabs:
                return self._tabs.pop(), self._launches
            launch = self._launches
        target = self._send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self._send("Target.attachToTarget", {"targetId": target, "flatten": True})
        self._send("Page.enable", {}, session["sessionId"])
        return session["sessionId"], launch

    def print_pdf(self, html_path: Path, pdf_path: Path) -> Path:
        """Print ``html_path`` to ``pdf_path`` (replaced only by a whole, checked PDF)."""
        try:
            data = self.render(html_path)
        except (_Failed, TimeoutError) as exc:
            self._stop()  # a hung or dead browser is started afresh for the next report
            raise ReportError(
                "report.error.pdf_failed", path=str(pdf_path), detail=str(exc) or "timeout"
            ) from exc
        return write_bytes_checked(pdf_path, data, check_pdf)

    def _stop(self) -> None:
        with self._lock:
            proc, self._proc = self._proc, None
            fd, self._write_fd = self._write_fd, -1
        if fd >= 0:
            with contextlib.suppress(OSError):
                os.close(fd)  # Chromium quits when its command pipe closes
        if proc is not None:
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if self._reader is not None:
            self._reader.join(timeout=5)
            self._reader = None
        if self._profile:
            shutil.rmtree(self._profile, ignore_errors=True)
            self._profile = None

    def close(self) -> None:
        self._stop()


def print_pdf(html_path: Path, pdf_path: Path) -> Path:
    """Print ``html_path`` to ``pdf_path`` on a browser of its own and return it."""
    with PdfPrinter() as printer:
        return printer.print_pdf(html_path, pdf_path)

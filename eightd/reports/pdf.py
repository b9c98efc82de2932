"""PDF through headless Chromium: the report's HTML printed on A4.

The page size, margins and the "page n of m" footer come from the style
sheet's ``@page`` rules (CSS paged media), so Chromium's own header and
footer are switched off. Chinese text needs a CJK font on the system (Debian:
``fonts-noto-cjk``); the style sheet asks for Noto Sans CJK SC first.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from eightd.errors import MissingDependencyError, ReportError
from eightd.i18n import t

__all__ = ["find_chromium", "print_pdf"]

_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
_TIMEOUT_S = 120


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


def print_pdf(html_path: Path, pdf_path: Path) -> Path:
    """Print ``html_path`` to ``pdf_path`` and return it."""
    browser = find_chromium()
    # a private profile per run: parallel workers must not share Chromium's profile lock
    with tempfile.TemporaryDirectory(prefix="eightd-chromium-") as profile:
        command = [
            browser,
            "--headless",
            "--disable-gpu",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-extensions",
            "--no-pdf-header-footer",
            f"--user-data-dir={profile}",
            f"--print-to-pdf={pdf_path}",
            html_path.resolve().as_uri(),
        ]
        if os.geteuid() == 0:  # Chromium refuses to run as root inside its sandbox
            command.insert(1, "--no-sandbox")
        try:
            done = subprocess.run(command, capture_output=True, timeout=_TIMEOUT_S, check=False)
        except OSError as exc:
            raise MissingDependencyError(
                what=t("report.error.no_chromium"), hint=t("report.error.no_chromium_hint")
            ) from exc
        except subprocess.TimeoutExpired as exc:
            raise ReportError(
                "report.error.pdf_failed", path=str(pdf_path), detail=f"timeout {_TIMEOUT_S} s"
            ) from exc
    if done.returncode != 0 or not pdf_path.is_file() or pdf_path.stat().st_size == 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["?"]
        raise ReportError("report.error.pdf_failed", path=str(pdf_path), detail=detail[0])
    return pdf_path

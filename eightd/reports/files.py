"""Report files are replaced whole or not at all.

Each file is written to a hidden temporary file in its own folder, checked
(a PDF must end with ``%%EOF`` and hold pages, an Excel form must be a zip that
openpyxl loads, an HTML page must be complete), flushed to disk and only then
renamed over the final name. A crash, a kill or a full disk while writing
leaves the previous report untouched and at most a stray ``.<name>.<pid>.part.<ext>`` file,
which the next report of the same case removes.
"""

from __future__ import annotations

import contextlib
import os
import re
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

from eightd.errors import ReportError

__all__ = [
    "abandon_temporary_files",
    "check_html",
    "check_pdf",
    "check_xlsx",
    "forget",
    "pdf_page_count",
    "remove_if_stopped",
    "remove_stale",
    "replace_checked",
    "temporary_file",
    "write_bytes_checked",
    "write_text_checked",
]

_PART = ".part"


def _temporary(path: Path) -> Path:
    # the suffix stays last: readers (openpyxl) tell a format by it
    return path.with_name(f".{path.stem}.{os.getpid()}{_PART}{path.suffix}")


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_stale_parts(path: Path) -> None:
    """Temporary files an earlier, killed run left for this report file."""
    pattern = f".{_glob_escape(path.stem)}.*{_PART}{_glob_escape(path.suffix)}"
    remove_stale(path.parent, pattern)


def remove_stale(folder: Path, pattern: str) -> None:
    """Remove the hidden files matching ``pattern`` (``.<name>.<pid>.<rest>``) whose
    process is gone: what a killed run left. A running process's files stay."""
    for stale in folder.glob(pattern):
        pid = stale.name.rsplit(".", 3)[-3] if stale.name.count(".") >= 3 else ""
        if pid.isdigit() and _running(int(pid)):
            continue
        with contextlib.suppress(OSError):
            stale.unlink()


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return False  # this process starts a new file: an older one of its own is stale
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _glob_escape(name: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", name)


# temporary files being written by this process: removed by a worker stopped mid-report
_in_progress: set[Path] = set()


@contextlib.contextmanager
def temporary_file(temp: Path) -> Iterator[Path]:
    """``temp``, removed when the block ends (and by :func:`abandon_temporary_files`)."""
    _in_progress.add(temp)
    try:
        yield temp
    finally:
        _in_progress.discard(temp)
        with contextlib.suppress(OSError):
            temp.unlink()


def remove_if_stopped(path: Path) -> None:
    """Count ``path`` as a temporary file of this process until :func:`forget` is called."""
    _in_progress.add(path)


def forget(path: Path) -> None:
    _in_progress.discard(path)


def abandon_temporary_files() -> None:
    """Remove every temporary file in progress (a process about to be stopped)."""
    for temp in list(_in_progress):
        with contextlib.suppress(OSError):
            temp.unlink()


def replace_checked(
    path: Path, write: Callable[[Path], object], check: Callable[[Path], None]
) -> Path:
    """Call ``write(temp)``, then ``check(temp)``, then rename ``temp`` to ``path``.

    Any failure (``OSError`` such as a full disk included) leaves ``path`` as it
    was and raises ReportError naming ``path``.
    """
    _remove_stale_parts(path)
    with temporary_file(_temporary(path)) as temp:
        try:
            write(temp)
            check(temp)
            _fsync(temp)
        except OSError as exc:
            raise ReportError(
                "report.error.write_failed", path=str(path), detail=f"{exc.strerror or exc}"
            ) from exc
        os.replace(temp, path)
    return path


def write_bytes_checked(path: Path, data: bytes, check: Callable[[Path], None]) -> Path:
    return replace_checked(path, lambda temp: temp.write_bytes(data), check)


def write_text_checked(path: Path, text: str, check: Callable[[Path], None]) -> Path:
    return replace_checked(path, lambda temp: temp.write_bytes(text.encode("utf-8")), check)


def _incomplete(path: Path, detail: str) -> ReportError:
    return ReportError("report.error.incomplete", path=str(path), detail=detail)


_PAGE_COUNT = re.compile(
    rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)|/Count\s+(\d+)[^>]*?/Type\s*/Pages\b"
)


def pdf_page_count(data: bytes) -> int:
    """Pages of a PDF from its page tree root(s) (0 when none is found)."""
    counts = [int(a or b) for a, b in _PAGE_COUNT.findall(data)]
    return max(counts, default=0)


def check_pdf(path: Path) -> None:
    """A whole PDF: the header, ``%%EOF`` at its end and at least one page."""
    data = path.read_bytes()
    if not data.startswith(b"%PDF-"):
        raise _incomplete(path, "no %PDF- header")
    if b"%%EOF" not in data[-1024:]:
        raise _incomplete(path, "no %%EOF at the end")
    if pdf_page_count(data) < 1:
        raise _incomplete(path, "no pages")


def check_xlsx(path: Path) -> None:
    """A whole workbook: a sound zip that openpyxl opens, with a sheet."""
    try:
        with zipfile.ZipFile(path) as archive:
            bad = archive.testzip()
        if bad is not None:
            raise _incomplete(path, f"corrupt member {bad}")
        from openpyxl import load_workbook

        workbook = load_workbook(path, read_only=True)
        try:
            if not workbook.sheetnames:
                raise _incomplete(path, "no sheet")
        finally:
            workbook.close()
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise _incomplete(path, f"{type(exc).__name__}: {exc}") from exc


def check_html(path: Path) -> None:
    """A whole page: not empty, and closed by ``</html>``."""
    tail = path.read_bytes()[-64:].rstrip()
    if not tail.lower().endswith(b"</html>"):
        raise _incomplete(path, "the page does not end with </html>")

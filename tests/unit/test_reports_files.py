"""Report files are replaced only by whole, checked files."""

from __future__ import annotations

import errno
import subprocess
from pathlib import Path

import pytest
from openpyxl import Workbook

from eightd.errors import ReportError
from eightd.reports.files import (
    check_html,
    check_pdf,
    check_xlsx,
    pdf_page_count,
    remove_stale,
    replace_checked,
    write_bytes_checked,
)

PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
    b"3 0 obj << /Type /Page /Parent 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
)


def test_a_truncated_pdf_never_replaces_the_previous_one(tmp_path: Path) -> None:
    target = tmp_path / "r.pdf"
    target.write_bytes(PDF)
    with pytest.raises(ReportError, match="incomplete"):
        write_bytes_checked(target, PDF[: len(PDF) // 2], check_pdf)
    assert target.read_bytes() == PDF
    assert [p.name for p in tmp_path.iterdir()] == ["r.pdf"]


def test_a_pdf_without_pages_is_refused(tmp_path: Path) -> None:
    empty = PDF.replace(b"/Count 1", b"/Count 0")
    assert pdf_page_count(empty) == 0 and pdf_page_count(PDF) == 1
    with pytest.raises(ReportError, match="no pages"):
        write_bytes_checked(tmp_path / "r.pdf", empty, check_pdf)
    assert not list(tmp_path.iterdir())


def test_a_full_disk_while_writing_keeps_the_previous_file(tmp_path: Path) -> None:
    target = tmp_path / "r.html"
    target.write_text("<html>old</html>", encoding="utf-8")

    def half_then_full(temp: Path) -> None:
        temp.write_text("<html>new, cut", encoding="utf-8")
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(ReportError, match="No space left on device") as caught:
        replace_checked(target, half_then_full, check_html)
    assert caught.value.params["path"] == str(target)
    assert "unchanged" in str(caught.value)
    assert target.read_text(encoding="utf-8") == "<html>old</html>"
    assert [p.name for p in tmp_path.iterdir()] == ["r.html"]


def test_an_empty_or_cut_workbook_is_refused_and_a_whole_one_replaces(tmp_path: Path) -> None:
    target = tmp_path / "r.xlsx"
    with pytest.raises(ReportError):
        write_bytes_checked(target, b"", check_xlsx)
    whole = tmp_path / "whole.xlsx"
    Workbook().save(whole)
    data = whole.read_bytes()
    with pytest.raises(ReportError):
        write_bytes_checked(target, data[: len(data) - 100], check_xlsx)
    assert not target.exists()
    write_bytes_checked(target, data, check_xlsx)
    assert target.read_bytes() == data


def test_a_page_cut_before_its_end_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ReportError, match="</html>"):
        write_bytes_checked(tmp_path / "r.html", b"<html><body>half", check_html)
    with pytest.raises(ReportError):
        write_bytes_checked(tmp_path / "r.html", b"", check_html)


def test_parts_left_by_a_killed_run_are_removed_by_the_next(tmp_path: Path) -> None:
    dead = _dead_pid()  # not a fixed number: any fixed PID may be a live process here
    stale = tmp_path / f".r.{dead}.part.pdf"
    stale.write_bytes(PDF[:10])
    other = tmp_path / f".q.{dead}.part.pdf"  # another report's: left alone
    other.write_bytes(PDF[:10])
    write_bytes_checked(tmp_path / "r.pdf", PDF, check_pdf)
    assert sorted(p.name for p in tmp_path.iterdir()) == [f".q.{dead}.part.pdf", "r.pdf"]


def test_stale_files_of_a_dead_process_go_and_a_live_process_keeps_its_own(
    tmp_path: Path,
) -> None:
    child = subprocess.Popen(["sleep", "30"])
    try:
        gone = tmp_path / f".r.{_dead_pid()}.running.ipynb"
        alive = tmp_path / f".r.{child.pid}.running.ipynb"
        for path in (gone, alive):
            path.write_text("{}", encoding="utf-8")
        remove_stale(tmp_path, ".r.*.running.ipynb")
        assert not gone.exists() and alive.exists()
    finally:
        child.kill()
        child.wait()


def _dead_pid() -> int:
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid

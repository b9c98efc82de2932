"""Complaint numbers (rule NU-1) and report file names (rule NU-2)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from eightd.domain import ComplaintNumber, report_file_stem, safe_file_part
from eightd.errors import ValidationError


def test_complaint_number_format_and_period():
    number = ComplaintNumber.parse("202611-0007")
    assert (number.year, number.month, number.serial) == (2026, 11, 7)
    assert number.period == "202611"
    assert str(number) == "202611-0007"
    assert ComplaintNumber.period_of(date(2026, 11, 30)) == "202611"
    assert ComplaintNumber.period_of(datetime(2027, 1, 1, 0, 5)) == "202701"


def test_complaint_numbers_sort_by_period_then_serial():
    numbers = [ComplaintNumber.parse(t) for t in ("202612-0001", "202611-0010", "202611-0002")]
    assert [str(n) for n in sorted(numbers)] == ["202611-0002", "202611-0010", "202612-0001"]


def test_serial_beyond_9999_keeps_its_digits():
    assert str(ComplaintNumber.parse("202611-12345")) == "202611-12345"


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-0007",
        "202613-0001",
        "202600-0001",
        "202611-0000",
        "202611-7",
        "18991-0001",
        "",
        "x",
    ],
)
def test_malformed_complaint_number_is_rejected_naming_the_field(text):
    with pytest.raises(ValidationError) as info:
        ComplaintNumber.parse(text, field="cases[2].number")
    assert info.value.field == "cases[2].number"
    assert info.value.reason_code == "error.reason.bad_complaint_number"


def test_report_file_stem_is_number_and_product():
    assert report_file_stem("202611-0007", "AE-ECU-4471") == "202611-0007-AE-ECU-4471"


@pytest.mark.parametrize(
    "product", ["../../etc/passwd", "..\\..\\win.ini", "/abs/path", "a/../../b", "..", "\x00x", " "]
)
def test_report_file_stem_cannot_escape_directory(product, tmp_path):
    stem = report_file_stem("202611-0007", product)
    assert "/" not in stem and "\\" not in stem and ".." not in stem and "\x00" not in stem
    target = (tmp_path / f"{stem}.pdf").resolve()
    assert target.parent == Path(tmp_path).resolve()


def test_safe_file_part_keeps_chinese_and_is_bounded():
    assert safe_file_part("钛架 TF-2217") == "钛架_TF-2217"
    assert len(safe_file_part("x" * 500)) == 80

"""Complaint numbers ``YYYYMM-NNNN`` (rule NU-1): year, month, a serial per month."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from eightd.errors import ValidationError

__all__ = ["ComplaintNumber", "report_file_stem", "safe_file_part"]

_PATTERN = re.compile(r"^(\d{4})(\d{2})-(\d{4,6})$")


@dataclass(frozen=True, order=True)
class ComplaintNumber:
    year: int
    month: int
    serial: int

    @property
    def period(self) -> str:
        """The numbering period, ``YYYYMM``: serials restart each month."""
        return f"{self.year:04d}{self.month:02d}"

    def __str__(self) -> str:
        return f"{self.period}-{self.serial:04d}"

    @classmethod
    def parse(cls, text: str, field: str = "number") -> ComplaintNumber:
        match = _PATTERN.match(text.strip()) if isinstance(text, str) else None
        if not match:
            raise ValidationError(field, "error.reason.bad_complaint_number", value=text)
        year, month, serial = (int(g) for g in match.groups())
        if not 1 <= month <= 12 or year < 1900 or serial < 1:
            raise ValidationError(field, "error.reason.bad_complaint_number", value=text)
        return cls(year, month, serial)

    @staticmethod
    def period_of(moment: date | datetime) -> str:
        return f"{moment.year:04d}{moment.month:02d}"


_UNSAFE = re.compile(r"[^\w.\-]+", re.UNICODE)


def safe_file_part(text: str) -> str:
    """A piece of a file name: no path separators, no ``..``, no control characters."""
    cleaned = _UNSAFE.sub("_", text.strip()).strip("._") or "_"
    while ".." in cleaned:
        cleaned = cleaned.replace("..", ".")
    return cleaned[:80]


def report_file_stem(number: str, product_number: str) -> str:
    """Rule NU-2: the report is named ``<complaint number>-<product number>``."""
    return f"{safe_file_part(number)}-{safe_file_part(product_number)}"

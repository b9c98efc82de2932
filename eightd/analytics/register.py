"""Import of legacy complaint registers (投诉登记台账) from .xlsx and .csv, and export of the
ledger as the same kind of register.

A register is a table with one complaint per row. A mapping (TOML, optional) names which
column holds which field; without one, common Chinese and English headers are recognised.
Every row is checked before anything is written: each bad row is reported with its row
number, column and reason. The user chooses all-or-nothing (the default) or "good rows in,
bad rows to a reject file". Each imported row is remembered by its register number (or, when
the register has none, by a hash of its content), so importing the same file again adds
nothing.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import tomllib
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from eightd.domain import (
    Callback,
    CallbackOutcome,
    Case,
    CaseStatus,
    Channel,
    Closure,
    ClosureKind,
    ComplaintCategory,
    ComplaintNumber,
    DefectKind,
    FoundAt,
    Grading,
    Intake,
    Severity,
    Stage,
    StageEvent,
    StageEventKind,
    TeamMember,
    TeamRole,
    validate_case,
)
from eightd.errors import ValidationError
from eightd.i18n import LANGS, joined, t
from eightd.policy import Policy
from eightd.store.tables import register_imports

__all__ = [
    "FIELDS",
    "ImportReport",
    "RegisterMap",
    "RowProblem",
    "import_register",
    "load_map",
    "read_table",
]

MAX_BYTES = 256 * 1024 * 1024


# ---------------------------------------------------------------- the mapping


# field -> headers recognised without a mapping file (compared without spaces and case)
FIELDS: dict[str, tuple[str, ...]] = {
    "ref": (
        "投诉编号",
        "投诉序号",
        "登记编号",
        "编号",
        "序号",
        "no",
        "no.",
        "id",
        "ref",
        "complaintno",
        "complaintnumber",
    ),
    "received_at": (
        "投诉日期",
        "投诉时间",
        "受理时间",
        "受理日期",
        "登记日期",
        "date",
        "received",
        "receivedat",
        "receiveddate",
    ),
    "customer_name": ("客户名称", "顾客名称", "客户", "顾客", "投诉人", "customer", "customername"),
    "customer_code": ("客户代号", "客户编码", "顾客代号", "customercode"),
    "product_number": (
        "产品编号",
        "料号",
        "品号",
        "产品型号",
        "型号",
        "product",
        "productnumber",
        "partnumber",
        "productno",
    ),
    "product_name": ("产品名称", "品名", "商品名称", "productname"),
    "defect_description": (
        "投诉内容",
        "问题描述",
        "投诉事项",
        "不良描述",
        "缺陷描述",
        "投诉问题",
        "description",
        "complaint",
        "problem",
        "defect",
    ),
    "title": ("标题", "主题", "title", "subject"),
    "category": ("投诉类别", "投诉类型", "类别", "category", "type"),
    "channel": ("投诉渠道", "渠道", "channel"),
    "found_at": ("发现环节", "发现地点", "foundat"),
    "defect_kinds": ("缺陷类型", "不良类型", "defectkind", "defectkinds"),
    "severity": ("等级", "严重程度", "投诉等级", "severity", "grade"),
    "site": ("门店", "工厂", "店铺", "site", "store", "plant"),
    "department": ("处理部门", "责任部门", "department", "handlingdepartment"),
    "owner": ("负责人", "处理人", "owner"),
    "contact_person": ("联系人", "contact", "contactperson"),
    "contact_details": ("联系方式", "联系电话", "电话", "phone", "contactdetails"),
    "customer_demand": ("投诉要求", "客户要求", "顾客要求", "demand", "customerdemand"),
    "shipped_quantity": ("出货数量", "销售数量", "发货数量", "shipped", "shippedquantity"),
    "ship_date": ("出货日期", "发货日期", "shipdate"),
    "order_refs": ("订单号", "订单编号", "order", "orderno", "orderrefs"),
    "lot_numbers": ("批号", "批次", "lot", "lotnumber", "lotnumbers"),
    "lot_size": ("批量", "批次数量", "lotsize"),
    "defect_count": ("不良数", "不良数量", "defects", "defectcount"),
    "defect_rate_percent": ("不良率", "defectrate"),
    "result": ("处理结果", "结果", "result"),
    "closed_at": (
        "结案日期",
        "关闭日期",
        "结案时间",
        "完成日期",
        "closed",
        "closedat",
        "closeddate",
    ),
    "satisfaction": ("回访结果", "满意度", "客户满意度", "satisfaction"),
}
REQUIRED = ("received_at", "customer_name", "product_number", "defect_description")
_INTS = ("shipped_quantity", "lot_size", "defect_count")
_DATES = ("received_at", "closed_at", "ship_date")
_ENUMS: dict[str, type[StrEnum]] = {
    "category": ComplaintCategory,
    "channel": Channel,
    "found_at": FoundAt,
    "defect_kinds": DefectKind,
    "severity": Severity,
    "satisfaction": CallbackOutcome,
}


def _norm(text: str) -> str:
    return re.sub(r"[\s_\-:：.。()（）]", "", unicodedata.normalize("NFKC", text)).lower()


@dataclass(frozen=True)
class RegisterMap:
    """Which column holds which field, how to read the file, and value translations."""

    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    sheet: str = ""
    header_row: int = 1
    encoding: str = ""  # "" = detect: UTF-8 (with or without BOM), else GB18030
    day_first: bool = False  # 02/11/2026 is 2 November (True) or February 11 (False)

    def headers_for(self, name: str) -> tuple[str, ...]:
        return self.columns.get(name) or FIELDS[name]


def load_map(path: str | Path) -> RegisterMap:
    """Read a mapping file; every bad key is a ValidationError naming it."""
    source = Path(path)
    try:
        data = tomllib.loads(source.read_bytes().decode("utf-8-sig"))
    except OSError as exc:
        raise ValidationError(str(path), "error.reason.unreadable", detail=exc.strerror) from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ValidationError(str(path), "error.reason.unreadable", detail=str(exc)) from None
    for key in data:
        if key not in ("columns", "values", "sheet", "header_row", "encoding", "day_first"):
            raise ValidationError(key, "analytics.import.reason.unknown_key")
    columns: dict[str, tuple[str, ...]] = {}
    for name, headers in dict(data.get("columns", {})).items():
        if name not in FIELDS:
            raise ValidationError(f"columns.{name}", "analytics.import.reason.unknown_field")
        listed = [headers] if isinstance(headers, str) else headers
        if not isinstance(listed, list) or not all(isinstance(h, str) for h in listed):
            raise ValidationError(f"columns.{name}", "error.reason.not_text")
        columns[name] = tuple(listed)
    values: dict[str, dict[str, str]] = {}
    for name, table in dict(data.get("values", {})).items():
        enum = _ENUMS.get(name)
        if enum is None or not isinstance(table, dict):
            raise ValidationError(f"values.{name}", "analytics.import.reason.unknown_field")
        for text, code in table.items():
            if code not in [m.value for m in enum]:
                raise ValidationError(
                    f"values.{name}.{text}",
                    "error.reason.not_in_choices",
                    value=code,
                    choices=", ".join(m.value for m in enum),
                )
        values[name] = {_norm(k): v for k, v in table.items()}
    header_row = data.get("header_row", 1)
    if isinstance(header_row, bool) or not isinstance(header_row, int) or header_row < 1:
        raise ValidationError(
            "header_row", "error.reason.below_minimum", minimum=1, value=header_row
        )
    encoding = data.get("encoding", "")
    if encoding:
        try:
            "".encode(encoding)
        except (LookupError, TypeError):
            raise ValidationError(
                "encoding", "analytics.import.reason.bad_encoding", value=encoding
            ) from None
    return RegisterMap(
        columns=columns,
        values=values,
        sheet=str(data.get("sheet", "")),
        header_row=header_row,
        encoding=str(encoding),
        day_first=bool(data.get("day_first", False)),
    )


# ---------------------------------------------------------------- reading tables


def _decode(raw: bytes, encoding: str) -> str:
    if encoding:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError as exc:
            raise ValidationError(
                "encoding", "analytics.import.reason.bad_encoding", value=f"{encoding}: {exc}"
            ) from None
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="strict")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("gb18030")


def read_table(
    path: Path, mapping: RegisterMap
) -> tuple[list[str], Iterator[tuple[int, list[Any]]], int]:
    """(headers, (row number, cells) of each data row, number of data rows) of a register.

    CSV cells stay text (long ids are never turned into numbers); Excel cells keep their
    types (dates as datetimes). An Excel sheet is streamed (openpyxl's read-only mode, one
    row at a time); its number of rows is the sheet's recorded dimension, trailing blank
    rows included (they are dropped as they are read)."""
    suffix = path.suffix.lower()
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ValidationError(str(path), "error.reason.unreadable", detail=exc.strerror) from None
    if size > MAX_BYTES:
        raise ValidationError(str(path), "error.reason.unreadable", detail="file too large")
    if suffix == ".csv":
        text = _decode(path.read_bytes(), mapping.encoding)
        rows = list(csv.reader(io.StringIO(text, newline="")))
        while rows and _blank(rows[-1]):
            rows.pop()
        return _split(iter(rows), mapping.header_row, len(rows))
    if suffix in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        try:
            book = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # zipfile / XML errors of a damaged file
            raise ValidationError(str(path), "error.reason.unreadable", detail=str(exc)) from None
        if mapping.sheet and mapping.sheet not in book.sheetnames:
            raise ValidationError("sheet", "analytics.import.reason.no_sheet", value=mapping.sheet)
        sheet = book[mapping.sheet] if mapping.sheet else book.worksheets[0]

        def stream() -> Iterator[list[Any]]:
            try:
                for cells in sheet.iter_rows(values_only=True):
                    yield list(cells)
            finally:
                book.close()

        return _split(stream(), mapping.header_row, sheet.max_row or 0)
    raise ValidationError(str(path), "analytics.import.reason.file_type", value=suffix or "-")


def _split(
    rows: Iterator[list[Any]], header_row: int, total: int
) -> tuple[list[str], Iterator[tuple[int, list[Any]]], int]:
    top = [row for _, row in zip(range(header_row), rows, strict=False)]
    if len(top) < header_row:
        raise ValidationError("header_row", "analytics.import.reason.no_header", row=header_row)
    headers = ["" if h is None else str(h).strip() for h in top[-1]]
    return headers, _numbered(rows, header_row + 1), max(0, total - header_row)


def _numbered(rows: Iterator[list[Any]], first: int) -> Iterator[tuple[int, list[Any]]]:
    """(row number, cells), without the trailing blank rows (formatting, not rows): a blank
    row is held back until a row with content follows it."""
    held: list[tuple[int, list[Any]]] = []
    for number, row in enumerate(rows, start=first):
        if _blank(row):
            held.append((number, row))
            continue
        yield from held
        held.clear()
        yield number, row


def _blank(row: Iterable[Any]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in row)


# ---------------------------------------------------------------- values


class _Bad(Exception):
    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


_DATE_PATTERNS = (
    re.compile(
        r"^(?P<y>\d{4})[-/.年](?P<m>\d{1,2})[-/.月](?P<d>\d{1,2})日?"
        r"(?:[ T]+(?P<H>\d{1,2})[:时](?P<M>\d{1,2})(?:[:分](?P<S>\d{1,2})秒?)?)?$"
    ),
    re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$"),
)
_DMY = re.compile(
    r"^(?P<a>\d{1,2})[/.-](?P<b>\d{1,2})[/.-](?P<y>\d{4})"
    r"(?:\s+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?$"
)
_EXCEL_EPOCH = datetime(1899, 12, 30)


def parse_moment(value: Any, tz: Any, *, day_first: bool = False) -> datetime:
    """A date or date-time as people type it (2026-11-02, 2026/11/2 14:30, 2026年11月2日,
    20261102, 02/11/2026, an Excel date or serial number); local times are in ``tz``."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=tz)
    if isinstance(value, date):
        return datetime.combine(value, time(0), tz)
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 20000 < value < 80000:  # an Excel serial day number
            return (_EXCEL_EPOCH + timedelta(days=float(value))).replace(tzinfo=tz)
        raise _Bad("analytics.import.reason.bad_date", value=value)
    text = unicodedata.normalize("NFKC", str(value)).strip()
    try:
        moment = datetime.fromisoformat(text)
        return moment if moment.tzinfo else moment.replace(tzinfo=tz)
    except ValueError:
        pass
    parts: dict[str, str | None] | None = None
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            parts = match.groupdict()
            break
    if parts is None and (match := _DMY.match(text)):
        g = match.groupdict()
        day, month = (g["a"], g["b"]) if day_first else (g["b"], g["a"])
        parts = {"y": g["y"], "m": month, "d": day, "H": g["H"], "M": g["M"], "S": g["S"]}
    if parts is None:
        raise _Bad("analytics.import.reason.bad_date", value=text)
    try:
        return datetime(
            int(parts["y"] or 0),
            int(parts["m"] or 0),
            int(parts["d"] or 0),
            int(parts.get("H") or 0),
            int(parts.get("M") or 0),
            int(parts.get("S") or 0),
            tzinfo=tz,
        )
    except ValueError:
        raise _Bad("analytics.import.reason.bad_date", value=text) from None


def _integer(value: Any) -> int:
    if isinstance(value, bool):
        raise _Bad("analytics.import.reason.bad_number", value=value)
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    else:
        text = unicodedata.normalize("NFKC", str(value)).strip().replace(",", "")
        try:
            parsed = float(text)
        except ValueError:
            raise _Bad("analytics.import.reason.bad_number", value=value) from None
        if not parsed.is_integer():
            raise _Bad("analytics.import.reason.bad_number", value=value)
        number = int(parsed)
    if number < 0:
        raise _Bad("analytics.import.reason.bad_number", value=value)
    return number


def _percent(value: Any) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
        # Excel stores 0.74 % as 0.0074 with a percent format
        return number * 100 if 0 < number < 1 and isinstance(value, float) else number
    text = unicodedata.normalize("NFKC", str(value)).strip().rstrip("%").strip()
    try:
        number = float(text)
    except ValueError:
        raise _Bad("analytics.import.reason.bad_number", value=value) from None
    if not 0 <= number <= 100:
        raise _Bad("analytics.import.reason.bad_number", value=value)
    return number


def _text(value: Any) -> str:
    """A cell as text; whole numbers read from Excel lose no digits and no '.0'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def _listed(text: str) -> list[str]:
    return [p[:80] for p in re.split(r"[,;，；、\s]+", text) if p][:200]


def _member(name: str, value: Any, mapping: RegisterMap) -> str:
    enum = _ENUMS[name]
    key = _norm(_text(value))
    translated = mapping.values.get(name, {}).get(key)
    if translated:
        return translated
    for member in enum:
        names = {_norm(member.value)} | {
            _norm(t(f"enum.{enum.__name__}.{member.value}", lang)) for lang in LANGS
        }
        if key in names:
            return member.value
    raise _Bad(
        "analytics.import.reason.bad_choice",
        value=_text(value),
        choices=", ".join(m.value for m in enum),
    )


# ---------------------------------------------------------------- rows to cases


@dataclass(frozen=True)
class RowProblem:
    row: int  # the row number in the file (the header is row 1)
    column: str  # the header of the bad cell ("" for the whole row)
    code: str
    params: tuple[tuple[str, Any], ...] = ()

    def message(self, lang: str) -> str:
        return t(self.code, lang, **dict(self.params))


@dataclass
class ImportReport:
    rows: int = 0
    imported: list[str] = field(default_factory=list)  # new complaint numbers
    already: int = 0  # rows imported by an earlier run (skipped)
    empty: list[int] = field(default_factory=list)  # empty rows (skipped, reported)
    problems: list[RowProblem] = field(default_factory=list)
    rejected_rows: list[int] = field(default_factory=list)
    committed: bool = False


def _column_index(headers: list[str], mapping: RegisterMap) -> tuple[dict[str, int], list[str]]:
    """Field -> column position; the required fields missing from the headers."""
    normalized = [_norm(h) for h in headers]
    found: dict[str, int] = {}
    for name in FIELDS:
        for wanted in mapping.headers_for(name):
            key = _norm(wanted)
            if key in normalized and normalized.index(key) not in found.values():
                found[name] = normalized.index(key)
                break
    missing = [n for n in REQUIRED if n not in found]
    return found, missing


def _row_key(values: dict[str, Any], ref: str) -> str:
    if ref:
        return "ref:" + ref[:200]
    digest = hashlib.sha256(
        "\x1f".join(_text(values.get(n)) for n in REQUIRED).encode("utf-8")
    ).hexdigest()
    return "sha:" + digest[:40]


def _case_of(
    cells: dict[str, Any],
    row: int,
    headers: dict[str, str],
    mapping: RegisterMap,
    policy: Policy,
    user: str,
    at: datetime,
) -> tuple[Case | None, list[RowProblem]]:
    problems: list[RowProblem] = []
    values: dict[str, Any] = {}

    def bad(name: str, exc: _Bad) -> None:
        problems.append(
            RowProblem(row, headers.get(name, name), exc.code, tuple(exc.params.items()))
        )

    for name, cell in cells.items():
        if cell is None or (isinstance(cell, str) and not cell.strip()):
            continue
        try:
            if name in _DATES:
                values[name] = parse_moment(cell, policy.tz, day_first=mapping.day_first)
            elif name in _INTS:
                values[name] = _integer(cell)
            elif name == "defect_rate_percent":
                values[name] = _percent(cell)
            elif name in _ENUMS:
                values[name] = _member(name, cell, mapping)
            else:
                values[name] = _text(cell)
        except _Bad as exc:
            bad(name, exc)
    for name in REQUIRED:
        if name not in values and not any(p.column == headers.get(name, name) for p in problems):
            code = (
                "analytics.import.reason.empty_narrative"
                if name == "defect_description"
                else "analytics.import.reason.empty_required"
            )
            problems.append(RowProblem(row, headers.get(name, name), code))
    if problems:
        return None, problems
    received: datetime = values["received_at"]
    closed: datetime | None = values.get("closed_at")
    if closed is not None and closed < received:
        return None, [
            RowProblem(row, headers["closed_at"], "analytics.import.reason.closed_before_received")
        ]
    ship_date = values.get("ship_date")
    intake = Intake(
        received_at=received,
        customer_name=values["customer_name"][:200],
        customer_code=values.get("customer_code", "")[:80],
        product_number=values["product_number"][:80],
        product_name=values.get("product_name", "")[:200],
        defect_description=values["defect_description"],
        category=ComplaintCategory(values.get("category", ComplaintCategory.PRODUCT_QUALITY.value)),
        channel=Channel(values.get("channel", Channel.PHONE.value)),
        found_at=FoundAt(values["found_at"]) if "found_at" in values else None,
        defect_kinds=[DefectKind(values["defect_kinds"])] if "defect_kinds" in values else [],
        site=values.get("site", "")[:200],
        departments=[values["department"][:80]] if values.get("department") else [],
        contact_person=values.get("contact_person", "")[:200],
        contact_details=values.get("contact_details", "")[:200],
        customer_demand=values.get("customer_demand", ""),
        shipped_quantity=values.get("shipped_quantity"),
        ship_date=ship_date.date() if ship_date else None,
        lot_size=values.get("lot_size") or None,
        defect_count=values.get("defect_count"),
        defect_rate_percent=values.get("defect_rate_percent"),
        lot_numbers=_listed(values.get("lot_numbers", "")),
        order_refs=_listed(values.get("order_refs", "")),
    )
    title = values.get("title") or " ".join(values["defect_description"].split())
    created = max(received, at) if received > at else at
    case = Case(
        number=f"{ComplaintNumber.period_of(received)}-0001",  # drawn when written
        title=title[:300],
        intake=intake,
        grading=Grading(severity=Severity(values["severity"]))
        if "severity" in values
        else Grading(),
        created_at=created,
        created_by=user,
        history=[StageEvent(stage=Stage.D0, kind=StageEventKind.ENTERED, at=received, by=user)],
    )
    if values.get("owner"):
        case.team = [
            TeamMember(
                name=values["owner"][:200],
                role=TeamRole.LEADER,
                department=values.get("department", "")[:200],
            )
        ]
    if closed is not None:
        case.status = CaseStatus.CLOSED
        case.stage = Stage.D8
        case.closure = Closure(
            kind=ClosureKind.NORMAL,
            closed_at=closed,
            closed_by=user,
            reason=values.get("result", ""),
        )
        case.history.append(
            StageEvent(stage=Stage.D8, kind=StageEventKind.CLOSED, at=closed, by=user)
        )
        if "satisfaction" in values:
            case.callbacks = [
                Callback(at=closed, by=user, outcome=CallbackOutcome(values["satisfaction"]))
            ]
    try:
        validate_case(case)
    except ValidationError as exc:
        name = exc.field.split(".")[-1]
        column = headers.get(name, exc.field)
        return None, [RowProblem(row, column, exc.reason_code, tuple(exc.params.items()))]
    return case, []


def import_register(
    uow: Any,
    path: str | Path,
    *,
    policy: Policy,
    user: str,
    at: datetime,
    mapping: RegisterMap | None = None,
    reject_to: str | Path | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Check every row of a register, then write the good ones in one transaction.

    Without ``reject_to`` any bad row refuses the whole file (nothing is written, the report
    lists every problem). With it, good rows are imported and bad rows are written to that
    CSV file with their row number and reasons. Rows imported by an earlier run are skipped.
    Needs the ``import`` permission (checked before the file is read).
    The new cases' ledger columns are left stale, for one refresh of them all afterwards.
    """
    from eightd.services.access import authorize

    authorize(uow, user, "import", policy)
    mapping = mapping or RegisterMap()
    source = Path(path)
    headers, rows, total = read_table(source, mapping)
    index, missing = _column_index(headers, mapping)
    if missing:
        names = ", ".join(" / ".join(mapping.headers_for(m)[:2]) for m in missing)
        raise ValidationError(source.name, "analytics.import.reason.missing_columns", columns=names)
    header_of = {name: headers[i] for name, i in index.items()}
    conn: sa.Connection = uow.connection
    known = {r.key for r in conn.execute(sa.select(register_imports.c.key))}
    report = ImportReport(rows=total)
    good: list[tuple[str, Case]] = []
    seen: dict[str, int] = {}
    bad_rows: list[tuple[int, list[Any], list[RowProblem]]] = []
    done = 0
    for done, (number, cells) in enumerate(rows, start=1):
        if progress is not None:
            progress(done, max(total, done))
        if _blank(cells):
            report.empty.append(number)
            continue
        picked = {name: (cells[i] if i < len(cells) else None) for name, i in index.items()}
        case, problems = _case_of(picked, number, header_of, mapping, policy, user, at)
        key = _row_key(picked, _text(picked.get("ref")))
        if case is not None and key in seen:
            problems = [
                RowProblem(
                    number,
                    header_of.get("ref", ""),
                    "analytics.import.reason.duplicate",
                    (("first", seen[key]),),
                )
            ]
            case = None
        if problems:
            bad_rows.append((number, cells, problems))
            report.problems.extend(problems)
            continue
        seen[key] = number
        if key in known:
            report.already += 1
            continue
        assert case is not None
        good.append((key, case))
    report.rows = done  # the sheet's recorded size may count trailing blank rows
    report.rejected_rows = [n for n, _, _ in bad_rows]
    if bad_rows and reject_to is None:
        return report  # all or nothing: nothing written
    if bad_rows and reject_to is not None:
        _write_rejects(Path(reject_to), headers, bad_rows)
    _write(uow, good, user=user, at=at)
    report.imported.extend(case.number for _, case in good)
    uow.commit()
    report.committed = True
    return report


_WRITE_CHUNK = 1000


def _write(uow: Any, good: list[tuple[str, Case]], *, user: str, at: datetime) -> None:
    """Number the good rows' cases (in row order within each month) and write them a
    thousand at a time, in the caller's one transaction. Each was validated once, when its
    row was checked; their ledger columns are left for one refresh after the import."""
    by_period: dict[str, list[Case]] = {}
    for _, case in good:
        by_period.setdefault(ComplaintNumber.period_of(case.intake.received_at or at), []).append(
            case
        )
    for period, batch in by_period.items():
        for case, number in zip(batch, uow.cases.next_numbers(period, len(batch)), strict=True):
            case.number = number
    conn: sa.Connection = uow.connection
    imported_at = at.astimezone(UTC)
    for i in range(0, len(good), _WRITE_CHUNK):
        chunk = good[i : i + _WRITE_CHUNK]
        cases = [case for _, case in chunk]
        uow.cases.add_many(cases, user=user, at=at, action="import_register", validated=True)
        conn.execute(
            register_imports.insert(),
            [{"key": key, "number": c.number, "imported_at": imported_at} for key, c in chunk],
        )


def _write_rejects(
    path: Path, headers: list[str], rows: list[tuple[int, list[Any], list[RowProblem]]]
) -> None:
    from eightd.analytics.tabular import text_cell

    lang = "zh" if any("\u4e00" <= ch <= "\u9fff" for h in headers for ch in h) else "en"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(
                [
                    t("analytics.import.reject.row", lang),
                    t("analytics.import.reject.reasons", lang),
                    *headers,
                ]
            )
            colon = t("text.colon", lang)
            for number, cells, problems in rows:
                reasons = joined(
                    (
                        f"{p.column}{colon}{p.message(lang)}" if p.column else p.message(lang)
                        for p in problems
                    ),
                    lang,
                    entries=True,
                )
                writer.writerow([number, text_cell(reasons), *(text_cell(_text(c)) for c in cells)])
    except OSError as exc:
        raise ValidationError(str(path), "error.reason.unreadable", detail=exc.strerror) from None


# ---------------------------------------------------------------- export

_LABELLED = {
    "category": "ComplaintCategory",
    "severity": "Severity",
    "status": "CaseStatus",
    "closure_kind": "ClosureKind",
    "satisfaction": "CallbackOutcome",
}


def ledger_rows(uow: Any, filters: Any, *, lang: str, tz: Any) -> tuple[list[str], list[list[Any]]]:
    """The ledger as a register: headers in ``lang`` and rows of text and numbers, times in
    the policy's time zone, coded values as their labels (which an import reads back)."""
    from eightd.analytics.ledger import LEDGER_COLUMNS, ledger_query

    conn: sa.Connection = uow.connection
    headers = [t(f"analytics.ledger.{name}", lang) for name in LEDGER_COLUMNS]
    rows: list[list[Any]] = []
    for record in conn.execute(ledger_query(filters)):
        cells: list[Any] = []
        for name, value in zip(LEDGER_COLUMNS, record, strict=True):
            if value is None:
                cells.append("")
            elif isinstance(value, datetime):
                moment = value if value.tzinfo else value.replace(tzinfo=UTC)
                cells.append(moment.astimezone(tz).strftime("%Y-%m-%d %H:%M"))
            elif name in _LABELLED and value:
                cells.append(t(f"enum.{_LABELLED[name]}.{value}", lang))
            else:
                cells.append(value)
        rows.append(cells)
    return headers, rows

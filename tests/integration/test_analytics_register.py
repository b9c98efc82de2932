"""Importing legacy complaint registers (.xlsx, .csv) and exporting the ledger."""

from __future__ import annotations

import contextlib
import csv
import io
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from eightd import services
from eightd.analytics.register import import_register, load_map, parse_moment
from eightd.cli import main
from eightd.demo import DEMO_REGISTER_MAP, demo_register
from eightd.errors import ValidationError
from eightd.policy import load_policy
from eightd.store import Store
from tests.conftest import CST

POLICY = load_policy()
AT = datetime(2026, 11, 30, 12, tzinfo=CST)
HEADERS = [
    "投诉编号",
    "投诉日期",
    "客户名称",
    "产品编号",
    "投诉内容",
    "出货数量",
    "结案日期",
    "处理结果",
]
GOOD = [
    [
        "100000000000000000001",
        "2026/11/2",
        "华信汽车",
        "P-1",
        "镜片划伤",
        "1,200",
        "2026年11月9日",
        "更换",
    ],
    ["100000000000000000002", "2026-11-03 14:30", "华信汽车", "P-2", "包装破损", "", "", ""],
]


def write_csv(
    path: Path, rows: list[list[Any]], encoding: str = "utf-8", headers: list[str] = HEADERS
) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([headers, *rows])
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def run(store: Store, path: Path, **options: Any) -> Any:
    with store.uow() as uow:
        return import_register(uow, path, policy=POLICY, user="tester", at=AT, **options)


def stored_numbers(store: Store) -> list[str]:
    with store.uow() as uow:
        return [r.number for r in services.list_cases(uow)]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_chinese_headers_in_utf8_with_or_without_bom_and_gb18030(
    store: Store, tmp_path: Path, encoding: str
) -> None:
    report = run(store, write_csv(tmp_path / "r.csv", GOOD, encoding))
    assert report.committed and len(report.imported) == 2
    with store.uow() as uow:
        first = services.load_case(uow, report.imported[0]).case
    assert first.intake.customer_name == "华信汽车"
    assert first.intake.shipped_quantity == 1200
    assert first.intake.received_at == datetime(2026, 11, 2, tzinfo=POLICY.tz)
    assert first.closure is not None and first.closure.reason == "更换"
    assert first.is_closed


@pytest.mark.parametrize("who", ["stranger", "qe.li"])
def test_a_user_unknown_to_the_store_or_without_the_import_role_imports_nothing(
    store: Store, tmp_path: Path, who: str
) -> None:
    from eightd.errors import PermissionDeniedError

    path = write_csv(tmp_path / "register.csv", GOOD)
    with pytest.raises(PermissionDeniedError) as refused, store.uow() as uow:
        import_register(uow, path, policy=POLICY, user=who, at=AT)
    assert "admin" in refused.value.message("en")  # names the role that may import
    assert stored_numbers(store) == []


def test_long_ids_stay_text_and_re_import_adds_nothing(store: Store, tmp_path: Path) -> None:
    headers = [*HEADERS, "订单号"]
    rows = [[*GOOD[0], "998877665544332211"], [*GOOD[1], "123456789012345678"]]
    path = write_csv(tmp_path / "r.csv", rows, headers=headers)
    first = run(store, path)
    with store.uow() as uow:
        case = services.load_case(uow, first.imported[0]).case
    assert case.intake.order_refs == ["998877665544332211"]
    again = run(store, path)
    assert again.committed and again.imported == [] and again.already == 2
    assert len(stored_numbers(store)) == 2


def test_bad_date_bad_number_and_empty_narrative_name_row_and_column_and_write_nothing(
    store: Store, tmp_path: Path
) -> None:
    rows = [
        GOOD[0],
        ["3", "2026-13-01", "华信汽车", "P-1", "脱胶", "12", "", ""],
        ["4", "2026-11-05", "华信汽车", "P-1", "", "abc", "", ""],
    ]
    report = run(store, write_csv(tmp_path / "r.csv", rows))
    found = {(p.row, p.column, p.code) for p in report.problems}
    assert found == {
        (3, "投诉日期", "analytics.import.reason.bad_date"),
        (4, "投诉内容", "analytics.import.reason.empty_narrative"),
        (4, "出货数量", "analytics.import.reason.bad_number"),
    }
    assert not report.committed
    assert stored_numbers(store) == []  # all or nothing
    assert "'2026-13-01' is not a date" in report.problems[0].message("en")


def test_good_rows_in_and_bad_rows_to_a_reject_file(store: Store, tmp_path: Path) -> None:
    rows = [GOOD[0], ["9", "not a date", "华信汽车", "P-1", "脱胶", "", "", ""], GOOD[1]]
    reject = tmp_path / "bad.csv"
    report = run(store, write_csv(tmp_path / "r.csv", rows), reject_to=reject)
    assert report.committed and len(report.imported) == 2
    assert report.rejected_rows == [3]
    lines = list(csv.reader(io.StringIO(reject.read_text(encoding="utf-8-sig"))))
    assert lines[0][:3] == ["行号", "错误原因", "投诉编号"]
    assert lines[1][0] == "3" and "投诉日期" in lines[1][1] and lines[1][2] == "9"


def test_missing_required_column_refuses_the_file(store: Store, tmp_path: Path) -> None:
    headers = [h for h in HEADERS if h != "投诉内容"]
    rows = [[c for i, c in enumerate(r) if HEADERS[i] != "投诉内容"] for r in GOOD]
    with pytest.raises(ValidationError) as caught:
        run(store, write_csv(tmp_path / "r.csv", rows, headers=headers))
    assert caught.value.reason_code == "analytics.import.reason.missing_columns"
    assert "投诉内容" in caught.value.message("zh")


def test_a_row_repeated_in_the_file_is_a_duplicate(store: Store, tmp_path: Path) -> None:
    report = run(store, write_csv(tmp_path / "r.csv", [GOOD[0], GOOD[1], GOOD[0]]))
    assert [(p.row, p.code) for p in report.problems] == [(4, "analytics.import.reason.duplicate")]
    assert dict(report.problems[0].params) == {"first": 2}


def test_a_register_without_its_own_numbers_is_keyed_by_content(
    store: Store, tmp_path: Path
) -> None:
    headers = HEADERS[1:]
    rows = [r[1:] for r in GOOD]
    path = write_csv(tmp_path / "r.csv", rows, headers=headers)
    assert len(run(store, path).imported) == 2
    assert run(store, path).already == 2


def test_dates_in_the_formats_people_type() -> None:
    tz = POLICY.tz
    expected = datetime(2026, 3, 5, tzinfo=tz)
    for text in ("2026-03-05", "2026/3/5", "2026.3.5", "2026年3月5日", "20260305", "03/05/2026"):
        assert parse_moment(text, tz) == expected, text
    assert parse_moment("05/03/2026", tz, day_first=True) == expected
    assert parse_moment("2026/3/5 14:20", tz) == datetime(2026, 3, 5, 14, 20, tzinfo=tz)
    assert parse_moment("２０２６－０３－０５", tz) == expected  # full-width digits
    assert parse_moment(46086, tz) == expected  # an Excel serial day
    assert parse_moment(datetime(2026, 3, 5), tz) == expected


def test_mapping_file_with_english_headers_value_translations_and_day_first(
    store: Store, tmp_path: Path
) -> None:
    mapping = tmp_path / "map.toml"
    mapping.write_text(
        '[columns]\nreceived_at = "Date in"\ndefect_description = ["Issue", "Problem"]\n'
        'category = "Kind"\n[values.category]\n"quality issue" = "product_quality"\n'
        "day_first = true\n",
        encoding="utf-8",
    )
    headers = ["Ref", "Date in", "Customer", "Product", "Problem", "Kind"]
    rows = [["A-1", "05/03/2026", "Acme", "P-9", "Cracked housing", "Quality issue"]]
    path = write_csv(tmp_path / "r.csv", rows, headers=headers)
    with pytest.raises(ValidationError):  # day_first sits under [columns]: not a field
        load_map(mapping)
    mapping.write_text(
        'day_first = true\n[columns]\nreceived_at = "Date in"\n'
        'defect_description = ["Issue", "Problem"]\n'
        'category = "Kind"\n[values.category]\n"quality issue" = "product_quality"\n',
        encoding="utf-8",
    )
    report = run(store, path, mapping=load_map(mapping))
    with store.uow() as uow:
        case = services.load_case(uow, report.imported[0]).case
    assert case.intake.received_at == datetime(2026, 3, 5, tzinfo=POLICY.tz)
    assert case.intake.category.value == "product_quality"
    assert case.intake.defect_description == "Cracked housing"


def test_bad_mapping_values_are_named(tmp_path: Path) -> None:
    mapping = tmp_path / "map.toml"
    mapping.write_text('[values.category]\n"质量" = "quality"\n', encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        load_map(mapping)
    assert caught.value.field == "values.category.质量"


def _xlsx(path: Path, headers: list[str], rows: list[list[Any]]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


@pytest.mark.slow
def test_a_realistic_register_of_thousands_of_rows_imports_with_its_empty_rows_reported(
    store: Store, tmp_path: Path
) -> None:
    headers, rows = demo_register(3000, seed=7)
    path = _xlsx(tmp_path / "台账.xlsx", headers, rows)
    mapping = tmp_path / "map.toml"
    mapping.write_text(DEMO_REGISTER_MAP, encoding="utf-8")
    seen: list[int] = []
    report = run(
        store, path, mapping=load_map(mapping), progress=lambda done, total: seen.append(total)
    )
    assert report.problems == []
    assert len(report.imported) == 3000
    assert report.empty == [402, 803, 1204, 1605, 2006, 2407, 2808]  # header is row 1
    assert seen[-1] == 3007 and len(seen) == 3007
    with store.uow() as uow:
        case = services.load_case(uow, report.imported[0]).case
    assert len(case.intake.order_refs[0]) == 18
    assert run(store, path, mapping=load_map(mapping)).already == 3000


def _cli(url: str, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["--db", url, *args])
    return code, out.getvalue(), err.getvalue()


def test_import_and_export_commands_in_both_languages(
    store: Store, store_url: str, tmp_path: Path
) -> None:
    from eightd.settings import os_user
    from tests.conftest import register_users

    register_users(store, {os_user(): ("admin",)})  # the commands run as this OS account
    bad = write_csv(
        tmp_path / "bad.csv", [["1", "someday", "华信汽车", "P-1", "脱胶", "", "", ""]], "gb18030"
    )
    code, _, err = _cli(store_url, "--lang", "zh", "import", str(bad))
    assert code == 1
    assert "第 2 行，投诉日期：'someday' 不是日期" in err
    good = write_csv(
        tmp_path / "good.csv",
        [*GOOD, ["5", "2026-11-06", "客户", "P-3", '=HYPERLINK("x")', "", "", ""]],
    )
    code, out, _ = _cli(store_url, "import", str(good))
    assert code == 0 and "Imported 3 complaint(s)" in out
    xlsx = tmp_path / "ledger.xlsx"
    code, _, _ = _cli(store_url, "--lang", "zh", "export", "--format", "xlsx", "-o", str(xlsx))
    sheet = load_workbook(xlsx).active
    assert sheet is not None
    assert [c.value for c in sheet[1]][:5] == [
        "投诉编号",
        "受理时间",
        "客户名称",
        "产品编号",
        "投诉内容",
    ]
    formula = [c for row in sheet.iter_rows(min_row=2) for c in row if str(c.value).startswith("=")]
    assert formula and all(c.data_type == "s" for c in formula)
    code, out, _ = _cli(store_url, "export", "--format", "csv")
    assert "'=HYPERLINK" in out
    # the exported register reads back as a register (its own headers are recognised)
    assert _cli(store_url, "import", str(xlsx))[0] == 0


def test_export_times_are_in_the_policy_time_zone(store: Store, tmp_path: Path) -> None:
    run(store, write_csv(tmp_path / "r.csv", GOOD))
    from eightd.analytics import Filters, refresh_ledger
    from eightd.analytics.register import ledger_rows

    with store.uow() as uow:
        refresh_ledger(uow, POLICY, now=AT)
        headers, rows = ledger_rows(uow, Filters(), lang="en", tz=POLICY.tz)
    assert headers[1] == "Received"
    assert rows[0][1] == "2026-11-02 00:00"
    assert datetime(2026, 11, 1, 16, tzinfo=UTC).astimezone(POLICY.tz).hour == 0


def _register_xlsx(path: Path, rows: list[list[Any]], trailing_blank: int = 0) -> Path:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("台账")
    for r in [HEADERS, *rows, *([[None] * len(HEADERS)] * trailing_blank)]:
        sheet.append(r)
    book.save(path)
    return path


def test_each_row_is_validated_once_and_written_in_multi_row_statements(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import eightd.analytics.register as register
    import eightd.store.repository as repository

    checked: list[str] = []

    def counting(case: Any) -> None:
        checked.append(case.intake.customer_name)
        real(case)

    real = register.validate_case
    monkeypatch.setattr(register, "validate_case", counting)
    monkeypatch.setattr(repository, "validate_case", counting)
    rows = [[f"R{i}", "2026-11-02", f"客户{i}", "P-1", "镜片划伤", "10", "", ""] for i in range(30)]
    report = run(store, _register_xlsx(tmp_path / "r.xlsx", rows, trailing_blank=3))
    assert report.committed and len(report.imported) == 30
    assert sorted(checked) == sorted(f"客户{i}" for i in range(30))  # once each
    assert report.rows == 30 and report.empty == []  # trailing blank rows are no rows
    assert report.imported == [f"202611-{i:04d}" for i in range(1, 31)]  # in row order


def test_an_imported_register_leaves_the_cases_ledger_columns_current(
    tmp_path: Path, act_as: Any
) -> None:
    import sqlalchemy as sa

    from eightd.application import Application
    from eightd.settings import Settings
    from eightd.store import open_store
    from eightd.store.tables import cases
    from tests.conftest import register_users

    store_url = f"sqlite:///{tmp_path}/import.db"  # a local store: the OS account acts
    store = open_store(store_url, auto_upgrade=True)
    register_users(store)
    act_as("tester")
    settings = Settings.from_env(database_url=store_url, user="tester", lang="en")
    app = Application(settings, store=store, policy=POLICY)
    seen: list[tuple[int, int]] = []
    report = app.import_register(
        _register_xlsx(tmp_path / "r.xlsx", GOOD), at=AT, progress=lambda d, t: seen.append((d, t))
    )
    assert report.committed and len(report.imported) == 2
    assert seen[-1] == (2, 2)
    with store.engine.connect() as conn:
        policies = set(conn.execute(sa.select(cases.c.ledger_policy)).scalars())
    assert policies == {app.ledger_keeper.fingerprint}
    store.dispose()

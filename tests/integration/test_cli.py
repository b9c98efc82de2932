"""The eightd command line, run in-process against real store files."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest

from eightd.cli import main
from eightd.domain import case_to_dict
from tests.conftest import make_intake


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("EIGHTD_HOME", str(tmp_path / "home"))
    monkeypatch.setattr("eightd.settings.os_user", lambda: "qe.li")
    monkeypatch.setenv("EIGHTD_LANG", "en")
    monkeypatch.delenv("EIGHTD_DATABASE_URL", raising=False)
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["init"]) == 0  # qe.li becomes the store's first user (admin, qe)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _intake_file(path: Path, **overrides: object) -> Path:
    intake = case_to_dict(make_intake(**overrides))  # type: ignore[arg-type]
    path.write_text(
        json.dumps({"title": "Cold solder joints", "intake": intake}, ensure_ascii=False),
        encoding="utf-8",
    )
    return path


def test_help_lists_every_command(cli_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for command in ("init", "demo", "list", "show", "import", "export", "schema", "new"):
        assert f"    {command} " in out


def test_help_is_in_chinese_with_lang_zh(cli_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--lang", "zh", "--help"])
    assert "导出" in capsys.readouterr().out


def test_init_creates_the_default_sqlite_store_in_the_user_data_dir(
    cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "init")
    assert code == 0
    assert (cli_env / "home" / "eightd.db").exists()
    code, out, _ = run(capsys, "user", "list")
    assert code == 0 and "qe.li" in out and "admin, qe" in out


def test_new_then_list_and_show(cli_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "new", str(_intake_file(cli_env / "intake.json")))
    assert code == 0 and "202611-0001" in out
    code, out, _ = run(capsys, "list", "--customer", "huaxin")
    assert code == 0 and "202611-0001" in out and "1 case(s)" in out
    code, out, _ = run(capsys, "show", "202611-0001")
    assert code == 0 and "Cold solder joints on J3 connector" in out
    code, out, _ = run(capsys, "show", "202611-0001", "--json")
    assert json.loads(out)["number"] == "202611-0001"


def test_new_with_bad_intake_names_the_field_and_stores_nothing(
    cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = _intake_file(cli_env / "bad.json", shipped_quantity=-3)
    code, _, err = run(capsys, "new", str(bad))
    assert code == 1
    assert "intake.shipped_quantity" in err and "at least 0" in err
    code, out, _ = run(capsys, "list")
    assert "0 case(s)" in out


def test_show_unknown_case_says_so_in_chinese(
    cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "--lang", "zh", "show", "202611-0999")
    assert code == 1 and "没有投诉编号为 202611-0999 的案件" in err


def test_update_from_a_stale_version_is_refused(
    cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "new", str(_intake_file(cli_env / "intake.json")))
    _, out, _ = run(capsys, "show", "202611-0001", "--json")
    edited = json.loads(out)
    edited["title"] = "Cold solder joints on J3 (line 2)"
    path = cli_env / "edit.json"
    path.write_text(json.dumps(edited), encoding="utf-8")
    code, out, _ = run(capsys, "update", str(path), "--expected-version", "1")
    assert code == 0 and "version 2" in out
    code, _, err = run(capsys, "update", str(path), "--expected-version", "1")
    assert code == 1 and "was changed by qe.li" in err
    code, out, _ = run(capsys, "history", "202611-0001")
    assert "Cold solder joints on J3 (line 2)" in out


def test_schema_is_a_json_schema_of_a_case(
    cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "schema")
    schema = json.loads(out)
    assert code == 0
    assert schema["$schema"].endswith("2020-12/schema")
    assert "intake" in schema["properties"] and "Cause" in schema["$defs"]


def test_demo_export_import_export_is_identical(
    cli_env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run(capsys, "demo")[0] == 0
    code, first, _ = run(capsys, "export", "--format", "json")
    assert code == 0
    document = json.loads(first)
    assert len(document["cases"]) >= 12
    assert {c["stage"] for c in document["cases"]} >= {f"D{i}" for i in range(9)}
    export_file = cli_env / "export.json"
    export_file.write_text(first, encoding="utf-8")

    monkeypatch.setenv("EIGHTD_HOME", str(cli_env / "other-home"))
    assert run(capsys, "init")[0] == 0
    code, out, _ = run(capsys, "import", str(export_file))
    assert code == 0 and f"Imported {len(document['cases'])}" in out
    code, second, _ = run(capsys, "export", "--format", "json")
    # identical, except that approvals not signed in this store are marked as imported
    approvals = [a for c in json.loads(second)["cases"] for a in c["approvals"]]
    assert approvals and all(a["imported"] for a in approvals)
    assert second.replace('"imported": true', '"imported": false') == first


def test_demo_twice_is_harmless(cli_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "demo")[0] == 0
    code, out, _ = run(capsys, "demo")
    assert code == 0 and "already" in out


def test_importing_a_defect_count_above_lot_size_fails_and_changes_nothing(
    cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "demo")
    _, before, _ = run(capsys, "export")
    document = json.loads(before)
    case = document["cases"][0]
    case["number"] = "209901-0001"
    case["intake"]["lot_size"] = 100
    case["intake"]["defect_count"] = 101
    case["intake"]["defect_rate_percent"] = None
    bad = cli_env / "bad.json"
    bad.write_text(json.dumps({**document, "cases": [case]}), encoding="utf-8")
    code, _, err = run(capsys, "import", str(bad))
    assert code == 1
    assert "cases[0].intake.defect_count" in err and "larger than the lot size" in err
    _, after, _ = run(capsys, "export")
    assert after == before


def test_import_of_a_broken_file_names_the_file(
    cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = cli_env / "broken.json"
    broken.write_text('{"format": "eightd.cases", ', encoding="utf-8")
    code, _, err = run(capsys, "import", str(broken))
    assert code == 1 and "broken.json" in err and "not valid JSON" in err


def test_export_to_a_file_writes_it_whole(
    cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "new", str(_intake_file(cli_env / "intake.json")))
    target = cli_env / "out" / "cases.json"
    code, _, err = run(capsys, "export", "-o", str(target))
    assert code == 0 and "1 case(s)" in err
    assert json.loads(target.read_text(encoding="utf-8"))["cases"][0]["number"] == "202611-0001"


def test_csv_ledger_cells_cannot_become_spreadsheet_formulas(
    cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = cli_env / "intake.json"
    _intake_file(path, customer_name='=HYPERLINK("http://x")')
    run(capsys, "new", str(path))
    code, out, _ = run(capsys, "list", "--format", "csv")
    assert code == 0 and "'=HYPERLINK" in out


def test_user_roles_are_registered(cli_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "user", "add", "wang.qa", "--role", "approver")
    assert code == 0 and "approver" in out
    code, out, _ = run(capsys, "user", "list")
    assert "wang.qa" in out


def test_a_company_named_approver_role_is_accepted_and_a_malformed_one_refused(
    cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "user", "add", "wang.qa", "--role", "qa_manager")[0] == 0
    code, _, err = run(capsys, "user", "add", "x", "--role", "QA Manager")
    assert code == 1 and "roles" in err and "'QA Manager'" in err


def test_new_complaint_missing_a_fact_the_policy_requires_is_refused(
    cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = _intake_file(cli_env / "no-ship-date.json", ship_date=None)
    code, _, err = run(capsys, "new", str(bad))
    assert code == 1 and "intake.ship_date: is required" in err
    policy = cli_env / "retail.toml"
    policy.write_text('[intake]\nrequired = ["found_at"]\n', encoding="utf-8")
    code, out, _ = run(capsys, "--policy", str(policy), "new", str(bad))
    assert code == 0 and "Opened case" in out


@pytest.mark.parametrize(
    "content",
    [b"[" * 200_000, b'{"format": "eightd.cases", "x": 1' + b"9" * 5000 + b"}", b"\xff\xfe{"],
    ids=["deeply-nested", "huge-number", "not-utf8"],
)
def test_hostile_json_files_are_refused_with_a_message(
    cli_env: Path, capsys: pytest.CaptureFixture[str], content: bytes
) -> None:
    hostile = cli_env / "hostile.json"
    hostile.write_bytes(content)
    code, _, err = run(capsys, "import", str(hostile))
    assert code == 1 and "hostile.json: is not valid JSON" in err

"""Dates on the company's clock, a named policy file never ignored, and hostile input
(lone surrogates, bytes that are not UTF-8) answered with a message, not a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from eightd.domain import case_to_dict
from tests.conftest import make_intake
from tests.conftest import run_cli as run

# 07:30 on 1 December in Beijing is 23:30 on 30 November in UTC
RECEIVED = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)
AT = "2026-12-01T09:00+08:00"
_MAIN = "from eightd.cli import main; raise SystemExit(main())"
NOT_UTF8 = b"\xff\xfe".decode("utf-8", "surrogateescape")  # as Python hands such bytes over


def _intake(path: Path, title: str = "Scratches on the lens", **overrides: object) -> Path:
    intake = case_to_dict(make_intake(received_at=RECEIVED, **overrides))  # type: ignore[arg-type]
    path.write_text(json.dumps({"title": title, "intake": intake}), encoding="utf-8")
    return path


@pytest.fixture
def opened(cli_env: Path, capsys: pytest.CaptureFixture[str]) -> str:
    code, out, err = run(capsys, "new", str(_intake(cli_env / "intake.json")), "--at", AT)
    assert code == 0, err
    return out.split()[-1].rstrip(".")


def test_a_complaint_received_at_0730_beijing_time_is_numbered_and_listed_on_that_day(
    opened: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert opened.startswith("202612-")
    _, table, _ = run(capsys, "list")
    assert "2026-12-01" in table and "2026-11-30" not in table
    _, out, _ = run(capsys, "list", "--format", "json")
    assert json.loads(out)[0]["received"] == "2026-12-01T07:30:00+08:00"
    _, out, _ = run(capsys, "show", opened)
    assert "2026-12-01T07:30+08:00" in out
    _, out, _ = run(capsys, "history", opened)
    assert "2026-12-01T09:00:00+08:00" in out


@pytest.fixture
def server_in_utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The machine's clock is UTC, the company's (the default policy's) Beijing time."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_a_time_typed_without_a_zone_is_on_the_company_clock(
    cli_env: Path, capsys: pytest.CaptureFixture[str], server_in_utc: None
) -> None:
    path = _intake(cli_env / "intake.json")
    code, _, err = run(capsys, "new", str(path), "--at", "2026-12-01T09:00")
    assert code == 0, err
    code, _, err = run(capsys, "contact", "202612-0001", "--summary", "called back",
                       "--next-reply", "2026-12-02T10:00", "--at", "2026-12-01T09:30")  # fmt: skip
    assert code == 0, err
    _, shown, _ = run(capsys, "show", "202612-0001", "--json")
    case = json.loads(shown)
    assert case["created_at"] == "2026-12-01T09:00:00+08:00"
    assert case["contacts"][0]["at"] == "2026-12-01T09:30:00+08:00"
    assert case["contacts"][0]["next_reply_due"] == "2026-12-02T10:00:00+08:00"


def test_dates_follow_the_time_zone_of_the_company_policy(
    opened: str, cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = cli_env / "new-york.toml"
    policy.write_text('timezone = "America/New_York"\n', encoding="utf-8")
    code, table, err = run(capsys, "--policy", str(policy), "list")
    assert code == 0, err
    assert "2026-12-01" not in table and "2026-11-30" in table  # 18:30 in New York


@pytest.mark.parametrize("command", [("list",), ("export",), ("show", "202612-0001")])
def test_a_named_policy_file_that_does_not_exist_fails_every_command(
    opened: str, capsys: pytest.CaptureFixture[str], command: tuple[str, ...]
) -> None:
    code, out, err = run(capsys, "--policy", "nosuch.toml", *command)
    assert code == 1 and out == ""
    assert "nosuch.toml" in err and "cannot be read" in err


def test_policy_check_reads_its_own_file_whatever_eightd_policy_says(
    cli_env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EIGHTD_POLICY", str(cli_env / "nosuch.toml"))
    good = cli_env / "good.toml"
    good.write_text('name = "acme"\n', encoding="utf-8")
    code, _, err = run(capsys, "policy", "check", str(good))
    assert code == 0, err


def test_set_names_the_assignment_it_cannot_read(
    opened: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "set", opened, "clean_point")
    assert code == 1
    assert "'clean_point' is not FIELD=VALUE" in err and "{value}" not in err


def test_a_lone_surrogate_in_a_json_file_is_refused_with_the_field(
    cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _intake(cli_env / "intake.json", title="x")
    path.write_text(path.read_text(encoding="utf-8").replace('"x"', '"bad \\ud800 text"'))
    code, _, err = run(capsys, "new", str(path), "--at", AT)
    assert code == 1
    assert "title" in err and "not valid Unicode" in err
    assert run(capsys, "list", "--format", "json")[1].strip() == "[]"


def test_a_lone_surrogate_in_an_import_is_refused_with_the_field(
    opened: str, cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, exported, _ = run(capsys, "export")
    document = json.loads(exported)
    document["cases"][0]["intake"]["customer_name"] = "\ud800"
    document["cases"][0]["number"] = "202612-0099"
    path = cli_env / "import.json"
    path.write_text(json.dumps(document), encoding="utf-8")  # ASCII: \ud800 escaped
    code, _, err = run(capsys, "import", str(path))
    assert code == 1
    assert "cases[0].intake.customer_name" in err and "not valid Unicode" in err


def test_an_argument_that_is_not_utf8_gets_a_message_not_a_traceback(
    cli_env: Path, tmp_path: Path
) -> None:
    env = {"EIGHTD_HOME": str(tmp_path / "home"), "EIGHTD_LANG": "en", "LANG": "C.UTF-8"}
    done = subprocess.run(
        [sys.executable, "-c", _MAIN, "list", "--customer", NOT_UTF8],
        capture_output=True,
        env={**env, "PATH": "/usr/bin:/bin", "PYTHONPATH": ":".join(sys.path)},
    )
    assert done.returncode == 2
    assert b"Traceback" not in done.stderr
    assert b"not valid UTF-8" in done.stderr and b"\\xff\\xfe" in done.stderr

"""Rule CA-2 from the command line: an administrator loads the official 2027 calendar and
the deadlines counted on 2027 stop being provisional; anyone else, or a bad file, is refused."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pytest

from eightd.cli import main
from eightd.domain.fields import encode
from tests.conftest import CST, make_intake

OFFICIAL_2027 = """year = 2027
holidays = [2027-01-01, 2027-02-05, 2027-02-06, 2027-02-07, 2027-02-08, 2027-02-09,
            2027-02-10, 2027-02-11, 2027-02-12]
workdays = [2027-02-13]
"""


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, act_as: Callable[[str], None]) -> Path:
    policy = tmp_path / "acme-policy.toml"
    policy.write_text('[calendar]\ndirectory = "calendars"\n', encoding="utf-8")
    monkeypatch.setenv("EIGHTD_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("EIGHTD_USER", raising=False)
    act_as("admin.wu")
    monkeypatch.setenv("EIGHTD_LANG", "en")
    monkeypatch.setenv("EIGHTD_POLICY", str(policy))
    monkeypatch.delenv("EIGHTD_DATABASE_URL", raising=False)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def d0_due(capsys: pytest.CaptureFixture[str], number: str) -> str:
    code, out, _ = run(capsys, "show", number, "--at", "2027-02-03T11:00+08:00")
    assert code == 0
    return next(line for line in out.splitlines() if line.strip().startswith("D0 "))


def test_ca2_administrator_loads_the_official_2027_calendar(
    cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "init")[0] == 0  # admin.wu is the first user: every role
    intake = make_intake(
        received_at=datetime(2027, 2, 3, 10, tzinfo=CST), ship_date=date(2027, 1, 20)
    )
    path = cli_env / "intake.json"
    path.write_text(
        json.dumps({"title": "Cold joints on J3", "intake": encode(intake)}), encoding="utf-8"
    )
    assert run(capsys, "new", str(path), "--at", "2027-02-03T10:05+08:00")[0] == 0
    _, out, _ = run(capsys, "list", "--format", "json")
    [number] = [row["number"] for row in json.loads(out)]

    # provisional: Thu 4 Feb, then Tue 9 Feb after the computed Spring Festival (5-8 Feb)
    assert "2027-02-09" in d0_due(capsys, number)
    assert "(provisional)" in d0_due(capsys, number)
    _, out, _ = run(capsys, "calendar", "show", "2027")
    assert "provisional" in out

    official = cli_env / "official-2027.toml"
    official.write_text(OFFICIAL_2027, encoding="utf-8")
    code, out, _ = run(capsys, "calendar", "load", str(official))
    assert code == 0
    assert "9 day(s) off, 1 make-up working day(s)" in out
    assert (cli_env / "calendars" / "2027.toml").is_file()

    # official: Thu 4 Feb, the break to 12 Feb, Sat 13 Feb is a make-up working day
    line = d0_due(capsys, number)
    assert "2027-02-13" in line and "(provisional)" not in line
    _, out, _ = run(capsys, "calendar", "show", "2027")
    assert "official" in out and "2027-02-13" in out


def test_ca2_only_an_administrator_loads_a_calendar_and_bad_files_are_named(
    cli_env: Path, capsys: pytest.CaptureFixture[str], act_as: Callable[[str], None]
) -> None:
    assert run(capsys, "init")[0] == 0
    bad = cli_env / "bad.toml"
    bad.write_text("year = 2027\nholidays = [2026-12-31]\n", encoding="utf-8")
    code, _, err = run(capsys, "calendar", "load", str(bad))
    assert code == 1
    assert "holidays" in err and "2026-12-31 is not in 2027" in err
    assert run(capsys, "user", "add", "qe.li", "--role", "qe")[0] == 0
    act_as("qe.li")
    official = cli_env / "official-2027.toml"
    official.write_text(OFFICIAL_2027, encoding="utf-8")
    code, _, err = run(capsys, "calendar", "load", str(official))
    assert code == 1
    assert "admin" in err
    assert not (cli_env / "calendars" / "2027.toml").exists()

"""The workflow commands of the eightd command line, in-process on a real SQLite store."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest

from eightd.cli import main
from eightd.domain import ComplaintCategory
from tests.conftest import CST
from tests.integration.test_cli import _intake_file

RECEIVED = datetime(2025, 9, 30, 10, tzinfo=CST)  # long past: every clock has run out


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("EIGHTD_HOME", str(tmp_path / "home"))
    monkeypatch.setattr("eightd.settings.os_user", lambda: "qe.li")
    monkeypatch.setenv("EIGHTD_LANG", "en")
    monkeypatch.delenv("EIGHTD_DATABASE_URL", raising=False)
    monkeypatch.delenv("EIGHTD_POLICY", raising=False)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def number(cli_env: Path, capsys: pytest.CaptureFixture[str]) -> str:
    assert run(capsys, "init")[0] == 0
    intake = _intake_file(
        cli_env / "intake.json", received_at=RECEIVED, ship_date=date(2025, 9, 20)
    )
    assert run(capsys, "new", str(intake))[0] == 0
    _, out, _ = run(capsys, "list", "--format", "json")
    return str(json.loads(out)[0]["number"])


def test_policy_check_accepts_the_default_file(
    cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "policy", "check", "templates/policy.toml")
    assert code == 0
    assert "the policy is valid" in out


def test_policy_check_refuses_a_bad_file_with_each_key_path(
    cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = cli_env / "bad.toml"
    bad.write_text(
        '[gates.D3]\ncontainment_present = "maybe"\n[lint]\nrules = 3\n', encoding="utf-8"
    )
    code, _, err = run(capsys, "policy", "check", str(bad))
    assert code == 1
    assert "2 error(s)" in err
    assert "gates.D3.containment_present: 'maybe' is not one of: block, warn, off" in err
    assert "lint.rules: must be a table" in err


def test_grade_advance_and_gate_refusal(number: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "advance", number)
    assert code == 1
    assert "decide whether the complaint is founded" in err
    assert run(capsys, "validity", number, "founded", "--note", "ours")[0] == 0
    code, out, _ = run(capsys, "grade", number)
    assert code == 0
    assert "Grade:" in out
    code, out, _ = run(capsys, "advance", number)
    assert (code, "D1" in out) == (0, True)


def test_company_policy_given_with_the_flag_changes_a_gate(
    number: str, cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    acme = cli_env / "acme.toml"
    acme.write_text(
        '[gates.D0]\nvalidity_decided = "warn"\nseverity_graded = "off"\n', encoding="utf-8"
    )
    assert run(capsys, "advance", number)[0] == 1
    code, out, _ = run(capsys, "--policy", str(acme), "advance", number)
    assert (code, "D1" in out) == (0, True)


def test_lint_exits_1_on_a_blocking_finding(
    number: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "lint", number)
    assert (code, "score 100" in out) == (0, True)
    promise = ("--at", "2025-10-09T10:00+08:00", "--next-reply", "2025-10-10T10:00+08:00")
    code, _, _ = run(capsys, "contact", number, "--summary", "will call back", *promise)
    assert code == 0
    code, out, _ = run(capsys, "lint", number, "--json")
    report = json.loads(out)
    assert code == 1
    assert report["blocking"] is True
    assert [f["code"] for f in report["findings"]] == ["reply_overdue"]


def test_overdue_lists_the_late_stages(number: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "overdue", "--json")
    assert code == 0
    [item] = json.loads(out)
    assert item["number"] == number
    assert [(c["key"], c["state"]) for c in item["clocks"]] == [
        ("D0", "overdue"),
        ("D3", "overdue"),
        ("D4", "overdue"),
        ("D8", "overdue"),
    ]


def test_approve_needs_the_approver_role(number: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "validity", number, "not_ours", "--note", "customer's press-fit")[0] == 0
    code, _, err = run(capsys, "--user", "intern", "approve", number)
    assert code == 1
    assert "intern" in err
    code, _, err = run(capsys, "approve", number)  # the first user: admin and qe
    assert code == 1 and "approver" in err
    roles = ("--role", "admin", "--role", "qe", "--role", "approver")
    assert run(capsys, "user", "add", "qe.li", *roles)[0] == 0
    code, out, _ = run(capsys, "approve", number)
    assert code == 0
    assert "sha256:" in out
    code, out, _ = run(capsys, "close", number, "--kind", "no_8d")
    assert (code, "closed" in out) == (0, True)
    code, out, _ = run(capsys, "reopen", number, "--reason", "new evidence")
    assert (code, "open" in out) == (0, True)


def test_show_names_the_topic_and_says_when_the_policy_has_no_limit_for_it(
    cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "init")
    for topic in ("refund_progress", "parking_fee"):
        intake = _intake_file(
            cli_env / f"{topic}.json",
            received_at=RECEIVED,
            ship_date=date(2025, 9, 20),
            category=ComplaintCategory.SERVICE,
            topic=topic,
        )
        assert run(capsys, "new", str(intake))[0] == 0
    _, out, _ = run(capsys, "list", "--format", "json")
    known, unknown = sorted(row["number"] for row in json.loads(out))
    code, out, _ = run(capsys, "show", known)
    assert code == 0
    assert "Complaint topic" in out and "refund_progress" in out
    assert "closure limit" not in out
    # rule CL-5: a topic's closure limit governs a complaint handled without an 8D
    assert run(capsys, "validity", unknown, "customer_request", "--note", "a request")[0] == 0
    _, out, _ = run(capsys, "show", unknown)
    assert "parking_fee" in out
    assert (
        "⚠ The policy sets no closure limit for the topic 'parking_fee': "
        "the case must close within its category's 2 working days." in out
    )

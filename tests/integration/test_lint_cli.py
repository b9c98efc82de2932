"""`eightd lint` on the demo's weak 8D, and on a rewrite of it in the usual blame and
inspection wording (rules LN-D4.3, LN-D5.2): both are refused (exit 1) with the right findings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eightd.cli import main

TODAY = "2026-12-02"
AT = "2026-12-02T10:00+08:00"


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("EIGHTD_HOME", str(tmp_path / "home"))
    monkeypatch.setattr("eightd.settings.os_user", lambda: "qe.li")  # the acting OS account
    monkeypatch.setenv("EIGHTD_LANG", "en")
    monkeypatch.delenv("EIGHTD_DATABASE_URL", raising=False)
    monkeypatch.delenv("EIGHTD_POLICY", raising=False)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert out or code == 0, err
    return code, out


def lint_json(capsys: pytest.CaptureFixture[str], number: str) -> tuple[int, dict[str, dict]]:
    """Exit code and findings keyed ``stage.code`` (``stage.code.kind`` for hollow actions)."""
    code, out = run(capsys, "lint", number, "--json", "--at", AT)
    findings = {}
    for f in json.loads(out)["findings"]:
        kind = f["params"].get("kind")
        findings[f"{f['stage']}.{f['code']}" + (f".{kind}" if kind else "")] = f
    return code, findings


def weak_demo_case(capsys: pytest.CaptureFixture[str]) -> str:
    assert run(capsys, "init")[0] == 0
    assert run(capsys, "demo", "--today", TODAY)[0] == 0
    _, out = run(capsys, "list", "--format", "json")
    numbers = [row["number"] for row in json.loads(out)]
    weak = []
    for number in numbers:
        _, shown = run(capsys, "show", number, "--json")
        case = json.loads(shown)
        case = case.get("case", case)
        if any("加强培训" in a["text"] for a in case["actions"]):
            weak.append(number)
    assert len(weak) == 1
    return weak[0]


def test_lint_refuses_the_demo_weak_8d_with_its_findings_by_stage(
    cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    number = weak_demo_case(capsys)
    code, findings = lint_json(capsys, number)
    assert code == 1
    assert findings["D4.blame_cause"]["count"] == 3
    assert findings["D4.blame_cause"]["severity"] == "blocking"
    assert findings["D5.hollow_action.training"]["params"]["ids"] == ["A1", "A2"]
    assert {"D6.verification_data", "D7.d7_same_revision", "D7.missing_d7"} <= set(findings)
    code, text = run(capsys, "lint", number, "--at", AT)
    assert code == 1
    assert "[blocking] D4 causes[0]: 3 cause(s) only blame a person" in text


def test_lint_refuses_a_rewrite_in_the_usual_blame_and_inspection_wording(
    cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    number = weak_demo_case(capsys)
    _, shown = run(capsys, "show", number, "--json")
    case = json.loads(shown)
    case = case.get("case", case)
    case["causes"][0]["text"] = "Human error: the crimping operator was careless"
    case["causes"][0]["whys"] = ["Why low crimp height? The operator did not pay attention"]
    case["causes"][1]["text"] = "Lack of sense of responsibility of the new worker"
    case["causes"][4]["text"] = "The final inspector overlooked the pulled-out terminal"
    case["actions"][0]["text"] = "Add 100% inspection of crimp height and sort all stock"
    case["actions"][1]["text"] = "Remind inspectors to be careful; penalise repeat offenders"
    path = cli_env / "rewrite.json"
    path.write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
    assert run(capsys, "update", str(path))[0] == 0
    code, findings = lint_json(capsys, number)
    assert code == 1
    blame = findings["D4.blame_cause"]
    assert (blame["count"], blame["params"]["ids"]) == (3, ["C1", "C2", "C5"])
    assert findings["D5.hollow_action.inspection"]["params"]["ids"] == ["A1"]
    assert findings["D5.hollow_action.reminder"]["params"]["ids"] == ["A2"]

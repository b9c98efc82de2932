"""Opening a complaint from a JSON file: the example in docs/ works as written, and an
incomplete file is refused naming every missing key at once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_cli as run

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "intake-example.json"


def test_the_example_intake_file_opens_a_complaint(
    cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "new", str(EXAMPLE), "--at", "2026-11-18T10:00+08:00")
    assert code == 0, err
    assert "202611-0001" in out
    _, shown, _ = run(capsys, "show", "202611-0001", "--json")
    case = json.loads(shown)
    example = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    assert case["title"] == example["title"]
    assert case["intake"]["lot_size"] == example["intake"]["lot_size"]


def test_an_incomplete_intake_names_every_missing_key_at_once(
    cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    example = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    for key in ("customer_name", "ship_date", "lot_size", "found_at"):
        del example["intake"][key]
    path = cli_env / "incomplete.json"
    path.write_text(json.dumps(example), encoding="utf-8")
    code, _, err = run(capsys, "new", str(path), "--at", "2026-11-18T10:00+08:00")
    assert code == 1
    for key in ("customer_name", "ship_date", "lot_size", "found_at"):
        assert f"intake.{key}" in err
    assert "intake.defect_count" not in err  # it was given: the lot size is what is missing
    code, _, err = run(capsys, "--lang", "zh", "new", str(path), "--at", "2026-11-18T10:00+08:00")
    assert code == 1 and "intake.lot_size" in err and "受理投诉" in err
    assert run(capsys, "list", "--format", "json")[1].strip() == "[]"

"""A complaint worked from intake to closure with the eightd command alone (docs/RULES.md)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from eightd.cli import main
from eightd.domain import case_to_dict
from tests.conftest import make_intake


def test_a_complaint_is_worked_from_intake_to_normal_closure_and_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("EIGHTD_DATABASE_URL", f"sqlite:///{tmp_path}/e.db")
    monkeypatch.setenv("EIGHTD_LANG", "en")
    monkeypatch.setattr("eightd.settings.os_user", lambda: "qe.li")

    def write(name: str, value: object) -> str:
        path = tmp_path / name
        path.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
        return str(path)

    def ok(*args: str) -> str:
        code = main(list(args))
        out, err = capsys.readouterr()
        assert code == 0, f"eightd {' '.join(args)} failed: {err}"
        return out

    received = datetime.now().astimezone() - timedelta(hours=2)
    intake = case_to_dict(make_intake(received_at=received, ship_date=received.date()))
    ok("init")
    ok("user", "add", "wang.qa", "--role", "approver")
    ok("new", write("intake.json", {"title": "J3 cold solder joints", "intake": intake}))
    number = json.loads(ok("list", "--format", "json"))[0]["number"]

    # D0: validity and grade, then a gate refusal that lists what D1 lacks
    ok("validity", number, "founded", "--note", "confirmed on 5 returned boards")
    ok("grade", number, "--severity", "serious", "--reason", "line stop at customer")
    ok("advance", number)
    assert main(["advance", number]) == 1
    assert "leader" in capsys.readouterr().err.lower()

    team = [
        {"name": "Li Na", "role": "leader", "department": "QA"},
        {"name": "Zhou Bo", "role": "sales", "department": "Sales"},
        {"name": "Wu Lei", "role": "quality", "department": "QA lab"},
        {"name": "Chen Gang", "role": "engineering", "department": "SMT"},
    ]
    ok("team", number, write("team.json", team))
    ok("advance", number)
    problem = {
        "what": "Cold solder joints on J3, connector loose",
        "where": "Customer line 2, ICT",
        "when": "Lot 2610A, shipped 2026-11-02",
        "how_many": "37 of 5000 (7400 ppm)",
        "is_is_not": [{"dimension": "where", "is_": "J3 only", "is_not": "J1, J2"}],
    }
    ok("problem", number, write("problem.json", problem))
    ok("advance", number)

    containment = {
        "location": "finished_stock",
        "measure": "reinspect",
        "description": "Sort all finished stock of lot 2610A by X-ray",
        "owner": "Wu Lei",
        "quantity_checked": 1200,
        "quantity_bad": 9,
        "effectiveness": "9 rejects found, none shipped since",
    }
    ok("put", number, "containment", write("k.json", containment))
    ok("set", number, "clean_point=Boxes from lot 2611B marked with a green dot")
    ok("advance", number)

    occurrence = {
        "text": "Reflow peak 228 °C, below the 235 °C minimum for J3",
        "category": "machine",
        "type": "occurrence",
        "status": "verified",
        "evidence": "Profile log; defect reproduced at 228 °C, gone at 240 °C",
        "whys": ["Joint cold", "Peak too low", "Zone 7 heater drifted", "No drift alarm"],
    }
    escape = {
        "text": "AOI program does not inspect J3 pins",
        "category": "measurement",
        "type": "escape",
        "status": "verified",
        "evidence": "AOI program v12 reviewed; J3 missing from the pin list",
    }
    ok("put", number, "causes", write("c1.json", occurrence))
    ok("put", number, "causes", write("c2.json", escape))
    ok("advance", number)

    due = (received + timedelta(days=10)).date().isoformat()
    for i, (text, cause) in enumerate(
        [("Drift alarm on zone 7 heater", "C1"), ("Add J3 pins to AOI program v13", "C2")]
    ):
        action = {"text": text, "cause_ids": [cause], "owner": "Chen Gang", "due": due}
        ok("put", number, "actions", write(f"a{i}.json", action))
    ok("advance", number)

    verification = {
        "action_ids": ["A1", "A2"],
        "verified_on": received.date().isoformat(),
        "verified_by": "Wu Lei",
        "problem_improved": True,
        "no_new_problem": True,
        "prevents_recurrence": True,
        "evidence": "3 lots, 0 defects at ICT",
        "metric": "ppm",
        "before_value": 7400,
        "after_value": 0,
    }
    ok("verify", number, write("v.json", verification))
    ok("set", number, f"containment_removed_on={received.date().isoformat()}")
    ok("advance", number)

    pfmea = {
        "kind": "fmea",
        "document_id": "PFMEA-SMT-07",
        "old_revision": "C",
        "new_revision": "D",
        "owner": "Chen Gang",
    }
    ok("standardize", number, write("d7.json", pfmea))
    ok("advance", number)

    # D8: only an approver signs; the customer agrees on the call-back; the case closes
    # the acting user is the OS account on a local store: nobody else's name can be typed
    assert main(["--user", "wang.qa", "approve", number]) == 1
    assert "--user" in capsys.readouterr().err
    monkeypatch.setattr("eightd.settings.os_user", lambda: "zhou.sales")
    assert main(["approve", number]) == 1
    assert "approver" in capsys.readouterr().err
    monkeypatch.setattr("eightd.settings.os_user", lambda: "wang.qa")
    ok("approve", number)
    monkeypatch.setattr("eightd.settings.os_user", lambda: "qe.li")
    ok("callback", number, "--outcome", "satisfied", "--note", "customer accepts the 8D")
    ok("close", number, "--kind", "normal")
    shown = ok("show", number)
    assert "closed" in shown and "valid" in shown.lower()

    out = tmp_path / "reports"
    ok("report", number, "--format", "html", "--out", str(out))
    (html,) = out.glob("*.html")
    assert html.name == f"{number}-PCB-7731.html"
    page = html.read_text(encoding="utf-8")
    assert "Reflow peak 228" in page and "PFMEA-SMT-07" in page

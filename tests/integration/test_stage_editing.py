"""Editing stage content through the services and the CLI."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from eightd import services
from eightd.cli import main
from eightd.domain import (
    BoneCategory,
    Cause,
    CauseStatus,
    CauseType,
    Contact,
    ContainmentAction,
    CorrectiveAction,
    IsIsNot,
    ProblemDescription,
    TeamMember,
    TeamRole,
    Validity,
)
from eightd.errors import ConcurrentEditError, ValidationError
from eightd.store import Store
from tests.conftest import CST, make_intake

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=CST)


@pytest.fixture
def number(store: Store) -> str:
    with store.uow() as uow:
        return services.open_case(
            uow, make_intake(), title="Solder", user="li", now=NOW
        ).case.number


def test_new_items_get_the_next_free_id(store: Store, number: str) -> None:
    with store.uow() as uow:
        _, first = services.put_item(
            uow,
            number,
            "causes",
            Cause(text="冷焊 cold joint", category=BoneCategory.MACHINE),
            user="li",
            now=NOW,
        )
        _, second = services.put_item(
            uow,
            number,
            "causes",
            Cause(
                text="AOI program misses J3",
                type=CauseType.ESCAPE,
                category=BoneCategory.MEASUREMENT,
            ),
            user="li",
            now=NOW,
        )
        stored = services.load_case(uow, number)
    assert (first, second) == ("C1", "C2")
    assert [c.id for c in stored.case.causes] == ["C1", "C2"]


def test_putting_an_existing_id_replaces_the_item(store: Store, number: str) -> None:
    with store.uow() as uow:
        services.put_item(uow, number, "causes", Cause(id="C1", text="guess"), user="li")
        services.put_item(
            uow,
            number,
            "causes",
            Cause(
                id="C1", text="reflow too cold", status=CauseStatus.VERIFIED, evidence="profile log"
            ),
            user="li",
        )
        causes = services.load_case(uow, number).case.causes
    assert len(causes) == 1 and causes[0].status is CauseStatus.VERIFIED


def test_a_cause_still_addressed_by_an_action_cannot_be_removed(store: Store, number: str) -> None:
    with store.uow() as uow:
        services.put_item(uow, number, "causes", Cause(text="reflow too cold"), user="li")
        services.put_item(
            uow,
            number,
            "actions",
            CorrectiveAction(text="new profile", cause_ids=["C1"]),
            user="li",
        )
    with pytest.raises(ValidationError) as err, store.uow() as uow:
        services.remove_item(uow, number, "causes", "C1", user="li")
    assert err.value.field == "actions[0].cause_ids"


def test_containment_with_more_bad_than_checked_is_rejected(store: Store, number: str) -> None:
    with pytest.raises(ValidationError) as err, store.uow() as uow:
        services.put_item(
            uow,
            number,
            "containment",
            ContainmentAction(description="sort stock", quantity_checked=10, quantity_bad=11),
            user="li",
        )
    assert err.value.field == "containment[0].quantity_bad"


def test_team_problem_and_validity_are_saved_and_audited(store: Store, number: str) -> None:
    with store.uow() as uow:
        services.set_team(
            uow,
            number,
            [TeamMember(name="王工", role=TeamRole.LEADER, department="品保部")],
            user="li",
        )
        services.describe_problem(
            uow,
            number,
            ProblemDescription(
                what="J3 cold joints",
                how_many="37 / 5000",
                is_is_not=[IsIsNot(is_="lot 2610A", is_not="lot 2609")],
            ),
            user="li",
        )
        services.set_validity(uow, number, Validity.FOUNDED, "confirmed on samples", user="li")
        stored = services.load_case(uow, number)
        actions = {e.action for e in services.audit_trail(uow, number)}
    assert stored.case.team[0].name == "王工"
    assert stored.case.problem.statement == "J3 cold joints"
    assert stored.version == 4
    assert {"set_team", "describe_problem", "set_validity"} <= actions


def test_edit_from_a_stale_form_is_refused(store: Store, number: str) -> None:
    with store.uow() as uow:
        services.put_item(uow, number, "causes", Cause(text="a"), user="li", expected_version=1)
    with pytest.raises(ConcurrentEditError), store.uow() as uow:
        services.put_item(uow, number, "causes", Cause(text="b"), user="wang", expected_version=1)


def test_contact_log_keeps_the_promised_reply_time(store: Store, number: str) -> None:
    contact = Contact(
        at=NOW,
        summary="说明已收到样品",
        promise="48 小时内给出初步分析",
        next_reply_due=NOW + timedelta(hours=48),
    )
    with store.uow() as uow:
        services.log_contact(uow, number, contact, user="li")
        logged = services.load_case(uow, number).case.contacts[0]
    assert logged.by == "li" and logged.next_reply_due == NOW + timedelta(hours=48)


def test_cli_put_and_contact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("EIGHTD_DATABASE_URL", f"sqlite:///{tmp_path}/e.db")
    monkeypatch.setenv("EIGHTD_LANG", "en")
    at = "2026-11-20T14:00+08:00"
    intake = tmp_path / "intake.json"
    from eightd.domain import case_to_dict

    intake.write_text(json.dumps({"title": "t", "intake": case_to_dict(make_intake())}))
    assert main(["init"]) == 0  # the OS account becomes the store's first user (admin, qe)
    assert main(["new", str(intake), "--at", at]) == 0
    cause = tmp_path / "cause.json"
    cause.write_text(json.dumps({"text": "未按SOP操作", "category": "man"}, ensure_ascii=False))
    assert main(["put", "202611-0001", "causes", str(cause), "--at", at]) == 0
    assert "Saved C1" in capsys.readouterr().out
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"text": "x", "category": "luck"}))
    assert main(["put", "202611-0001", "causes", str(bad), "--at", at]) == 1
    assert "causes.category: 'luck' is not one of: man, machine" in capsys.readouterr().err
    reply = "2026-11-25T10:00+08:00"
    code = main(
        ["contact", "202611-0001", "--summary", "called", "--next-reply", reply, "--at", at]
    )
    assert code == 0
    capsys.readouterr()
    assert main(["show", "202611-0001", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["contacts"][0]["at"].startswith("2026-11-20T")
    assert shown["version"] == 3


def test_simple_fields_are_set_typed_and_unknown_ones_refused(store: Store, number: str) -> None:
    with store.uow() as uow:
        stored = services.set_fields(
            uow,
            number,
            {"containment_removed_on": "2026-11-21", "read_across": ["PCB-7732 same profile"]},
            user="li",
        )
    assert stored.case.containment_removed_on.isoformat() == "2026-11-21"  # type: ignore[union-attr]
    assert stored.case.read_across == ["PCB-7732 same profile"]
    with pytest.raises(ValidationError) as err, store.uow() as uow:
        services.set_fields(uow, number, {"status": "closed"}, user="li")
    assert err.value.field == "status"
    with pytest.raises(ValidationError) as err, store.uow() as uow:
        services.set_fields(uow, number, {"containment_removed_on": "21.11.2026"}, user="li")
    assert err.value.field == "containment_removed_on"

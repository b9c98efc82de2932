"""The application layer on a real store: every use case through one object built from
settings, with a fixed clock, versioned edits and no silent overwrite."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from eightd.application import Application
from eightd.domain import (
    ContainmentAction,
    ContainmentLocation,
    PauseReason,
    Stage,
    TeamMember,
    TeamRole,
    Validity,
)
from eightd.errors import ConcurrentEditError
from eightd.settings import Settings
from eightd.store import Store
from tests.conftest import CST, make_intake

T0 = datetime(2026, 11, 20, 10, tzinfo=CST)


def _app(url: str, user: str = "qe.li", now: datetime = T0) -> Application:
    # the workbench's way in: the hub's login acts (through a service login on PostgreSQL)
    settings = Settings(database_url=url, user=user, lang="en", hub_user=user)
    return Application.from_settings(settings, now=lambda: now)


@pytest.fixture
def app(store: Store, store_url: str) -> Application:
    application = _app(store_url)
    application.init_store()
    return application


def test_application_opens_a_complaint_at_its_own_clock(app: Application) -> None:
    stored = app.open_complaint(make_intake(received_at=T0), title="Cold solder joints")
    assert stored.case.number == "202611-0001"
    assert stored.case.created_at == T0
    assert stored.updated_by == "qe.li"
    assert app.history(stored.case.number)[0].at == T0
    app.dispose()


def test_every_edit_takes_the_version_the_user_saw(app: Application) -> None:
    number = app.open_complaint(make_intake(), title="t").case.number
    seen = app.load(number).version
    team = [TeamMember("Li", TeamRole.LEADER, "Quality")]
    app.set_team(number, team, version=seen)
    with pytest.raises(ConcurrentEditError) as refused:
        app.set_validity(number, Validity.FOUNDED, "ok", version=seen)
    assert refused.value.params["changed_by"] == "qe.li"
    assert refused.value.params["actual"] == seen + 1
    assert app.load(number).case.validity is None
    app.dispose()


def test_a_save_that_changes_nothing_creates_no_version(app: Application) -> None:
    number = app.open_complaint(make_intake(), title="t").case.number
    first = app.set_validity(number, Validity.FOUNDED, "ok")
    rows = len(app.history(number))
    again = app.set_validity(number, Validity.FOUNDED, "ok", at=T0 + timedelta(hours=1))
    assert again.version == first.version
    assert len(app.history(number)) == rows
    app.dispose()


def test_items_pause_and_resume_use_the_policy_day_of_the_clock(app: Application) -> None:
    number = app.open_complaint(make_intake(), title="t").case.number
    item = ContainmentAction(
        id="", location=ContainmentLocation.FINISHED_STOCK, description="sort stock"
    )
    stored, item_id = app.put_item(number, "containment", item)
    assert item_id == "K1"
    late = datetime(2026, 11, 20, 23, 30, tzinfo=CST)  # 15:30 UTC, already the 20th in CST
    paused = app.pause(number, PauseReason.WAITING_CUSTOMER, version=stored.version, at=late)
    assert paused.case.pauses[0].start == date(2026, 11, 20)
    resumed = app.resume(number, at=late + timedelta(days=2))
    assert resumed.case.pauses[0].end == date(2026, 11, 22)
    app.dispose()


def test_ledger_and_overdue_as_rows_and_frames(app: Application) -> None:
    pytest.importorskip("pandas")
    number = app.open_complaint(make_intake(), title="t").case.number
    assert app.numbers() == [number]
    frame = app.list_frame()
    assert list(frame["number"]) == [number]
    late = _app(app.settings.database_url, now=T0 + timedelta(days=30))
    assert [a.number for a in late.overdue()] == [number]
    assert set(late.overdue_frame()["number"]) == {number}
    assert app.history_frame(number)["action"].iloc[0] == "open_case"
    assert app.assess(number)[0].case.stage is Stage.D0
    late.dispose()
    app.dispose()


def test_views_and_report_requests_show_times_in_the_policy_zone(app: Application) -> None:
    number = app.open_complaint(make_intake(received_at=T0), title="t").case.number
    utc_clock = _app(app.settings.database_url, now=T0.astimezone(UTC))
    request = utc_clock.report_request(number)
    assert request.as_of is not None and request.as_of.utcoffset() == timedelta(hours=8)
    assert request.view["number"] == number and request.case["number"] == number
    assert utc_clock.view(number).report_date == "2026-11-20 10:00"
    utc_clock.dispose()
    app.dispose()

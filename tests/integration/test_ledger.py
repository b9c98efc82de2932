"""The ledger (跟踪台账) in SQL: its columns are kept on every save and recomputed when the
policy changes; its pages, filters and the overdue list agree with decoding every case."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from eightd.application import Application
from eightd.domain import TeamMember, TeamRole
from eightd.errors import ValidationError
from eightd.policy import ClockState, load_policy, parse_policy
from eightd.policy.loader import DEFAULT_POLICY_PATH
from eightd.settings import Settings
from eightd.store import Store
from tests.conftest import CST, make_intake

TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 12, tzinfo=CST)


def _app(store: Store, url: str, user: str = "qe.li", **kwargs: object) -> Application:
    # the workbench's way in: the hub's login acts through the store's service account
    settings = Settings(url, user, "en", hub_user=user)
    return Application(settings, store=store, now=lambda: NOW, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def demo(store: Store, store_url: str) -> Application:
    _app(store, store_url, "tester").load_demo(TODAY)  # an administrator loads the demo
    return _app(store, store_url)


def _attention(items: list) -> list[tuple[str, list[tuple[str, str, object]], int]]:  # type: ignore[type-arg]
    return [
        (
            a.number,
            [(c.key, c.state.value, c.due, c.provisional) for c in a.clocks],
            a.replies_overdue,
        )
        for a in items
    ]


@pytest.mark.parametrize("days", [0, 2, 9, 40])
def test_overdue_from_the_ledger_equals_decoding_every_case(demo: Application, days: int) -> None:
    at = NOW + timedelta(days=days)
    from_ledger = _attention(demo.overdue(at=at))
    assert from_ledger  # the demo has late cases
    assert sorted(from_ledger) == sorted(_attention(demo.overdue_by_decoding(at=at)))


def test_ledger_page_counts_filters_sorts_and_pages(demo: Application) -> None:
    everything = demo.ledger(page_size=1000)
    total = everything.total
    assert total == len(everything.rows) == len(demo.numbers())
    first = demo.ledger(page=1, page_size=5)
    second = demo.ledger(page=2, page_size=5)
    assert first.total == total and len(first.rows) == 5
    assert [r.number for r in first.rows + second.rows] == [r.number for r in everything.rows[:10]]
    closed = demo.ledger({"status": "closed"}, page_size=1000)
    assert closed.rows and all(
        r.status == "closed" and r.due_state == "closed" for r in closed.rows
    )
    overdue = demo.ledger({"overdue": True}, page_size=1000)
    late = {a.number for a in demo.overdue() if any(c.state.value == "overdue" for c in a.clocks)}
    late |= {a.number for a in demo.overdue() if a.replies_overdue}
    assert {r.number for r in overdue.rows} == late
    near = demo.ledger({"attention": True}, page_size=1000)  # overdue or due soon
    assert {r.number for r in near.rows} == {a.number for a in demo.overdue() if a.clocks}
    assert late <= {r.number for r in near.rows} | {a.number for a in demo.overdue()}
    by_due = demo.ledger({"status": "open"}, sort="due", page_size=1000).rows
    dues = [r.stage_due_at for r in by_due if r.stage_due_at is not None]
    assert dues == sorted(dues)
    case = demo.load(everything.rows[0].number).case
    found = demo.ledger(search=case.intake.customer_name.upper()[:6], page_size=1000)
    assert case.number in {r.number for r in found.rows}
    with pytest.raises(ValidationError) as err:
        demo.ledger(sort="nonsense")
    assert err.value.field == "sort"


def test_next_due_is_the_stage_deadline_else_the_nearest_one_still_running(
    demo: Application,
) -> None:
    """The ledger's "next due": the current stage's own clock (D0, D3, D4, D8); at a stage
    without one (D1, D2, D5-D7) the nearest deadline still running, never a blank."""
    running = {ClockState.DUE, ClockState.DUE_SOON, ClockState.OVERDUE}
    checked = set()
    for row in demo.ledger({"status": "open"}, page_size=1000).rows:
        _, assessment = demo.assess(row.number)
        clocks = [c for c in assessment.clocks if c.state in running and c.due is not None]
        if any(c.paused for c in clocks if c.key == row.stage):
            continue
        live = [c for c in clocks if not c.paused or c.state is ClockState.OVERDUE]
        own = [c.due for c in live if c.key == row.stage]
        expected = own[0] if own else min((c.due for c in live), default=None)
        assert row.stage_due_at == expected, row.number
        checked.add(row.stage if own else "other")
    assert {"other"} <= checked and checked - {"other"}  # both kinds among the demo cases


def test_a_save_updates_the_ledger_row(demo: Application) -> None:
    number = demo.open_complaint(make_intake(received_at=NOW), title="Fresh").case.number
    [row] = demo.ledger(search=number).rows
    assert (row.stage, row.due_state, row.owner) == ("D0", "on_time", "qe.li")
    assert row.stage_due_at is not None and row.stage_due_at > NOW
    demo.set_team(number, [TeamMember("Wang Fang", TeamRole.LEADER, "Quality")])
    [row] = demo.ledger(search=number).rows
    assert row.owner == "Wang Fang"
    [late] = demo.ledger(search=number, at=NOW + timedelta(days=30)).rows
    assert late.due_state == "overdue"


def test_a_changed_policy_recomputes_every_case(demo: Application, store: Store) -> None:
    assert demo.refresh_case_ledger() == 0  # current already
    import tomllib

    with open(DEFAULT_POLICY_PATH, "rb") as fh:
        data = tomllib.load(fh)
    data["deadlines"]["due_soon"] = {"hours": 72}
    stricter = parse_policy(data, source=DEFAULT_POLICY_PATH)
    other = _app(store, demo.settings.database_url, policy=stricter)
    assert other.refresh_case_ledger() == len(demo.numbers())
    soon = _attention(other.overdue(at=NOW))
    assert sorted(soon) == sorted(_attention(other.overdue_by_decoding(at=NOW)))
    assert len(soon) >= len(_attention(demo.overdue_by_decoding(at=NOW)))
    assert demo.refresh_case_ledger() == len(demo.numbers())  # and back under the first policy
    assert load_policy() is not None


@pytest.mark.parametrize("days", [0, 9, 16, 31, 45])
def test_ledger_escalation_moves_on_with_time_without_a_save(demo: Application, days: int) -> None:
    """Rules ES-1, ES-2: days unresolved and missed promised replies raise the escalation
    as time passes; the ledger shows the level of ``at``, as decoding each case does."""
    at = NOW + timedelta(days=days)
    rows = demo.ledger({"status": "open"}, page_size=1000, at=at).rows
    assert rows
    for row in rows:
        _, assessment = demo.assess(row.number, at=at)
        assert row.escalation_level == assessment.escalation.level, (row.number, days)


def test_an_open_case_escalates_after_15_and_30_days_unresolved(
    store: Store, store_url: str
) -> None:
    received = datetime(2026, 11, 2, 9, 0, tzinfo=CST)
    settings = Settings(store_url, "qe.li", "en", hub_user="qe.li")
    app = Application(settings, store=store, now=lambda: received + timedelta(hours=1))
    number = app.open_complaint(make_intake(received_at=received), title="Days open").case.number

    def level(day: date) -> int | None:
        at = datetime(day.year, day.month, day.day, 12, tzinfo=CST)
        (row,) = [r for r in app.ledger(page_size=1000, at=at).rows if r.number == number]
        return row.escalation_level

    assert level(date(2026, 11, 16)) is None  # 14 days open
    assert level(date(2026, 11, 17)) == 2  # 15 days: level 2, without any save
    assert level(date(2026, 12, 1)) == 2  # 29 days
    assert level(date(2026, 12, 2)) == 1  # 30 days: level 1
    assert app.refresh_case_ledger(at=datetime(2026, 12, 3, tzinfo=CST)) == 0  # nothing left

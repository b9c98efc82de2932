"""The ledger rollups (rules AN-2, AN-3): the triggers keep them equal to a count from
scratch through inserts, updates, a reopened case and deletes, on SQLite and PostgreSQL;
and the KPI summary, Pareto and trend read from them equal the same figures grouped from
the ledger rows."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from eightd import services
from eightd.analytics import Filters, kpis, pareto, refresh_ledger, trend
from eightd.analytics.ledger import with_open_due_bounds
from eightd.analytics.rollup import bulk, fresh_counts, rebuild_rollups
from eightd.demo import demo_cases
from eightd.store import Store
from eightd.store.engine import read_only_options
from eightd.store.tables import (
    ledger,
    ledger_causes,
    ledger_counts,
    ledger_dirty,
    ledger_hours,
    ledger_rollup,
    ledger_state,
)
from tests.integration.test_analytics_kpi import NOW, POLICY, row

PAST, FUTURE = NOW - timedelta(days=1), NOW + timedelta(days=1)
TABLES = {t.name: t for t in (ledger_rollup, ledger_counts, ledger_hours)}


def cause(number: str, cause_id: str, bone: str, status: str = "verified") -> dict[str, Any]:
    return {
        "number": number,
        "cause_id": cause_id,
        "bone": bone,
        "type": "occurrence",
        "status": status,
        "text": "t",
    }


def _normal(rows: Any) -> list[tuple[Any, ...]]:
    """Rows without the groups that reached zero, sums rounded, booleans as booleans."""
    out = []
    for r in rows:
        values = tuple(
            round(v, 6) if isinstance(v, float) else bool(v) if k in ("recurrence", "paused") else v
            for k, v in r._mapping.items()
        )
        if r.n:
            out.append(values)
    return sorted(out, key=lambda values: repr([v for v in values if not isinstance(v, float)]))


def assert_rollups_match_a_recount(store: Store) -> None:
    with store.engine.connect() as conn:
        for name, query in fresh_counts(conn).items():
            stored = conn.execute(sa.select(TABLES[name])).all()
            assert _normal(stored) == _normal(conn.execute(query).all()), name


def _mixed_rows() -> list[dict[str, Any]]:
    return [
        row("202610-0001", month="2026-10", severity="serious", hours_to_containment=3.5,
            hours_to_closure=40.25, d3_state="on_time", d8_state="late", satisfaction="satisfied"),
        row("202611-0001", hours_to_containment=3.9, d3_state="late", recurrence=True,
            closure_kind="abnormal", satisfaction="no_answer"),
        row("202611-0002", status="open", stage="D4", closure_kind=None, d3_state="on_time",
            d4_state="open", d4_due=PAST, hours_to_containment=12.0),
        row("202611-0003", status="open", stage="D2", closure_kind=None, d0_state="open",
            d0_due=FUTURE, paused=True, customer="Other", product="P-2"),
    ]  # fmt: skip


def test_triggers_keep_the_rollups_equal_to_a_recount_through_every_change(
    store: Store,
) -> None:
    with store.engine.begin() as conn:
        conn.execute(ledger.insert(), _mixed_rows())
        # two verified causes with the same bone in one statement count the complaint once
        conn.execute(
            ledger_causes.insert(),
            [
                cause("202611-0001", "C1", "material"),
                cause("202611-0001", "C2", "material"),
                cause("202611-0001", "C3", "man", "ruled_out"),
                cause("202611-0002", "C1", "method"),
            ],
        )
    assert_rollups_match_a_recount(store)
    with store.engine.begin() as conn:
        # the case reopens: closed -> open at D4, its closure gone, a clock running again
        conn.execute(
            ledger.update()
            .where(ledger.c.number == "202611-0001")
            .values(status="open", stage="D4", closure_kind=None, d4_state="open", d4_due=PAST)
        )
        # another month, other hours
        conn.execute(
            ledger.update()
            .where(ledger.c.number == "202610-0001")
            .values(month="2026-09", hours_to_closure=None, hours_to_containment=0.2)
        )
        # causes change: one of two 'material' causes ruled out, another changes bone
        conn.execute(
            ledger_causes.update()
            .where(ledger_causes.c.number == "202611-0001", ledger_causes.c.cause_id == "C1")
            .values(status="ruled_out")
        )
        conn.execute(
            ledger_causes.update()
            .where(ledger_causes.c.number == "202611-0002")
            .values(bone="machine")
        )
        conn.execute(
            ledger_causes.update()
            .where(ledger_causes.c.number == "202611-0001", ledger_causes.c.cause_id == "C3")
            .values(status="verified", bone="material")
        )
    assert_rollups_match_a_recount(store)
    with store.engine.begin() as conn:
        conn.execute(ledger_causes.delete().where(ledger_causes.c.cause_id == "C2"))
        conn.execute(ledger.delete().where(ledger.c.number == "202611-0002"))  # causes stay
        conn.execute(ledger.delete().where(ledger.c.number == "202611-0003"))
    assert_rollups_match_a_recount(store)
    with store.engine.begin() as conn:
        conn.execute(ledger.insert(), [r for r in _mixed_rows() if r["number"] == "202611-0002"])
        conn.execute(ledger_causes.delete())
        conn.execute(ledger.delete())
    assert_rollups_match_a_recount(store)
    with store.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.sum(ledger_rollup.c.n))).scalar() == 0


def test_refreshing_the_ledger_of_real_cases_keeps_the_rollups_exact(store: Store) -> None:
    with store.uow() as uow:
        services.import_cases(uow, demo_cases(date(2026, 11, 30)), user="tester", now=NOW)
    with store.uow() as uow:
        assert refresh_ledger(uow, POLICY, now=NOW) > 0
    assert_rollups_match_a_recount(store)
    stricter = dataclasses.replace(
        POLICY, analytics=dataclasses.replace(POLICY.analytics, abnormal_closure="exclude")
    )
    with store.uow() as uow:  # another policy: every row derived again, in one recount
        refresh_ledger(uow, stricter, now=NOW)
    assert_rollups_match_a_recount(store)
    with store.engine.begin() as conn:  # two saved cases: through the triggers
        numbers = conn.execute(sa.select(ledger.c.number).limit(2)).scalars().all()
        conn.execute(ledger_dirty.insert(), [{"number": n} for n in numbers])
    with store.uow() as uow:
        assert refresh_ledger(uow, stricter, now=NOW) == 2
    assert_rollups_match_a_recount(store)
    with store.engine.connect() as conn:
        assert conn.execute(sa.select(ledger_state.c.key)).scalars().all() == ["fingerprint"]


def _rollup_total(conn: sa.Connection) -> int:
    return int(
        conn.execute(sa.select(sa.func.coalesce(sa.func.sum(ledger_rollup.c.n), 0))).scalar()
    )


def test_a_bulk_block_silences_the_triggers_and_recounts_once_at_its_end(store: Store) -> None:
    with store.engine.begin() as conn:
        conn.execute(ledger.insert(), _mixed_rows()[:1])
    with store.engine.begin() as conn, bulk(conn):
        conn.execute(ledger.insert(), _mixed_rows()[1:])
        conn.execute(ledger_causes.insert(), [cause("202611-0001", "C1", "material")])
        conn.execute(ledger.update().values(owner="QE 2"))
        assert _rollup_total(conn) == 1  # the triggers stood aside
        reader = store.engine.connect().execution_options(**read_only_options(store.engine))
        with reader as other:  # nobody else sees the marker
            assert "bulk" not in other.execute(sa.select(ledger_state.c.key)).scalars().all()
    assert_rollups_match_a_recount(store)
    with store.engine.connect() as conn:
        assert _rollup_total(conn) == 4
        assert "bulk" not in conn.execute(sa.select(ledger_state.c.key)).scalars().all()
    with store.engine.begin() as conn:  # afterwards the triggers count again
        conn.execute(ledger.delete().where(ledger.c.number == "202611-0003"))
    assert_rollups_match_a_recount(store)


def test_a_bulk_block_rolled_back_leaves_the_rollups_and_the_triggers_as_they_were(
    store: Store,
) -> None:
    with store.engine.begin() as conn:
        conn.execute(ledger.insert(), _mixed_rows()[:2])
    with pytest.raises(RuntimeError), store.engine.begin() as conn, bulk(conn):
        conn.execute(ledger.delete())
        raise RuntimeError("the load failed")
    with store.engine.begin() as conn:
        conn.execute(ledger.insert(), _mixed_rows()[2:])
        assert _rollup_total(conn) == 4
    assert_rollups_match_a_recount(store)


def test_rebuild_recounts_from_scratch_and_drops_groups_that_reached_zero(store: Store) -> None:
    with store.engine.begin() as conn:
        conn.execute(ledger.insert(), _mixed_rows())
        conn.execute(ledger.delete().where(ledger.c.number == "202611-0003"))
        conn.execute(ledger_counts.update().values(n=ledger_counts.c.n + 7))  # damaged
        rebuild_rollups(conn)
    assert_rollups_match_a_recount(store)
    with store.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.min(ledger_rollup.c.n))).scalar() == 1


# a period that starts within a month is answered from the ledger rows: the same figures
LEDGER_ROWS = Filters(start=datetime(2020, 1, 1, 0, 0, 1, tzinfo=UTC))


def test_kpis_pareto_and_trend_from_the_rollups_equal_those_from_the_ledger_rows(
    store: Store,
) -> None:
    hours = [0.5, 1.25, 1.75, 2.0, 7.5, 7.9, 30.0]
    rows = _mixed_rows() + [
        row(f"202611-{i + 10:04d}", hours_to_containment=h, hours_to_closure=h * 9.5,
            d3_state="on_time" if i % 2 else "late", category="service" if i % 3 else "sales")
        for i, h in enumerate(hours)
    ]  # fmt: skip
    with store.engine.begin() as conn:
        conn.execute(ledger.insert(), rows)
        conn.execute(ledger_causes.insert(), [cause("202611-0001", "C1", "material")])
    assert Filters().months(POLICY) == (None, None)
    assert LEDGER_ROWS.months(POLICY) is None
    with store.engine.connect() as conn:
        for policy in (POLICY, dataclasses.replace(
            POLICY, analytics=dataclasses.replace(POLICY.analytics, paused_stops_clock=False)
        )):  # fmt: skip
            fast = kpis(conn, policy, now=NOW)
            slow = kpis(conn, policy, now=NOW, filters=LEDGER_ROWS)
            assert dataclasses.replace(fast, at=NOW) == dataclasses.replace(slow, at=NOW)
        assert fast.complaints == 11 and fast.overdue == 1 and fast.containment_hours_p90 == 12
        for dim in ("category", "bone", "customer", "month", "satisfaction"):
            assert pareto(conn, dim, lang="zh", policy=POLICY) == pareto(
                conn, dim, lang="zh", filters=LEDGER_ROWS, policy=POLICY
            )
        for by in (None, "severity", "bone"):
            assert trend(conn, by, lang="en", policy=POLICY) == trend(
                conn, by, lang="en", filters=LEDGER_ROWS, policy=POLICY
            )


def _at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(tzinfo=UTC)


def _running_rows() -> list[dict[str, Any]]:
    """Open complaints whose running clocks fall due in past, present and future months."""

    def open_row(number: str, **values: Any) -> dict[str, Any]:
        return with_open_due_bounds(
            row(number, status="open", stage="D4", closure_kind=None, **values)
        )

    return [
        # every running clock due before November: late at NOW, from the rollup
        open_row("202609-0001", month="2026-09", d3_state="open", d3_due=_at("2026-10-15"),
                 d4_state="open", d4_due=_at("2026-10-20")),
        # the same, paused: not late when the policy stops paused clocks
        open_row("202609-0002", month="2026-09", paused=True, d4_state="open",
                 d4_due=_at("2026-10-01"), d3_state="late"),
        # all due after November: not late at NOW
        open_row("202611-0030", d3_state="open", d3_due=_at("2026-12-05"),
                 d8_state="open", d8_due=_at("2027-01-10")),
        # one due this month (past NOW's day), one next month: read row by row
        open_row("202611-0031", d3_state="open", d3_due=_at("2026-11-10"),
                 d8_state="open", d8_due=_at("2026-12-20"), recurrence=True),
        open_row("202611-0032", d0_state="on_time", d4_state="open",
                 d4_due=_at("2026-11-30T13:00:00")),
    ]  # fmt: skip


@pytest.mark.parametrize(
    "now", [NOW, NOW + timedelta(days=40), NOW - timedelta(days=45), _at("2026-10-15T12:00")]
)
def test_running_clocks_counted_by_the_months_of_their_due_times_give_the_live_figures(
    store: Store, now: datetime
) -> None:
    with store.engine.begin() as conn:
        conn.execute(ledger.insert(), _mixed_rows() + _running_rows())
    assert_rollups_match_a_recount(store)
    paused_counts = dataclasses.replace(
        POLICY, analytics=dataclasses.replace(POLICY.analytics, paused_stops_clock=False)
    )
    with store.engine.connect() as conn:
        for policy in (POLICY, paused_counts):
            fast = kpis(conn, policy, now=now)
            slow = kpis(conn, policy, now=now, filters=LEDGER_ROWS)
            assert dataclasses.replace(fast, at=now) == dataclasses.replace(slow, at=now)
    if now == NOW:  # by hand: 202611-0002, 202609-0001, 202609-0002 (paused counts), 202611-0031
        assert (fast.overdue, slow.overdue_by_clock) == (4, {"D3": 2, "D4": 3})


def test_a_period_of_whole_months_in_the_policy_time_zone_is_read_from_the_rollups(
    store: Store,
) -> None:
    with store.engine.begin() as conn:
        conn.execute(ledger.insert(), _mixed_rows())
    november = Filters(
        start=datetime(2026, 11, 1, tzinfo=POLICY.tz), end=datetime(2026, 12, 1, tzinfo=POLICY.tz)
    )
    assert november.months(POLICY) == ("2026-11", "2026-12")
    assert dataclasses.replace(november, customer="ACME").months(POLICY) is None
    with store.engine.connect() as conn:
        summary = kpis(conn, POLICY, now=NOW, filters=november)
        assert summary.complaints == 3
        assert [
            (r.month, r.count) for r in trend(conn, lang="en", filters=november, policy=POLICY)
        ] == [("2026-11", 3)]


def test_ledger_rebuild_command_recounts_the_statistics(
    cli_env: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.conftest import run_cli

    assert run_cli(capsys, "demo")[0] == 0
    code, out, _ = run_cli(capsys, "ledger", "rebuild", "--at", "2026-11-30T12:00+08:00")
    assert code == 0
    assert "Statistics recounted from" in out or "重新汇总统计数据" in out
    count = int("".join(ch for ch in out if ch.isdigit()))
    assert count > 0
    code, out, _ = run_cli(capsys, "kpi", "--at", "2026-11-30T12:00+08:00")
    assert code == 0

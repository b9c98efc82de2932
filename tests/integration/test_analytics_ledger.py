"""The ledger rows derived from real cases, kept current incrementally; the kpi / pareto /
trend commands in both languages and as CSV and Excel."""

from __future__ import annotations

import csv
import dataclasses
import io
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from eightd import services
from eightd.analytics import (
    Filters,
    kpis,
    ledger_frame,
    ledger_row,
    policy_fingerprint,
    refresh_ledger,
)
from eightd.cli import main
from eightd.demo import demo_cases
from eightd.policy import Duration, load_policy
from eightd.store import Store
from eightd.store.tables import ledger, ledger_dirty
from tests.conftest import CST

POLICY = load_policy()
TODAY = date(2026, 11, 30)
NOW = datetime(2026, 11, 30, 12, tzinfo=CST)


@pytest.fixture
def demo_store(store: Store) -> Store:
    with store.uow() as uow:
        services.import_cases(uow, demo_cases(TODAY), user="tester", now=NOW)
    return store


def test_refresh_derives_every_case_once_then_only_what_changed(demo_store: Store) -> None:
    with demo_store.uow() as uow:
        assert refresh_ledger(uow, POLICY, now=NOW) == 19
        frame = ledger_frame(uow, tz="Asia/Shanghai")
    assert len(frame) == 19
    assert list(frame.columns)[:5] == ["number", "received_at", "customer", "product", "title"]
    first = frame.loc[frame.status == "open", "number"].iloc[0]
    # a save long after the refresh, dated in the past (clocks and imports disagree): still seen
    earlier = datetime(2026, 1, 5, 9, tzinfo=CST)
    with demo_store.uow() as uow:
        retitle = lambda c: setattr(c, "title", "Retitled")  # noqa: E731
        services.update_case(uow, first, retitle, user="qe", action="edit", now=earlier)
        assert refresh_ledger(uow, POLICY, now=NOW) == 1
        assert refresh_ledger(uow, POLICY, now=NOW) == 0
        frame = ledger_frame(uow)
    assert frame.loc[frame.number == first, "title"].iloc[0] == "Retitled"


def test_every_saved_case_is_marked_by_the_trigger_at_the_head_schema(store: Store) -> None:
    """A later migration that rebuilds ``cases`` must keep the trigger refresh_ledger needs."""
    with store.uow() as uow:
        services.import_cases(uow, demo_cases(TODAY)[:2], user="tester", now=NOW)
        marked = uow.connection.execute(sa.select(ledger_dirty.c.number)).scalars().all()
    assert sorted(marked) == sorted(c.number for c in demo_cases(TODAY)[:2])


def test_a_changed_policy_re_derives_every_row(demo_store: Store) -> None:
    stricter = dataclasses.replace(
        POLICY, closure=dataclasses.replace(POLICY.closure, callback_within=Duration(1, "days"))
    )
    with demo_store.uow() as uow:
        refresh_ledger(uow, POLICY, now=NOW)
        before = dict(
            uow.connection.execute(sa.select(ledger.c.number, ledger.c.callback_due)).all()
        )
        assert refresh_ledger(uow, stricter, now=NOW) == 19
        assert refresh_ledger(uow, stricter, now=NOW) == 0
        after = dict(
            uow.connection.execute(sa.select(ledger.c.number, ledger.c.callback_due)).all()
        )
    assert policy_fingerprint(stricter) != policy_fingerprint(POLICY)
    assert any(after[n] != before[n] for n in before if before[n] is not None)


def test_ledger_row_carries_the_register_columns_and_clock_states() -> None:
    closed = next(
        c for c in demo_cases(TODAY) if c.closure is not None and c.closure.kind.value == "normal"
    )
    row = ledger_row(closed, POLICY, now=NOW)
    assert row["status"] == "closed"
    assert row["closed_at"] == closed.closure.closed_at.astimezone(UTC)  # type: ignore[union-attr]
    assert row["hours_to_closure"] > 0
    assert row["d8_state"] in ("on_time", "late")
    assert row["month"] == closed.intake.received_at.astimezone(POLICY.tz).strftime("%Y-%m")  # type: ignore[union-attr]
    assert row["department"]  # the team leader's department


def test_kpis_of_the_demo_are_consistent(demo_store: Store) -> None:
    with demo_store.uow() as uow:
        refresh_ledger(uow, POLICY, now=NOW)
        result = kpis(uow.connection, POLICY, now=NOW)
        november = kpis(
            uow.connection,
            POLICY,
            now=NOW,
            filters=Filters(start=datetime(2026, 11, 1, tzinfo=CST), end=NOW),
        )
    assert result.complaints == 19
    assert result.open + result.closed == 19
    assert 0 < november.complaints < 19
    assert result.on_time.numerator <= result.on_time.denominator


def _cli(url: str, *args: str) -> tuple[int, str]:
    out = io.StringIO()
    import contextlib

    with contextlib.redirect_stdout(out):
        code = main(["--db", url, *args])
    return code, out.getvalue()


def test_kpi_pareto_and_trend_commands_print_write_csv_and_excel(
    demo_store: Store, store_url: str, tmp_path: Path
) -> None:
    at = "--at=2026-11-30T12:00+08:00"
    code, text = _cli(store_url, "kpi", at)
    assert code == 0
    assert "On-time handling rate" in text and "Customer satisfaction" in text
    code, text = _cli(store_url, "--lang", "zh", "kpi", at)
    assert "投诉处理及时率" in text and "客户满意度" in text
    code, text = _cli(store_url, "pareto", "category", "--format", "csv", at)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Complaint category", "Complaints", "%", "Cumulative %"]
    assert sum(int(r[1]) for r in rows[1:]) == 19
    assert rows[-1][3] == "100.0"
    xlsx = tmp_path / "pareto.xlsx"
    code, _ = _cli(
        store_url, "--lang", "zh", "pareto", "bone", "--format", "xlsx", "-o", str(xlsx), at
    )
    sheet = load_workbook(xlsx).active
    assert sheet is not None
    assert sheet["A1"].value == "5M1E 类别"
    assert sheet.max_row > 2
    code, text = _cli(store_url, "trend", "--by", "severity", at)
    assert code == 0 and "2026-11" in text
    assert _cli(store_url, "kpi", "--format", "xlsx", at)[0] == 1  # -o is needed

"""KPI formulas on hand-computed ledger rows, on SQLite and PostgreSQL (DOMAIN §6).

Each test writes a few ledger rows whose figures are worked out by hand in the test, then
checks what the database computes.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from eightd.analytics import Filters, kpis, pareto, percentile, trend
from eightd.policy import load_policy
from eightd.store import Store
from eightd.store.tables import CLOCK_KEYS, ledger, ledger_causes, shipments

POLICY = load_policy()
NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)


def row(number: str, **values: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "number": number,
        "computed_at": NOW,
        "received_at": datetime(2026, 11, 2, tzinfo=UTC),
        "month": "2026-11",
        "status": "closed",
        "stage": "D8",
        "severity": "general",
        "validity": "founded",
        "category": "product_quality",
        "channel": "email",
        "found_at": None,
        "defect_kind": None,
        "customer": "ACME",
        "product": "P-1",
        "site": "",
        "department": "",
        "owner": "",
        "closure_kind": "normal",
        "closed_at": None,
        "result": "",
        "satisfaction": None,
        "shipped_quantity": None,
        "hours_to_containment": None,
        "hours_to_closure": None,
        "paused": False,
        "recurrence": False,
        "recurrence_of": None,
    }
    for key in CLOCK_KEYS:
        base[f"{key.lower()}_state"] = None
        base[f"{key.lower()}_due"] = None
    base.update(values)
    return base


def insert(
    store: Store, rows: list[dict[str, Any]], causes: list[dict[str, Any]] | None = None
) -> None:
    with store.engine.begin() as conn:
        conn.execute(ledger.insert(), rows)
        if causes:
            conn.execute(ledger_causes.insert(), causes)


def figures(store: Store, policy: Any = POLICY, **filters: Any) -> Any:
    with store.engine.connect() as conn:
        return kpis(conn, policy, now=NOW, filters=Filters(**filters))


PAST, FUTURE = NOW - timedelta(days=1), NOW + timedelta(days=1)


def test_on_time_rate_per_stage_counts_done_clocks_and_running_clocks_past_due(
    store: Store,
) -> None:
    insert(
        store,
        [
            row("202611-0001", d3_state="on_time", d8_state="on_time"),
            row("202611-0002", d3_state="late", d8_state="on_time"),
            row("202611-0003", status="open", closure_kind=None, d3_state="open", d3_due=PAST),
            row("202611-0004", status="open", closure_kind=None, d3_state="open", d3_due=FUTURE),
        ],
    )
    result = figures(store)
    # D3: on time 1; late 1 done late + 1 running past due; the one not yet due is undecided
    assert (result.on_time_by_clock["D3"].numerator, result.on_time_by_clock["D3"].denominator) == (
        1,
        3,
    )
    assert result.on_time_by_clock["D8"].percent == 100.0
    # overall: 0001 on time; 0002 has a late clock; 0003 is late while running; 0004 undecided
    assert (result.on_time.numerator, result.on_time.denominator) == (1, 3)
    assert result.overdue == 1
    assert result.overdue_by_clock == {"D3": 1}
    assert (result.complaints, result.open, result.closed) == (4, 2, 2)


def test_abnormal_closure_is_late_by_default_and_as_the_policy_says(store: Store) -> None:
    insert(
        store,
        [
            row("202611-0001", d8_state="on_time"),
            row("202611-0002", d8_state="on_time", closure_kind="abnormal"),
        ],
    )
    late = figures(store)
    assert (late.on_time.numerator, late.on_time.denominator) == (1, 2)
    assert (late.on_time_by_clock["D8"].numerator, late.on_time_by_clock["D8"].denominator) == (
        1,
        2,
    )

    excluded = figures(store, _with(abnormal_closure="exclude"))
    assert (excluded.on_time.numerator, excluded.on_time.denominator) == (1, 1)

    as_timed = figures(store, _with(abnormal_closure="as_timed"))
    assert (as_timed.on_time.numerator, as_timed.on_time.denominator) == (2, 2)


def test_a_paused_case_is_not_overdue_unless_the_policy_counts_pauses(store: Store) -> None:
    insert(
        store,
        [
            row(
                "202611-0001",
                status="open",
                closure_kind=None,
                paused=True,
                d4_state="open",
                d4_due=PAST,
            )
        ],
    )
    assert figures(store).overdue == 0
    assert figures(store).on_time.denominator == 0
    counted = figures(store, _with(paused_stops_clock=False))
    assert counted.overdue == 1
    assert (
        counted.on_time_by_clock["D4"].numerator,
        counted.on_time_by_clock["D4"].denominator,
    ) == (0, 1)


def test_satisfaction_is_satisfied_over_call_backs_that_reached_the_customer(store: Store) -> None:
    insert(
        store,
        [
            row("202611-0001", satisfaction="satisfied"),
            row("202611-0002", satisfaction="satisfied"),
            row("202611-0003", satisfaction="not_satisfied"),
            row("202611-0004", satisfaction="no_answer"),
            row("202611-0005", satisfaction=None),
        ],
    )
    result = figures(store)
    assert (result.satisfaction.numerator, result.satisfaction.denominator) == (2, 3)
    assert result.satisfaction.percent == pytest.approx(66.6667, abs=1e-3)
    with_unanswered = figures(store, _with(satisfaction_counts_unanswered=True))
    assert with_unanswered.satisfaction.denominator == 4


def test_incidence_is_complaints_over_units_of_the_products_and_months_shipped(
    store: Store,
) -> None:
    insert(
        store,
        [
            row("202611-0001", product="P-1"),
            row("202611-0002", product="P-1"),
            row(
                "202610-0001",
                product="P-1",
                month="2026-10",
                received_at=datetime(2026, 10, 5, tzinfo=UTC),
            ),
            row("202611-0003", product="P-2"),  # no shipments recorded: not in the incidence
        ],
    )
    with store.engine.begin() as conn:
        conn.execute(
            shipments.insert(),
            [
                {"product": "P-1", "month": "2026-11", "quantity": 4000},
                {"product": "P-1", "month": "2026-10", "quantity": 1000},
            ],
        )
    result = figures(store)
    # 3 complaints of P-1 over 5000 units = 0.06 %
    assert (result.incidence.numerator, result.incidence.denominator) == (3, 5000)
    assert result.incidence.percent == pytest.approx(0.06)
    november = figures(
        store, start=datetime(2026, 11, 1, tzinfo=UTC), end=datetime(2026, 12, 1, tzinfo=UTC)
    )
    assert (november.incidence.numerator, november.incidence.denominator) == (2, 4000)
    assert figures(store, customer="ACME").incidence.percent is None


def test_mean_and_nearest_rank_p90_of_hours_to_containment_and_closure(store: Store) -> None:
    hours = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 100]  # n = 12: rank ceil(10.8) = 11 -> 11
    insert(
        store,
        [
            row(f"202611-{i + 1:04d}", hours_to_containment=h, hours_to_closure=10 * h)
            for i, h in enumerate(hours)
        ]
        + [row("202611-0099", hours_to_containment=None)],
    )
    result = figures(store)
    assert result.containment_hours_mean == pytest.approx(sum(hours) / 12, abs=0.01)  # 13.83
    assert result.containment_hours_p90 == 11
    assert result.closure_hours_p90 == 110
    with store.engine.connect() as conn:
        assert percentile(conn, ledger.c.hours_to_containment, 0.5, []) == 6  # rank 6
        assert percentile(conn, ledger.c.hours_to_containment, 1.0, []) == 100
        assert (
            percentile(conn, ledger.c.hours_to_containment, 0.9, [ledger.c.product == "none"])
            is None
        )


def test_recurrence_rate_and_filters(store: Store) -> None:
    insert(
        store,
        [
            row("202611-0001"),
            row("202611-0002", recurrence=True, recurrence_of="202611-0001", customer="Other"),
            row("202611-0003"),
            row("202611-0004"),
        ],
    )
    assert figures(store).recurrence.percent == 25.0
    assert figures(store, customer="Other").recurrence.percent == 100.0
    assert figures(store, customer="Nobody").complaints == 0


def test_pareto_sorts_largest_first_with_cumulative_share_and_top_n(store: Store) -> None:
    insert(
        store,
        [row(f"202611-{i:04d}", category="product_quality") for i in range(1, 6)]
        + [row(f"202611-{i:04d}", category="service") for i in range(6, 9)]
        + [row("202611-0009", category="delivery"), row("202611-0010", category="sales")],
    )
    with store.engine.connect() as conn:
        rows = pareto(conn, "category", lang="en")
        top = pareto(conn, "category", lang="zh", top=2)
    assert [(r.value, r.count, r.percent, r.cumulative_percent) for r in rows] == [
        ("product_quality", 5, 50.0, 50.0),
        ("service", 3, 30.0, 80.0),
        ("delivery", 1, 10.0, 90.0),
        ("sales", 1, 10.0, 100.0),
    ]
    assert rows[0].label == "product quality"
    assert [(r.label, r.count) for r in top] == [("产品质量", 5), ("服务", 3), ("其他", 2)]
    assert top[-1].cumulative_percent == 100.0


def test_pareto_by_5m1e_counts_each_complaint_once_per_bone_of_its_verified_causes(
    store: Store,
) -> None:
    insert(
        store,
        [row("202611-0001"), row("202611-0002")],
        [
            {
                "number": "202611-0001",
                "cause_id": "C1",
                "bone": "material",
                "type": "occurrence",
                "status": "verified",
                "text": "a",
            },
            {
                "number": "202611-0001",
                "cause_id": "C2",
                "bone": "material",
                "type": "escape",
                "status": "verified",
                "text": "b",
            },
            {
                "number": "202611-0001",
                "cause_id": "C3",
                "bone": "man",
                "type": "occurrence",
                "status": "ruled_out",
                "text": "c",
            },
            {
                "number": "202611-0002",
                "cause_id": "C1",
                "bone": "method",
                "type": "occurrence",
                "status": "verified",
                "text": "d",
            },
        ],
    )
    with store.engine.connect() as conn:
        rows = pareto(conn, "bone", lang="en")
    assert [(r.value, r.count) for r in rows] == [("material", 1), ("method", 1)]


def test_monthly_trend_counts_per_month_and_per_value(store: Store) -> None:
    insert(
        store,
        [
            row("202610-0001", month="2026-10", severity="serious"),
            row("202611-0001", severity="serious"),
            row("202611-0002", severity="general"),
            row("202611-0003", severity="general"),
        ],
    )
    with store.engine.connect() as conn:
        plain = trend(conn, lang="en")
        split = trend(conn, "severity", lang="en")
    assert [(r.month, r.count) for r in plain] == [("2026-10", 1), ("2026-11", 3)]
    assert [(r.month, r.value, r.count) for r in split] == [
        ("2026-10", "serious", 1),
        ("2026-11", "general", 2),
        ("2026-11", "serious", 1),
    ]


def _with(**changes: Any) -> Any:
    return dataclasses.replace(POLICY, analytics=dataclasses.replace(POLICY.analytics, **changes))

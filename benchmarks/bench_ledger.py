"""How fast is the ledger (跟踪台账) with 10,000 and 100,000 cases?

    .venv/bin/python benchmarks/bench_ledger.py [--sizes 10000,100000] [--db URL]

For each size, a fresh store is filled (the demo cases, repeated under new numbers,
their ledger columns computed by eightd) and measured against a baseline measured in
the same run:

- a ledger page (50 rows with stage, due date and state) and a filtered page
  (open, overdue, text search) in SQL, against building the same page the old way:
  decode and assess every case (measured on a sample, extrapolated to the size);
- ``eightd overdue`` from the ledger's clocks, against decoding every open case;
- a stage save (p95 of 20 saves) with the ledger columns kept up to date, against the
  same save without them.

Targets: ledger page and filter <= 300 ms, overdue at 100,000 <= 0.5 s, stage save at
10,000 p95 <= 150 ms. The functions are importable (``benchmarks/bench_workbench.py``
calls them).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from eightd.application import Application  # noqa: E402
from eightd.settings import Settings  # noqa: E402

__all__ = [
    "application",
    "baseline_page_seconds",
    "build_store",
    "time_ledger_filter",
    "time_ledger_page",
    "time_overdue",
    "time_stage_saves",
]

CST = timezone(timedelta(hours=8))
TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=CST)
FILTER: dict[str, Any] = {"status": "open", "overdue": True}


def application(url: str, now: datetime = NOW) -> Application:
    """An application on ``url`` with a fixed clock."""
    return Application.from_settings(Settings(url, "bench", "en"), now=lambda: now)


OPEN_TAIL = 1000  # the latest cases cycle through every demo case, open ones included


def build_store(url: str, n: int) -> None:
    """Fill the store at ``url`` with ``n`` cases: the demo cases under new numbers, their
    ledger columns computed once per demo case by eightd and written in bulk. As in a
    plant's register, the older cases are closed: all but the last ``OPEN_TAIL`` repeat
    the closed demo cases, the last ones every demo case (the open ones at every stage)."""
    import sqlalchemy as sa

    from eightd.demo import demo_cases
    from eightd.domain import case_to_dict
    from eightd.store.tables import case_clocks, cases

    app = application(url)
    app.init_store()
    keeper = app.ledger_keeper
    bases = []
    for case in demo_cases(TODAY):
        values, clocks = keeper.columns(case, NOW, ())
        bases.append((case, case_to_dict(case), values, clocks))
    closed = [b for b in bases if b[0].is_closed]
    engine = app.store.engine
    stamp = NOW.astimezone(UTC)
    batch = 2000
    with engine.begin() as conn:
        for start in range(0, n, batch):
            rows, clock_rows = [], []
            for i in range(start, min(n, start + batch)):
                pool = bases if i >= n - OPEN_TAIL else closed
                case, document, values, clocks = pool[i % len(pool)]
                k, serial = divmod(i, 9999)
                number = f"{2100 + k // 12}{k % 12 + 1:02d}-{serial + 1:04d}"
                intake = case.intake
                rows.append(
                    {
                        "number": number,
                        "version": 1,
                        "title": case.title,
                        "status": case.status.value,
                        "stage": case.stage.value,
                        "severity": case.grading.severity.value if case.grading.severity else None,
                        "validity": case.validity.value if case.validity else None,
                        "category": intake.category.value,
                        "defect_kinds": ",".join(d.value for d in intake.defect_kinds),
                        "customer_name": f"{intake.customer_name} {i % 500}",
                        "customer_code": intake.customer_code,
                        "product_number": intake.product_number,
                        "site": intake.site,
                        "received_at": intake.received_at,
                        "closed_at": case.closure.closed_at if case.closure else None,
                        "document": {**document, "number": number},
                        "created_at": stamp,
                        "created_by": "bench",
                        "updated_at": stamp,
                        "updated_by": "bench",
                        **values,
                    }
                )
                clock_rows += [
                    {
                        "case_number": number,
                        "key": key,
                        "due_at": due,
                        "soon_at": soon,
                        "provisional": provisional,
                    }
                    for key, due, soon, provisional in clocks
                ]
            conn.execute(cases.insert(), rows)
            if clock_rows:
                conn.execute(case_clocks.insert(), clock_rows)
        if engine.dialect.name == "postgresql":  # as autovacuum would; eightd never
            conn.execute(sa.text("ANALYZE"))  # analyzes a SQLite store
    app.dispose()


def _median(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def time_ledger_page(app: Application, repeat: int = 5) -> float:
    """Seconds (median) for the first ledger page, sorted by due date."""
    app.ledger(sort="due")  # warm: connection, refresh check
    return _median(lambda: app.ledger(sort="due", page_size=50), repeat)


def time_ledger_filter(app: Application, repeat: int = 5) -> float:
    """Seconds (median) for a filtered page: open, overdue, text search, sorted by due."""
    return _median(lambda: app.ledger(FILTER, search="connector", sort="due", page_size=50), repeat)


def time_overdue(app: Application, repeat: int = 3) -> float:
    """Seconds (median) for ``eightd overdue``'s list (from the ledger's clocks)."""
    return _median(app.overdue, repeat)


def time_stage_saves(
    app: Application, saves: int = 20, *, ledger: bool = True, escalated: bool = True
) -> list[float]:
    """Seconds of each of ``saves`` stage saves (a D3 field of an open case, through the
    application: load, change, validate, save, audit and - with ``ledger`` - the ledger
    columns; without, the save the store did before the ledger). ``escalated``: a case
    another rule escalates; else one the same-kind rule may escalate, whose save reads
    the cases received around it."""
    rows = app.ledger({"status": "open"}, page_size=200).rows
    number = next(r.number for r in rows if (r.escalation_level is not None) == escalated)
    times = []
    for i in range(saves):
        started = time.perf_counter()
        if ledger:
            app.set_fields(number, {"clean_point": f"lot {i} marked"})
        else:
            from eightd import services

            with app.store.uow() as uow:  # no ledger hook: the save as it was
                services.set_fields(
                    uow, number, {"clean_point": f"lot {i} unmarked"}, user=app.user
                )
        times.append(time.perf_counter() - started)
    return times


def baseline_page_seconds(app: Application, n: int, sample: int = 300) -> float:
    """The old way to a ledger page with due dates and states: decode and assess every
    case (``needing_attention`` does this for the open ones); measured on ``sample``
    cases and extrapolated to ``n``."""
    from eightd.policy import assess

    numbers = app.numbers(limit=sample)
    started = time.perf_counter()
    cases = app.export(numbers)
    for case in cases:
        assess(case, app.policy, now=NOW)
    return (time.perf_counter() - started) / max(1, len(cases)) * n


def baseline_overdue_seconds(app: Application, n: int, sample: int = 300) -> float:
    """``eightd overdue`` the old way, on ``sample`` cases, extrapolated to ``n``."""
    return baseline_page_seconds(app, n, sample)


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated case counts")
    parser.add_argument("--db", help="a PostgreSQL URL (empty database) instead of SQLite")
    args = parser.parse_args()
    ms = 1000.0
    with tempfile.TemporaryDirectory(prefix="eightd-ledger-") as tmp:
        for n in (int(x) for x in args.sizes.split(",")):
            url = args.db or f"sqlite:///{tmp}/ledger-{n}.db"
            started = time.perf_counter()
            build_store(url, n)
            built = time.perf_counter() - started
            print(f"\n{n} cases in {url.split(':')[0]} (built in {built:.0f} s)")
            app = application(url)
            open_count = app.ledger({"status": "open"}, page_size=1).total
            listed = len(app.overdue())
            print(f"  {open_count} open cases, {listed} in the overdue list")
            page = time_ledger_page(app)
            flt = time_ledger_filter(app)
            overdue = time_overdue(app)
            base = baseline_page_seconds(app, n)
            print(f"  ledger page             {page * ms:8.1f} ms   (target <= 300 ms)")
            print(f"  ledger filter           {flt * ms:8.1f} ms   (target <= 300 ms)")
            print(f"  overdue                 {overdue * ms:8.1f} ms   (target <= 500 ms at 100k)")
            print(f"  baseline: decode+assess {base * ms:8.0f} ms   (extrapolated from 300 cases)")
            ratios = (
                f"page {base / page:.0f}x, filter {base / flt:.0f}x, overdue {base / overdue:.0f}x"
            )
            print(f"  faster than the baseline: {ratios}")
            if n <= 10000:
                kept = time_stage_saves(app, ledger=True)
                same_kind = time_stage_saves(app, ledger=True, escalated=False)
                plain = time_stage_saves(app, ledger=False)
                print(f"  stage save p95          {_p95(kept) * ms:8.1f} ms   (target <= 150 ms)")
                print(
                    f"  ... not yet escalated   {_p95(same_kind) * ms:8.1f} ms   "
                    "(reads the same-kind window)"
                )
                print(f"  baseline save p95       {_p95(plain) * ms:8.1f} ms   (no ledger upkeep)")
                print(
                    f"  ratio: {_p95(kept) / _p95(plain):.2f}x the plain save "
                    f"({_p95(same_kind) / _p95(plain):.2f}x not yet escalated)"
                )
            app.dispose()
            if args.db:
                break


if __name__ == "__main__":
    main()

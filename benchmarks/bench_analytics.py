"""How fast are the analytics at scale? KPIs, Pareto and trend in SQL on a million complaints.

    .venv/bin/python benchmarks/bench_analytics.py [--n 1000000] [--search-n 100000]
                                                   [--xlsx-n 100000] [--backends sqlite,postgres]

For each backend (SQLite, and PostgreSQL when its server binaries are installed: a throwaway
cluster on 127.0.0.1) the script loads ``--n`` generated ledger rows (one per complaint,
with their verified causes) straight into the ``ledger`` tables, not through case
documents: all but the last 5,000 in one bulk block (``eightd.analytics.rollup.bulk``, as a
full re-derive: the rollup triggers stand aside and the rollups are counted once at its
end), the last 5,000 through the triggers, as saves are (the load time includes both); then
``rebuild_rollups`` recounts them from scratch (timed), and the rollups kept so far must
equal that recount. Then it times, median of 3 runs after one warm-up:

  kpi      the KPI summary (eightd.analytics.kpis: on-time rates per clock and overall,
           satisfaction, incidence, recurrence, overdue, mean and p90 times), over all
           complaints and over the last twelve whole months                   target <= 0.5 s
  pareto   Pareto by complaint category and by 5M1E bone                        target <= 0.5 s
  trend    the monthly trend by grade                                          target <= 0.5 s
  similar  a similar-case query (zh and en) over ``--search-n`` indexed cases   target <= 100 ms

Baseline in the same run: loading the ledger into pandas (``pd.read_sql``) and computing the
same KPI figures there; the ratio says what the SQL saves. Then, on SQLite, the import of a
``--xlsx-n``-row register (.xlsx with Chinese headers) through ``eightd import``'s code path.
Exits 1 when a target is missed. On 2 shared cores, try ``--n 100000`` first.
"""

from __future__ import annotations

import argparse
import itertools
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from eightd.analytics import Filters, kpis, pareto, similar_cases, trend  # noqa: E402
from eightd.analytics.ledger import policy_fingerprint, with_open_due_bounds  # noqa: E402
from eightd.analytics.rollup import bulk, rebuild_rollups  # noqa: E402
from eightd.analytics.search import search_terms  # noqa: E402
from eightd.demo import DEMO_REGISTER_MAP, demo_register  # noqa: E402
from eightd.policy import load_policy  # noqa: E402
from eightd.store import open_store  # noqa: E402
from eightd.store.tables import (  # noqa: E402
    CLOCK_KEYS,
    cases,
    ledger,
    ledger_causes,
    ledger_counts,
    ledger_dirty,
    ledger_hours,
    ledger_rollup,
    ledger_state,
)

POLICY = load_policy()
NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)
TARGET_S = 0.5
TARGET_SIMILAR_S = 0.1
CATEGORIES = ["product_quality"] * 6 + ["service", "sales", "delivery", "fitting", "equipment"]
SEVERITIES = ["serious", "general", "general", "incidental"]
BONES = ["man", "machine", "material", "method", "measurement", "environment"]
CUSTOMERS = [f"客户{i:03d}" for i in range(300)] + [f"Customer {i:03d}" for i in range(200)]
PRODUCTS = [f"P-{i:04d}" for i in range(2000)]
TEXTS = [
    "镜架鼻托处断裂，佩戴不足一个月",
    "镜片膜层脱落，出现斑驳",
    "电镀层起泡变色",
    "连接器端子氧化发黄导致接触不良",
    "热封不良，坚果灌装后漏气",
    "外壳注塑缩痕，装配卡扣断裂",
    "Cracked solder joints on the J1 header after vibration test",
    "Connector pins bent during customer assembly",
    "Label shows the wrong revision on the carton",
    "Motor noise above limit at end-of-line test",
    "Coating peels off the lens after two months",
    "Heat seal leaks on laminated pouches",
]


# ---------------------------------------------------------------- data


def ledger_rows(n: int, seed: int = 1) -> Iterator[dict[str, Any]]:
    rng = random.Random(seed)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    for i in range(n):
        received = start + timedelta(minutes=rng.randint(0, 3 * 365 * 24 * 60))
        closed = rng.random() < 0.9 and received < NOW - timedelta(days=20)
        hours_close = rng.lognormvariate(5.0, 0.8) if closed else None
        row: dict[str, Any] = {
            "number": f"{received:%Y%m}-{i:07d}",
            "computed_at": NOW,
            "received_at": received,
            "month": received.astimezone(POLICY.tz).strftime("%Y-%m"),
            "status": "closed" if closed else "open",
            "stage": "D8" if closed else rng.choice(["D0", "D2", "D3", "D4", "D5", "D6"]),
            "severity": rng.choice(SEVERITIES),
            "validity": "founded",
            "category": rng.choice(CATEGORIES),
            "channel": rng.choice(["email", "phone", "online"]),
            "found_at": rng.choice(["customer_line", "end_user", "incoming_inspection"]),
            "defect_kind": rng.choice(["functional", "cosmetic", "packaging", None]),
            "customer": rng.choice(CUSTOMERS),
            "product": rng.choice(PRODUCTS),
            "site": rng.choice(["Plant A", "Plant B", "Store 1"]),
            "department": rng.choice(["品质部", "Quality", "客服部"]),
            "owner": f"QE {rng.randint(1, 40)}",
            "closure_kind": (rng.choice(["normal"] * 9 + ["abnormal"]) if closed else None),
            "closed_at": received + timedelta(hours=hours_close) if hours_close else None,
            "result": "",
            "satisfaction": rng.choice(["satisfied", "satisfied", "not_satisfied", "no_answer"])
            if closed
            else None,
            "shipped_quantity": rng.randint(100, 10000),
            "hours_to_containment": rng.lognormvariate(3.0, 0.7),
            "hours_to_closure": hours_close,
            "paused": rng.random() < 0.03,
            "recurrence": rng.random() < 0.05,
            "recurrence_of": None,
        }
        for key in CLOCK_KEYS:
            name = key.lower()
            timed = key in ("D0", "D3", "D4", "D8", "callback")
            if not timed:
                row[f"{name}_state"], row[f"{name}_due"] = None, None
            elif closed or rng.random() < 0.5:
                row[f"{name}_state"] = "on_time" if rng.random() < 0.85 else "late"
                row[f"{name}_due"] = received + timedelta(days=3)
            else:
                row[f"{name}_state"] = "open"
                row[f"{name}_due"] = received + timedelta(days=rng.randint(1, 30))
        yield with_open_due_bounds(row)


def cause_rows(numbers: list[str]) -> Iterator[dict[str, Any]]:
    for number in numbers:
        rng = random.Random(number)
        for j in range(rng.randint(0, 3)):
            yield {
                "number": number,
                "cause_id": f"C{j + 1}",
                "bone": rng.choice(BONES),
                "type": "occurrence",
                "status": "verified" if rng.random() < 0.6 else "ruled_out",
                "text": "cause",
            }


def _batches(rows: Iterator[dict[str, Any]], size: int = 20000) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def load(engine: sa.Engine, n: int, search_n: int, through_triggers: int) -> None:
    """Load n ledger rows and their causes, and search_n searchable cases: all but the last
    ``through_triggers`` rows in one bulk block (the rollup triggers stand aside and the
    rollups are counted once at its end, as a full re-derive does), the rest a transaction
    per 1,000 rows through the triggers, as saves are."""
    numbers: list[str] = []
    rows = ledger_rows(n)
    with engine.begin() as conn, bulk(conn):
        for batch in _batches(itertools.islice(rows, max(0, n - through_triggers))):
            conn.execute(ledger.insert(), batch)
            _insert_causes(conn, batch)
            numbers += [r["number"] for r in batch]
    for batch in _batches(rows, 1000):
        with engine.begin() as conn:
            conn.execute(ledger.insert(), batch)
            _insert_causes(conn, batch)
        numbers += [r["number"] for r in batch]
    with engine.begin() as conn:
        rng = random.Random(3)
        case_rows, search_rows = [], []
        for number in numbers[:search_n]:
            text = rng.choice(TEXTS) + " " + rng.choice(TEXTS)
            case_rows.append(_case_row(number, text[:300]))
            search_rows.append(
                {
                    "number": number,
                    "product": rng.choice(PRODUCTS),
                    "customer": rng.choice(CUSTOMERS),
                    "bones": rng.choice(BONES),
                    "terms": " ".join(search_terms(text)),
                }
            )
        for batch in _batches(iter(case_rows)):
            conn.execute(cases.insert(), batch)
        search = sa.table("case_search", *(sa.column(c) for c in search_rows[0]))
        for batch in _batches(iter(search_rows)):
            conn.execute(sa.insert(search), batch)
        conn.execute(ledger_dirty.delete())  # the rows are derived already
        conn.execute(ledger_state.delete())
        conn.execute(
            ledger_state.insert().values(key="fingerprint", value=policy_fingerprint(POLICY))
        )
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        # VACUUM runs outside a transaction on PostgreSQL
        conn.exec_driver_sql("ANALYZE" if engine.dialect.name == "sqlite" else "VACUUM ANALYZE")


def _insert_causes(conn: sa.Connection, batch: list[dict[str, Any]]) -> None:
    causes = list(cause_rows([r["number"] for r in batch]))
    if causes:  # an empty list would insert one row of defaults
        conn.execute(ledger_causes.insert(), causes)


def _rollup_snapshot(conn: sa.Connection) -> dict[str, list[tuple[Any, ...]]]:
    """The rollups' non-zero rows, sums rounded (floating-point sums in another order)."""
    out = {}
    for table in (ledger_rollup, ledger_counts, ledger_hours):
        rows = conn.execute(sa.select(table).where(table.c.n != 0)).all()
        out[table.name] = sorted(
            (tuple(round(v, 3) if isinstance(v, float) else v for v in r) for r in rows),
            key=repr,
        )
    return out


def _case_row(number: str, title: str) -> dict[str, Any]:
    return {
        "number": number,
        "version": 1,
        "title": title,
        "status": "closed",
        "stage": "D8",
        "severity": "general",
        "validity": "founded",
        "category": "product_quality",
        "defect_kinds": "",
        "customer_name": "c",
        "customer_code": "",
        "product_number": "p",
        "site": "",
        "received_at": NOW,
        "closed_at": NOW,
        "document": {},
        "created_at": NOW,
        "created_by": "bench",
        "updated_at": NOW,
        "updated_by": "bench",
    }


# ---------------------------------------------------------------- timing


def timed(fn: Callable[[], Any], runs: int = 3) -> float:
    fn()  # warm-up (caches, plans)
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples)


def pandas_baseline(engine: sa.Engine) -> float:
    """Load the ledger into pandas and compute the same summary figures there."""
    import pandas as pd

    def run() -> None:
        with engine.connect() as conn:
            frame = pd.read_sql(sa.select(ledger), conn)
        now = pd.Timestamp(NOW)
        for key in CLOCK_KEYS:
            state = frame[f"{key.lower()}_state"]
            due = pd.to_datetime(frame[f"{key.lower()}_due"], utc=True)
            running_late = (state == "open") & (due < now) & ~frame["paused"].astype(bool)
            _ = (state == "on_time").sum(), ((state == "late") | running_late).sum()
        _ = (frame["satisfaction"] == "satisfied").sum() / frame["satisfaction"].isin(
            ["satisfied", "not_satisfied"]
        ).sum()
        _ = frame["hours_to_closure"].mean(), frame["hours_to_closure"].quantile(0.9)
        _ = frame.groupby("category").size().sort_values(ascending=False)
        _ = frame.groupby(["month", "severity"]).size()

    return timed(run, runs=1)


def bench_backend(name: str, url: str, n: int, search_n: int) -> list[tuple[str, float, float]]:
    store = open_store(url, auto_upgrade=True)
    engine = store.engine
    t0 = time.perf_counter()
    through_triggers = min(n, 5000)
    load(engine, n, search_n, through_triggers)
    print(
        f"[{name}] loaded {n:,} ledger rows with their causes, {n - through_triggers:,} in one"
        f" bulk block (rollups counted once at its end) and {through_triggers:,} through the"
        f" rollup triggers, and {search_n:,} searchable cases, in {time.perf_counter() - t0:.1f} s"
    )
    with engine.connect() as conn:
        by_trigger = _rollup_snapshot(conn)
    t0 = time.perf_counter()
    with engine.begin() as conn:
        rebuild_rollups(conn)
    print(f"[{name}] rollups rebuilt from scratch in {time.perf_counter() - t0:.1f} s")
    with engine.connect() as conn:
        if _rollup_snapshot(conn) != by_trigger:
            print(f"[{name}] MISMATCH: the rollups kept (bulk + triggers) differ from a recount")
            raise SystemExit(1)
        print(f"[{name}] the rollups kept (bulk count + triggers) equal the recount")
    results: list[tuple[str, float, float]] = []
    with engine.connect() as conn:
        results.append(("kpi summary", timed(lambda: kpis(conn, POLICY, now=NOW)), TARGET_S))
        last_year = Filters(
            start=datetime(2025, 12, 1, tzinfo=POLICY.tz),
            end=datetime(2026, 12, 1, tzinfo=POLICY.tz),
        )
        results.append(
            (
                "kpi summary, 12 whole months",
                timed(lambda: kpis(conn, POLICY, now=NOW, filters=last_year)),
                TARGET_S,
            )
        )
        one_customer = Filters(customer=CUSTOMERS[7])
        results.append(
            (
                "kpi summary, one customer",
                timed(lambda: kpis(conn, POLICY, now=NOW, filters=one_customer)),
                TARGET_S,
            )
        )
        results.append(
            (
                "pareto by category",
                timed(lambda: pareto(conn, "category", lang="zh", policy=POLICY)),
                TARGET_S,
            )
        )
        results.append(
            (
                "pareto by 5M1E bone",
                timed(lambda: pareto(conn, "bone", lang="en", policy=POLICY)),
                TARGET_S,
            )
        )
        results.append(
            (
                "pareto by customer",
                timed(lambda: pareto(conn, "customer", lang="en", top=10, policy=POLICY)),
                TARGET_S,
            )
        )
        results.append(
            (
                "monthly trend by grade",
                timed(lambda: trend(conn, "severity", lang="zh", policy=POLICY)),
                TARGET_S,
            )
        )
        results.append(
            (
                "similar (zh)",
                timed(lambda: similar_cases(conn, "镜片膜层脱落 斑驳", limit=10)),
                TARGET_SIMILAR_S,
            )
        )
        results.append(
            (
                "similar (en)",
                timed(
                    lambda: similar_cases(conn, "cracked solder joints after vibration", limit=10)
                ),
                TARGET_SIMILAR_S,
            )
        )
    baseline = pandas_baseline(engine)
    kpi_time = results[0][1]
    print(
        f"[{name}] baseline: pd.read_sql of the ledger + the same figures in pandas:"
        f" {baseline:.2f} s"
    )
    for label, seconds, target in results:
        verdict = "ok" if seconds <= target else "MISSED"
        print(
            f"[{name}] {label:28s} {seconds * 1000:8.1f} ms"
            f"  (target {target * 1000:.0f} ms) {verdict}"
        )
    print(
        f"[{name}] KPI summary in SQL is {baseline / kpi_time:.1f}x faster than the pandas baseline"
    )
    store.dispose()
    return results


def bench_import(folder: Path, rows: int) -> None:
    from openpyxl import Workbook

    from eightd.analytics.register import load_map

    headers, data = demo_register(rows, seed=11)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("台账")
    sheet.append(headers)
    for row in data:
        sheet.append(row)
    path = folder / "register.xlsx"
    t0 = time.perf_counter()
    book.save(path)
    print(
        f"[import] wrote a {rows:,}-row register ({path.stat().st_size / 1e6:.1f} MB)"
        f" in {time.perf_counter() - t0:.1f} s"
    )
    mapping_file = folder / "map.toml"
    mapping_file.write_text(DEMO_REGISTER_MAP, encoding="utf-8")
    from eightd.application import Application
    from eightd.settings import Settings

    app = Application.from_settings(
        Settings(f"sqlite:///{folder}/import.db", "bench", "en"), now=lambda: NOW
    )
    app.init_store()
    shown = [0]

    def progress(done: int, total: int) -> None:  # what the CLI's progress bar is fed
        shown[0] = done

    t0 = time.perf_counter()
    report = app.import_register(path, mapping=load_map(mapping_file), progress=progress)
    seconds = time.perf_counter() - t0
    print(
        f"[import] {len(report.imported):,} complaints imported through Application"
        f".import_register (rows checked once, written 1,000 per statement in one transaction,"
        f" then their ledger columns refreshed; {len(report.empty)} empty rows reported,"
        f" {len(report.problems)} problems, progress reached {shown[0]:,})"
        f" in {seconds:.1f} s = {len(report.imported) / seconds:,.0f} rows/s"
    )
    app.store.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--search-n", type=int, default=100_000)
    parser.add_argument("--xlsx-n", type=int, default=100_000)
    parser.add_argument("--backends", default="sqlite,postgres")
    args = parser.parse_args()
    search_n = min(args.search_n, args.n)
    missed = 0
    with tempfile.TemporaryDirectory(prefix="eightd-bench-") as tmp:
        folder = Path(tmp)
        for backend in args.backends.split(","):
            if backend == "sqlite":
                results = bench_backend("sqlite", f"sqlite:///{folder}/bench.db", args.n, search_n)
            elif backend == "postgres":
                from tests.pg_harness import PostgresCluster, find_pg_bin

                bin_dir = find_pg_bin()
                if bin_dir is None:
                    print("[postgres] skipped: PostgreSQL server binaries not installed")
                    continue
                cluster = PostgresCluster(bin_dir)
                cluster.start()
                try:
                    url = cluster.create_database("eightd_bench")
                    results = bench_backend("postgres", url, args.n, search_n)
                finally:
                    cluster.stop()
            else:
                parser.error(f"unknown backend {backend!r}")
            missed += sum(1 for _, seconds, target in results if seconds > target)
        if args.xlsx_n:
            bench_import(folder, args.xlsx_n)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())

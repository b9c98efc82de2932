"""How fast are 8D reports? Four ways to produce the same HTML reports of the same cases.

    .venv/bin/python benchmarks/bench_reports.py [--n 50] [--naive 5] [--jobs 2]

(a) naive    the loop a user would script: ``papermill`` CLI, then
             ``jupyter nbconvert --to html`` per report (two processes and a kernel each);
             measured on ``--naive`` cases and extrapolated to ``--n``
(b) inproc   a competent loop: ``papermill.execute_notebook`` (a fresh kernel per
             report) + one reused nbconvert ``HTMLExporter``, same template, in ``--jobs``
             processes (the same parallelism as eightd: a fair peer)
(c) floor    the same content rendered without any kernel or notebook (context + SVG +
             HTML in this process): the cost of the report itself
(d) eightd   ``eightd report --all --jobs N`` end to end (a new process: CLI start-up,
             workers, warm kernels, every report a real papermill execution)

Plus: one HTML report from a warm worker (the latency a Voilà user waits for); a
cold ``eightd report NO`` (a new process, HTML: target <= 2.5 s); the same batch as
(d) with PDF too, printed by one Chromium (target <= 0.5 s per report for the PDF);
and, with ``--ledger N``, the same-kind escalation lookup of ``show`` / reports in a
store of N cases (one indexed query) against reading the whole +-30-day window.
The cases are ``demo_cases_large(n)`` in a fresh SQLite store.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from eightd import services  # noqa: E402
from eightd.demo import demo_cases_large  # noqa: E402
from eightd.store import open_store  # noqa: E402

TEMPLATE = ROOT / "templates" / "8d_report.ipynb"
AS_OF = datetime(2026, 11, 23, 12, 0, tzinfo=timezone(timedelta(hours=8)))
BIN = Path(sys.executable).parent


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    return env


def make_store(folder: Path, n: int) -> tuple[str, list[str]]:
    url = f"sqlite:///{folder}/bench.db"
    cases = demo_cases_large(n, seed=0)
    store = open_store(url)
    with store.uow() as uow:
        # a fresh store: "bench" becomes its administrator, who may import
        services.register_first_user(uow, "bench", actor="bench", now=AS_OF)
        services.import_cases(uow, cases, user="bench")
    store.dispose()
    return url, [c.number for c in cases]


def _application(url: str) -> Any:
    from eightd.application import Application
    from eightd.settings import Settings

    settings = Settings(database_url=url, user="bench", lang="en")
    return Application.from_settings(settings, now=lambda: AS_OF)


def params(number: str, url: str) -> dict[str, object]:
    """The template's parameters, as the application builds them (the case and its view)."""
    with _application(url) as app:
        parameters: dict[str, object] = app.report_request(number).parameters()
    return parameters


def bench_naive(numbers: list[str], url: str, out: Path) -> float:
    started = time.perf_counter()
    for number in numbers:
        nb = out / f"{number}.ipynb"
        args = [
            str(BIN / "papermill"),
            "--log-level",
            "ERROR",
            "--no-progress-bar",
            str(TEMPLATE),
            str(nb),
        ]
        args += ["-y", json.dumps(params(number, url), ensure_ascii=False)]
        subprocess.run(args, check=True, env=_env(), capture_output=True)
        subprocess.run(
            [str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(nb)],
            check=True,
            env=_env(),
            capture_output=True,
        )
    return time.perf_counter() - started


def _inproc_chunk(numbers: list[str], url: str, out: Path) -> None:
    import papermill
    from nbconvert import HTMLExporter

    os.environ.update(_env())  # the kernels papermill starts must find eightd
    exporter = HTMLExporter(exclude_input=True)
    for number in numbers:
        nb = papermill.execute_notebook(
            str(TEMPLATE),
            str(out / f"{number}.ipynb"),
            parameters=params(number, url),
            progress_bar=False,
        )
        body, _ = exporter.from_notebook_node(nb)
        (out / f"{number}.html").write_text(body, encoding="utf-8")


def bench_inproc(numbers: list[str], url: str, jobs: int, out: Path) -> float:
    """The in-process loop on ``jobs`` processes, each with its share of the cases."""
    started = time.perf_counter()
    with ProcessPoolExecutor(jobs) as pool:
        shares = [numbers[i::jobs] for i in range(jobs)]
        for done in [pool.submit(_inproc_chunk, share, url, out) for share in shares if share]:
            done.result()
    return time.perf_counter() - started


def bench_floor(numbers: list[str], url: str, out: Path) -> float:
    from eightd.diagrams import fishbone, five_whys
    from eightd.policy import load_policy
    from eightd.reports.render import page_html
    from eightd.services.workflow import assess_case
    from eightd.views.case import build_context

    started = time.perf_counter()
    policy = load_policy()
    store = open_store(url)
    for number in numbers:
        with store.uow() as uow:
            stored, assessment = assess_case(uow, number, policy, now=AS_OF)
        case = stored.case
        ctx = build_context(case, assessment, lang="en", now=AS_OF, version=stored.version)
        figures = {"fishbone": fishbone(case, lang="en").svg()}
        if any(c.whys for c in case.causes):
            figures["five_whys"] = five_whys(case, lang="en").svg()
        (out / f"{ctx.file_stem}.html").write_text(page_html(ctx, figures, AS_OF), "utf-8")
    store.dispose()
    return time.perf_counter() - started


def _cli(*args: str) -> list[str]:
    code = "import sys, eightd.cli; sys.exit(eightd.cli.main(sys.argv[1:]))"
    return [sys.executable, "-c", code, *args]


def bench_eightd(url: str, jobs: int, out: Path, formats: str = "html") -> float:
    args = _cli(
        "--db",
        url,
        "--lang",
        "en",
        "report",
        "--all",
        "--jobs",
        str(jobs),
        "--format",
        formats,
        "--out",
        str(out),
        "--as-of",
        AS_OF.isoformat(),
    )
    started = time.perf_counter()
    subprocess.run(
        args, check=True, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    return time.perf_counter() - started


def bench_cold_single(
    url: str, number: str, out: Path, formats: str = "html"
) -> tuple[float, float]:
    """``eightd report NO`` in a new process: imports, kernel start, one report. Returns
    wall seconds and CPU seconds (the process and its kernel: what an idle machine
    would wait, less the overlap of kernel start and imports)."""
    args = _cli("--db", url, "report", number, "--format", formats, "--out", str(out))
    args += ["--as-of", AS_OF.isoformat()]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(
        args, check=True, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def bench_same_kind(n: int) -> None:
    """The same-kind lookup (one indexed query) against the whole +-30-day window."""
    from datetime import timedelta as td

    from eightd.policy import load_policy
    from eightd.services.workflow import load_case, same_kind_candidates

    with tempfile.TemporaryDirectory(prefix="eightd-ledger-") as tmp:
        built = time.perf_counter()
        url, numbers = make_store(Path(tmp), n)
        print(f"\nledger of {n} cases built in {time.perf_counter() - built:.0f} s")
        policy = load_policy()
        store = open_store(url)
        sample = numbers[:: max(1, n // 20)]
        query, window = [], []
        with store.uow() as uow:
            for number in sample:
                case = load_case(uow, number).case
                received = case.intake.received_at or case.created_at
                assert received is not None
                started = time.perf_counter()
                found = same_kind_candidates(uow, case, policy)
                query.append(time.perf_counter() - started)
                started = time.perf_counter()
                rows = uow.cases.list(
                    received_from=received - td(days=30), received_to=received + td(days=31)
                )
                window.append(time.perf_counter() - started)
        store.dispose()
        q, w = statistics.median(query), statistics.median(window)
        print(
            f"same-kind lookup: {q * 1000:.1f} ms (one indexed query, {len(found)} rows) vs "
            f"{w * 1000:.1f} ms reading the +-30-day window ({len(rows)} rows): {w / q:.0f}x"
        )


def bench_warm_single(numbers: list[str], url: str, out: Path) -> float:
    from eightd.reports.generate import ReportWriter

    with ReportWriter() as writer:
        writer.warm_up()
        times = []
        for number in numbers[:6]:
            with _application(url) as app:
                request = app.report_request(number, out_dir=out)
            started = time.perf_counter()
            writer.write(request)
            times.append(time.perf_counter() - started)
    return statistics.median(times[1:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=50, help="cases (default 50)")
    parser.add_argument("--naive", type=int, default=5, help="cases for (a) (default 5)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--repeat", type=int, default=3, help="runs of (c) and (d), median")
    parser.add_argument("--skip", default="", help="comma-separated: a,b,c,d,cold,pdf")
    parser.add_argument("--ledger", type=int, default=0, help="same-kind lookup at N cases")
    args = parser.parse_args()
    skip = set(args.skip.split(","))

    with tempfile.TemporaryDirectory(prefix="eightd-bench-") as tmp:
        folder = Path(tmp)
        url, numbers = make_store(folder, args.n)
        n = len(numbers)
        print(f"{n} cases (demo_cases_large), {os.cpu_count()} CPUs, {args.jobs} workers")
        per_report: dict[str, float] = {}
        note: dict[str, str] = {}

        def run(
            key: str, label: str, fn: object, *fargs: object, count: int = n, repeat: int = 1
        ) -> None:
            if key in skip:
                return
            runs = []
            for i in range(repeat):
                sub = folder / f"{key}{i}"
                sub.mkdir()
                runs.append(fn(*fargs, sub))  # type: ignore[operator]
            seconds = statistics.median(runs)
            if repeat > 1:
                note[key] = f"  (median of {repeat}: " + ", ".join(f"{r:.2f}" for r in runs) + ")"
            per_report[key] = seconds / count
            if count != n:
                note[key] = f"  (measured on {count}, extrapolated to {n})"
            print(
                f"({key}) {label:<44} {seconds:7.2f} s for {count:3d}  "
                f"{per_report[key]:6.3f} s/report  {1 / per_report[key]:7.2f} reports/s"
                f"{note.get(key, '')}",
                flush=True,
            )

        k = min(args.naive, n)
        run(
            "c",
            "floor: no kernel (context + SVG + HTML)",
            bench_floor,
            numbers,
            url,
            repeat=args.repeat,
        )
        run(
            "d",
            f"eightd report --all --jobs {args.jobs}",
            bench_eightd,
            url,
            args.jobs,
            repeat=args.repeat,
        )
        run(
            "b",
            f"papermill + HTMLExporter, {args.jobs} processes",
            bench_inproc,
            numbers,
            url,
            args.jobs,
        )
        run("a", "naive: papermill CLI + jupyter nbconvert", bench_naive, numbers[:k], url, count=k)

        warm = bench_warm_single(numbers, url, folder / "warm")
        print(f"one HTML report from a warm worker: {warm:.3f} s (median of 5)")
        if "cold" not in skip:
            colds = [bench_cold_single(url, numbers[i], folder / f"cold{i}") for i in range(3)]
            walls = [w for w, _ in colds]
            print(
                f"cold eightd report NO (HTML): {statistics.median(walls):.2f} s wall, "
                f"{statistics.median(c for _, c in colds):.2f} s CPU "
                f"(median of 3: {', '.join(f'{w:.2f}' for w in walls)}; target <= 2.5 s); "
                f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
            )
        if "pdf" not in skip and "d" in per_report:
            with_pdf = bench_eightd(url, args.jobs, folder / "pdf", "html,pdf")
            extra = (with_pdf - per_report["d"] * n) / n
            print(
                f"eightd report --all --format html,pdf: {with_pdf:.2f} s, "
                f"{with_pdf / n:.3f} s/report; the PDF adds {extra:.3f} s/report "
                "(one Chromium for the batch; target <= 0.5 s)"
            )
        print("\nratios of reports/s (d is eightd report --all):")
        for key, what in (("a", "naive loop"), ("b", f"papermill loop on {args.jobs} processes")):
            if key in per_report and "d" in per_report:
                ratio = per_report[key] / per_report["d"]
                print(f"  d / {key} = {ratio:6.1f}x  faster than the {what}")
        if "c" in per_report and "d" in per_report:
            print(
                f"  c / d = {per_report['d'] / per_report['c']:6.1f}x  (the no-kernel floor is"
                " this much faster than d)"
            )
    if args.ledger:
        bench_same_kind(args.ledger)


if __name__ == "__main__":
    main()

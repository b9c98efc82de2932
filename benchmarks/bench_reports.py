"""How fast are 8D reports? Four ways to produce the same HTML reports of the same cases.

    .venv/bin/python benchmarks/bench_reports.py [--n 50] [--naive 5] [--jobs 2]

(a) naive    the loop a user would script: ``papermill`` CLI, then
             ``jupyter nbconvert --to html`` per report (two processes and a kernel each);
             measured on ``--naive`` cases and extrapolated to ``--n``
(b) inproc   a competent loop: ``papermill.execute_notebook`` (a fresh kernel per
             report) + one reused nbconvert ``HTMLExporter``, same template, in ``--jobs``
             processes (the same parallelism as eightd: a fair peer)
(c) floor    the same content rendered without any kernel or notebook (context + SVG +
             HTML), in ``--jobs`` processes forked from this one (imports done): the cost
             of the report itself on the same cores; (c1) the same in one process
(d) eightd   ``eightd report --all --jobs N`` end to end (a new process: CLI start-up,
             workers, warm kernels, every report a real papermill execution)

Plus: one HTML report from a warm worker (the latency a Voilà user waits for); a
cold ``eightd report NO`` (a new process, HTML: target <= 2.5 s; and PDF); the same
batch as (d) printing PDFs, in one Chromium (target <= 0.5 s per report); and, with
``--ledger N``, the same-kind escalation lookup of ``show`` / reports in a store of N
cases (one indexed query) against reading the whole +-30-day window.
Targets at the default 50 cases: d >= 8x b, and d within 2x of the floor (given
against c, c1 and in CPU seconds, which do not depend on the number of processes).

The machine may be shared: every line gives wall seconds and CPU seconds (user + sys
of this process and every process it started, kernels, ``dot`` and Chromium included:
this process is their subreaper, so even a forkserver's workers are counted), and
the load average. CPU seconds do not grow with other users' load; wall seconds do.
The cases are ``demo_cases_large(n)`` in a fresh SQLite store. The package is
byte-compiled first, as an installed one is (``PYTHONDONTWRITEBYTECODE`` would
otherwise make every new process compile eightd's sources again).
"""

from __future__ import annotations

import argparse
import compileall
import ctypes
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
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
_PR_SET_CHILD_SUBREAPER = 36


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    return env


# ---------------------------------------------------------------- measuring


def _become_subreaper() -> bool:
    """Orphaned descendants (a forkserver and its workers, Chromium's helpers) are
    re-parented to this process instead of init, so their CPU time can be collected."""
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    return libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0


def _reap(timeout: float = 30.0) -> None:
    """Wait for every child left (orphans included): their CPU time then counts in
    RUSAGE_CHILDREN. Called between runs, when no pool of this process is running."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid:
            continue
        if time.monotonic() > deadline:
            print("  (warning: a child process outlived the run; its CPU is not counted)")
            return
        time.sleep(0.02)


def _cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


@dataclass(frozen=True)
class Timing:
    wall: float
    cpu: float  # this process and all its descendants, user + sys


def measure(fn: Callable[..., object], *args: object) -> Timing:
    _reap()
    cpu, started = _cpu_seconds(), time.perf_counter()
    fn(*args)
    wall = time.perf_counter() - started
    _reap()
    return Timing(wall, _cpu_seconds() - cpu)


def _load() -> str:
    return f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"


# ---------------------------------------------------------------- the store


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


def _shares(numbers: list[str], jobs: int) -> list[list[str]]:
    return [share for share in (numbers[i::jobs] for i in range(jobs)) if share]


# ---------------------------------------------------------------- (a) .. (d)


def bench_naive(numbers: list[str], url: str, out: Path) -> None:
    with _application(url) as app:
        for number in numbers:
            nb = out / f"{number}.ipynb"
            parameters = app.report_request(number).parameters()
            args = [
                str(BIN / "papermill"),
                "--log-level",
                "ERROR",
                "--no-progress-bar",
                str(TEMPLATE),
                str(nb),
            ]
            args += ["-y", json.dumps(parameters, ensure_ascii=False)]
            subprocess.run(args, check=True, env=_env(), capture_output=True)
            subprocess.run(
                [str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(nb)],
                check=True,
                env=_env(),
                capture_output=True,
            )


def _inproc_share(numbers: list[str], url: str, out: Path) -> None:
    import papermill
    from nbconvert import HTMLExporter

    os.environ.update(_env())  # the kernels papermill starts must find eightd
    # the kernels' start-up chatter (TCP warnings) would drown the figures
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    exporter = HTMLExporter(exclude_input=True)
    with _application(url) as app:
        for number in numbers:
            nb = papermill.execute_notebook(
                str(TEMPLATE),
                str(out / f"{number}.ipynb"),
                parameters=app.report_request(number).parameters(),
                progress_bar=False,
            )
            body, _ = exporter.from_notebook_node(nb)
            (out / f"{number}.html").write_text(body, encoding="utf-8")


def _floor_share(numbers: list[str], url: str, out: Path) -> None:
    from eightd.diagrams import fishbone, five_whys
    from eightd.policy import load_policy
    from eightd.reports.render import page_html
    from eightd.services.workflow import assess_case
    from eightd.views.case import build_context

    policy = load_policy()
    store = open_store(url)
    for number in numbers:
        with store.uow(read_only=True) as uow:
            stored, assessment = assess_case(uow, number, policy, now=AS_OF)
        case = stored.case
        ctx = build_context(case, assessment, lang="en", now=AS_OF, version=stored.version)
        figures = {"fishbone": fishbone(case, lang="en").svg()}
        if any(c.whys for c in case.causes):
            figures["five_whys"] = five_whys(case, lang="en").svg()
        (out / f"{ctx.file_stem}.html").write_text(page_html(ctx, figures, AS_OF), "utf-8")
    store.dispose()


def _in_processes(share: Callable[..., None], numbers: list[str], jobs: int, *args: object) -> None:
    """``share`` on ``jobs`` processes, each with its share of the cases."""
    with ProcessPoolExecutor(jobs) as pool:
        for done in [pool.submit(share, part, *args) for part in _shares(numbers, jobs)]:
            done.result()


def bench_inproc(numbers: list[str], url: str, jobs: int, out: Path) -> None:
    _in_processes(_inproc_share, numbers, jobs, url, out)


def bench_floor(numbers: list[str], url: str, jobs: int, out: Path) -> None:
    _in_processes(_floor_share, numbers, jobs, url, out)


def _cli(*args: str) -> list[str]:
    code = "import sys, eightd.cli; sys.exit(eightd.cli.main(sys.argv[1:]))"
    return [sys.executable, "-c", code, *args]


def bench_eightd(url: str, jobs: int, out: Path, formats: str = "html") -> None:
    args = _cli("--db", url, "--lang", "en", "report", "--all", "--jobs", str(jobs))
    args += ["--format", formats, "--out", str(out), "--as-of", AS_OF.isoformat()]
    subprocess.run(
        args, check=True, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def bench_cold_single(url: str, number: str, out: Path, formats: str = "html") -> None:
    """``eightd report NO`` in a new process: imports, kernel start, one report."""
    args = _cli("--db", url, "report", number, "--format", formats, "--out", str(out))
    args += ["--as-of", AS_OF.isoformat()]
    subprocess.run(
        args, check=True, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def bench_warm_single(numbers: list[str], url: str, out: Path) -> float:
    from eightd.reports.writer import ReportWriter

    with ReportWriter() as writer, _application(url) as app:
        writer.warm_up()
        times = []
        for number in numbers[:6]:
            request = app.report_request(number, out_dir=out)
            started = time.perf_counter()
            writer.write(request)
            times.append(time.perf_counter() - started)
    return statistics.median(times[1:])


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


# ---------------------------------------------------------------- the run


def _median(runs: list[Timing]) -> Timing:
    return Timing(statistics.median(r.wall for r in runs), statistics.median(r.cpu for r in runs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=50, help="cases (default 50)")
    parser.add_argument("--naive", type=int, default=5, help="cases for (a) (default 5)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--repeat", type=int, default=3, help="runs of (c) and (d), median")
    parser.add_argument("--skip", default="", help="comma-separated: a,b,c,c1,d,warm,cold,pdf")
    parser.add_argument("--ledger", type=int, default=0, help="same-kind lookup at N cases")
    args = parser.parse_args()
    skip = set(args.skip.split(","))
    compileall.compile_dir(ROOT / "eightd", quiet=1)
    if not _become_subreaper():
        print("(not Linux: CPU of orphaned descendants, e.g. forkserver workers, is missed)")

    with tempfile.TemporaryDirectory(prefix="eightd-bench-") as tmp:
        folder = Path(tmp)
        url, numbers = make_store(folder, args.n)
        n = len(numbers)
        print(
            f"{n} cases (demo_cases_large), {os.cpu_count()} CPUs, {args.jobs} workers; {_load()}"
        )
        per_report: dict[str, Timing] = {}

        def run(
            key: str, label: str, fn: Callable[..., object], *fargs: object, count: int = n,
            repeat: int = 1,
        ) -> Timing | None:  # fmt: skip
            if key in skip:
                return None
            runs = []
            for i in range(repeat):
                sub = folder / f"{key}{i}"
                sub.mkdir()
                runs.append(measure(fn, *fargs, sub))
            took = _median(runs)
            note = ""
            if repeat > 1:
                note = f"  (median of {repeat}: " + ", ".join(f"{r.wall:.2f}" for r in runs) + " s)"
            if count != n:
                note = f"  (measured on {count}, extrapolated to {n})"
            per_report[key] = Timing(took.wall / count, took.cpu / count)
            print(
                f"{'(' + key + ')':<4} {label:<44} {took.wall:7.2f} s for {count:3d}  "
                f"{took.wall / count:6.3f} s/report  {count / took.wall:6.2f} reports/s  "
                f"CPU {took.cpu:6.2f} s, {took.cpu / count:6.3f} s/report{note}; {_load()}",
                flush=True,
            )
            return took

        k = min(args.naive, n)
        jobs = args.jobs
        run("c", f"floor: no kernel, {jobs} processes", bench_floor, numbers, url, jobs,
            repeat=args.repeat)  # fmt: skip
        run("c1", "floor: no kernel, 1 process", bench_floor, numbers, url, 1, repeat=args.repeat)
        run("d", f"eightd report --all --jobs {jobs}", bench_eightd, url, jobs, repeat=args.repeat)
        run("b", f"papermill + HTMLExporter, {jobs} processes", bench_inproc, numbers, url, jobs)
        run("a", "naive: papermill CLI + jupyter nbconvert", bench_naive, numbers[:k], url, count=k)

        if "warm" not in skip:
            warm = bench_warm_single(numbers, url, folder / "warm")
            print(f"one HTML report from a warm worker: {warm:.3f} s (median of 5)")
        if "cold" not in skip:
            for fmt, target in (("html", "; target <= 2.5 s"), ("pdf", "")):
                colds = [
                    measure(bench_cold_single, url, numbers[i], folder / f"cold-{fmt}{i}", fmt)
                    for i in range(3)
                ]
                took = _median(colds)
                print(
                    f"cold eightd report NO ({fmt.upper()}): {took.wall:.2f} s wall, "
                    f"{took.cpu:.2f} s CPU (median of 3: "
                    f"{', '.join(f'{c.wall:.2f}' for c in colds)} s{target}); {_load()}",
                    flush=True,
                )
        if "pdf" not in skip:
            pdf = measure(bench_eightd, url, jobs, folder / "pdf", "pdf")
            line = (
                f"eightd report --all --jobs {jobs} --format pdf: {pdf.wall:.2f} s, "
                f"{pdf.wall / n:.3f} s/report (target <= 0.5 s), CPU {pdf.cpu / n:.3f} s/report"
            )
            if "d" in per_report:
                d = per_report["d"]
                line += (
                    f"; printing adds {pdf.wall / n - d.wall:.3f} s/report wall, "
                    f"{pdf.cpu / n - d.cpu:.3f} s/report CPU to (d)"
                )
            print(f"{line} (one Chromium for the batch); {_load()}")

        print("\nratios per report, by wall time and by CPU time (d is eightd report --all):")
        if "d" in per_report:
            d = per_report["d"]
            for key, what in (("a", "naive loop"), ("b", f"papermill loop on {jobs} processes")):
                if key in per_report:
                    other = per_report[key]
                    print(
                        f"  {key} / d = {other.wall / d.wall:6.1f}x wall, "
                        f"{other.cpu / d.cpu:6.1f}x CPU: eightd is this much faster than the "
                        f"{what}" + (" (target >= 8x)" if key == "b" else "")
                    )
            for key, what in (("c", f"on {jobs} processes"), ("c1", "on 1 process")):
                if key in per_report:
                    c = per_report[key]
                    print(
                        f"  d / {key} = {d.wall / c.wall:5.1f}x wall, {d.cpu / c.cpu:6.1f}x CPU: "
                        f"eightd takes this much longer than the no-kernel floor {what} "
                        "(target <= 2x)"
                    )
    if args.ledger:
        bench_same_kind(args.ledger)


if __name__ == "__main__":
    main()

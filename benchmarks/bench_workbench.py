"""Benchmark of the browser workbench, against a plain Voilà page view in the same run.

Measured with Debian's Chromium (Playwright) on a fresh store holding the demo cases
(or, with ``--cases N``, N generated ones):

1. launch to first usable ledger: from starting ``eightd serve`` until the ledger's table
   is drawn in the browser — with preheated kernels (what ``eightd serve`` does) and, as the
   baseline, a plain Voilà server of the same notebooks without preheating (target <= 4 s);
2. a case page view once the server is up: preheated kernel vs. plain Voilà (target <= 1 s);
3. the resident memory (RSS) of one app kernel after it drew a case page (target <= 200 MiB).

Store-side figures (stage save p95, ledger page and filter at 10k / 100k cases, overdue at
100k) are in ``benchmarks/bench_ledger.py``.

    .venv/bin/python benchmarks/bench_workbench.py [--cases 0] [--views 5] [--launches 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, sync_playwright

from eightd.application import Application
from eightd.settings import Settings
from eightd.ui.serve import ServeOptions, free_port, voila_command, voila_env

NOW = "2026-11-20T10:00:00+08:00"
READY_LEDGER = "table.ed-ledger-table tr.ed-row"
READY_CASE = ".ed-stepper"


def make_store(home: Path, extra: int) -> str:
    url = f"sqlite:///{home}/eightd.db"
    # the OS account running the benchmark acts (the first user of the store: admin)
    settings = Settings.from_env(database_url=url, lang="en")
    with Application.from_settings(settings) as app:
        app.init_store()
        today = datetime.fromisoformat(NOW).date()
        if extra:  # generated cases only: their numbers would collide with the demo's
            from eightd.demo import demo_cases_large

            app.import_cases(demo_cases_large(extra, today=today))
        else:
            app.load_demo(today=today)
    return url


@contextmanager
def server(url: str, home: Path, *, preheat: bool) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    options = ServeOptions(port=free_port(), preheat=preheat, pool_size=1, at=NOW)
    base = {k: v for k, v in os.environ.items() if k != "EIGHTD_USER"}
    env = voila_env(options, {**base, "EIGHTD_DATABASE_URL": url, "EIGHTD_LANG": "en"})
    log = (home / f"serve-{'preheat' if preheat else 'plain'}.log").open("wb")
    command = voila_command(options)
    if not preheat:  # the baseline: Voilà as it comes (`python -m voila`), no preheating
        command = [sys.executable, "-m", "voila", *command[2:]]
    process = subprocess.Popen(command, env=env, stdout=log, stderr=log)
    try:
        yield f"http://127.0.0.1:{options.port}", process
    finally:
        process.terminate()
        process.wait(timeout=60)
        log.close()


def wait_up(base: str) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/", timeout=2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("the server did not answer")


def view(page: Page, url: str, ready: str) -> float:
    started = time.perf_counter()
    page.goto(url, wait_until="domcontentloaded", timeout=120_000)
    page.wait_for_selector(ready, timeout=120_000)
    return time.perf_counter() - started


def kernel_rss_mib(server_pid: int) -> list[float]:
    """RSS of the kernels the server started (its child processes running ipykernel)."""
    out = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
            cmd = (status.parent / "cmdline").read_bytes()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
        if int(fields.get("PPid", "0").strip()) == server_pid and b"ipykernel" in cmd:
            out.append(int(fields["VmRSS"].split()[0]) / 1024)
    return out


@contextmanager
def launched(
    page: Page, url: str, home: Path, *, preheat: bool, starts: list[float], firsts: list[float]
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """A server started and its ledger drawn in the browser, both timed (appended to
    ``starts`` and ``firsts``): its base URL and process."""
    started = time.perf_counter()
    with server(url, home, preheat=preheat) as (base, process):
        wait_up(base)
        firsts.append(view(page, f"{base}/voila/render/ledger.ipynb?lang=en", READY_LEDGER))
        starts.append(time.perf_counter() - started)
        yield base, process


def measure(
    page: Page, url: str, home: Path, number: str, *, preheat: bool, views: int, launches: int
) -> dict[str, Any]:
    starts: list[float] = []
    firsts: list[float] = []
    for _ in range(launches - 1):  # the last launch also serves the case views
        with launched(page, url, home, preheat=preheat, starts=starts, firsts=firsts):
            page.goto("about:blank")
        time.sleep(2)  # the stopped server's kernels exit
    with launched(page, url, home, preheat=preheat, starts=starts, firsts=firsts) as (
        base,
        process,
    ):
        if preheat:
            time.sleep(8)  # let the pools refill, as they do between real visits
        cases = []
        for _ in range(views):
            cases.append(view(page, f"{base}/voila/render/case.ipynb?number={number}", READY_CASE))
            page.goto("about:blank")
            if preheat:
                time.sleep(4)
        rss = kernel_rss_mib(process.pid)
    return {
        "launch": statistics.median(starts),
        "launch_max": max(starts),
        "first_ledger_view": statistics.median(firsts),
        "case_median": statistics.median(cases),
        "case_max": max(cases),
        "kernel_rss_max": max(rss) if rss else float("nan"),
        "launches": starts,
        "cases": cases,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=0, help="generated cases instead of the demo")
    parser.add_argument("--views", type=int, default=5, help="case page views per server")
    parser.add_argument("--launches", type=int, default=3, help="server launches (median)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        url = make_store(home, args.cases)
        settings = Settings.from_env(database_url=url, lang="en")
        with Application.from_settings(settings) as app:
            number = app.numbers(status="open")[0]
            total = len(app.numbers())
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            plain, warm = (
                measure(
                    page, url, home, number, preheat=heat, views=args.views, launches=args.launches
                )
                for heat in (False, True)
            )
            browser.close()
    print(
        f"store: {total} cases; case page: {number}; {args.launches} launches,"
        f" {args.views} case views per server"
    )
    print(f"{'figure':<44}{'plain Voilà':>14}{'eightd serve':>14}{'ratio':>8}{'target':>10}")
    rows = [
        ("launch to first usable ledger, median (s)", "launch", "<= 4 s"),
        ("launch to first usable ledger, max (s)", "launch_max", ""),
        ("first ledger page view, median (s)", "first_ledger_view", ""),
        ("case page view, median (s)", "case_median", "<= 1 s"),
        ("case page view, max (s)", "case_max", ""),
        ("RSS of one app kernel, max (MiB)", "kernel_rss_max", "<= 200"),
    ]
    for caption, key, target in rows:
        ratio = plain[key] / warm[key] if warm[key] else float("nan")
        print(f"{caption:<44}{plain[key]:>14.2f}{warm[key]:>14.2f}{ratio:>7.1f}x{target:>10}")
    for name, figures in (("plain Voilà", plain), ("eightd serve", warm)):
        print(
            f"{name}: launches {', '.join(f'{s:.2f}' for s in figures['launches'])} s;"
            f" case page views {', '.join(f'{s:.2f}' for s in figures['cases'])} s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

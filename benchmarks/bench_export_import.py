"""How much memory and time do export and import take on a large store?

    .venv/bin/python benchmarks/bench_export_import.py [--n 10000]

Each measurement runs in its own process, started from this small one; its peak resident
memory (RSS) comes from the kernel (``wait4``), its time from the wall clock.

(a) baseline export   the way eightd exported before streaming: every case loaded into
                      a list, the whole document built as one string, then written
(b) eightd export     ``eightd export -o FILE``: cases read in batches and written one by one
(c) baseline import   the whole file read and parsed, every case decoded into a list,
                      then imported in one transaction
(d) eightd import     ``eightd import FILE``: size checked first, the file parsed and
                      imported one case at a time, in one transaction
(e) floor             a process that only imports the eightd command line (no work)

The store is ``demo_cases_large(n)`` in a fresh SQLite file.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CLI = "from eightd.cli import main; raise SystemExit(main())"

# The store is built in a child too: this process stays small, so that no child starts
# (forks) from a large parent, which would inflate the peak RSS the kernel reports for it.
# every store is initialised first: its first user (an administrator) is the OS account
# running the benchmark, who may import
INIT = """
import sys
from eightd.application import Application
from eightd.settings import Settings
with Application.from_settings(Settings.from_env(database_url=sys.argv[1])) as app:
    app.init_store()
"""

BUILD = """
import sys
from eightd import services
from eightd.demo import demo_cases_large
from eightd.settings import os_user
from eightd.store import open_store
store = open_store(sys.argv[1])
with store.uow() as uow:
    services.import_cases(uow, demo_cases_large(int(sys.argv[2]), seed=0), user=os_user())
"""

BASELINE_EXPORT = """
import sys
from eightd import services
from eightd.domain import dumps_export
from eightd.store import open_store
store = open_store(sys.argv[1])
with store.uow(read_only=True) as uow:
    cases = services.export_cases(uow)
text = dumps_export(cases)
with open(sys.argv[2], "w", encoding="utf-8") as fh:
    fh.write(text)
"""

BASELINE_IMPORT = """
import json, sys
from pathlib import Path
from eightd import services
from eightd.domain import parse_export
from eightd.store import open_store
cases = parse_export(json.loads(Path(sys.argv[2]).read_bytes().decode("utf-8")))
from eightd.settings import os_user
store = open_store(sys.argv[1])
with store.uow() as uow:
    services.import_cases(uow, cases, user=os_user())
"""


def measure(*args: str) -> tuple[float, float]:
    """(seconds, peak RSS in MiB) of one child process."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("EIGHTD_USER", None)
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, *args], env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise SystemExit(f"failed ({child.returncode}): {' '.join(args)[:200]}")
    return seconds, usage.ru_maxrss / 1024  # KiB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    n = parser.parse_args().n
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = f"sqlite:///{folder}/source.db"
        print(f"building a store of {n} cases ...", flush=True)
        for url in (source, f"sqlite:///{folder}/b.db", f"sqlite:///{folder}/e.db"):
            measure("-c", INIT, url)
        measure("-c", BUILD, source, str(n))

        rows: list[tuple[str, float, float]] = []
        rows.append(("(e) floor: python + eightd CLI import", *measure("-c", "import eightd.cli")))
        base_file, new_file = folder / "baseline.json", folder / "eightd.json"
        rows.append(
            ("(a) baseline export", *measure("-c", BASELINE_EXPORT, source, str(base_file)))
        )
        rows.append(
            (
                "(b) eightd export",
                *measure("-c", CLI, "--db", source, "export", "-o", str(new_file)),
            )
        )
        # compared in small blocks: this process must stay small, or every child forked
        # from it afterwards starts with its resident pages counted in its peak (RSS)
        assert filecmp.cmp(base_file, new_file, shallow=False), "the two exports differ"
        size = new_file.stat().st_size / 2**20
        rows.append(
            (
                "(c) baseline import",
                *measure("-c", BASELINE_IMPORT, f"sqlite:///{folder}/b.db", str(new_file)),
            )
        )
        rows.append(
            (
                "(d) eightd import",
                *measure("-c", CLI, "--db", f"sqlite:///{folder}/e.db", "import", str(new_file)),
            )
        )

    print(f"\n{n} cases, export file {size:.0f} MiB\n")
    print(f"{'':42} {'seconds':>9} {'peak RSS MiB':>13}")
    for name, seconds, rss in rows:
        print(f"{name:42} {seconds:9.1f} {rss:13.0f}")
    floor = rows[0][2]
    (_, ta, ma), (_, tb, mb), (_, tc, mc), (_, td, md) = rows[1:]
    print(
        f"\nexport: memory above the floor {ma - floor:.0f} -> {mb - floor:.0f} MiB "
        f"({(ma - floor) / max(mb - floor, 1):.1f}x less), time {ta / tb:.2f}x"
    )
    print(
        f"import: memory above the floor {mc - floor:.0f} -> {md - floor:.0f} MiB "
        f"({(mc - floor) / max(md - floor, 1):.1f}x less), time {tc / td:.2f}x"
    )


if __name__ == "__main__":
    main()

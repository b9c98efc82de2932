"""Report files survive a killed run and a full disk; a stopped batch leaves no process.

Each test first writes good reports, then disturbs a second run of the same reports
(kill -9, SIGTERM, SIGINT, a file size limit, a full tmpfs) and checks that every
report file is still whole (the previous one, or a new whole one), that no temporary
file is left, and that no worker, kernel or Chromium of the run is still alive.
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from eightd.demo import demo_cases
from eightd.domain import dumps_export
from eightd.reports.files import check_html, check_pdf, check_xlsx, remove_stale

pytestmark = [pytest.mark.kernel, pytest.mark.slow]

CST = timezone(timedelta(hours=8))
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=CST)
CHECKS = {".pdf": check_pdf, ".xlsx": check_xlsx, ".html": check_html}


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    cases = [c for c in demo_cases(date(2026, 11, 23)) if c.causes][:4]
    path = tmp_path_factory.mktemp("source") / "cases.json"
    path.write_text(dumps_export(cases), encoding="utf-8")
    return path


def _command(export: Path, out: Path, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-c",
        "import sys; from eightd.cli import main; sys.exit(main())",
        "report",
        "--all",
        "--source",
        str(export),
        "--out",
        str(out),
        "--format",
        "html,pdf,xlsx",
        "--as-of",
        NOW.isoformat(),
        *extra,
    ]


def _run(
    export: Path, out: Path, *extra: str, preexec_fn: Callable[[], object] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        _command(export, out, *extra),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        preexec_fn=preexec_fn,
    )


@pytest.fixture(scope="module")
def good(export: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of good reports (html, pdf, xlsx, ipynb) of the exported cases."""
    out = tmp_path_factory.mktemp("good")
    done = _run(export, out, "--jobs", "2")
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture
def out(good: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "reports"
    shutil.copytree(good, copy)
    return copy


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


_TEMPORARY = re.compile(r"^\..*\.\d+\.(part\.\w+|running\.ipynb|print\.html)$")


def _assert_whole_and_tidy(folder: Path, before: dict[str, bytes], *, killed: bool = False) -> None:
    hidden = [p for p in folder.iterdir() if p.name.startswith(".")]
    if killed:  # kill -9 gives no chance to clean up: the next run removes what is left
        assert all(_TEMPORARY.match(p.name) for p in hidden), hidden
        for pattern in ("*.part.*", "*.running.ipynb", "*.print.html"):
            remove_stale(folder, "." + pattern)
        hidden = [p for p in folder.iterdir() if p.name.startswith(".")]
    assert not hidden, hidden  # no temporary file left
    names = sorted(p.name for p in folder.iterdir())
    assert set(before) <= set(names)
    for name in names:
        path = folder / name
        if path.suffix in CHECKS:
            CHECKS[path.suffix](path)  # raises ReportError when the file is not whole
        if path.suffix == ".pdf":
            assert path.stat().st_size > 0.5 * len(before[name])


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if ppid == pid:
            found.add(int(entry.name))
    return found


def _tree(pid: int) -> set[int]:
    todo: list[int] = [pid]
    seen: set[int] = set()
    while todo:
        for child in _children(todo.pop()) - seen:
            seen.add(child)
            todo.append(child)
    return seen


def _cmdline(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _describe(pid: int) -> str:
    proc = Path("/proc") / str(pid)
    try:
        stat = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        wchan = (proc / "wchan").read_text()
    except OSError:
        return f"{pid} gone"
    tasks = len(list((proc / "task").iterdir()))
    return (
        f"{pid} ppid={stat[1]} state={stat[0]} wchan={wchan} threads={tasks} {_cmdline(pid)[:90]}"
    )


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def _busy_tree(proc: subprocess.Popen[str], out: Path) -> set[int]:
    """The run's processes once its kernels and its browser are all at work."""
    deadline = time.monotonic() + 300
    seen: set[int] = set()
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the run ended before it could be disturbed"
        seen |= _tree(proc.pid)
        lines = [_cmdline(p) for p in seen]
        kernels = sum("ipykernel_launcher" in line for line in lines)
        browser = any("remote-debugging-pipe" in line for line in lines)
        if kernels >= 2 and browser:
            return seen
        time.sleep(0.05)
    raise AssertionError("the batch never had two kernels and a browser running")


def _gone(pids: set[int], seconds: float = 20) -> set[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        left = {p for p in pids if _alive(p)}
        if not left:
            return left
        time.sleep(0.1)
    return {p for p in pids if _alive(p)}


@pytest.fixture
def run_in_background(export: Path) -> Iterator[list[subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []
    yield started
    for proc in started:
        if proc.poll() is None:
            proc.kill()
        proc.wait()


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT])
def test_a_stopped_batch_keeps_the_previous_reports_and_leaves_no_process(
    sig: signal.Signals,
    export: Path,
    out: Path,
    run_in_background: list[subprocess.Popen[str]],
) -> None:
    before = _snapshot(out)
    proc = subprocess.Popen(
        _command(export, out, "--jobs", "2"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    run_in_background.append(proc)
    tree = _busy_tree(proc, out)
    names = [_cmdline(p) for p in tree]
    assert any("remote-debugging-pipe" in n for n in names)
    os.kill(proc.pid, sig)
    proc.wait(timeout=60)
    left = _gone(tree)
    assert not left, [_describe(p) for p in left]
    _assert_whole_and_tidy(out, before, killed=sig is signal.SIGKILL)


def _limit_file_size(max_bytes: int) -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (max_bytes, max_bytes))


def test_a_failing_disk_keeps_the_previous_reports(export: Path, out: Path) -> None:
    """Writes beyond the file size limit fail (EFBIG), as they would on a full disk."""
    before = _snapshot(out)
    biggest_pdf = max(len(v) for k, v in before.items() if k.endswith(".pdf"))
    done = _run(export, out, "--jobs", "1", preexec_fn=lambda: _limit_file_size(biggest_pdf // 2))
    assert done.returncode == 1
    assert re.search(r"unchanged|could not print", done.stderr), done.stderr
    _assert_whole_and_tidy(out, before)
    assert _snapshot(out).keys() == before.keys()


def _mount_tmpfs(where: Path, size: str) -> bool:
    if os.geteuid() != 0 or not shutil.which("mount"):
        return False
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
        capture_output=True,
        check=False,
    )
    return done.returncode == 0


def test_a_full_tmpfs_keeps_the_previous_reports(export: Path, good: Path, tmp_path: Path) -> None:
    disk = tmp_path / "disk"
    disk.mkdir()
    if not _mount_tmpfs(disk, "8m"):
        pytest.skip("mounting a tmpfs needs root (CI runs this as root)")
    try:
        out = disk / "reports"
        shutil.copytree(good, out)
        before = _snapshot(out)
        smallest = min(len(v) for k, v in before.items() if k.endswith((".pdf", ".ipynb")))
        filler = disk / "filler"
        free = shutil.disk_usage(disk).free
        # leave room for less than half a notebook or PDF: the run's first one fills the disk
        filler.write_bytes(b"\0" * max(0, free - smallest // 2))
        done = _run(export, out, "--jobs", "1")
        assert done.returncode == 1
        assert re.search(r"unchanged|could not print", done.stderr), done.stderr
        _assert_whole_and_tidy(out, before)
    finally:
        subprocess.run(["umount", str(disk)], check=False)

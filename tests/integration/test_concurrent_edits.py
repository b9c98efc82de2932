"""Nothing lost: edits in separate processes on one case, on SQLite and PostgreSQL.

A document read by ``eightd show --json`` carries the version it was read at; an
``eightd update`` of it after someone else saved is refused naming who and when, and
of ten updates sent at once from one version exactly one is saved.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from eightd.application import Application
from eightd.settings import Settings
from eightd.store import Store
from tests.conftest import CST, make_intake, register_users

pytestmark = pytest.mark.slow

T0 = datetime(2026, 11, 20, 10, tzinfo=CST)
CLI = "import sys, eightd.cli; sys.exit(eightd.cli.main(sys.argv[1:]))"


def _env(url: str, user: str, home: Path) -> dict[str, str]:
    # who acts: the workbench's way (the hub's login through the store's service account)
    env = dict(os.environ)
    env.update(
        EIGHTD_DATABASE_URL=url, JUPYTERHUB_USER=user, EIGHTD_LANG="en", EIGHTD_HOME=str(home)
    )
    env.pop("EIGHTD_USER", None)
    return env


def _eightd(url: str, user: str, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", CLI, *args],
        env=_env(url, user, home),
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def number(store: Store, store_url: str) -> str:
    register_users(store, {"qe.li": ["intake", "qe"], "qe.wang": ["qe"]})
    settings = Settings(store_url, "qe.li", "en", hub_user="qe.li")
    app = Application(settings, store=store, now=lambda: T0)
    return app.open_complaint(make_intake(received_at=T0), title="Cold solder joints").case.number


def test_update_of_a_stale_file_is_refused_naming_who_changed_the_case_and_when(
    store: Store, store_url: str, number: str, tmp_path: Path
) -> None:
    shown = _eightd(store_url, "qe.li", tmp_path, "show", number, "--json")
    assert shown.returncode == 0, shown.stderr
    document = json.loads(shown.stdout)
    assert document["version"] == 1

    later = _eightd(
        store_url, "qe.wang", tmp_path, "validity", number, "founded", "--note", "confirmed",
        "--at", "2026-11-20T11:00+08:00",
    )  # fmt: skip
    assert later.returncode == 0, later.stderr

    document["title"] = "Cold solder joints on J3"
    stale = tmp_path / "stale.json"
    stale.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    refused = _eightd(store_url, "qe.li", tmp_path, "update", str(stale))
    assert refused.returncode == 1
    assert "changed by qe.wang" in refused.stderr
    assert "2026-11-20T03:00:00+00:00" in refused.stderr  # when, as stored (UTC)

    app = Application(Settings(store_url, "qe.li", "en"), store=store)
    stored = app.load(number)
    assert (stored.version, stored.case.title) == (2, "Cold solder joints")
    assert stored.case.validity_note == "confirmed"


def test_ten_parallel_updates_from_one_version_save_exactly_one(
    store: Store, store_url: str, number: str, tmp_path: Path
) -> None:
    shown = _eightd(store_url, "qe.li", tmp_path, "show", number, "--json")
    document = json.loads(shown.stdout)
    files = []
    for i in range(10):
        path = tmp_path / f"edit{i}.json"
        path.write_text(json.dumps({**document, "title": f"edit {i}"}), encoding="utf-8")
        files.append(path)
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", CLI, "update", str(path)],
            env=_env(store_url, "qe.li", tmp_path),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for path in files
    ]
    results = [(p.wait(timeout=180), p.stderr.read() if p.stderr else "") for p in processes]
    for p in processes:
        for stream in (p.stdout, p.stderr):
            if stream:
                stream.close()
    saved = [code for code, _ in results if code == 0]
    refused = [err for code, err in results if code != 0]
    assert len(saved) == 1, results
    assert len(refused) == 9 and all("was changed by qe.li" in err for err in refused), refused

    app = Application(Settings(store_url, "qe.li", "en"), store=store)
    stored = app.load(number)
    assert stored.version == 2
    assert stored.case.title.startswith("edit ")
    edits = [e for e in app.history(number) if e.action == "edit_case"]
    assert {e.version for e in edits} == {2}


def test_an_editing_command_with_a_stale_version_is_refused(
    store: Store, store_url: str, number: str, tmp_path: Path
) -> None:
    first = _eightd(store_url, "qe.li", tmp_path, "set", number, "title=New", "--version", "1")
    assert first.returncode == 0, first.stderr
    stale = _eightd(store_url, "qe.wang", tmp_path, "validity", number, "founded", "--version", "1")
    assert stale.returncode == 1 and "was changed by qe.li" in stale.stderr
    same = _eightd(store_url, "qe.li", tmp_path, "set", number, "title=New")
    assert same.returncode == 0 and "version 2" in same.stdout  # nothing changed: no version

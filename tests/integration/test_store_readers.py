"""Readers never wait for writers: across processes, on real SQLite and PostgreSQL stores."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import date

import pytest
import sqlalchemy as sa

from eightd import services
from eightd.demo import demo_cases
from eightd.store import open_store
from tests.conftest import register_users

TODAY = date(2026, 11, 20)

# A second process imports cases and holds its transaction open (the write lock, on
# SQLite) until the test writes a line to its stdin.
_IMPORTER = textwrap.dedent(
    """
    import sys
    from datetime import date
    from eightd import services
    from eightd.demo import demo_cases
    from eightd.store import open_store

    store = open_store(sys.argv[1])
    with store.uow() as uow:

        class HeldOpen:
            cases, users = uow.cases, uow.users

            def commit(self):
                print("writing", flush=True)
                sys.stdin.readline()
                uow.commit()

        services.import_cases(HeldOpen(), demo_cases(date(2026, 11, 20))[1:], user="importer")
    print("committed", flush=True)
    """
)


_MAIN = "from eightd.cli import main; raise SystemExit(main())"


def _eightd(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    # a generous bound: without deferred reads the command waits ~60 s for the lock
    return subprocess.run(
        [sys.executable, "-c", _MAIN, "--db", url, *args],
        capture_output=True,
        text=True,
        timeout=30,
    )


class Importer:
    """Another process importing every demo case but the first, holding its
    transaction (SQLite's write lock) open until :meth:`commit`."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.first = demo_cases(TODAY)[0].number
        self.process = subprocess.Popen(
            [sys.executable, "-c", _IMPORTER, url],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._said() == "writing"

    def _said(self) -> str:
        assert self.process.stdout is not None
        return self.process.stdout.readline().strip()

    def commit(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write("\n")
        self.process.stdin.flush()
        assert self._said() == "committed"
        assert self.process.wait(timeout=30) == 0


@pytest.fixture
def importer(store_url: str) -> Iterator[Importer]:
    store = open_store(store_url, auto_upgrade=True)
    register_users(store, {"qe.li": ["admin"], "importer": ["admin"]})  # import: admin only
    with store.uow() as uow:
        services.import_cases(uow, demo_cases(TODAY)[:1], user="qe.li")
    store.dispose()
    held = Importer(store_url)
    with held.process:
        try:
            yield held
        finally:
            if held.process.poll() is None:
                held.process.kill()


def _listed(url: str) -> list[str]:
    listed = _eightd(url, "list", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    return [row["number"] for row in json.loads(listed.stdout)]


def test_list_show_export_and_history_answer_while_another_process_imports(
    importer: Importer,
) -> None:
    url, number = importer.url, importer.first
    # the reader sees the last committed state: the import is not visible yet
    assert _listed(url) == [number]
    readers = [("show", number), ("show", number, "--json"), ("history", number)]
    readers += [("export",), ("overdue",), ("lint", number)]
    for args in readers:
        answered = _eightd(url, *args)
        assert "locked" not in answered.stderr
        assert answered.returncode in (0, 1) and answered.stdout, (args, answered.stderr)


def test_readers_see_the_import_once_it_commits(importer: Importer) -> None:
    assert len(_listed(importer.url)) == 1
    importer.commit()
    assert len(_listed(importer.url)) == len(demo_cases(TODAY))


def test_a_read_only_unit_of_work_refuses_to_write(store_url: str) -> None:
    store = open_store(store_url, auto_upgrade=True)
    register_users(store, {"qe.li": ["admin"]})  # import: admin only
    try:
        with pytest.raises(sa.exc.DBAPIError), store.uow(read_only=True) as uow:
            services.import_cases(uow, demo_cases(TODAY)[:1], user="qe.li")
        with store.uow(read_only=True) as uow:
            assert services.list_cases(uow) == []
        # the pooled connection is a writer again for the next unit of work
        with store.uow() as uow:
            services.import_cases(uow, demo_cases(TODAY)[:1], user="qe.li")
        with store.uow(read_only=True) as uow:
            assert len(services.list_cases(uow)) == 1
    finally:
        store.dispose()


def test_an_export_read_in_batches_sees_one_snapshot_while_another_writer_commits(
    store_url: str,
) -> None:
    store = open_store(store_url, auto_upgrade=True)
    register_users(store)
    try:
        cases = demo_cases(TODAY)
        with store.uow() as uow:
            services.import_cases(uow, cases, user="tester")  # an administrator imports
        last = max(c.number for c in cases)
        with store.uow(read_only=True) as reader:
            exported = services.iter_export_cases(reader, batch_size=5)
            first = next(exported)
            with store.uow() as writer:  # commits while the export is half read
                retitle = lambda c: setattr(c, "title", "changed")  # noqa: E731
                services.update_case(writer, last, retitle, user="li", action="edit")
            rest = list(exported)
        assert len([first, *rest]) == len(cases)
        assert next(c for c in rest if c.number == last).title != "changed"
    finally:
        store.dispose()

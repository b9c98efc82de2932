"""Shared fixtures: stores on real SQLite files and on a real PostgreSQL server."""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from eightd import settings
from eightd.domain import FoundAt, Intake
from eightd.services.access import register_first_user
from eightd.store import Store, open_store
from tests.pg_harness import PostgresCluster, find_pg_bin

CST = timezone(timedelta(hours=8))
_db_counter = itertools.count()


@pytest.fixture(autouse=True)
def _english_unless_a_test_says_otherwise(monkeypatch: pytest.MonkeyPatch) -> None:
    """Messages follow EIGHTD_LANG / LANG; tests read them in English unless they choose.
    Nobody claims a name from the environment unless a test says so."""
    monkeypatch.setenv("EIGHTD_LANG", "en")
    monkeypatch.delenv("EIGHTD_USER", raising=False)
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)


@pytest.fixture
def act_as(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], None]:
    """``act_as("wang.qa")``: in-process commands run as that OS account from now on (the
    acting user of a local SQLite store is the OS account, see eightd.services.access)."""

    def switch(name: str) -> None:
        monkeypatch.setattr("eightd.settings.os_user", lambda: name)

    return switch


# The people of the tests and their roles (the policy's defaults: intake, qe, approver, admin).
STAFF: dict[str, tuple[str, ...]] = {
    "qe.li": ("intake", "qe"),
    "li": ("intake", "qe"),
    "qe": ("intake", "qe"),
    "wang": ("qe", "approver"),
    "wang.qa": ("approver",),
    "intake.zhao": ("intake",),
    "zhang": ("intake", "qe"),
    "admin": ("admin",),
    "tester": ("admin", "intake", "qe", "approver"),  # may do everything
    **{f"u{i}": ("qe",) for i in range(20)},  # racing writers
}


def register_users(
    store: Store,
    users: Mapping[str, Iterable[str]] | None = None,
    *,
    now: datetime = datetime(2026, 11, 1, 8, 0, tzinfo=timezone(timedelta(hours=8))),
) -> None:
    """Give a test store its users (STAFF unless ``users`` is given), as a deployment would:
    the first user ``admin`` registers the others. The account running the tests (the
    PostgreSQL login, the OS account on SQLite) is the store's service account
    (``act_for_users``, as the workbench's is): services may be called for these named users
    over one connection, and ``JUPYTERHUB_USER`` (``Settings.hub_user``) picks who acts."""
    with store.uow() as uow:
        login = uow.users.login()
        if not uow.users.any():
            first = ["admin", "service"] if login else ["admin"]
            register_first_user(uow, login or "admin", actor=login or "admin", roles=first, now=now)
            if login is None:  # SQLite: the OS account running the tests is the service one
                account = settings.os_user()
                uow.users.put(account, display_name="", roles=["service"], at=now, actor="admin")
        admin = login or "admin"
        for name, roles in (STAFF if users is None else users).items():
            uow.users.put(name, display_name="", roles=list(roles), at=now, actor=admin)
        uow.commit()


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PostgresCluster]:
    bin_dir = find_pg_bin()
    if bin_dir is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL server binaries not found; CI must run the PostgreSQL tests")
        pytest.skip("PostgreSQL server not installed (apt-get install postgresql)")
    cluster = PostgresCluster(bin_dir)
    cluster.start()
    yield cluster
    cluster.stop()


@pytest.fixture
def sqlite_url(tmp_path: object) -> str:
    return f"sqlite:///{tmp_path}/eightd.db"


@pytest.fixture
def pg_url(pg_cluster: PostgresCluster) -> str:
    url = pg_cluster.create_database(f"eightd_test_{os.getpid()}_{next(_db_counter)}")
    return url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: object) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/eightd.db"
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """A store with the test STAFF registered (see :func:`register_users`)."""
    s = open_store(store_url, auto_upgrade=True)
    register_users(s)
    yield s
    s.dispose()


@pytest.fixture
def empty_store(store_url: str) -> Iterator[Store]:
    """A store without any user."""
    s = open_store(store_url, auto_upgrade=True)
    yield s
    s.dispose()


def make_intake(**overrides: object) -> Intake:
    """A valid intake; tests override what they are about."""
    values: dict[str, object] = {
        "received_at": datetime(2026, 11, 20, 9, 30, tzinfo=CST),
        "customer_name": "Huaxin Auto Parts",
        "customer_code": "HX01",
        "product_number": "PCB-7731",
        "defect_description": "Cold solder joints on J3 connector",
        "ship_date": date(2026, 11, 2),
        "shipped_quantity": 5000,
        "lot_size": 5000,
        "defect_count": 37,
        "found_at": FoundAt.CUSTOMER_LINE,
    }
    values.update(overrides)
    return Intake(**values)  # type: ignore[arg-type]


@pytest.fixture
def intake() -> Intake:
    return make_intake()


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A fresh local SQLite store in ``tmp_path`` for in-process ``eightd`` commands, acted
    on by the OS account ``qe.li`` (its first user: admin and qe); no company policy, the
    default import limit."""
    import contextlib
    import io

    from eightd.cli import main

    monkeypatch.setenv("EIGHTD_HOME", str(tmp_path / "home"))
    monkeypatch.setattr("eightd.settings.os_user", lambda: "qe.li")  # the acting OS account
    for name in ("EIGHTD_DATABASE_URL", "EIGHTD_POLICY", "EIGHTD_MAX_IMPORT_MB"):
        monkeypatch.delenv(name, raising=False)
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["init"]) == 0
    return tmp_path


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run ``eightd ARGS`` in-process: (exit code, standard output, standard error)."""
    from eightd.cli import main

    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err

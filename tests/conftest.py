"""Shared fixtures: stores on real SQLite files and on a real PostgreSQL server."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone

import pytest

from eightd.domain import FoundAt, Intake
from eightd.store import Store, open_store
from tests.pg_harness import PostgresCluster, find_pg_bin

CST = timezone(timedelta(hours=8))
_db_counter = itertools.count()


@pytest.fixture(autouse=True)
def _english_unless_a_test_says_otherwise(monkeypatch: pytest.MonkeyPatch) -> None:
    """Messages follow EIGHTD_LANG / LANG; tests read them in English unless they choose."""
    monkeypatch.setenv("EIGHTD_LANG", "en")


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

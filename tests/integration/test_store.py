"""The case store on real SQLite files and a real PostgreSQL server."""

from __future__ import annotations

import copy
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from eightd import services
from eightd.domain import CauseType, Stage
from eightd.errors import ConcurrentEditError, NotFoundError, StoreError, ValidationError
from eightd.store import Store, open_store
from eightd.store.tables import UNMAPPED_TABLES, metadata
from tests.conftest import CST, make_intake


def _open(store: Store, **intake_overrides: object) -> str:
    intake = make_intake(**intake_overrides)
    recorded = intake.received_at + timedelta(hours=1)  # type: ignore[operator]
    with store.uow() as uow:
        stored = services.open_case(
            uow, intake, title="Cold solder joints", user="qe.li", now=recorded
        )
    return stored.case.number


def test_open_case_numbers_by_the_month_it_was_received(store: Store) -> None:
    first = _open(store)
    second = _open(store)
    assert (first, second) == ("202611-0001", "202611-0002")


def test_complaint_serial_restarts_each_month(store: Store) -> None:
    _open(store)
    december = _open(store, received_at=datetime(2026, 12, 1, 8, 0, tzinfo=CST))
    assert december == "202612-0001"


def test_the_number_month_is_the_receipt_month_in_the_policy_time_zone(store: Store) -> None:
    # 23:30 UTC on 30 November is 07:30 on 1 December in Beijing (the default policy's zone)
    received = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)
    intake = make_intake(received_at=received)
    with store.uow() as uow:
        stored = services.open_case(
            uow, intake, title="Scratches", user="qe.li", now=received + timedelta(hours=1)
        )
    assert stored.case.number == "202612-0001"


def test_rejected_intake_uses_no_number_and_stores_nothing(store: Store) -> None:
    with pytest.raises(ValidationError) as err, store.uow() as uow:
        services.open_case(
            uow, make_intake(defect_count=6000), title="Too many defects", user="qe.li"
        )
    assert err.value.field == "intake.defect_count"
    with store.uow() as uow:
        assert services.list_cases(uow) == []
    assert _open(store) == "202611-0001"


def test_twenty_concurrent_intakes_get_unique_consecutive_numbers(store: Store) -> None:
    barrier = threading.Barrier(20)

    def intake(_: int) -> str:
        barrier.wait()
        return _open(store)

    with ThreadPoolExecutor(max_workers=20) as pool:
        numbers = list(pool.map(intake, range(20)))
    assert sorted(numbers) == [f"202611-{i:04d}" for i in range(1, 21)]


def test_stale_save_raises_concurrent_edit_error_and_overwrites_nothing(store: Store) -> None:
    number = _open(store)
    with store.uow() as uow:
        loaded = services.load_case(uow, number)
    with store.uow() as uow:
        services.update_case(
            uow,
            number,
            lambda c: setattr(c, "title", "Edited by Wang"),
            user="wang",
            action="edit",
            expected_version=loaded.version,
        )
    with pytest.raises(ConcurrentEditError) as err, store.uow() as uow:
        services.update_case(
            uow,
            number,
            lambda c: setattr(c, "title", "Edited by Li on a stale form"),
            user="li",
            action="edit",
            expected_version=loaded.version,
        )
    assert err.value.params["changed_by"] == "wang"
    assert "wang" in err.value.message("zh")
    with store.uow() as uow:
        current = services.load_case(uow, number)
    assert (current.case.title, current.version) == ("Edited by Wang", 2)


def test_racing_saves_of_the_same_version_keep_exactly_one(store: Store) -> None:
    number = _open(store)
    barrier = threading.Barrier(8)

    def edit(i: int) -> str:
        barrier.wait()
        try:
            with store.uow() as uow:
                services.update_case(
                    uow,
                    number,
                    lambda c: setattr(c, "title", f"writer {i}"),
                    user=f"u{i}",
                    action="edit",
                    expected_version=1,
                )
            return "saved"
        except ConcurrentEditError:
            return "refused"

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(edit, range(8)))
    assert sorted(outcomes) == ["refused"] * 7 + ["saved"]
    with store.uow() as uow:
        assert services.load_case(uow, number).version == 2


def test_audit_log_records_who_when_and_old_to_new(store: Store) -> None:
    number = _open(store)
    with store.uow() as uow:
        services.update_case(
            uow, number, lambda c: setattr(c, "stage", Stage.D1), user="zhang", action="advance"
        )
        trail = services.audit_trail(uow, number)
    change = [e for e in trail if e.path == "stage"]
    assert len(change) == 1
    assert (change[0].user, change[0].action) == ("zhang", "advance")
    assert (change[0].old_value, change[0].new_value) == ("D0", "D1")
    assert change[0].at.tzinfo is not None
    assert trail[0].action == "open_case"


def test_invalid_change_is_not_saved(store: Store) -> None:
    number = _open(store)

    def break_it(case: object) -> None:
        case.intake.shipped_quantity = -5  # type: ignore[attr-defined]

    with pytest.raises(ValidationError) as err, store.uow() as uow:
        services.update_case(uow, number, break_it, user="li", action="edit")
    assert err.value.field == "intake.shipped_quantity"
    with store.uow() as uow:
        stored = services.load_case(uow, number)
    assert stored.version == 1 and stored.case.intake.shipped_quantity == 5000


def test_unknown_case_number_is_not_found(store: Store) -> None:
    with pytest.raises(NotFoundError), store.uow() as uow:
        services.load_case(uow, "202611-0999")


def test_import_is_all_or_nothing(store: Store) -> None:
    number = _open(store)
    with store.uow() as uow:
        case = services.load_case(uow, number).case
    good = copy.deepcopy(case)
    good.number = "202610-0003"
    bad = copy.deepcopy(case)
    bad.number = "202610-0004"
    bad.intake.defect_count = 999_999
    with pytest.raises(ValidationError) as err, store.uow() as uow:
        services.import_cases(uow, [good, bad], user="admin")
    assert err.value.field == "cases[1].intake.defect_count"
    with store.uow() as uow:
        assert [s.number for s in services.list_cases(uow)] == [number]


def test_import_skips_a_case_stored_exactly_so_and_refuses_one_that_differs(
    store: Store,
) -> None:
    number = _open(store)
    with store.uow() as uow:
        case = services.load_case(uow, number).case
    with store.uow() as uow:
        result = services.import_cases(uow, [case], user="admin")
    assert (result.added, result.unchanged) == ((), (number,))
    changed = copy.deepcopy(case)
    changed.title = "Cold solder joints, J3 and J4"
    with pytest.raises(ValidationError) as err, store.uow() as uow:
        services.import_cases(uow, [changed], user="admin")
    assert err.value.field == "cases[0].number"
    assert err.value.reason_code == "error.reason.differs_from_stored"


def test_import_with_replace_saves_a_new_version_and_a_dry_run_saves_nothing(
    store: Store,
) -> None:
    number = _open(store)
    with store.uow() as uow:
        case = services.load_case(uow, number).case
    changed = copy.deepcopy(case)
    changed.title = "Cold solder joints, J3 and J4"
    with store.uow() as uow:
        preview = services.import_cases(uow, [changed], user="admin", replace=True, dry_run=True)
    assert preview.replaced == (number,) and preview.dry_run
    with store.uow() as uow:
        assert services.load_case(uow, number).version == 1
        services.import_cases(uow, [changed], user="admin", replace=True)
    with store.uow() as uow:
        stored = services.load_case(uow, number)
        assert (stored.version, stored.case.title) == (2, changed.title)
        assert services.audit_trail(uow, number)[-1].action == "import_replace"


def test_numbers_after_an_import_continue_past_imported_serials(store: Store) -> None:
    number = _open(store)
    with store.uow() as uow:
        case = services.load_case(uow, number).case
    imported = copy.deepcopy(case)
    imported.number = "202611-0042"
    with store.uow() as uow:
        services.import_cases(uow, [imported], user="admin")
    assert _open(store) == "202611-0043"


def test_ledger_filters_by_status_stage_customer_and_product(store: Store) -> None:
    a = _open(store)
    _open(
        store, customer_name="明亮眼镜 Bright Optics", customer_code="BO7", product_number="FR-2201"
    )
    with store.uow() as uow:
        services.update_case(
            uow, a, lambda c: setattr(c, "stage", Stage.D3), user="li", action="advance"
        )
        by_stage = services.list_cases(uow, stage="D3")
        by_customer = services.list_cases(uow, customer="明亮")
        by_code = services.list_cases(uow, customer="hx0")
        by_product = services.list_cases(uow, product="fr-22")
        by_status = services.list_cases(uow, status="closed")
        wildcard = services.list_cases(uow, customer="%")
    assert [r.number for r in by_stage] == [a]
    assert len(by_customer) == 1 and by_customer[0].product_number == "FR-2201"
    assert [r.number for r in by_code] == [a]
    assert len(by_product) == 1
    assert by_status == [] and wildcard == []


def test_case_document_round_trips_through_the_store(store: Store) -> None:
    number = _open(store)

    def add_cause(case: object) -> None:
        from eightd.domain import BoneCategory, Cause, CauseStatus

        case.causes.append(  # type: ignore[attr-defined]
            Cause(
                id="C1",
                text="回流焊温度曲线偏低 reflow profile too cold",
                category=BoneCategory.MACHINE,
                type=CauseType.OCCURRENCE,
                status=CauseStatus.VERIFIED,
                evidence="profile log 2026-11-01",
                whys=["焊点冷焊", "峰值温度 228°C < 235°C"],
            )
        )

    with store.uow() as uow:
        saved = services.update_case(uow, number, add_cause, user="li", action="add_cause")
    with store.uow() as uow:
        loaded = services.load_case(uow, number)
    assert loaded.case == saved.case


# SQLAlchemy reflects no index on an expression: those are compared by name below
EXPRESSION_INDEXES = {"ix_cases_product_received"}


@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based")
def test_migrated_schema_matches_the_table_definitions(store: Store) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    def mapped(name: str | None, type_: str, parent: object) -> bool:
        if type_ == "index" and name in EXPRESSION_INDEXES:
            return False
        return not (type_ == "table" and name and UNMAPPED_TABLES.match(name))

    def compared(item: object, name: str | None, type_: str, *_: object) -> bool:
        return not (type_ == "index" and name in EXPRESSION_INDEXES)

    with store.engine.connect() as conn:
        opts = {"include_name": mapped, "include_object": compared}
        context = MigrationContext.configure(conn, opts=opts)
        diffs = compare_metadata(context, metadata)
    assert diffs == []
    defined = {index.name for table in metadata.tables.values() for index in table.indexes}
    assert defined >= EXPRESSION_INDEXES
    with store.engine.connect() as conn:
        if store.engine.dialect.name == "sqlite":
            query = "SELECT name FROM sqlite_master WHERE type = 'index'"
        else:
            query = "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
        present = {row[0] for row in conn.exec_driver_sql(query)}
    assert present >= EXPRESSION_INDEXES


@pytest.mark.postgres
def test_postgres_store_with_an_old_schema_asks_for_db_upgrade(pg_url: str) -> None:
    with pytest.raises(StoreError) as err:
        open_store(pg_url)
    assert "eightd db upgrade" in str(err.value)
    store = open_store(pg_url, auto_upgrade=True)
    store.dispose()
    open_store(pg_url).dispose()


def test_unreachable_database_is_a_store_error() -> None:
    with pytest.raises(StoreError):
        open_store("postgresql+psycopg://nobody@127.0.0.1:1/none")


def test_sqlite_store_needs_no_configuration(tmp_path: object) -> None:
    store = open_store(f"sqlite:///{tmp_path}/nested/dir/eightd.db")
    with store.engine.connect() as conn:
        tables = set(sa.inspect(conn).get_table_names())
    store.dispose()
    assert {"cases", "audit_log", "number_sequences", "users"} <= tables


def _intake_in_child(url: str, start: object) -> str:
    start.wait()  # type: ignore[attr-defined]
    store = open_store(url, auto_upgrade=False)
    try:
        return _open(store)
    finally:
        store.dispose()


def test_twenty_intakes_from_separate_processes_get_unique_numbers(
    store: Store, store_url: str
) -> None:
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    with ctx.Manager() as manager, ctx.Pool(20) as pool:
        start = manager.Event()
        pending = [pool.apply_async(_intake_in_child, (store_url, start)) for _ in range(20)]
        start.set()
        numbers = [p.get(timeout=120) for p in pending]
    assert sorted(numbers) == [f"202611-{i:04d}" for i in range(1, 21)]


def test_loading_cases_by_filter_gives_the_same_cases_as_loading_each(store: Store) -> None:
    first, _ = _open(store), _open(store)
    with store.uow() as uow:
        services.update_case(
            uow, first, lambda c: setattr(c, "stage", Stage.D2), user="li", action="advance"
        )
        every = uow.cases.load()
        at_d2 = uow.cases.load(stage="D2")
        one_by_one = [uow.cases.get(s.number) for s in uow.cases.list()]
    assert every == one_by_one and len(every) == 2
    assert [s.case.number for s in at_d2] == [first] and at_d2[0].version == 2

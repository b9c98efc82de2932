"""The SQL repository of cases, complaint numbers, audit entries and users."""

from __future__ import annotations

import builtins
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from eightd.domain import Case, ComplaintNumber, case_to_dict, validate_case
from eightd.domain.fields import decode
from eightd.errors import ConcurrentEditError, NotFoundError, ValidationError
from eightd.store.tables import (
    audit_log,
    case_clocks,
    cases,
    number_sequences,
    product_fold,
    user_audit,
    users,
)

__all__ = [
    "AuditEntry",
    "CaseSummary",
    "ClockRow",
    "LedgerHook",
    "LedgerPage",
    "LedgerRow",
    "SqlCaseRepository",
    "SqlUserRepository",
    "StoredCase",
    "User",
    "UserChange",
]


@dataclass(frozen=True)
class StoredCase:
    """A case as loaded: the version it was saved at, and who saved it when."""

    case: Case
    version: int
    updated_at: datetime
    updated_by: str


@dataclass(frozen=True)
class CaseSummary:
    """One ledger row (跟踪台账), read without decoding the case document."""

    number: str
    title: str
    status: str
    stage: str
    severity: str | None
    validity: str | None
    category: str | None
    defect_kinds: tuple[str, ...]
    customer_name: str
    customer_code: str
    product_number: str
    site: str
    received_at: datetime
    closed_at: datetime | None
    updated_at: datetime
    updated_by: str
    version: int


# computes a case's ledger columns and running clocks (key, due, soon) when it is saved
LedgerHook = Callable[
    [Case, datetime, "SqlCaseRepository"],
    tuple[dict[str, Any], list[tuple[str, datetime, datetime, bool]]],
]


@dataclass(frozen=True)
class LedgerRow:
    """One row of the ledger page: the case and its current stage's clock.

    ``due_state`` is ``overdue``, ``due_soon``, ``on_time``, ``paused``, ``none`` (no
    running deadline) or ``closed``, as of the moment the page was read."""

    number: str
    title: str
    status: str
    stage: str
    severity: str | None
    customer_name: str
    customer_code: str
    product_number: str
    received_at: datetime
    closed_at: datetime | None
    escalation_level: int | None
    owner: str
    stage_due_at: datetime | None
    due_state: str
    version: int
    updated_at: datetime


@dataclass(frozen=True)
class LedgerPage:
    rows: tuple[LedgerRow, ...]
    total: int
    page: int
    page_size: int


@dataclass(frozen=True)
class ClockRow:
    """A running clock in overdue / due-soon range (``eightd overdue``)."""

    number: str
    title: str
    severity: str | None
    key: str
    due_at: datetime
    soon_at: datetime
    provisional: bool = False


@dataclass(frozen=True)
class AuditEntry:
    case_number: str
    version: int
    at: datetime
    user: str
    action: str
    path: str
    old_value: Any
    new_value: Any


@dataclass(frozen=True)
class User:
    name: str
    display_name: str
    roles: frozenset[str]


@dataclass(frozen=True)
class UserChange:
    """One row of the user audit: ``actor`` registered ``name`` or changed their roles."""

    at: datetime
    actor: str
    name: str
    action: str
    old_roles: frozenset[str] | None
    new_roles: frozenset[str]


def _roles(text: str | None) -> frozenset[str]:
    return frozenset(r for r in (text or "").split(",") if r)


def _columns_of(case: Case, document: dict[str, Any] | None = None) -> dict[str, Any]:
    """The columns of ``case``'s row (``document``: its JSON, when already encoded)."""
    intake = case.intake
    closed_at = case.closure.closed_at if case.closure else None
    return {
        "title": case.title,
        "status": case.status.value,
        "stage": case.stage.value,
        "severity": case.grading.severity.value if case.grading.severity else None,
        "validity": case.validity.value if case.validity else None,
        "category": intake.category.value,
        "defect_kinds": ",".join(k.value for k in intake.defect_kinds),
        "customer_name": intake.customer_name,
        "customer_code": intake.customer_code,
        "product_number": intake.product_number,
        "site": intake.site,
        "received_at": intake.received_at,
        "closed_at": closed_at,
        "document": case_to_dict(case) if document is None else document,
    }


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; the store writes UTC, so say so."""
    from datetime import UTC

    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def _to_utc(moment: datetime | None) -> datetime | None:
    from datetime import UTC

    return moment.astimezone(UTC) if moment is not None else None


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """Leaf values of a JSON tree by path (``causes[0].text``), for the audit log."""
    out: dict[str, Any] = {}
    if isinstance(value, dict) and value:
        for key, item in value.items():
            out.update(flatten(item, f"{prefix}.{key}" if prefix else key))
    elif isinstance(value, list) and value:
        for i, item in enumerate(value):
            out.update(flatten(item, f"{prefix}[{i}]"))
    else:
        out[prefix] = value
    return out


def diff(old: Any, new: Any) -> list[tuple[str, Any, Any]]:
    """(path, old, new) for every leaf that differs between two JSON trees."""
    before, after = flatten(old), flatten(new)
    paths = sorted(set(before) | set(after))
    return [(p, before.get(p), after.get(p)) for p in paths if before.get(p) != after.get(p)]


class SqlCaseRepository:
    def __init__(self, connection: sa.Connection, ledger: LedgerHook | None = None) -> None:
        self._conn = connection
        self._ledger = ledger

    # -- numbering

    def next_number(self, period: str) -> str:
        """The next complaint number of a period, atomically (safe under concurrent intakes)."""
        insert = (postgresql.insert if self._dialect == "postgresql" else sqlite.insert)(
            number_sequences
        )
        stmt = insert.values(period=period, last_serial=1).on_conflict_do_update(
            index_elements=[number_sequences.c.period],
            set_={"last_serial": number_sequences.c.last_serial + 1},
        )
        serial = self._conn.execute(stmt.returning(number_sequences.c.last_serial)).scalar_one()
        return f"{period}-{serial:04d}"

    def next_numbers(self, period: str, count: int) -> builtins.list[str]:
        """The next ``count`` complaint numbers of a period, in order, in one statement."""
        if count <= 0:
            return []
        insert = (postgresql.insert if self._dialect == "postgresql" else sqlite.insert)(
            number_sequences
        )
        stmt = insert.values(period=period, last_serial=count).on_conflict_do_update(
            index_elements=[number_sequences.c.period],
            set_={"last_serial": number_sequences.c.last_serial + count},
        )
        last = self._conn.execute(stmt.returning(number_sequences.c.last_serial)).scalar_one()
        return [f"{period}-{serial:04d}" for serial in range(last - count + 1, last + 1)]

    def reserve_number(self, number: str) -> None:
        """Make sure later numbers of that period come after an imported one."""
        parsed = ComplaintNumber.parse(number)
        insert = (postgresql.insert if self._dialect == "postgresql" else sqlite.insert)(
            number_sequences
        )
        stmt = insert.values(period=parsed.period, last_serial=parsed.serial)
        stmt = stmt.on_conflict_do_update(
            index_elements=[number_sequences.c.period],
            set_={
                "last_serial": sa.case(
                    (number_sequences.c.last_serial < parsed.serial, parsed.serial),
                    else_=number_sequences.c.last_serial,
                )
            },
        )
        self._conn.execute(stmt)

    @property
    def _dialect(self) -> str:
        return self._conn.dialect.name

    # -- cases

    def exists(self, number: str) -> bool:
        query = sa.select(cases.c.number).where(cases.c.number == number)
        return self._conn.execute(query).first() is not None

    def get(self, number: str) -> StoredCase:
        row = self._conn.execute(self._stored_columns().where(cases.c.number == number)).first()
        if row is None:
            raise NotFoundError(number=number)
        return self._stored(row)

    @staticmethod
    def _stored_columns() -> sa.Select[Any]:
        c = cases.c
        return sa.select(c.number, c.document, c.version, c.updated_at, c.updated_by)

    @staticmethod
    def _stored(row: Any) -> StoredCase:
        document = row.document if isinstance(row.document, dict) else json.loads(row.document)
        return StoredCase(
            # every stored document was validated whole before it was written (save, add):
            # decoding checks its shape and vocabulary, not its constraints a second time
            case=decode(Case, document, check=False),
            version=row.version,
            updated_at=_aware(row.updated_at),  # type: ignore[arg-type]
            updated_by=row.updated_by,
        )

    def add(self, case: Case, *, user: str, at: datetime, action: str = "create") -> StoredCase:
        validate_case(case)
        if self.exists(case.number):
            raise ValidationError("number", "error.reason.already_exists", value=case.number)
        ledger, clocks = self._ledger_of(case, at)
        self._conn.execute(
            cases.insert().values(
                number=case.number,
                version=1,
                created_at=_to_utc(case.created_at),
                created_by=case.created_by or user,
                updated_at=_to_utc(at),
                updated_by=user,
                **self._normalized(_columns_of(case)),
                **ledger,
            )
        )
        self._audit(case.number, 1, at, user, action, [("", None, case.number)])
        self._write_clocks(case.number, clocks)
        return StoredCase(case=case, version=1, updated_at=at, updated_by=user)

    def add_many(
        self,
        new_cases: Sequence[Case],
        *,
        user: str,
        at: datetime,
        action: str = "create",
        validated: bool = False,
    ) -> None:
        """Add new cases with a few multi-row statements (an import of thousands of rows).

        Their ledger columns are written stale, for one refresh of them all afterwards
        (``services.ledger.refresh_ledger``: each case compared with the cases around it in
        one pass, not one query per case). ``validated``: the caller has just run
        ``validate_case`` on each of them (an import checks every row before it writes
        any); otherwise they are checked here."""
        if not validated:
            for case in new_cases:
                validate_case(case)
        numbers = [case.number for case in new_cases]
        taken = self._conn.execute(
            sa.select(cases.c.number).where(cases.c.number.in_(numbers)).limit(1)
        ).scalar()
        if taken is not None or len(set(numbers)) != len(numbers):
            value = taken or next(n for n in numbers if numbers.count(n) > 1)
            raise ValidationError("number", "error.reason.already_exists", value=value)
        rows, audit = [], []
        for case in new_cases:
            rows.append(
                {
                    "number": case.number,
                    "version": 1,
                    "created_at": _to_utc(case.created_at),
                    "created_by": case.created_by or user,
                    "updated_at": _to_utc(at),
                    "updated_by": user,
                    **self._normalized(_columns_of(case)),
                    "ledger_policy": None,
                }
            )
            created = [("", None, case.number)]
            audit.extend(self._audit_rows(case.number, 1, at, user, action, created))
        if rows:
            self._conn.execute(cases.insert(), rows)
            self._conn.execute(audit_log.insert(), audit)

    def save(
        self, case: Case, *, expected_version: int, user: str, at: datetime, action: str
    ) -> StoredCase:
        """Write ``case`` if the stored version is still ``expected_version``.

        A stale save raises ConcurrentEditError and writes nothing.
        """
        validate_case(case)
        before = self._conn.execute(
            sa.select(
                cases.c.document, cases.c.version, cases.c.updated_at, cases.c.updated_by
            ).where(cases.c.number == case.number)
        ).first()
        if before is None:
            raise NotFoundError(number=case.number)
        if before.version != expected_version:
            raise self._conflict(case.number, expected_version, before)
        old_doc = (
            before.document if isinstance(before.document, dict) else json.loads(before.document)
        )
        document = case_to_dict(case)
        changes = diff(old_doc, document)
        if not changes:  # nothing changed: no new version, no audit rows
            return StoredCase(
                case=case,
                version=before.version,
                updated_at=_aware(before.updated_at),  # type: ignore[arg-type]
                updated_by=before.updated_by,
            )
        version = expected_version + 1
        ledger, clocks = self._ledger_of(case, at)
        result = self._conn.execute(
            cases.update()
            .where(cases.c.number == case.number, cases.c.version == expected_version)
            .values(
                version=version,
                updated_at=_to_utc(at),
                updated_by=user,
                **self._normalized(_columns_of(case, document)),
                **ledger,
            )
        )
        if result.rowcount != 1:  # lost a race between the read above and this write
            current = self._conn.execute(
                sa.select(cases.c.version, cases.c.updated_at, cases.c.updated_by).where(
                    cases.c.number == case.number
                )
            ).first()
            raise self._conflict(case.number, expected_version, current)
        self._audit(case.number, version, at, user, action, changes)
        self._write_clocks(case.number, clocks)
        return StoredCase(case=case, version=version, updated_at=at, updated_by=user)

    @staticmethod
    def _conflict(number: str, expected: int, row: Any) -> ConcurrentEditError:
        return ConcurrentEditError(
            number=number,
            expected=expected,
            actual=row.version if row is not None else "?",
            changed_by=row.updated_by if row is not None else "?",
            changed_at=_aware(row.updated_at).isoformat(timespec="seconds")  # type: ignore[union-attr]
            if row is not None
            else "?",
        )

    def _normalized(self, values: dict[str, Any]) -> dict[str, Any]:
        values["received_at"] = _to_utc(values["received_at"])
        values["closed_at"] = _to_utc(values["closed_at"])
        return values

    def list(self, **filters: Any) -> builtins.list[CaseSummary]:
        """Ledger rows, ordered by complaint number (filters: see :meth:`_filtered`)."""
        columns = [col for col in cases.c if col.name != "document"]
        query = self._filtered(sa.select(*columns), **filters)
        return [self._summary(row) for row in self._conn.execute(query)]

    def same_kind(
        self,
        *,
        received_from: datetime,
        received_to: datetime,
        excluding: str,
        category: str | None = None,
        product_key: str | None = None,
        ignored_validities: Iterable[str] = (),
    ) -> builtins.list[CaseSummary]:
        """Ledger rows of the other cases received in ``[received_from, received_to)`` that
        may be of the same kind: one query on the receipt-time index, narrowed in SQL by
        category, product (``product_key``: trimmed and case-folded) and validity."""
        c = cases.c
        columns = [col for col in cases.c if col.name != "document"]
        query = sa.select(*columns).where(
            c.received_at >= _to_utc(received_from),
            c.received_at < _to_utc(received_to),
            c.number != excluding,
        )
        if category is not None:
            query = query.where(c.category == category)
        if product_key is not None:
            query = query.where(product_fold == product_key)
        ignored = builtins.list(ignored_validities)
        if ignored:
            query = query.where(sa.or_(c.validity.is_(None), c.validity.not_in(ignored)))
        return [self._summary(row) for row in self._conn.execute(query.order_by(c.number))]

    def load(self, **filters: Any) -> builtins.list[StoredCase]:
        """Whole cases matching the filters, in one query, ordered by complaint number."""
        query = self._filtered(self._stored_columns(), **filters)
        return [self._stored(row) for row in self._conn.execute(query)]

    def iter_load(self, *, batch_size: int = 200, **filters: Any) -> Iterator[StoredCase]:
        """Whole cases matching the filters, ordered by complaint number, read in batches
        of ``batch_size`` (keyset pages: ``number > last``), so that memory holds one
        batch whatever the size of the store. In a read-only unit of work every page
        reads the same snapshot."""
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        limit = filters.pop("limit", None)
        last: str | None = None
        served = 0
        while limit is None or served < limit:
            size = batch_size if limit is None else min(batch_size, limit - served)
            query = self._filtered(self._stored_columns(), **filters, limit=size)
            if last is not None:
                query = query.where(cases.c.number > last)
            rows = self._conn.execute(query).all()
            for row in rows:
                yield self._stored(row)
            if len(rows) < size:
                return
            served += len(rows)
            last = rows[-1].number

    @classmethod
    def _filtered(
        cls,
        query: sa.Select[Any],
        *,
        numbers: Sequence[str] | None = None,
        limit: int | None = None,
        **filters: Any,
    ) -> sa.Select[Any]:
        """The ledger filters (see :meth:`_conditions`), ordered by complaint number."""
        c = cases.c
        query = query.order_by(c.number).where(*cls._conditions(**filters))
        if numbers is not None:
            query = query.where(c.number.in_(builtins.list(numbers)))
        if limit:
            query = query.limit(limit)
        return query

    @staticmethod
    def _conditions(
        *,
        status: str | None = None,
        stage: str | None = None,
        customer: str | None = None,
        product: str | None = None,
        severity: str | None = None,
        received_from: datetime | None = None,
        received_to: datetime | None = None,
        category: str | None = None,
        product_exact: str | None = None,
    ) -> builtins.list[Any]:
        """The ledger filters; text filters match parts of the text, in any case
        (``product_exact``: the product number without case or surrounding blanks)."""
        c = cases.c
        out: builtins.list[Any] = []
        if category:
            out.append(c.category == category)
        if product_exact:
            out.append(sa.func.lower(sa.func.trim(c.product_number)) == product_exact)
        if status:
            out.append(c.status == status)
        if stage:
            out.append(c.stage == stage)
        if severity:
            out.append(c.severity == severity)
        if customer:
            pattern = f"%{_escape_like(customer.lower())}%"
            out.append(
                sa.or_(
                    sa.func.lower(c.customer_name).like(pattern, escape="\\"),
                    sa.func.lower(c.customer_code).like(pattern, escape="\\"),
                )
            )
        if product:
            pattern = f"%{_escape_like(product.lower())}%"
            out.append(sa.func.lower(c.product_number).like(pattern, escape="\\"))
        if received_from:
            out.append(c.received_at >= _to_utc(received_from))
        if received_to:
            out.append(c.received_at < _to_utc(received_to))
        return out

    @staticmethod
    def _summary(row: Any) -> CaseSummary:
        return CaseSummary(
            number=row.number,
            title=row.title,
            status=row.status,
            stage=row.stage,
            severity=row.severity,
            validity=row.validity,
            category=row.category,
            defect_kinds=tuple(k for k in row.defect_kinds.split(",") if k),
            customer_name=row.customer_name,
            customer_code=row.customer_code,
            product_number=row.product_number,
            site=row.site,
            received_at=_aware(row.received_at),  # type: ignore[arg-type]
            closed_at=_aware(row.closed_at),
            updated_at=_aware(row.updated_at),  # type: ignore[arg-type]
            updated_by=row.updated_by,
            version=row.version,
        )

    # -- the ledger

    def _ledger_of(
        self, case: Case, at: datetime
    ) -> tuple[dict[str, Any], builtins.list[tuple[str, datetime, datetime, bool]] | None]:
        """The case's ledger columns, written with the case in one statement (without a
        hook: marked stale for the next refresh), and its running clocks."""
        if self._ledger is None:
            return {"ledger_policy": None}, None
        values, clocks = self._ledger(case, at, self)
        values = dict(values)
        values["stage_due_at"] = _to_utc(values.get("stage_due_at"))
        values["stage_soon_at"] = _to_utc(values.get("stage_soon_at"))
        values["escalation_review_at"] = _to_utc(values.get("escalation_review_at"))
        return values, clocks

    def _write_clocks(
        self, number: str, clocks: Sequence[tuple[str, datetime, datetime, bool]] | None
    ) -> None:
        if clocks is None:
            return
        self._conn.execute(case_clocks.delete().where(case_clocks.c.case_number == number))
        if clocks:
            self._conn.execute(case_clocks.insert(), self._clock_rows(number, clocks))

    @staticmethod
    def _clock_rows(
        number: str, clocks: Sequence[tuple[str, datetime, datetime, bool]]
    ) -> builtins.list[dict[str, Any]]:
        return [
            {
                "case_number": number,
                "key": key,
                "due_at": _to_utc(due),
                "soon_at": _to_utc(soon),
                "provisional": provisional,
            }
            for key, due, soon, provisional in clocks
        ]

    def write_ledger(
        self,
        rows: Sequence[tuple[str, dict[str, Any], Sequence[tuple[str, datetime, datetime, bool]]]],
    ) -> None:
        """Write ledger columns and running clocks:
        (number, columns, [(key, due, soon, provisional)])."""
        if not rows:
            return
        numbers = [number for number, _, _ in rows]
        for number, values, _ in rows:
            update = dict(values)
            update["stage_due_at"] = _to_utc(update.get("stage_due_at"))
            update["stage_soon_at"] = _to_utc(update.get("stage_soon_at"))
            self._conn.execute(cases.update().where(cases.c.number == number).values(**update))
        self._conn.execute(case_clocks.delete().where(case_clocks.c.case_number.in_(numbers)))
        clock_rows = [
            {
                "case_number": number,
                "key": key,
                "due_at": _to_utc(due),
                "soon_at": _to_utc(soon),
                "provisional": provisional,
            }
            for number, _, clocks in rows
            for key, due, soon, provisional in clocks
        ]
        if clock_rows:
            self._conn.execute(case_clocks.insert(), clock_rows)

    def stale_ledger(
        self,
        fingerprint: str | None,
        *,
        after: tuple[datetime, str] | None = None,
        limit: int | None = None,
        review_due: datetime | None = None,
    ) -> builtins.list[tuple[datetime, str]]:
        """``(received_at, number)`` of the cases whose ledger facts were not computed
        under ``fingerprint`` (None: every case) or, with ``review_due``, whose escalation
        changes with time by then, in receipt order: the next ``limit`` after the key
        ``after`` (keyset pages, so a caller holds one page at a time)."""
        c = cases.c
        query = sa.select(c.received_at, c.number).order_by(c.received_at, c.number)
        if fingerprint is not None:
            stale = [c.ledger_policy.is_(None), c.ledger_policy != fingerprint]
            if review_due is not None:
                stale.append(c.escalation_review_at <= _to_utc(review_due))
            query = query.where(sa.or_(*stale))
        if after is not None:
            moment, number = after
            at = _to_utc(moment)
            query = query.where(
                sa.or_(c.received_at > at, sa.and_(c.received_at == at, c.number > number))
            )
        if limit is not None:
            query = query.limit(limit)
        rows = self._conn.execute(query)
        return [(_aware(row.received_at) or row.received_at, row.number) for row in rows]

    def ledger_is_current(self, fingerprint: str, now: datetime | None = None) -> bool:
        """Whether every case's ledger facts were computed under ``fingerprint`` and, with
        ``now``, no escalation changed with time since (four index lookups, so it costs
        nothing at any store size)."""
        if now is not None:
            review = cases.c.escalation_review_at
            query = sa.select(cases.c.number).where(review <= _to_utc(now)).limit(1)
            if self._conn.execute(query).first() is not None:
                return False
        column = cases.c.ledger_policy
        for condition in (column < fingerprint, column > fingerprint):
            query = sa.select(cases.c.number).where(condition).limit(1)
            if self._conn.execute(query).first() is not None:
                return False
        if self._dialect == "sqlite":
            # statistics saying every row holds one value would turn this lookup into a
            # scan of the table: name the index
            never = sa.text(
                "SELECT number FROM cases INDEXED BY ix_cases_ledger_policy"
                " WHERE ledger_policy IS NULL LIMIT 1"
            )
            return self._conn.execute(never).first() is None
        query = sa.select(cases.c.number).where(column.is_(None)).limit(1)
        return self._conn.execute(query).first() is None

    def mark_ledger_stale(self, numbers: Iterable[str]) -> None:
        """Other cases whose facts depend on a changed one (same-kind escalation)."""
        wanted = builtins.list(numbers)
        if wanted:
            self._conn.execute(
                cases.update().where(cases.c.number.in_(wanted)).values(ledger_policy=None)
            )

    def ledger(
        self,
        *,
        now: datetime,
        status: str | None = None,
        stage: str | None = None,
        severity: str | None = None,
        customer: str | None = None,
        product: str | None = None,
        overdue: bool = False,
        attention: bool = False,
        received_from: datetime | None = None,
        received_to: datetime | None = None,
        search: str | None = None,
        sort: str = "number",
        descending: bool = False,
        page: int = 1,
        page_size: int = 50,
    ) -> LedgerPage:
        """One page of ledger rows and the number of matching rows, in SQL."""
        c = cases.c
        moment = _to_utc(now)
        state = sa.case(
            (c.status != "open", sa.literal("closed")),
            (c.clock_paused.is_(True), sa.literal("paused")),
            (c.stage_due_at.is_(None), sa.literal("none")),
            (c.stage_due_at < moment, sa.literal("overdue")),
            (c.stage_soon_at <= moment, sa.literal("due_soon")),
            else_=sa.literal("on_time"),
        ).label("due_state")
        columns = [
            c.number, c.title, c.status, c.stage, c.severity, c.customer_name, c.customer_code,
            c.product_number, c.received_at, c.closed_at, c.escalation_level, c.owner,
            c.stage_due_at, state, c.version, c.updated_at,
        ]  # fmt: skip
        conditions = self._conditions(
            status=status, stage=stage, severity=severity, customer=customer, product=product,
            received_from=received_from, received_to=received_to,
        )  # fmt: skip
        if overdue:
            running = sa.select(case_clocks.c.case_number).where(
                case_clocks.c.case_number == c.number, case_clocks.c.due_at < moment
            )
            conditions.append(sa.and_(c.status == "open", running.exists()))
        if attention:  # a running clock overdue or due soon (what ``eightd overdue`` lists)
            near = sa.select(case_clocks.c.case_number).where(
                case_clocks.c.case_number == c.number, case_clocks.c.soon_at <= moment
            )
            conditions.append(sa.and_(c.status == "open", near.exists()))
        if search and search.strip():
            pattern = f"%{_escape_like(search.strip().lower())}%"
            conditions.append(
                sa.or_(
                    *(
                        sa.func.lower(col).like(pattern, escape="\\")
                        for col in (c.number, c.title, c.customer_name, c.customer_code,
                                    c.product_number, c.owner)
                    )
                )
            )  # fmt: skip
        total = self._conn.execute(
            sa.select(sa.func.count()).select_from(cases).where(*conditions)
        ).scalar_one()
        order = _LEDGER_SORTS.get(sort)
        if order is None:
            raise ValidationError("sort", "error.reason.not_in_choices", value=sort,
                                  choices=", ".join(_LEDGER_SORTS))  # fmt: skip
        key = order(c)
        keys = [(key.desc() if descending else key.asc()).nulls_last()]
        if sort != "number":
            keys.append(c.number.desc() if descending else c.number.asc())
        size = max(1, min(int(page_size), 1000))
        number = max(1, int(page))
        query = (
            sa.select(*columns)
            .where(*conditions)
            .order_by(*keys)
            .limit(size)
            .offset((number - 1) * size)
        )
        rows = tuple(
            LedgerRow(
                number=r.number, title=r.title, status=r.status, stage=r.stage,
                severity=r.severity, customer_name=r.customer_name,
                customer_code=r.customer_code, product_number=r.product_number,
                received_at=_aware(r.received_at),  # type: ignore[arg-type]
                closed_at=_aware(r.closed_at), escalation_level=r.escalation_level,
                owner=r.owner, stage_due_at=_aware(r.stage_due_at), due_state=r.due_state,
                version=r.version, updated_at=_aware(r.updated_at),  # type: ignore[arg-type]
            )
            for r in self._conn.execute(query)
        )  # fmt: skip
        return LedgerPage(rows, total, number, size)

    def attention(self, now: datetime) -> builtins.list[ClockRow]:
        """Running clocks of open cases that are due soon or overdue at ``now``."""
        k, c = case_clocks.c, cases.c
        query = (
            sa.select(c.number, c.title, c.severity, k.key, k.due_at, k.soon_at, k.provisional)
            .select_from(case_clocks.join(cases, k.case_number == c.number))
            .where(c.status == "open", k.soon_at <= _to_utc(now))
            .order_by(k.due_at, c.number, k.key)
        )
        return [
            ClockRow(
                r.number, r.title, r.severity, r.key,
                _aware(r.due_at), _aware(r.soon_at), r.provisional,  # type: ignore[arg-type]
            )
            for r in self._conn.execute(query)
        ]  # fmt: skip

    # -- audit

    def _audit(
        self,
        number: str,
        version: int,
        at: datetime,
        user: str,
        action: str,
        changes: builtins.list[tuple[str, Any, Any]],
    ) -> None:
        rows = self._audit_rows(number, version, at, user, action, changes)
        if rows:
            self._conn.execute(audit_log.insert(), rows)

    @staticmethod
    def _audit_rows(
        number: str,
        version: int,
        at: datetime,
        user: str,
        action: str,
        changes: builtins.list[tuple[str, Any, Any]],
    ) -> builtins.list[dict[str, Any]]:
        return [
            {
                "case_number": number,
                "version": version,
                "at": _to_utc(at),
                "user": user,
                "action": action,
                "path": path[:300],
                "old_value": None if old is None else json.dumps(old, ensure_ascii=False),
                "new_value": None if new is None else json.dumps(new, ensure_ascii=False),
            }
            for path, old, new in changes
        ]

    def audit_trail(self, number: str) -> builtins.list[AuditEntry]:
        query = (
            sa.select(audit_log).where(audit_log.c.case_number == number).order_by(audit_log.c.id)
        )
        return [
            AuditEntry(
                case_number=row.case_number,
                version=row.version,
                at=_aware(row.at),  # type: ignore[arg-type]
                user=row.user,
                action=row.action,
                path=row.path,
                old_value=None if row.old_value is None else json.loads(row.old_value),
                new_value=None if row.new_value is None else json.loads(row.new_value),
            )
            for row in self._conn.execute(query)
        ]


_LEDGER_SORTS: dict[str, Callable[[Any], Any]] = {
    "number": lambda c: c.number,
    "received": lambda c: c.received_at,
    "due": lambda c: c.stage_due_at,
    "severity": lambda c: c.severity,
    "escalation": lambda c: c.escalation_level,
    "stage": lambda c: c.stage,
    "status": lambda c: c.status,
    "customer": lambda c: c.customer_name,
    "product": lambda c: c.product_number,
    "owner": lambda c: c.owner,
    "title": lambda c: c.title,
}


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class SqlUserRepository:
    """Users and their roles; every change writes a row of the user audit."""

    def __init__(self, connection: sa.Connection) -> None:
        self._conn = connection

    def get(self, name: str) -> User | None:
        row = self._conn.execute(sa.select(users).where(users.c.name == name)).first()
        if row is None:
            return None
        return User(row.name, row.display_name, _roles(row.roles))

    def any(self) -> bool:
        """Whether the store has any user at all (a fresh store has none)."""
        return self._conn.execute(sa.select(users.c.name).limit(1)).first() is not None

    def put(
        self,
        name: str,
        *,
        display_name: str,
        roles: Iterable[str],
        at: datetime,
        actor: str,
        action: str = "set_roles",
    ) -> User:
        role_set = frozenset(roles)
        values = {"display_name": display_name, "roles": ",".join(sorted(role_set))}
        before = self.get(name)
        if before is None:
            self._conn.execute(users.insert().values(name=name, created_at=_to_utc(at), **values))
        else:
            self._conn.execute(users.update().where(users.c.name == name).values(**values))
        self._conn.execute(
            user_audit.insert().values(
                at=_to_utc(at),
                actor=actor,
                name=name,
                action=action if before is not None or action != "set_roles" else "add_user",
                old_roles=None if before is None else ",".join(sorted(before.roles)),
                new_roles=values["roles"],
            )
        )
        return User(name, display_name, role_set)

    def list(self) -> builtins.list[User]:
        rows = self._conn.execute(sa.select(users).order_by(users.c.name))
        return [User(r.name, r.display_name, _roles(r.roles)) for r in rows]

    def history(self, name: str | None = None) -> builtins.list[UserChange]:
        """The user audit, oldest first (of one user when ``name`` is given)."""
        query = sa.select(user_audit).order_by(user_audit.c.id)
        if name is not None:
            query = query.where(user_audit.c.name == name)
        return [
            UserChange(
                at=_aware(r.at),  # type: ignore[arg-type]
                actor=r.actor,
                name=r.name,
                action=r.action,
                old_roles=None if r.old_roles is None else _roles(r.old_roles),
                new_roles=_roles(r.new_roles),
            )
            for r in self._conn.execute(query)
        ]

    # -- who is connected

    def login(self) -> str | None:
        """The database login this connection authenticated as (PostgreSQL), or None when
        the store cannot tell (SQLite: a local file, whoever can open it can write it)."""
        if self._conn.dialect.name != "postgresql":
            return None
        # session_user is the authenticated login; current_user may differ after SET ROLE
        return str(self._conn.exec_driver_sql("SELECT session_user").scalar_one())

    def login_owns_store(self) -> bool:
        """Whether the login may set up the store's first user: on PostgreSQL a superuser or
        the owner of the users table (who could change it directly anyway); on SQLite
        whoever can write the file."""
        if self._conn.dialect.name != "postgresql":
            return True
        row = self._conn.execute(
            sa.text(
                "SELECT r.rolsuper OR t.tableowner = session_user AS owns"
                " FROM pg_roles r, pg_tables t"
                " WHERE r.rolname = session_user AND t.tablename = 'users'"
                " AND t.schemaname = current_schema()"
            )
        ).first()
        return bool(row and row.owns)

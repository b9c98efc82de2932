"""The SQL repository of cases, complaint numbers, audit entries and users."""

from __future__ import annotations

import builtins
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from eightd.domain import Case, ComplaintNumber, case_from_dict, case_to_dict, validate_case
from eightd.errors import ConcurrentEditError, NotFoundError, ValidationError
from eightd.store.tables import audit_log, cases, number_sequences, users

__all__ = [
    "AuditEntry",
    "CaseSummary",
    "SqlCaseRepository",
    "SqlUserRepository",
    "StoredCase",
    "User",
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


def _columns_of(case: Case) -> dict[str, Any]:
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
        "document": case_to_dict(case),
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
    def __init__(self, connection: sa.Connection) -> None:
        self._conn = connection

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
            case=case_from_dict(document),
            version=row.version,
            updated_at=_aware(row.updated_at),  # type: ignore[arg-type]
            updated_by=row.updated_by,
        )

    def add(self, case: Case, *, user: str, at: datetime, action: str = "create") -> StoredCase:
        validate_case(case)
        if self.exists(case.number):
            raise ValidationError("number", "error.reason.already_exists", value=case.number)
        self._conn.execute(
            cases.insert().values(
                number=case.number,
                version=1,
                created_at=_to_utc(case.created_at),
                created_by=case.created_by or user,
                updated_at=_to_utc(at),
                updated_by=user,
                **self._normalized(_columns_of(case)),
            )
        )
        self._audit(case.number, 1, at, user, action, [("", None, case.number)])
        return StoredCase(case=case, version=1, updated_at=at, updated_by=user)

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
        changes = diff(old_doc, case_to_dict(case))
        if not changes:  # nothing changed: no new version, no audit rows
            return StoredCase(
                case=case,
                version=before.version,
                updated_at=_aware(before.updated_at),  # type: ignore[arg-type]
                updated_by=before.updated_by,
            )
        version = expected_version + 1
        result = self._conn.execute(
            cases.update()
            .where(cases.c.number == case.number, cases.c.version == expected_version)
            .values(
                version=version,
                updated_at=_to_utc(at),
                updated_by=user,
                **self._normalized(_columns_of(case)),
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
            query = query.where(sa.func.lower(sa.func.trim(c.product_number)) == product_key)
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

    @staticmethod
    def _filtered(
        query: sa.Select[Any],
        *,
        status: str | None = None,
        stage: str | None = None,
        customer: str | None = None,
        product: str | None = None,
        severity: str | None = None,
        received_from: datetime | None = None,
        received_to: datetime | None = None,
        numbers: Sequence[str] | None = None,
        limit: int | None = None,
    ) -> sa.Select[Any]:
        """The ledger filters; text filters match parts of the text, in any case."""
        c = cases.c
        query = query.order_by(c.number)
        if status:
            query = query.where(c.status == status)
        if stage:
            query = query.where(c.stage == stage)
        if severity:
            query = query.where(c.severity == severity)
        if customer:
            pattern = f"%{_escape_like(customer.lower())}%"
            query = query.where(
                sa.or_(
                    sa.func.lower(c.customer_name).like(pattern, escape="\\"),
                    sa.func.lower(c.customer_code).like(pattern, escape="\\"),
                )
            )
        if product:
            pattern = f"%{_escape_like(product.lower())}%"
            query = query.where(sa.func.lower(c.product_number).like(pattern, escape="\\"))
        if received_from:
            query = query.where(c.received_at >= _to_utc(received_from))
        if received_to:
            query = query.where(c.received_at < _to_utc(received_to))
        if numbers is not None:
            query = query.where(c.number.in_(list(numbers)))
        if limit:
            query = query.limit(limit)
        return query

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
        rows = [
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
        if rows:
            self._conn.execute(audit_log.insert(), rows)

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


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class SqlUserRepository:
    def __init__(self, connection: sa.Connection) -> None:
        self._conn = connection

    def get(self, name: str) -> User | None:
        row = self._conn.execute(sa.select(users).where(users.c.name == name)).first()
        if row is None:
            return None
        return User(row.name, row.display_name, frozenset(r for r in row.roles.split(",") if r))

    def put(self, name: str, *, display_name: str, roles: Iterable[str], at: datetime) -> User:
        role_set = frozenset(roles)
        values = {"display_name": display_name, "roles": ",".join(sorted(role_set))}
        if self.get(name) is None:
            self._conn.execute(users.insert().values(name=name, created_at=_to_utc(at), **values))
        else:
            self._conn.execute(users.update().where(users.c.name == name).values(**values))
        return User(name, display_name, role_set)

    def list(self) -> builtins.list[User]:
        rows = self._conn.execute(sa.select(users).order_by(users.c.name))
        return [
            User(r.name, r.display_name, frozenset(x for x in r.roles.split(",") if x))
            for r in rows
        ]

"""The application: one object, built from settings, whose methods are the use cases.

Every entry point (the ``eightd`` CLI, the report runner, the Voilà workbench, a
JupyterLab cell) calls this and nothing else; none of them opens the store, a
unit of work or a repository. The rules stay in :mod:`eightd.services`; the
application composes them with the store, the policy, the acting user, the
language and the clock::

    from eightd.application import Application
    from eightd.settings import Settings

    app = Application.from_settings(Settings.from_env())       # store opened lazily
    app = Application.from_settings(settings, now=lambda: FIXED)  # a fixed clock (tests)

    stored = app.open_complaint(intake, title="...")            # D0, numbered
    stored = app.load(number)                                   # StoredCase (case, version, ...)
    app.set_team(number, members, version=stored.version)       # every edit takes version=
    app.grade(number, severity=..., reason=..., version=v)
    app.advance(number, version=v); app.approve(number, version=v); app.close_case(number, ...)

Reading:   ``load``, ``assess``, ``view``, ``history``, ``list_cases``, ``numbers``,
           ``ledger`` (a page of the ledger, in SQL), ``overdue``, ``refresh_case_ledger``,
           ``export``, ``users``, ``lint``; with pandas: ``list_frame``, ``overdue_frame``,
           ``history_frame`` (pandas is imported only when a frame is asked for).
Analytics: ``kpis``, ``pareto``, ``trend``, ``ledger_frame``, ``ledger_register``,
           ``import_register``, ``similar``, ``suggestions``, ``read_across``,
           ``flag_recurrence``, ``recurrences`` (SQL over the ledger, refreshed first),
           ``effects`` and ``due_checks`` (D6 statistics and 30/60/90-day rechecks).
Editing:   ``open_complaint``, ``replace``, ``set_validity``, ``set_team``,
           ``describe_problem``, ``put_item``, ``remove_item``, ``set_fields``,
           ``add_standardization``, ``log_contact``, ``grade``, ``advance``, ``verify``,
           ``pause``, ``resume``, ``record_callback``, ``approve``, ``close_case``, ``reopen``,
           ``import_cases``, ``load_demo``, ``set_user_roles``, ``init_store``.

Every editing method takes ``version=`` (the version the user saw; a newer stored
version raises :class:`~eightd.errors.ConcurrentEditError` naming who changed the
case and when; ``None`` works on the version read, in one transaction) and ``at=``
(the moment recorded; default: the application's clock). Each method opens and
commits its own unit of work. A save that changes nothing creates no new version.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eightd import services
from eightd.domain import (
    AbnormalGround,
    Callback,
    Case,
    ClosureKind,
    Contact,
    Intake,
    PauseReason,
    Priority,
    ProblemDescription,
    Severity,
    StandardizationItem,
    TeamMember,
    Validity,
    Verification,
)
from eightd.errors import EightDError, PermissionDeniedError
from eightd.policy import Assessment, LintReport, Policy, load_policy
from eightd.policy.loader import read_official_year
from eightd.services.cases import ROLES
from eightd.services.ledger import (
    LedgerKeeper,
    LedgerPage,
    ledger_page,
    overdue_from_ledger,
)
from eightd.services.ledger import refresh_ledger as refresh_ledger_columns
from eightd.services.stages import ITEM_PREFIXES, Collection, Item
from eightd.services.workflow import Attention
from eightd.settings import Settings
from eightd.store import AuditEntry, CaseSummary, StoredCase, User, UserChange

if TYPE_CHECKING:
    import pandas

    from eightd.analytics import (
        Filters,
        Kpis,
        ParetoRow,
        ReadAcross,
        Recurrence,
        Similar,
        Suggestion,
        TrendRow,
    )
    from eightd.analytics.register import ImportReport, RegisterMap
    from eightd.analytics.verification import DueCheck, Effect
    from eightd.reports.batch import BatchItem, ReportPool
    from eightd.reports.request import ReportRequest, ReportResult
    from eightd.store import Attachment, SqlUnitOfWork, Store
    from eightd.views import CaseView

__all__ = [
    "ITEM_COLLECTIONS",
    "ROLES",
    "Application",
    "Attention",
    "AuditEntry",
    "CaseSummary",
    "LedgerPage",
    "StoredCase",
    "User",
]

ITEM_COLLECTIONS: tuple[str, ...] = tuple(ITEM_PREFIXES)


def _system_now() -> datetime:
    return datetime.now(UTC)


class Application:
    """The use cases of eightd on one store, for one acting user and language."""

    def __init__(
        self,
        settings: Settings,
        *,
        store: Store | None = None,
        policy: Policy | None = None,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        self.settings = settings
        self._store = store
        self._policy = policy
        self._now = now or _system_now
        self._keeper: LedgerKeeper | None = None
        self._user: str | None = None

    @classmethod
    def from_settings(
        cls, settings: Settings, *, now: Callable[[], datetime] | None = None
    ) -> Application:
        return cls(settings, now=now)

    # ---------------------------------------------------------------- composition

    @property
    def user(self) -> str:
        """The acting user as the store authenticates it: the database login on PostgreSQL,
        the OS account on SQLite, the hub's login in the workbench. ``--user`` /
        ``EIGHTD_USER`` may only repeat that name (PermissionDeniedError otherwise)."""
        if self._user is None:
            self._user = services.acting_user(self.store, self.settings, self.policy)
        return self._user

    @property
    def lang(self) -> str:
        return self.settings.lang

    def now(self) -> datetime:
        """The application's clock (timezone-aware)."""
        moment = self._now()
        if moment.tzinfo is None:
            raise ValueError("the clock must return timezone-aware datetimes")
        return moment

    def _at(self, at: datetime | None) -> datetime:
        if at is None:
            return self.now()
        if at.tzinfo is None:
            raise ValueError("at must be timezone-aware")
        return at

    def _local(self, moment: datetime) -> datetime:
        """``moment`` in the policy's time zone (how every date is shown)."""
        return moment.astimezone(self.policy.tz)

    def today(self) -> date:
        """Today in the policy's time zone."""
        return self.now().astimezone(self.policy.tz).date()

    @property
    def store(self) -> Store:
        """The case store, opened on first use (a SQLite file is created on the fly)."""
        if self._store is None:
            from eightd.store import open_store

            self._store = open_store(self.settings.database_url)
        return self._store

    @property
    def store_url(self) -> str:
        """The store's URL without its password (for messages)."""
        return self.store.url

    @property
    def policy(self) -> Policy:
        """The policy in force (``--policy`` / ``EIGHTD_POLICY`` over the default), read once."""
        if self._policy is None:
            self._policy = load_policy(self.settings.policy_path)
        return self._policy

    def dispose(self) -> None:
        """Release the store's connections (the application can be used again)."""
        if self._store is not None:
            self._store.dispose()
            self._store = None

    def __enter__(self) -> Application:
        return self

    def __exit__(self, *exc: object) -> None:
        self.dispose()

    @contextmanager
    def _uow(
        self, *, read_only: bool = False, ledger: bool = True, wait: bool = True
    ) -> Iterator[SqlUnitOfWork]:
        # read_only: never waits for a writer (see Store.uow); a writing unit of work
        # keeps every saved case's ledger columns up to date (ledger=False: they are
        # marked stale and recomputed in bulk, for imports)
        hook = self._keep_ledger if ledger and not read_only else None
        with self.store.uow(read_only=read_only, ledger=hook, wait=wait) as uow:
            yield uow

    @property
    def ledger_keeper(self) -> LedgerKeeper:
        """Computes ledger columns under the policy in force (built on first use)."""
        if self._keeper is None:
            self._keeper = LedgerKeeper(self.policy)
        return self._keeper

    def _keep_ledger(
        self, case: Case, at: datetime, cases: Any
    ) -> tuple[dict[str, Any], list[tuple[str, datetime, datetime, bool]]]:
        return self.ledger_keeper(case, at, cases)

    # ---------------------------------------------------------------- the store

    def init_store(self, admin: str | None = None, *, at: datetime | None = None) -> User | None:
        """Create or upgrade the schema. A store without users gets its first user: ``admin``
        (default: the acting user) with the roles admin and qe; only the schema owner may do
        this on PostgreSQL. Returns that user, or None when the store already had users
        (then ``admin`` is refused: later users are added by an administrator)."""
        self.store.upgrade()
        with self._uow() as uow:
            if uow.users.any():
                if admin:
                    raise PermissionDeniedError(
                        "access.error.has_users", user=self.user, permission="manage_users"
                    )
                return None
            first = services.register_first_user(
                uow, (admin or "").strip() or self.user, actor=self.user, now=self._at(at)
            )
            uow.commit()
        return first

    def load_calendar_year(self, path: str | Path) -> tuple[int, int, int]:
        """Install an official calendar year (rule CA-2) into the policy's calendar folder;
        only an administrator may. Returns the year, its days off and make-up working days.

        The deadlines counted on that year stop being provisional from the next read of the
        policy on (this application's at once)."""
        role = "admin"
        with self._uow(read_only=True) as uow:
            account = uow.users.get(self.user)
        if account is None or role not in account.roles:
            raise PermissionDeniedError(user=self.user, action="calendar load", role=role)
        folder = self.policy.calendar.directory
        if not folder:
            raise EightDError("calendar.no_directory", policy=self.policy.source)
        year, holidays, workdays = read_official_year(Path(path))

        def listed(days: list[date]) -> str:
            return "[" + ", ".join(d.isoformat() for d in sorted(set(days))) + "]"

        target = Path(folder) / f"{year}.toml"
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".toml.partial")
        partial.write_text(
            f"# Official calendar {year}, loaded by {self.user} at {self.now().isoformat()}\n"
            f"year = {year}\nholidays = {listed(holidays)}\nworkdays = {listed(workdays)}\n",
            encoding="utf-8",
        )
        partial.replace(target)
        self._policy = None
        return year, len(set(holidays)), len(set(workdays))

    def upgrade_schema(self) -> None:
        """Apply the schema migrations (``eightd db upgrade``; PostgreSQL needs it)."""
        from eightd.store import create_engine, upgrade

        engine = create_engine(self.settings.database_url)
        try:
            upgrade(engine)
        finally:
            engine.dispose()

    def schema_revisions(self) -> tuple[str | None, str | None]:
        """(the database's schema revision, the newest one this eightd knows)."""
        from eightd.store import create_engine, current_revision, head_revision

        engine = create_engine(self.settings.database_url)
        try:
            return current_revision(engine), head_revision()
        finally:
            engine.dispose()

    def users(self) -> list[User]:
        with self._uow(read_only=True) as uow:
            return services.users(uow)

    def user_history(self, name: str | None = None) -> list[UserChange]:
        """The user audit (every registration and role change), oldest first."""
        with self._uow(read_only=True) as uow:
            return services.user_history(uow, name)

    def set_user_roles(
        self, name: str, roles: Iterable[str], *, display_name: str = "", at: datetime | None = None
    ) -> User:
        """Register a user or change their roles (the acting user needs manage_users)."""
        with self._uow() as uow:
            return services.set_user_roles(
                uow, name, roles, actor=self.user, display_name=display_name,
                now=self._at(at), policy=self.policy,
            )  # fmt: skip

    def load_demo(self, today: date | None = None) -> tuple[int, bool, bool]:
        """Load the demo cases (dated around ``today``). Returns (count, already loaded,
        whether the acting user became the store's first user)."""
        from eightd.demo import demo_cases

        cases = demo_cases(today or self.today(), policy=self.policy)
        with self._uow(ledger=False) as uow:
            present = [c.number for c in cases if uow.cases.exists(c.number)]
            if len(present) == len(cases):
                return len(cases), True, False
            first = not uow.users.any()
            numbers = services.load_demo(
                uow, user=self.user, today=today or self.today(), now=self.now(),
                policy=self.policy,
            )  # fmt: skip
        self.refresh_case_ledger()
        return len(numbers), False, first

    # ---------------------------------------------------------------- reading

    def load(self, number: str) -> StoredCase:
        with self._uow(read_only=True) as uow:
            return services.load_case(uow, number)

    def assess(self, number: str, *, at: datetime | None = None) -> tuple[StoredCase, Assessment]:
        """The case and everything the policy says about it at ``at`` (default: now)."""
        with self._uow(read_only=True) as uow:
            return services.assess_case(uow, number, self.policy, now=self._at(at))

    def view(self, number: str, *, lang: str | None = None, at: datetime | None = None) -> CaseView:
        """The view model of a case (header, D0–D8, stages with state and due date, review
        findings, approval) in ``lang`` (default: the application's) as of ``at``."""
        from eightd.views import build_view

        moment = self._local(self._at(at))
        stored, assessment = self.assess(number, at=moment)
        return build_view(
            stored.case, assessment, lang=lang or self.lang, now=moment, version=stored.version
        )

    def lint(self, number: str, *, at: datetime | None = None) -> LintReport:
        return self.assess(number, at=at)[1].lint

    def history(self, number: str) -> list[AuditEntry]:
        with self._uow(read_only=True) as uow:
            return services.audit_trail(uow, number)

    def list_cases(self, **filters: Any) -> list[CaseSummary]:
        """Ledger rows (filters: status, stage, severity, customer, product, received_from,
        received_to, numbers, limit), ordered by complaint number."""
        with self._uow(read_only=True) as uow:
            return services.list_cases(uow, **filters)

    def numbers(self, **filters: Any) -> list[str]:
        return [row.number for row in self.list_cases(**filters)]

    def overdue(self, *, at: datetime | None = None) -> list[Attention]:
        """Open cases with a stage overdue or due soon, or a promised reply overdue,
        ordered by the earliest due time: one SQL query on the ledger's clocks."""
        moment = self._at(at)
        if not self._ledger_ready(moment):  # a writer holds the lock: read the cases
            return self.overdue_by_decoding(at=moment)
        with self._uow(read_only=True) as uow:
            return overdue_from_ledger(uow, self.policy, now=moment)

    def overdue_by_decoding(self, *, at: datetime | None = None) -> list[Attention]:
        """:meth:`overdue` computed by decoding and assessing every open case (the
        reference the ledger is checked and benchmarked against)."""
        with self._uow(read_only=True) as uow:
            return services.needing_attention(uow, self.policy, now=self._at(at))

    def ledger(
        self,
        filters: dict[str, Any] | None = None,
        search: str = "",
        sort: str = "number",
        page: int = 1,
        page_size: int = 50,
        *,
        descending: bool = False,
        at: datetime | None = None,
    ) -> LedgerPage:
        """One page of the ledger (跟踪台账) and the count of matching cases, in SQL.

        ``filters``: status, stage, severity (the grade), customer, product (parts of the
        text), overdue (True: a running clock is overdue), attention (True: overdue or due
        soon), received_from / received_to
        (the period). ``search`` matches number, title, customer, product and owner.
        ``sort``: number, received, due, severity, escalation, stage, status, customer,
        product, owner, title. Each row carries the current stage's due time and its
        state (overdue, due_soon, on_time, paused, none, closed) at ``at``."""
        moment = self._at(at)
        self._ledger_ready(moment)  # while a writer holds the lock, stale rows show as read
        with self._uow(read_only=True) as uow:
            return ledger_page(
                uow, now=moment, search=search, sort=sort, page=page, page_size=page_size,
                descending=descending, **(filters or {}),
            )  # fmt: skip

    def _ledger_ready(self, moment: datetime) -> bool:
        """Bring stale ledger rows up to date before a read, without waiting for a writer
        holding the lock (readers never wait). Whether the ledger is current."""
        from sqlalchemy.exc import OperationalError

        from eightd.errors import StoreError

        try:
            self.refresh_case_ledger(at=moment, wait=False)
        except (StoreError, OperationalError):  # locked (SQLite) or lock timeout (PostgreSQL)
            return False
        return True

    def refresh_case_ledger(
        self, *, everything: bool = False, at: datetime | None = None, wait: bool = True
    ) -> int:
        """Recompute the ledger columns of cases saved under another policy (or calendar
        library) or without them (``everything``: of every case, e.g. nightly, so the
        escalation by days open moves on). Cases whose escalation changed with time by
        ``at`` (days unresolved, a promised reply missed) are recomputed too. Returns how
        many were recomputed."""
        keeper = self.ledger_keeper
        moment = self._at(at)
        if not everything:
            with self._uow(read_only=True) as uow:
                if uow.cases.ledger_is_current(keeper.fingerprint, moment):
                    return 0
        with self._uow(ledger=False, wait=wait) as uow:
            return refresh_ledger_columns(uow, keeper, now=moment, everything=everything)

    def export(self, numbers: Iterable[str] | None = None, **filters: Any) -> list[Case]:
        with self._uow(read_only=True) as uow:
            return services.export_cases(uow, numbers, **filters)

    def iter_export(
        self, numbers: Iterable[str] | None = None, *, batch_size: int = 200, **filters: Any
    ) -> Iterator[Case]:
        """The cases to export, streamed from one read-only snapshot in batches."""
        with self._uow(read_only=True) as uow:
            yield from services.iter_export_cases(uow, numbers, batch_size=batch_size, **filters)

    # -- pandas, for JupyterLab

    def list_frame(self, **filters: Any) -> pandas.DataFrame:
        import pandas as pd

        rows = self.list_cases(**filters)
        columns = list(CaseSummary.__dataclass_fields__)
        return pd.DataFrame([[getattr(r, c) for c in columns] for r in rows], columns=columns)

    def overdue_frame(self, *, at: datetime | None = None) -> pandas.DataFrame:
        import pandas as pd

        records = [
            {
                "number": a.number,
                "title": a.title,
                "clock": c.key,
                "state": c.state.value,
                "due": c.due,
                "replies_overdue": a.replies_overdue,
            }
            for a in self.overdue(at=at)
            for c in a.clocks
        ]
        columns = ["number", "title", "clock", "state", "due", "replies_overdue"]
        return pd.DataFrame(records, columns=columns)

    def history_frame(self, number: str) -> pandas.DataFrame:
        import pandas as pd

        columns = ["version", "at", "user", "action", "path", "old_value", "new_value"]
        return pd.DataFrame(
            [[getattr(e, c) for c in columns] for e in self.history(number)], columns=columns
        )

    # ---------------------------------------------------------------- whole cases

    def open_complaint(
        self, intake: Intake, *, title: str, at: datetime | None = None
    ) -> StoredCase:
        """D0: record a new complaint; it gets the next number of its month."""
        with self._uow() as uow:
            return services.open_case(
                uow, intake, title=title, user=self.user, policy=self.policy, now=self._at(at)
            )

    def replace(
        self, case: Case, *, version: int | None = None, at: datetime | None = None
    ) -> StoredCase:
        """Save an edited whole case (``eightd update``). ``version`` is the one it was read
        at; without it, the stored version is taken (one transaction)."""
        with self._uow() as uow:
            if version is None:
                version = services.load_case(uow, case.number).version
            return services.replace_case(
                uow,
                case,
                expected_version=version,
                user=self.user,
                policy=self.policy,
                now=self._at(at),
            )

    def import_cases(
        self,
        cases: Iterable[Case],
        *,
        replace: bool = False,
        dry_run: bool = False,
        at: datetime | None = None,
    ) -> services.ImportResult:
        """Import complete cases, all or nothing (a stream is consumed one case at a
        time): identical ones are skipped, differing ones refused unless ``replace``.
        Their ledger columns are computed in bulk afterwards."""
        moment = self._at(at)
        with self._uow(ledger=False) as uow:
            result = services.import_cases(
                uow,
                cases,
                user=self.user,
                now=moment,
                replace=replace,
                dry_run=dry_run,
                policy=self.policy,
            )
        if not dry_run:
            self.refresh_case_ledger(at=moment)
        return result

    # ---------------------------------------------------------------- stage content

    def set_validity(
        self,
        number: str,
        validity: Validity,
        note: str = "",
        *,
        version: int | None = None,
        at: datetime | None = None,
    ) -> StoredCase:
        with self._uow() as uow:
            return services.set_validity(
                uow, number, validity, note, user=self.user, expected_version=version,
                policy=self.policy,
                now=self._at(at),
            )  # fmt: skip

    def set_team(
        self,
        number: str,
        members: list[TeamMember],
        *,
        version: int | None = None,
        at: datetime | None = None,
    ) -> StoredCase:
        with self._uow() as uow:
            return services.set_team(
                uow,
                number,
                members,
                user=self.user,
                policy=self.policy,
                expected_version=version,
                now=self._at(at),
            )

    def describe_problem(
        self,
        number: str,
        problem: ProblemDescription,
        *,
        version: int | None = None,
        at: datetime | None = None,
    ) -> StoredCase:
        with self._uow() as uow:
            return services.describe_problem(
                uow,
                number,
                problem,
                user=self.user,
                policy=self.policy,
                expected_version=version,
                now=self._at(at),
            )

    def put_item(
        self,
        number: str,
        collection: Collection,
        item: Item,
        *,
        version: int | None = None,
        at: datetime | None = None,
    ) -> tuple[StoredCase, str]:
        """Add or replace a containment action, cause, action or verification; returns the
        saved case and the item's id."""
        with self._uow() as uow:
            return services.put_item(
                uow, number, collection, item, user=self.user, expected_version=version,
                policy=self.policy,
                now=self._at(at),
            )  # fmt: skip

    def remove_item(
        self,
        number: str,
        collection: Collection,
        item_id: str,
        *,
        version: int | None = None,
        at: datetime | None = None,
    ) -> StoredCase:
        with self._uow() as uow:
            return services.remove_item(
                uow, number, collection, item_id, user=self.user, expected_version=version,
                policy=self.policy,
                now=self._at(at),
            )  # fmt: skip

    def set_fields(
        self,
        number: str,
        values: dict[str, object],
        *,
        version: int | None = None,
        at: datetime | None = None,
    ) -> StoredCase:
        with self._uow() as uow:
            return services.set_fields(
                uow,
                number,
                values,
                user=self.user,
                policy=self.policy,
                expected_version=version,
                now=self._at(at),
            )

    def add_standardization(
        self,
        number: str,
        item: StandardizationItem,
        *,
        version: int | None = None,
        at: datetime | None = None,
    ) -> StoredCase:
        with self._uow() as uow:
            return services.add_standardization(
                uow,
                number,
                item,
                user=self.user,
                policy=self.policy,
                expected_version=version,
                now=self._at(at),
            )

    def log_contact(
        self,
        number: str,
        contact: Contact,
        *,
        version: int | None = None,
        at: datetime | None = None,
    ) -> StoredCase:
        with self._uow() as uow:
            return services.log_contact(
                uow,
                number,
                contact,
                user=self.user,
                policy=self.policy,
                expected_version=version,
                now=self._at(at),
            )

    # ---------------------------------------------------------------- workflow

    def grade(
        self,
        number: str,
        *,
        severity: Severity | None = None,
        priority: Priority | None = None,
        reason: str = "",
        version: int | None = None,
        at: datetime | None = None,
    ) -> StoredCase:
        with self._uow() as uow:
            return services.grade_case(
                uow, number, self.policy, user=self.user, severity=severity, priority=priority,
                reason=reason, expected_version=version, now=self._at(at),
            )  # fmt: skip

    def advance(
        self, number: str, *, note: str = "", version: int | None = None, at: datetime | None = None
    ) -> StoredCase:
        with self._uow() as uow:
            return services.advance_stage(
                uow, number, self.policy, user=self.user, note=note, expected_version=version,
                now=self._at(at),
            )  # fmt: skip

    def verify(
        self,
        number: str,
        verification: Verification,
        *,
        version: int | None = None,
        at: datetime | None = None,
    ) -> tuple[StoredCase, bool]:
        """D6: record a verification; returns the case and whether it was sent back to D4."""
        with self._uow() as uow:
            return services.record_verification(
                uow, number, verification, user=self.user, expected_version=version,
                policy=self.policy,
                now=self._at(at),
            )  # fmt: skip

    def pause(
        self,
        number: str,
        reason: PauseReason,
        *,
        start: date | None = None,
        note: str = "",
        version: int | None = None,
        at: datetime | None = None,
    ) -> StoredCase:
        moment = self._at(at)
        with self._uow() as uow:
            return services.pause_clock(
                uow, number, reason, start=start or self._local_day(moment), user=self.user,
                note=note, expected_version=version, now=moment, policy=self.policy,
            )  # fmt: skip

    def resume(
        self,
        number: str,
        *,
        end: date | None = None,
        version: int | None = None,
        at: datetime | None = None,
    ) -> StoredCase:
        moment = self._at(at)
        with self._uow() as uow:
            return services.resume_clock(
                uow, number, end=end or self._local_day(moment), user=self.user, policy=self.policy,
                expected_version=version, now=moment,
            )  # fmt: skip

    def record_callback(
        self,
        number: str,
        callback: Callback,
        *,
        version: int | None = None,
        at: datetime | None = None,
    ) -> StoredCase:
        with self._uow() as uow:
            return services.record_callback(
                uow,
                number,
                callback,
                user=self.user,
                policy=self.policy,
                expected_version=version,
                now=self._at(at),
            )

    def approve(
        self,
        number: str,
        *,
        meaning: str = "",
        abnormal: bool = False,
        version: int | None = None,
        at: datetime | None = None,
    ) -> StoredCase:
        """Sign the case (the approve permission); ``abnormal`` approves closing it
        abnormally, at any stage."""
        with self._uow() as uow:
            return services.approve_case(
                uow, number, self.policy, user=self.user, meaning=meaning, abnormal=abnormal,
                expected_version=version, now=self._at(at),
            )  # fmt: skip

    def close_case(
        self,
        number: str,
        kind: ClosureKind = ClosureKind.NORMAL,
        *,
        reason: str = "",
        ground: AbnormalGround | None = None,
        lessons_learned: str = "",
        version: int | None = None,
        at: datetime | None = None,
    ) -> StoredCase:
        """D8: close normally, abnormally, or without an 8D (``ClosureKind.NO_8D``)."""
        with self._uow() as uow:
            return services.close_case(
                uow, number, self.policy, kind, user=self.user, reason=reason, ground=ground,
                lessons_learned=lessons_learned, expected_version=version, now=self._at(at),
            )  # fmt: skip

    def reopen(
        self, number: str, *, reason: str, version: int | None = None, at: datetime | None = None
    ) -> StoredCase:
        with self._uow() as uow:
            return services.reopen_case(
                uow, number, reason=reason, user=self.user, expected_version=version,
                policy=self.policy,
                now=self._at(at),
            )  # fmt: skip

    # ---------------------------------------------------------------- photos and evidence

    def attach(
        self, number: str, stage: str, name: str, data: bytes, *, at: datetime | None = None
    ) -> Attachment:
        """Store a defect photo (D2) or evidence (D4, D6): an image or a PDF within the
        policy's size limit, checked by its content."""
        from eightd.services.attachments import attach_file

        with self._uow() as uow:
            return attach_file(
                uow, number, stage, name, data, policy=self.policy, user=self.user,
                now=self._at(at),
            )  # fmt: skip

    def remove_attachment(
        self, attachment_id: int, *, reason: str, at: datetime | None = None
    ) -> Attachment:
        """Take a file off its case, with the reason; it stays on record, audited."""
        from eightd.services.attachments import remove_file

        with self._uow() as uow:
            return remove_file(
                uow, attachment_id, reason=reason, policy=self.policy, user=self.user,
                now=self._at(at),
            )  # fmt: skip

    def attachments(self, number: str) -> list[Attachment]:
        """The files of a case, without their bytes (for lists and thumbnails' captions)."""
        with self._uow(read_only=True) as uow:
            services.load_case(uow, number)
            found: list[Attachment] = uow.attachments.list(number)
        return found

    def attachment(self, attachment_id: int) -> Attachment:
        """One stored file with its bytes."""
        with self._uow(read_only=True) as uow:
            found: Attachment = uow.attachments.get(attachment_id)
        return found

    def _local_day(self, moment: datetime) -> date:
        return moment.astimezone(self.policy.tz).date()

    # ---------------------------------------------------------------- reports

    def report_request(
        self,
        number: str,
        *,
        formats: Iterable[str] = ("html",),
        out_dir: str | Path = ".",
        lang: str | None = None,
        at: datetime | None = None,
        source: str | Path | None = None,
        template: str | Path | None = None,
    ) -> ReportRequest:
        """What the report kernel renders for ``number``: the case document and its view
        model as of ``at``, read from the store, or from an export file ``source``
        (``.json``; the other cases in it count for escalation). No URL travels."""
        return self.report_requests(
            [number], formats=formats, out_dir=out_dir, lang=lang, at=at, source=source,
            template=template,
        )[0]  # fmt: skip

    def report_requests(
        self,
        numbers: Sequence[str],
        *,
        formats: Iterable[str] = ("html",),
        out_dir: str | Path = ".",
        lang: str | None = None,
        at: datetime | None = None,
        source: str | Path | None = None,
        template: str | Path | None = None,
    ) -> list[ReportRequest]:
        return list(
            self._report_requests(
                numbers, formats=formats, out_dir=out_dir, lang=lang, at=at, source=source,
                template=template,
            )
        )  # fmt: skip

    def _report_requests(
        self,
        numbers: Sequence[str],
        *,
        formats: Iterable[str] = ("html",),
        out_dir: str | Path = ".",
        lang: str | None = None,
        at: datetime | None = None,
        source: str | Path | None = None,
        template: str | Path | None = None,
    ) -> Iterator[ReportRequest]:
        """The requests of :meth:`report_requests` one by one, as each case is read (all
        in one read-only transaction: one consistent state of the store)."""
        from eightd.domain import case_to_dict
        from eightd.reports.request import make_request
        from eightd.views import build_view

        moment = self._local(self._at(at))  # the report shows times in the policy's zone
        language = lang or self.lang
        formats = tuple(formats)
        found = (
            iter(self._assessed_from_export(Path(source), numbers, moment))
            if source
            else self._assessed_from_store(numbers, moment)
        )
        for stored_case, version, assessment, files in found:
            yield make_request(
                stored_case.number,
                case=case_to_dict(stored_case),
                view=build_view(
                    stored_case, assessment, lang=language, now=moment, version=version
                ).to_dict(),
                out_dir=out_dir,
                formats=formats,
                lang=language,
                as_of=moment,
                template=template,
                attachments=files,
            )

    @staticmethod
    def _report_files(uow: SqlUnitOfWork, number: str) -> list[dict[str, str]]:
        """The photos and evidence of a case, as the report template takes them."""
        import base64

        return [
            {
                "stage": f.stage,
                "name": f.name,
                "media_type": f.media_type,
                "uploaded_by": f.uploaded_by,
                "data": base64.b64encode(f.data).decode("ascii"),
            }
            for f in uow.attachments.with_data(number)
        ]

    def _assessed_from_store(
        self, numbers: Sequence[str], moment: datetime
    ) -> Iterator[tuple[Case, int | None, Assessment, list[dict[str, str]]]]:
        with self._uow(read_only=True) as uow:
            for number in numbers:
                stored, assessment = services.assess_case(uow, number, self.policy, now=moment)
                files = self._report_files(uow, number)
                yield stored.case, stored.version, assessment, files

    def _assessed_from_export(
        self, path: Path, numbers: Sequence[str], moment: datetime
    ) -> list[tuple[Case, int | None, Assessment, list[dict[str, str]]]]:
        from eightd.errors import ReportError
        from eightd.policy import CaseSummary as PolicySummary
        from eightd.policy import assess

        cases = {c.number: c for c in self.read_export(path)}
        others = []
        for case in cases.values():
            try:
                others.append(PolicySummary.of(case))
            except ValueError:  # a case without a receipt date has no summary
                continue
        out: list[tuple[Case, int | None, Assessment, list[dict[str, str]]]] = []
        for number in numbers:
            if number not in cases:
                raise ReportError("report.error.no_case", number=number, source=str(path))
            case = cases[number]
            out.append((case, None, assess(case, self.policy, now=moment, others=others), []))
        return out

    @staticmethod
    def read_export(path: str | Path) -> list[Case]:
        """The cases of an export file (untrusted: errors name the field)."""
        import json

        from eightd.domain import parse_export
        from eightd.errors import ValidationError

        try:
            with open(path, encoding="utf-8") as fh:
                data = json.load(fh)
        except OSError as exc:
            raise ValidationError(
                str(path), "error.reason.unreadable", detail=exc.strerror
            ) from None
        except ValueError as exc:
            raise ValidationError(str(path), "error.reason.bad_json", detail=str(exc)) from None
        return parse_export(data)

    def report(self, number: str, **options: Any) -> ReportResult:
        """Write the report of ``number`` (options: see :meth:`report_request`). The
        kernel boots while the case is read and this process loads the report writers
        (a case that cannot be read stops it at once)."""
        from eightd.reports.notebook import WarmKernel

        kernel = WarmKernel()
        kernel.launch()
        try:
            request = self.report_request(number, **options)
            from eightd.reports.generate import write_report

            return write_report(request, kernel=kernel)
        finally:
            kernel.close()

    def reports(
        self,
        numbers: Sequence[str],
        *,
        jobs: int | None = None,
        progress: bool = False,
        **options: Any,
    ) -> list[BatchItem]:
        """Write many reports on warm kernels in parallel; one failure stops no other. The
        workers start their kernels while the cases are read, and each report is handed
        to them as soon as its case is read."""
        from eightd.reports.batch import generate_reports

        requests = self._report_requests(numbers, **options)
        return generate_reports(
            requests, count=len(numbers), jobs=jobs, progress=progress, lang=self.lang
        )

    async def report_async(
        self, number: str, *, pool: ReportPool | None = None, **options: Any
    ) -> ReportResult:
        """:meth:`report` for an event loop (a Voilà callback): reading the case and
        rendering run off the loop, so the page keeps responding."""
        import asyncio

        from eightd.reports.generate import generate_report_async

        request = await asyncio.to_thread(self.report_request, number, **options)
        return await generate_report_async(request, pool=pool)

    # ---------------------------------------------------------------- analytics

    def refresh_ledger(self, *, at: datetime | None = None) -> int:
        """Re-derive the ledger rows and the search index of the cases saved since the
        last refresh (all of them after a policy change); how many were derived."""
        from eightd.analytics import refresh_ledger

        with self._uow() as uow:
            return refresh_ledger(uow, self.policy, now=self._at(at))

    def rebuild_rollups(self, *, at: datetime | None = None) -> int:
        """Bring the ledger up to date, then recount the statistics' pre-aggregated counts
        from its rows (the triggers keep them exact; this repairs and compacts them).
        Returns how many ledger rows were counted."""
        from eightd.analytics.rollup import rebuild_rollups

        self.refresh_ledger(at=at)
        with self._uow() as uow:
            count = rebuild_rollups(uow.connection)
            uow.commit()
            return count

    def kpis(self, filters: Filters | None = None, *, at: datetime | None = None) -> Kpis:
        """On-time rate, satisfaction, incidence, times, recurrence and overdue (SQL)."""
        from eightd.analytics import kpis

        moment = self._at(at)
        self.refresh_ledger(at=moment)
        with self._uow(read_only=True) as uow:
            return kpis(uow.connection, self.policy, now=moment, filters=filters)

    def pareto(
        self, by: str, filters: Filters | None = None, *, top: int | None = None
    ) -> list[ParetoRow]:
        from eightd.analytics import pareto

        self.refresh_ledger()
        with self._uow(read_only=True) as uow:
            return pareto(
                uow.connection, by, lang=self.lang, filters=filters, top=top, policy=self.policy
            )

    def trend(self, by: str | None = None, filters: Filters | None = None) -> list[TrendRow]:
        from eightd.analytics import trend

        self.refresh_ledger()
        with self._uow(read_only=True) as uow:
            return trend(uow.connection, by, lang=self.lang, filters=filters, policy=self.policy)

    def ledger_frame(self, filters: Filters | None = None) -> pandas.DataFrame:
        """The ledger (跟踪台账) with the register's columns, times in the policy's zone."""
        from eightd.analytics import ledger_frame

        self.refresh_ledger()
        with self._uow(read_only=True) as uow:
            return ledger_frame(uow, filters, tz=self.policy.timezone)

    def ledger_register(self, filters: Filters | None = None) -> tuple[list[str], list[list[Any]]]:
        """The ledger as register headers and rows in the user's language (for export)."""
        from eightd.analytics import Filters as _Filters
        from eightd.analytics.register import ledger_rows

        self.refresh_ledger()
        with self._uow(read_only=True) as uow:
            return ledger_rows(uow, filters or _Filters(), lang=self.lang, tz=self.policy.tz)

    def import_register(
        self,
        path: str | Path,
        *,
        mapping: RegisterMap | None = None,
        reject_to: str | Path | None = None,
        progress: Callable[[int, int], None] | None = None,
        at: datetime | None = None,
    ) -> ImportReport:
        """Import a legacy register (.xlsx / .csv): all or nothing, or bad rows to
        ``reject_to``; rows imported before are skipped."""
        from eightd.analytics.register import import_register

        moment = self._at(at)
        with self._uow(ledger=False) as uow:  # ledger columns: one refresh of them all
            report = import_register(
                uow,
                path,
                policy=self.policy,
                user=self.user,
                at=moment,
                mapping=mapping,
                reject_to=reject_to,
                progress=progress,
            )
        if report.committed:
            self.refresh_case_ledger(at=moment)
        return report

    def similar(
        self,
        query: str,
        *,
        limit: int = 10,
        product: str | None = None,
        customer: str | None = None,
        bone: str | None = None,
    ) -> list[Similar]:
        """Past cases like ``query``: a complaint number (that case's text) or a text."""
        from eightd.analytics import similar_cases
        from eightd.analytics.search import case_text
        from eightd.domain import ComplaintNumber
        from eightd.errors import ValidationError

        self.refresh_ledger()
        try:
            number: str | None = str(ComplaintNumber.parse(query.strip()))
        except ValidationError:
            number = None
        with self._uow(read_only=True) as uow:
            text = case_text(services.load_case(uow, number).case) if number else query
            return similar_cases(
                uow.connection,
                text,
                limit=limit,
                product=product,
                customer=customer,
                bone=bone,
                exclude=number,
            )

    def suggestions(self, number: str, *, limit: int = 5) -> list[Suggestion]:
        """Verified root causes and actions of the cases most like ``number``: what the
        workbench offers beside D4 / D5."""
        from eightd.analytics import suggestions

        self.refresh_ledger()
        with self._uow(read_only=True) as uow:
            return suggestions(uow, number, limit=limit)

    def read_across(self, number: str) -> list[ReadAcross]:
        """Other products and plants sharing a verified cause of ``number`` (横向展开)."""
        from eightd.analytics import read_across

        self.refresh_ledger()
        with self._uow(read_only=True) as uow:
            return read_across(uow.connection, services.load_case(uow, number).case)

    def flag_recurrence(self, number: str, *, at: datetime | None = None) -> str | None:
        """Flag ``number`` if it repeats a closed case; the earlier case's number."""
        from eightd.analytics import flag_recurrence

        with self._uow() as uow:
            return flag_recurrence(uow, number, self.policy, user=self.user, now=self._at(at))

    def recurrences(self, number: str | None = None) -> list[Recurrence]:
        from eightd.analytics import recurrences

        self.refresh_ledger()
        with self._uow(read_only=True) as uow:
            return recurrences(uow.connection, number)

    def effects(self, number: str) -> list[Effect]:
        """Before/after statistics of the verifications of ``number`` that hold counts."""
        from eightd.analytics.verification import effects

        return effects(self.load(number).case, self.policy)

    def due_checks(self, *, at: datetime | None = None) -> list[DueCheck]:
        """The 30/60/90-day effectiveness checks due by the day of ``at``."""
        from eightd.analytics.verification import due_checks

        today = self._at(at).astimezone(self.policy.tz).date()
        with self._uow(read_only=True) as uow:
            return due_checks(uow, self.policy, today=today)

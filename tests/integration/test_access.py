"""Nothing forged: the acting user is the authenticated one, and roles guard every change.

On SQLite the acting user is the OS account (``act_as``); on PostgreSQL it is the database
login: the PostgreSQL cases connect as real logins of the test cluster.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from eightd import services
from eightd.cli import main
from eightd.demo import demo_cases
from eightd.domain import (
    Approval,
    Case,
    StageEvent,
    StageEventKind,
    Validity,
    case_to_dict,
    dumps_export,
)
from eightd.domain.enums import Stage
from eightd.errors import PermissionDeniedError, ValidationError
from eightd.policy import SignatureState, content_hash, load_policy, signature_state
from eightd.store import Store, open_store
from tests.conftest import make_intake, register_users
from tests.pg_harness import PostgresCluster

CST = timezone(timedelta(hours=8))
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=CST)
POLICY = load_policy()

# the people of these tests: an administrator, a quality engineer, an intake clerk, an
# approver; "stranger" is known to the operating system / the database, not to the store
PEOPLE = {
    "boss": ("admin",),
    "qe.li": ("qe",),
    "intake.zhao": ("intake",),
    "wang.qa": ("approver",),
}


@dataclass
class World:
    """A store with one open case, reachable as any of PEOPLE (and as a stranger)."""

    backend: str
    base_url: str
    number: str
    files: Path
    as_user: Callable[[str], str]  # name -> the database URL to use acting as that name

    def run(self, capsys: pytest.CaptureFixture[str], name: str, *args: str) -> tuple[int, str]:
        code = main(["--db", self.as_user(name), *args])
        return code, capsys.readouterr().err

    def snapshot(self) -> tuple[object, ...]:
        """Everything a refused command must leave as it was."""
        store = open_store(self.base_url)
        try:
            with store.uow() as uow:
                cases = [(s.case.number, s.version) for s in uow.cases.load()]
                audit = len(uow.cases.audit_trail(self.number))
                people = [(u.name, tuple(sorted(u.roles))) for u in uow.users.list()]
                changes = len(uow.users.history())
        finally:
            store.dispose()
        return cases, audit, people, changes


def _grant_login(cluster: PostgresCluster, database: str, name: str) -> str:
    """A real PostgreSQL login ``name`` allowed to use the store's tables (privileges are the
    database's business; who may do what in eightd is the store's)."""
    engine = sa.create_engine(cluster.url(database), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        exists = conn.execute(sa.text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name})
        quoted = '"' + name.replace('"', '""') + '"'
        if exists.first() is None:
            conn.exec_driver_sql(f"CREATE ROLE {quoted} LOGIN")
        conn.exec_driver_sql(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {quoted}")
        conn.exec_driver_sql(f"GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {quoted}")
    engine.dispose()
    return make_url(cluster.url(database)).set(username=name).render_as_string(False)


@pytest.fixture
def world(
    store_url: str,
    tmp_path: Path,
    request: pytest.FixtureRequest,
    act_as: Callable[[str], None],
) -> Iterator[World]:
    store = open_store(store_url, auto_upgrade=True)
    backend = store.engine.dialect.name
    with store.uow() as uow:
        login = uow.users.login()
        owner = login or "boss"
        services.register_first_user(uow, owner, actor=owner, roles=["admin"], now=NOW)
        for name, roles in PEOPLE.items():
            uow.users.put(name, display_name="", roles=roles, at=NOW, actor=owner)
        uow.commit()
    if login:  # PostgreSQL: open the case as the owner login acting for nobody else
        register_users(store, {login: ["admin", "intake", "qe"]})
        opener = login
    else:
        opener = "qe.li"
    with store.uow() as uow:
        stored = services.open_case(uow, make_intake(), title="J3 joints", user=opener, now=NOW)
    number = stored.case.number
    store.dispose()

    if backend == "postgresql":
        cluster: PostgresCluster = request.getfixturevalue("pg_cluster")
        database = make_url(store_url).database or ""
        urls: dict[str, str] = {}

        def as_user(name: str) -> str:
            if name not in urls:
                urls[name] = _grant_login(cluster, database, name)
            return urls[name]

    else:

        def as_user(name: str) -> str:
            act_as(name)
            return store_url

    files = tmp_path / "files"
    files.mkdir()
    _write_files(files, number)
    yield World(backend, store_url, number, files, as_user)


def _write_files(files: Path, number: str) -> None:
    def write(name: str, value: object) -> None:
        (files / name).write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")

    intake = case_to_dict(make_intake())
    write("intake.json", {"title": "Another complaint", "intake": intake})
    write("cause.json", {"text": "solder paste expired", "category": "material"})
    write("team.json", [{"name": "Li", "role": "leader"}])
    write("problem.json", {"what": "cold joints"})
    write("pfmea.json", {"kind": "fmea", "document_id": "PFMEA-7", "title": "paste age"})
    write("verification.json", {"verified_on": "2026-11-24", "evidence": "3 lots"})
    case = demo_cases(date(2026, 11, 23))[0]  # signed in the system it comes from
    assert case.approvals
    write("import.json", json.loads(dumps_export([case])))
    write("number.txt", number)


# Every state-changing command, with the permission it needs.
COMMANDS: dict[str, tuple[str, Callable[[Path, str], list[str]]]] = {
    "new": ("register", lambda f, n: ["new", str(f / "intake.json")]),
    "update": ("edit", lambda f, n: ["update", str(f / "case.json")]),
    "import": ("import", lambda f, n: ["import", str(f / "import.json")]),
    "demo": ("import", lambda f, n: ["demo"]),
    "put": ("edit", lambda f, n: ["put", n, "causes", str(f / "cause.json")]),
    "remove": ("edit", lambda f, n: ["remove", n, "causes", "C1"]),
    "team": ("edit", lambda f, n: ["team", n, str(f / "team.json")]),
    "problem": ("edit", lambda f, n: ["problem", n, str(f / "problem.json")]),
    "standardize": ("edit", lambda f, n: ["standardize", n, str(f / "pfmea.json")]),
    "validity": ("edit", lambda f, n: ["validity", n, "founded", "--note", "ours"]),
    "set": ("edit", lambda f, n: ["set", n, "title=forged"]),
    "contact": ("edit", lambda f, n: ["contact", n, "--summary", "called", "--at", f"{NOW}"]),
    "grade": ("grade", lambda f, n: ["grade", n]),
    "advance": ("edit", lambda f, n: ["advance", n]),
    "verify": ("edit", lambda f, n: ["verify", n, str(f / "verification.json")]),
    "pause": ("edit", lambda f, n: ["pause", n, "--reason", "waiting_customer"]),
    "resume": ("edit", lambda f, n: ["resume", n]),
    "callback": ("edit", lambda f, n: ["callback", n, "--outcome", "satisfied"]),
    "approve": ("approve", lambda f, n: ["approve", n]),
    "close": ("close", lambda f, n: ["close", n, "--kind", "normal"]),
    "close-abnormal": (
        "close_abnormally",
        lambda f, n: [
            "close",
            n,
            "--kind",
            "abnormal",
            "--ground",
            "contract_conflict",
            "--reason",
            "x",
        ],
    ),
    "reopen": ("reopen", lambda f, n: ["reopen", n, "--reason", "customer unhappy"]),
    "user-add": ("manage_users", lambda f, n: ["user", "add", "mallory", "--role", "approver"]),
}


def _someone_without(permission: str) -> str:
    """A registered person whose roles do not hold ``permission``."""
    allowed = set(POLICY.roles.roles_for(permission))
    return next(name for name, roles in PEOPLE.items() if not allowed & set(roles))


def _prepare(world: World) -> None:
    """The edited whole case for ``update`` (a harmless change: the title)."""
    store = open_store(world.base_url)
    with store.uow() as uow:
        case = services.load_case(uow, world.number).case
    store.dispose()
    case.title = "edited"
    (world.files / "case.json").write_text(json.dumps(case_to_dict(case)), encoding="utf-8")


@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_user_the_store_does_not_know_can_change_nothing(
    world: World, command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    permission, args = COMMANDS[command]
    _prepare(world)
    before = world.snapshot()
    code, err = world.run(capsys, "stranger", *args(world.files, world.number))
    assert code == 1
    roles = ", ".join(POLICY.roles.roles_for(permission))
    assert "stranger is not a user of this store" in err
    assert f"with the role {roles}" in err
    assert world.snapshot() == before


@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_user_without_the_role_is_refused_naming_the_role(
    world: World, command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    permission, args = COMMANDS[command]
    _prepare(world)
    person = _someone_without(permission)
    before = world.snapshot()
    code, err = world.run(capsys, person, *args(world.files, world.number))
    assert code == 1
    roles = ", ".join(POLICY.roles.roles_for(permission))
    assert f"{person} may not" in err and f"the role {roles} is needed" in err
    assert world.snapshot() == before


def test_the_refusal_is_in_chinese_too(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = world.run(capsys, "intake.zhao", "--lang", "zh", "approve", world.number)
    assert code == 1
    assert "intake.zhao 无权批准：需要角色 approver" in err


def test_a_stranger_may_still_read(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    assert world.run(capsys, "stranger", "show", world.number)[0] == 0
    assert world.run(capsys, "stranger", "list")[0] == 0
    assert world.run(capsys, "stranger", "history", world.number)[0] == 0


def test_typing_another_name_does_not_make_you_that_user(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    before = world.snapshot()
    code, err = world.run(capsys, "stranger", "--user", "wang.qa", "approve", world.number)
    assert code == 1
    assert "stranger" in err and "wang.qa" in err and "--user" in err
    assert world.snapshot() == before


def test_user_add_by_a_non_admin_is_refused_and_by_an_admin_is_audited(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = world.run(capsys, "qe.li", "user", "add", "qe.li", "--role", "approver")
    assert code == 1 and "manage users" in err
    assert world.run(capsys, "boss", "user", "add", "mallory", "--role", "qe")[0] == 0
    assert world.run(capsys, "boss", "user", "add", "mallory", "--role", "approver")[0] == 0
    store = open_store(world.base_url)
    with store.uow() as uow:
        rows = [
            (c.actor, c.action, c.old_roles, c.new_roles)
            for c in services.user_history(uow, "mallory")
        ]
    store.dispose()
    assert rows == [
        ("boss", "add_user", None, frozenset({"qe"})),
        ("boss", "set_roles", frozenset({"qe"}), frozenset({"approver"})),
    ]
    capsys.readouterr()
    assert main(["--db", world.as_user("boss"), "user", "history", "mallory"]) == 0
    out = capsys.readouterr().out
    assert "boss" in out and "qe -> approver" in out
    assert main(["--db", world.as_user("boss"), "user", "list"]) == 0
    assert "mallory" in capsys.readouterr().out


def test_the_last_admin_cannot_lose_the_right_to_manage_users(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    if world.backend == "postgresql":  # the owner login is an admin there too
        pytest.skip("the store owner is a second admin on PostgreSQL")
    code, err = world.run(capsys, "boss", "user", "add", "boss", "--role", "qe")
    assert code == 1 and "last user who may manage users" in err


# ---------------------------------------------------------------- approvals only through approve


def _stored(world: World) -> Case:
    store = open_store(world.base_url)
    with store.uow() as uow:
        case = services.load_case(uow, world.number).case
    store.dispose()
    return case


FORGERIES: dict[str, Callable[[Case], None]] = {
    "approvals": lambda c: c.approvals.append(
        Approval("wang.qa", "approver", "approved", NOW, "sha256:" + "0" * 64)
    ),
    "history": lambda c: c.history.append(StageEvent(Stage.D0, StageEventKind.COMPLETED, NOW, "x")),
    "created_by": lambda c: setattr(c, "created_by", "wang.qa"),
    "created_at": lambda c: setattr(c, "created_at", NOW + timedelta(days=1)),
    "stage": lambda c: setattr(c, "stage", Stage.D8),
    "grading": lambda c: setattr(c.grading, "graded_by", "wang.qa"),
}


@pytest.mark.parametrize("field", list(FORGERIES))
def test_update_refuses_a_document_that_changes_what_only_a_service_may(
    world: World, field: str, capsys: pytest.CaptureFixture[str]
) -> None:
    case = _stored(world)
    FORGERIES[field](case)
    file = world.files / "forged.json"
    file.write_text(json.dumps(case_to_dict(case)), encoding="utf-8")
    before = world.snapshot()
    code, err = world.run(capsys, "qe.li", "update", str(file))
    assert code == 1
    assert f"error: {field}" in err  # the message names the field
    assert world.snapshot() == before


def test_a_real_signature_cannot_be_moved_onto_changed_content(world: World) -> None:
    store = open_store(world.base_url)
    login = store.login()
    if login:  # the owner login acts for the people below, as the workbench's login does
        register_users(store, {login: ["admin", "intake", "qe", "service"]})
    with store.uow() as uow:
        services.set_validity(
            uow, world.number, Validity.NOT_OURS, "not ours", user="qe.li", now=NOW
        )
        services.approve_case(uow, world.number, POLICY, user="wang.qa", now=NOW)
        signed = services.load_case(uow, world.number)
        forged = signed.case
        forged.validity_note = "something else entirely"
        forged.approvals[-1].content_hash = content_hash(forged)  # the signature moved over
        with pytest.raises(ValidationError) as err:
            services.replace_case(uow, forged, expected_version=signed.version, user="qe.li")
    store.dispose()
    assert err.value.field == "approvals[0].content_hash"


def test_imported_approvals_are_marked_and_never_count_as_signed_here(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = world.run(capsys, "boss", "import", str(world.files / "import.json"))
    assert code == 0, err
    imported = json.loads((world.files / "import.json").read_text())["cases"][0]
    store = open_store(world.base_url)
    with store.uow() as uow:
        case = services.load_case(uow, imported["number"]).case
    store.dispose()
    assert case.approvals and all(a.imported for a in case.approvals)
    assert signature_state(case) is SignatureState.IMPORTED
    capsys.readouterr()
    assert main(["--db", world.as_user("boss"), "show", case.number]) == 0
    shown = capsys.readouterr().out
    assert "imported approval, not signed in this store" in shown
    assert "signature valid" not in shown


def test_without_users_nothing_changes_until_init(
    empty_store: Store,
    act_as: Callable[[str], None],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = empty_store.engine.url.render_as_string(hide_password=False)
    act_as("qe.li")
    intake = tmp_path / "intake.json"
    intake.write_text(json.dumps({"title": "t", "intake": case_to_dict(make_intake())}))
    assert main(["--db", url, "new", str(intake)]) == 1
    assert "no users yet" in capsys.readouterr().err
    assert main(["--db", url, "init"]) == 0
    assert "first user and administrator" in capsys.readouterr().out
    assert main(["--db", url, "new", str(intake)]) == 0
    assert main(["--db", url, "init", "--admin", "mallory"]) == 1  # no second bootstrap
    assert "already has users" in capsys.readouterr().err


@pytest.mark.postgres
def test_on_postgresql_only_the_schema_owner_registers_the_first_user(
    pg_cluster: PostgresCluster, pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    open_store(pg_url, auto_upgrade=True).dispose()
    database = make_url(pg_url).database or ""
    mallory = _grant_login(pg_cluster, database, "mallory")
    assert main(["--db", mallory, "init"]) == 1
    assert "Only the owner of the database" in capsys.readouterr().err
    assert main(["--db", pg_url, "init", "--admin", "boss"]) == 0
    assert "boss" in capsys.readouterr().out
    assert main(["--db", _grant_login(pg_cluster, database, "boss"), "user", "list"]) == 0


@pytest.mark.postgres
def test_a_service_call_for_another_name_than_the_login_is_refused(
    pg_cluster: PostgresCluster, pg_url: str
) -> None:
    store = open_store(pg_url, auto_upgrade=True)
    register_users(store, {"qe.li": ["qe"]})
    database = make_url(pg_url).database or ""
    store.dispose()
    plain = open_store(_grant_login(pg_cluster, database, "intake.zhao"))
    with plain.uow() as uow, pytest.raises(PermissionDeniedError) as err:
        services.open_case(uow, make_intake(), title="t", user="qe.li", now=NOW)
    plain.dispose()
    assert err.value.code == "access.error.not_login"
    assert "logged in to the database as intake.zhao" in err.value.message("en")


def test_init_then_demo_gives_the_local_user_every_role_of_the_tour(
    tmp_path: Path, act_as: Callable[[str], None], capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path}/e.db"
    act_as("alice")
    assert main(["--db", url, "init"]) == 0  # what ./dev run does
    assert main(["--db", url, "demo", "--today", "2026-11-23"]) == 0
    capsys.readouterr()
    assert main(["--db", url, "user", "list"]) == 0
    listed = {line.split("  ")[0]: line for line in capsys.readouterr().out.splitlines()}
    assert "admin, approver, intake, qe" in listed["alice"]
    assert "approver" in listed["Martin Xu"]  # a signer of the demo cases
    assert main(["--db", url, "user", "history", "alice"]) == 0
    assert "demo" in capsys.readouterr().out  # the roles the demo added are audited


def test_the_hub_login_acts_only_through_a_service_account(
    world: World, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("JUPYTERHUB_USER", "wang.qa")
    before = world.snapshot()
    code, err = world.run(capsys, "qe.li", "set", world.number, "title=forged")
    assert code == 1 and "may not act for the workbench user wang.qa" in err
    assert world.snapshot() == before

    monkeypatch.delenv("JUPYTERHUB_USER")
    assert world.run(capsys, "boss", "user", "add", "workbench", "--role", "service")[0] == 0
    monkeypatch.setenv("JUPYTERHUB_USER", "qe.li")
    code, err = world.run(capsys, "workbench", "set", world.number, "title=From the hub")
    assert code == 0, err
    store = open_store(world.base_url)
    with store.uow(read_only=True) as uow:
        stored = services.load_case(uow, world.number)
    store.dispose()
    assert (stored.case.title, stored.updated_by) == ("From the hub", "qe.li")


@pytest.mark.parametrize("field", ["approvals", "history", "created_by"])
def test_import_replace_refuses_a_case_whose_approvals_or_history_were_changed(
    world: World, field: str, capsys: pytest.CaptureFixture[str]
) -> None:
    case = _stored(world)
    case.title = "changed, so it differs"
    FORGERIES[field](case)
    file = world.files / "replace.json"
    file.write_text(dumps_export([case]), encoding="utf-8")
    before = world.snapshot()
    code, err = world.run(capsys, "boss", "import", str(file), "--replace")
    assert code == 1
    assert f"error: cases[0].{field}" in err  # the message names the field
    assert world.snapshot() == before
    honest = _stored(world)
    honest.title = "changed, honestly"
    file.write_text(dumps_export([honest]), encoding="utf-8")
    assert world.run(capsys, "boss", "import", str(file), "--replace")[0] == 0
    assert _stored(world).title == "changed, honestly"

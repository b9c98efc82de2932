"""Sub-commands on the store and whole cases: init, db, demo, new, list, show, history,
update, import, export, schema, user."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from eightd import services
from eightd.cli.app import App
from eightd.domain import (
    Case,
    CaseStatus,
    Intake,
    Severity,
    Stage,
    case_from_dict,
    case_schema,
    case_to_dict,
    dumps_export,
    parse_export,
)
from eightd.domain.fields import decode
from eightd.errors import ValidationError
from eightd.i18n import t

__all__ = ["add_filters", "filters_of", "read_json_file", "register"]

MAX_IMPORT_BYTES = 256 * 1024 * 1024


def register(sub: Any, lang: str) -> None:
    def add(name: str, handler: Any) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = sub.add_parser(
            name, help=t(f"cli.{name}.help", lang), description=t(f"cli.{name}.help", lang)
        )
        parser.set_defaults(handler=handler)
        return parser

    add("init", cmd_init)

    db = add("db", None)
    db_sub = db.add_subparsers(dest="db_command", metavar="COMMAND", required=True)
    db_sub.add_parser("upgrade", help=t("cli.db.upgrade_help", lang)).set_defaults(
        handler=cmd_db_upgrade
    )
    db_sub.add_parser("current", help=t("cli.db.current_help", lang)).set_defaults(
        handler=cmd_db_current
    )

    p = add("demo", cmd_demo)
    p.add_argument("--today", type=date.fromisoformat, help=t("cli.demo.today", lang))

    p = add("new", cmd_new)
    p.add_argument("file", help=t("cli.new.file", lang))

    p = add("list", cmd_list)
    add_filters(p, lang)
    p.add_argument("--format", choices=["table", "json", "csv"], default="table")

    p = add("show", cmd_show)
    p.add_argument("number")
    p.add_argument("--json", action="store_true", help=t("cli.show.json", lang))

    p = add("history", cmd_history)
    p.add_argument("number")

    p = add("update", cmd_update)
    p.add_argument("file", help=t("cli.update.file", lang))
    p.add_argument("--expected-version", type=int, metavar="N", help=t("cli.update.version", lang))

    p = add("import", cmd_import)
    p.add_argument("file")

    p = add("export", cmd_export)
    p.add_argument("--format", choices=["json"], default="json")
    p.add_argument("-o", "--output", metavar="FILE", help=t("cli.export.output", lang))
    add_filters(p, lang)

    add("schema", cmd_schema)

    user = add("user", None)
    user_sub = user.add_subparsers(dest="user_command", metavar="COMMAND", required=True)
    p = user_sub.add_parser("add", help=t("cli.user.add_help", lang))
    p.add_argument("name")
    p.add_argument(
        "--role",
        action="append",
        default=[],
        metavar="ROLE",
        help=t("cli.user.role", lang),
    )
    p.add_argument("--display-name", default="")
    p.set_defaults(handler=cmd_user_add)
    user_sub.add_parser("list", help=t("cli.user.list_help", lang)).set_defaults(
        handler=cmd_user_list
    )


def add_filters(p: argparse.ArgumentParser, lang: str) -> None:
    p.add_argument("--status", choices=[s.value for s in CaseStatus])
    p.add_argument("--stage", choices=[s.value for s in Stage])
    p.add_argument("--severity", choices=[s.value for s in Severity])
    p.add_argument("--customer", help=t("cli.filter.customer", lang))
    p.add_argument("--product", help=t("cli.filter.product", lang))


def filters_of(args: argparse.Namespace) -> dict[str, Any]:
    keys = ("status", "stage", "severity", "customer", "product")
    return {k: getattr(args, k) for k in keys if getattr(args, k, None)}


# ---------------------------------------------------------------- store


def cmd_init(app: App, args: argparse.Namespace) -> int:
    store = app.store
    store.upgrade()
    with store.uow() as uow:
        if not uow.users.list():
            # the first user of a fresh store can do everything (single-user default)
            services.set_user_roles(uow, app.settings.user, services.cases.ROLES)
            app.out.line(app.t("cli.init.first_user", user=app.settings.user))
    app.out.line(app.t("cli.init.done", url=store.url))
    return 0


def cmd_db_upgrade(app: App, args: argparse.Namespace) -> int:
    from eightd.store import create_engine, upgrade

    engine = create_engine(app.settings.database_url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    app.out.line(app.t("cli.db.upgraded"))
    return 0


def cmd_db_current(app: App, args: argparse.Namespace) -> int:
    from eightd.store import create_engine, current_revision, head_revision

    engine = create_engine(app.settings.database_url)
    try:
        current = current_revision(engine)
    finally:
        engine.dispose()
    app.out.line(app.t("cli.db.current", current=current or "-", head=head_revision()))
    return 0


def cmd_demo(app: App, args: argparse.Namespace) -> int:
    from eightd.demo import demo_cases

    cases = demo_cases(args.today)
    with app.store.uow() as uow:
        present = [c.number for c in cases if uow.cases.exists(c.number)]
        if len(present) == len(cases):
            app.out.line(app.t("cli.demo.already", count=len(cases)))
            return 0
        if present:
            raise ValidationError("number", "error.reason.already_exists", value=present[0])
        if not uow.users.list():
            services.set_user_roles(uow, app.settings.user, services.cases.ROLES)
        services.import_cases(uow, cases, user=app.settings.user)
    app.out.line(app.t("cli.demo.loaded", count=len(cases), url=app.store.url))
    return 0


# ---------------------------------------------------------------- cases


def read_json_file(path: str) -> Any:
    """Parse an untrusted JSON file; errors name the file and say why."""
    try:
        raw = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except OSError as exc:
        raise ValidationError(path, "error.reason.unreadable", detail=exc.strerror) from None
    if len(raw) > MAX_IMPORT_BYTES:
        raise ValidationError(path, "error.reason.unreadable", detail="file too large")
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except RecursionError:
        raise ValidationError(path, "error.reason.bad_json", detail="nested too deeply") from None
    except ValueError as exc:  # bad UTF-8, bad JSON, a number of thousands of digits
        raise ValidationError(path, "error.reason.bad_json", detail=str(exc)) from None


def cmd_new(app: App, args: argparse.Namespace) -> int:
    data = read_json_file(args.file)
    if not isinstance(data, dict):
        raise ValidationError("$", "error.reason.not_object")
    data = dict(data)
    title = data.pop("title", "")
    if not isinstance(title, str):
        raise ValidationError("title", "error.reason.not_text")
    intake = decode(Intake, data.pop("intake", data), "intake")
    from eightd.cli.policy import policy_of

    policy = policy_of(app)
    with app.store.uow() as uow:
        stored = services.open_case(uow, intake, title=title, user=app.settings.user, policy=policy)
    app.out.line(app.t("cli.new.opened", number=stored.case.number))
    return 0


def cmd_list(app: App, args: argparse.Namespace) -> int:
    with app.store.uow() as uow:
        rows = services.list_cases(uow, **filters_of(args))
    if args.format == "json":
        app.out.json([_summary_dict(r) for r in rows])
        return 0
    headers = [app.t(f"cli.list.col.{k}") for k in _LIST_COLUMNS]
    values = [_summary_cells(app, r) for r in rows]
    if args.format == "csv":
        import csv

        writer = csv.writer(app.out.stream)
        writer.writerow(_LIST_COLUMNS)
        for r in rows:
            writer.writerow(_csv_safe(v) for v in _summary_dict(r).values())
        return 0
    app.out.table(headers, values)
    app.out.line(app.t("cli.list.count", count=len(rows)))
    return 0


_LIST_COLUMNS = (
    "number",
    "received",
    "customer",
    "product",
    "severity",
    "stage",
    "status",
    "title",
)


def _summary_cells(app: App, r: Any) -> list[str]:
    return [
        r.number,
        r.received_at.date().isoformat(),
        r.customer_name,
        r.product_number,
        app.t(f"enum.Severity.{r.severity}") if r.severity else "-",
        r.stage,
        app.t(f"enum.CaseStatus.{r.status}"),
        r.title,
    ]


def _summary_dict(r: Any) -> dict[str, Any]:
    return {
        "number": r.number,
        "received": r.received_at.isoformat(),
        "customer": r.customer_name,
        "product": r.product_number,
        "severity": r.severity,
        "stage": r.stage,
        "status": r.status,
        "title": r.title,
    }


def _csv_safe(value: Any) -> str:
    """Spreadsheet apps run cells starting with = + - @ as formulas: quote them."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def cmd_show(app: App, args: argparse.Namespace) -> int:
    if args.json:
        with app.store.uow() as uow:
            stored = services.load_case(uow, args.number)
        app.out.json(case_to_dict(stored.case))
        return 0
    from eightd.cli.policy import assessment_lines, policy_of
    from eightd.cli.show import print_case
    from eightd.services import workflow

    policy = policy_of(app)
    with app.store.uow() as uow:
        stored, result = workflow.assess_case(uow, args.number, policy)
    print_case(app, stored, assessment_lines(app, result, policy))
    return 0


def cmd_history(app: App, args: argparse.Namespace) -> int:
    with app.store.uow() as uow:
        entries = services.audit_trail(uow, args.number)
    headers = [app.t(f"cli.history.col.{k}") for k in ("at", "user", "action", "path", "change")]
    rows = [
        [
            e.at.isoformat(timespec="seconds"),
            e.user,
            e.action,
            e.path or "-",
            f"{_short(e.old_value)} -> {_short(e.new_value)}",
        ]
        for e in entries
    ]
    app.out.table(headers, rows, max_width=60)
    return 0


def _short(value: Any) -> str:
    return "∅" if value is None else json.dumps(value, ensure_ascii=False)


def cmd_update(app: App, args: argparse.Namespace) -> int:
    case = case_from_dict(read_json_file(args.file))
    with app.store.uow() as uow:
        version = args.expected_version
        if version is None:
            version = services.load_case(uow, case.number).version
        stored = services.replace_case(uow, case, expected_version=version, user=app.settings.user)
    app.out.line(app.t("cli.update.saved", number=case.number, version=stored.version))
    return 0


def cmd_import(app: App, args: argparse.Namespace) -> int:
    cases = parse_export(read_json_file(args.file))
    with app.store.uow() as uow:
        numbers = services.import_cases(uow, cases, user=app.settings.user)
    app.out.line(app.t("cli.import.done", count=len(numbers)))
    return 0


def cmd_export(app: App, args: argparse.Namespace) -> int:
    with app.store.uow() as uow:
        cases: list[Case] = services.export_cases(uow, **filters_of(args))
    text = dumps_export(cases)
    if not args.output or args.output == "-":
        app.out.stream.write(text)
        return 0
    _write_atomically(Path(args.output), text)
    print(app.t("cli.export.done", count=len(cases), path=args.output), file=sys.stderr)
    return 0


def _write_atomically(path: Path, text: str) -> None:
    """Write to a temporary file beside ``path`` and rename it: no half-written exports."""
    path = path.expanduser()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except OSError as exc:
        raise ValidationError(str(path), "error.reason.unreadable", detail=exc.strerror) from None


def cmd_schema(app: App, args: argparse.Namespace) -> int:
    app.out.json(case_schema())
    return 0


def cmd_user_add(app: App, args: argparse.Namespace) -> int:
    with app.store.uow() as uow:
        user = services.set_user_roles(uow, args.name, args.role, display_name=args.display_name)
    app.out.line(app.t("cli.user.saved", name=user.name, roles=", ".join(sorted(user.roles))))
    return 0


def cmd_user_list(app: App, args: argparse.Namespace) -> int:
    with app.store.uow() as uow:
        users = uow.users.list()
    app.out.table(
        [app.t("cli.user.col.name"), app.t("cli.user.col.roles")],
        [[u.name, ", ".join(sorted(u.roles))] for u in users],
    )
    return 0

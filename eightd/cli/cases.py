"""Sub-commands on the store and whole cases: init, db, demo, new, list, show, history,
update, import, export, schema, user."""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO

from eightd.cli.app import App, add_at, add_version
from eightd.domain import (
    CaseStatus,
    Intake,
    Severity,
    Stage,
    case_from_dict,
    case_schema,
    case_to_dict,
    iter_export,
    write_export,
)
from eightd.domain.fields import decode
from eightd.errors import ValidationError
from eightd.i18n import t

__all__ = ["VERSION_KEY", "add_filters", "filters_of", "read_json_file", "register"]

# one case or one item typed by a user (``new``, ``update``, ``put`` ...); whole exports
# go through ``import``, streamed, under the EIGHTD_MAX_IMPORT_MB setting
MAX_JSON_BYTES = 64 * 1024 * 1024
# the key under which `eightd show --json` records the version the document was read at
VERSION_KEY = "version"


def register(sub: Any, lang: str) -> None:
    def add(name: str, handler: Any) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = sub.add_parser(
            name, help=t(f"cli.{name}.help", lang), description=t(f"cli.{name}.help", lang)
        )
        parser.set_defaults(handler=handler)
        return parser

    p = add("init", cmd_init)
    p.add_argument("--admin", metavar="NAME", help=t("cli.init.admin", lang))

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
    add_at(p, lang)

    p = add("list", cmd_list)
    add_filters(p, lang)
    p.add_argument("--format", choices=["table", "json", "csv"], default="table")

    p = add("show", cmd_show)
    p.add_argument("number")
    p.add_argument("--json", action="store_true", help=t("cli.show.json", lang))
    add_at(p, lang)

    p = add("history", cmd_history)
    p.add_argument("number")

    p = add("update", cmd_update)
    p.add_argument("file", help=t("cli.update.file", lang))
    add_version(p, lang)
    add_at(p, lang)

    p = add("import", cmd_import)
    p.add_argument("file")
    p.add_argument("--replace", action="store_true", help=t("cli.import.replace", lang))
    p.add_argument("--dry-run", action="store_true", help=t("cli.import.dry_run", lang))
    add_at(p, lang)
    # .xlsx / .csv files are legacy complaint registers (eightd.cli.analytics)
    p.add_argument("--map", metavar="MAP.toml", help=t("analytics.import.map_help", lang))
    p.add_argument("--reject", metavar="FILE.csv", help=t("analytics.import.reject_help", lang))

    p = add("export", cmd_export)
    p.add_argument("--format", choices=["json", "xlsx", "csv"], default="json")
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
    add_at(p, lang)
    p.set_defaults(handler=cmd_user_add)
    user_sub.add_parser("list", help=t("cli.user.list_help", lang)).set_defaults(
        handler=cmd_user_list
    )
    p = user_sub.add_parser("history", help=t("cli.user.history_help", lang))
    p.add_argument("name", nargs="?")
    p.set_defaults(handler=cmd_user_history)


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
    application = app.application
    first = application.init_store(args.admin)
    if first is not None:  # a store without users: its first user administers it
        roles = ", ".join(sorted(first.roles))
        app.out.line(app.t("cli.init.first_user", user=first.name, roles=roles))
    app.out.line(app.t("cli.init.done", url=application.store_url))
    return 0


def cmd_db_upgrade(app: App, args: argparse.Namespace) -> int:
    app.application.upgrade_schema()
    app.out.line(app.t("cli.db.upgraded"))
    return 0


def cmd_db_current(app: App, args: argparse.Namespace) -> int:
    current, head = app.application.schema_revisions()
    app.out.line(app.t("cli.db.current", current=current or "-", head=head))
    return 0


def cmd_demo(app: App, args: argparse.Namespace) -> int:
    count, already, first = app.application.load_demo(args.today)
    if already:
        app.out.line(app.t("cli.demo.already", count=count))
        return 0
    if first:
        app.out.line(app.t("cli.demo.first_user", user=app.application.user))
    app.out.line(app.t("cli.demo.loaded", count=count, url=app.application.store_url))
    return 0


# ---------------------------------------------------------------- cases


def read_json_file(path: str) -> Any:
    """Parse an untrusted JSON file; errors name the file and say why."""
    with open_import_file(path, MAX_JSON_BYTES) as stream:  # the size is checked first
        raw = stream.read()
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
    # constraints are checked when the case is opened, every missing fact at once
    intake = decode(Intake, data.pop("intake", data), "intake", check=False)
    stored = app.application.open_complaint(intake, title=title)
    app.out.line(app.t("cli.new.opened", number=stored.case.number))
    # a repeat of a closed case is flagged and graded at once
    earlier = app.application.flag_recurrence(stored.case.number, at=stored.updated_at)
    if earlier:
        grade = app.application.policy.analytics.recurrence_severity.value
        severity = app.t(f"enum.Severity.{grade}")
        app.out.line(
            app.t(
                "analytics.recurrence.flagged",
                number=stored.case.number,
                earlier=earlier,
                severity=severity,
            )
        )
    return 0


def cmd_list(app: App, args: argparse.Namespace) -> int:
    rows = app.application.list_cases(**filters_of(args))
    if args.format == "json":
        app.out.json([_summary_dict(app, r) for r in rows])
        return 0
    headers = [app.t(f"cli.list.col.{k}") for k in _LIST_COLUMNS]
    values = [_summary_cells(app, r) for r in rows]
    if args.format == "csv":
        import csv

        writer = csv.writer(app.out.stream)
        writer.writerow(_LIST_COLUMNS)
        for r in rows:
            writer.writerow(_csv_safe(v) for v in _summary_dict(app, r).values())
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
        app.local(r.received_at).date().isoformat(),
        r.customer_name,
        r.product_number,
        app.t(f"enum.Severity.{r.severity}") if r.severity else "-",
        r.stage,
        app.t(f"enum.CaseStatus.{r.status}"),
        r.title,
    ]


def _summary_dict(app: App, r: Any) -> dict[str, Any]:
    return {
        "number": r.number,
        "received": app.local(r.received_at).isoformat(),
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
        # the version it was read at travels with the document: `eightd update` of this
        # file is refused once someone else has saved the case meanwhile
        stored = app.application.load(args.number)
        app.out.json({VERSION_KEY: stored.version, **case_to_dict(stored.case)})
        return 0
    from eightd.cli.show import print_case

    print_case(app, app.application.view(args.number))
    return 0


def cmd_history(app: App, args: argparse.Namespace) -> int:
    entries = app.application.history(args.number)
    headers = [app.t(f"cli.history.col.{k}") for k in ("at", "user", "action", "path", "change")]
    rows = [
        [
            app.local(e.at).isoformat(timespec="seconds"),
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
    data = read_json_file(args.file)
    version = args.version
    if isinstance(data, dict) and VERSION_KEY in data:
        data = dict(data)
        read_at = data.pop(VERSION_KEY)
        if not isinstance(read_at, int) or isinstance(read_at, bool) or read_at < 1:
            raise ValidationError(VERSION_KEY, "error.reason.not_integer")
        version = read_at if version is None else version
    case = case_from_dict(data)
    stored = app.application.replace(case, version=version)
    app.out.line(app.t("cli.update.saved", number=case.number, version=stored.version))
    return 0


def cmd_import(app: App, args: argparse.Namespace) -> int:
    if Path(args.file).suffix.lower() in (".xlsx", ".xlsm", ".csv"):
        from eightd.cli.analytics import cmd_import_register

        return cmd_import_register(app, args)
    """Stream the file into one transaction: its size is checked before it is read, and
    memory holds one case at a time however large the file."""
    with open_import_file(args.file, app.settings.max_import_bytes) as stream:
        try:
            result = app.application.import_cases(
                iter_export(stream), replace=args.replace, dry_run=args.dry_run
            )
        except RecursionError:
            raise ValidationError(
                args.file, "error.reason.bad_json", detail="nested too deeply"
            ) from None
        except ValueError as exc:  # bad UTF-8, bad JSON
            raise ValidationError(args.file, "error.reason.bad_json", detail=str(exc)) from None
    key = "cli.import.dry_run_done" if result.dry_run else "cli.import.done"
    counts = {"unchanged": len(result.unchanged), "replaced": len(result.replaced)}
    app.out.line(app.t(key, count=len(result.added), **counts))
    return 0


class _Limited(io.RawIOBase):
    """A binary stream that refuses to go past ``limit`` bytes (stdin, a FIFO, a file
    that grows while it is read)."""

    def __init__(self, raw: BinaryIO, limit: int, name: str) -> None:
        self._raw, self._left, self._limit, self._name = raw, limit, limit, name

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._raw.read(min(len(buffer), self._left + 1))
        if len(data) > self._left:
            raise _too_large(self._name, self._limit)
        self._left -= len(data)
        buffer[: len(data)] = data
        return len(data)


def _too_large(path: str, limit: int) -> ValidationError:
    return ValidationError(path, "error.reason.too_large", limit_mb=limit // 2**20)


@contextmanager
def open_import_file(path: str, limit: int) -> Iterator[BinaryIO]:
    """An untrusted file to import, opened for streaming; a regular file larger than
    ``limit`` bytes is refused before anything is read."""
    try:
        raw: BinaryIO = sys.stdin.buffer if path == "-" else open(path, "rb")  # noqa: SIM115
    except OSError as exc:
        raise ValidationError(path, "error.reason.unreadable", detail=exc.strerror) from None
    try:
        if path != "-" and os.fstat(raw.fileno()).st_size > limit:
            raise _too_large(path, limit)
        yield io.BufferedReader(_Limited(raw, limit, path))
    except OSError as exc:
        raise ValidationError(path, "error.reason.unreadable", detail=exc.strerror) from None
    finally:
        if path != "-":
            raw.close()


def cmd_export(app: App, args: argparse.Namespace) -> int:
    """Cases stream from the store in batches straight into the file (JSON); the ledger
    is written as a register (xlsx, csv)."""
    if args.format in ("xlsx", "csv"):
        from eightd.cli.analytics import cmd_export_ledger

        return cmd_export_ledger(app, args)
    from eightd.files import output_file

    target = args.output or "-"
    with output_file(target, stdout=app.out.stream) as fh:
        count = write_export(app.application.iter_export(**filters_of(args)), fh)
    if target != "-":
        print(app.t("cli.export.done", count=count, path=target), file=sys.stderr)
    return 0


def cmd_schema(app: App, args: argparse.Namespace) -> int:
    app.out.json(case_schema())
    return 0


def cmd_user_add(app: App, args: argparse.Namespace) -> int:
    user = app.application.set_user_roles(args.name, args.role, display_name=args.display_name)
    app.out.line(app.t("cli.user.saved", name=user.name, roles=", ".join(sorted(user.roles))))
    return 0


def cmd_user_list(app: App, args: argparse.Namespace) -> int:
    users = app.application.users()
    last = {c.name: c for c in app.application.user_history()}
    app.out.table(
        [app.t(f"cli.user.col.{k}") for k in ("name", "roles", "changed_by", "changed_at")],
        [
            [
                u.name,
                ", ".join(sorted(u.roles)) or "-",
                last[u.name].actor if u.name in last else "-",
                last[u.name].at.isoformat(timespec="seconds") if u.name in last else "-",
            ]
            for u in users
        ],
    )
    return 0


def cmd_user_history(app: App, args: argparse.Namespace) -> int:
    changes = app.application.user_history(args.name)
    app.out.table(
        [app.t(f"cli.user.col.{k}") for k in ("at", "changed_by", "name", "action", "change")],
        [
            [
                c.at.isoformat(timespec="seconds"),
                c.actor,
                c.name,
                app.t(f"cli.user.action.{c.action}"),
                f"{_roles_text(c.old_roles)} -> {_roles_text(c.new_roles)}",
            ]
            for c in changes
        ],
    )
    return 0


def _roles_text(roles: Any) -> str:
    return "∅" if roles is None else (", ".join(sorted(roles)) or "-")

"""Sub-commands that edit stage content: put / remove items, team, problem, validity,
standardization, and the customer contact log."""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import Any

from eightd import services
from eightd.cli.app import App, parse_when
from eightd.cli.cases import read_json_file
from eightd.domain import (
    Channel,
    Contact,
    ContactDirection,
    ProblemDescription,
    StandardizationItem,
    TeamMember,
    Validity,
)
from eightd.domain.fields import decode
from eightd.errors import ValidationError
from eightd.i18n import t
from eightd.services.stages import _ITEM_TYPES

__all__ = ["register"]


def register(sub: Any, lang: str) -> None:
    def add(name: str, handler: Any) -> argparse.ArgumentParser:
        text = t(f"cli.{name}.help", lang)
        parser: argparse.ArgumentParser = sub.add_parser(name, help=text, description=text)
        parser.set_defaults(handler=handler)
        parser.add_argument("number")
        return parser

    p = add("put", cmd_put)
    p.add_argument("collection", choices=list(_ITEM_TYPES))
    p.add_argument("file", help=t("cli.put.file", lang))
    p.add_argument("--expected-version", type=int, metavar="N")

    p = add("remove", cmd_remove)
    p.add_argument("collection", choices=list(_ITEM_TYPES))
    p.add_argument("item_id")
    p.add_argument("--expected-version", type=int, metavar="N")

    p = add("team", cmd_team)
    p.add_argument("file", help=t("cli.team.file", lang))

    p = add("problem", cmd_problem)
    p.add_argument("file", help=t("cli.problem.file", lang))

    p = add("standardize", cmd_standardize)
    p.add_argument("file", help=t("cli.standardize.file", lang))

    p = add("validity", cmd_validity)
    p.add_argument("validity", choices=[v.value for v in Validity])
    p.add_argument("--note", default="", help=t("cli.validity.note", lang))

    p = add("set", cmd_set)
    p.add_argument("assignments", nargs="+", metavar="FIELD=VALUE", help=t("cli.set.assign", lang))
    p.add_argument("--expected-version", type=int, metavar="N")

    p = add("contact", cmd_contact)
    p.add_argument("--summary", required=True, help=t("cli.contact.summary", lang))
    p.add_argument("--channel", choices=[c.value for c in Channel], default="phone")
    p.add_argument("--direction", choices=[d.value for d in ContactDirection], default="outbound")
    p.add_argument("--promise", default="", help=t("cli.contact.promise", lang))
    p.add_argument("--next-reply", metavar="DATETIME", help=t("cli.contact.next_reply", lang))
    p.add_argument("--at", metavar="DATETIME", help=t("cli.contact.at", lang))


def cmd_put(app: App, args: argparse.Namespace) -> int:
    # the id may be empty (the service assigns one); the whole case is validated on save
    item: Any = decode(
        _ITEM_TYPES[args.collection], read_json_file(args.file), args.collection, check=False
    )
    with app.store.uow() as uow:
        stored, item_id = services.put_item(
            uow,
            args.number,
            args.collection,
            item,
            user=app.settings.user,
            expected_version=args.expected_version,
        )
    app.out.line(app.t("cli.put.saved", id=item_id, number=args.number, version=stored.version))
    return 0


def cmd_remove(app: App, args: argparse.Namespace) -> int:
    with app.store.uow() as uow:
        stored = services.remove_item(
            uow,
            args.number,
            args.collection,
            args.item_id,
            user=app.settings.user,
            expected_version=args.expected_version,
        )
    app.out.line(app.t("cli.saved", number=args.number, version=stored.version))
    return 0


def cmd_team(app: App, args: argparse.Namespace) -> int:
    data = read_json_file(args.file)
    if not isinstance(data, list):
        raise ValidationError("team", "error.reason.not_list")
    members = [decode(TeamMember, m, f"team[{i}]") for i, m in enumerate(data)]
    with app.store.uow() as uow:
        stored = services.set_team(uow, args.number, members, user=app.settings.user)
    app.out.line(app.t("cli.saved", number=args.number, version=stored.version))
    return 0


def cmd_problem(app: App, args: argparse.Namespace) -> int:
    problem = decode(ProblemDescription, read_json_file(args.file), "problem")
    with app.store.uow() as uow:
        stored = services.describe_problem(uow, args.number, problem, user=app.settings.user)
    app.out.line(app.t("cli.saved", number=args.number, version=stored.version))
    return 0


def cmd_standardize(app: App, args: argparse.Namespace) -> int:
    item = decode(StandardizationItem, read_json_file(args.file), "standardization")
    with app.store.uow() as uow:
        stored = services.add_standardization(uow, args.number, item, user=app.settings.user)
    app.out.line(app.t("cli.saved", number=args.number, version=stored.version))
    return 0


def cmd_validity(app: App, args: argparse.Namespace) -> int:
    with app.store.uow() as uow:
        stored = services.set_validity(
            uow, args.number, Validity(args.validity), args.note, user=app.settings.user
        )
    app.out.line(app.t("cli.saved", number=args.number, version=stored.version))
    return 0


def cmd_set(app: App, args: argparse.Namespace) -> int:
    values: dict[str, object] = {}
    for assignment in args.assignments:
        name, sep, value = assignment.partition("=")
        if not sep:
            raise ValidationError(assignment, "error.reason.not_assignment")
        name = name.strip()
        if name == "read_across":  # a list: one entry per ';'
            values[name] = [v.strip() for v in value.split(";") if v.strip()]
        else:
            values[name] = value if value != "" else None
    with app.store.uow() as uow:
        stored = services.set_fields(
            uow,
            args.number,
            values,
            user=app.settings.user,
            expected_version=args.expected_version,
        )
    app.out.line(app.t("cli.saved", number=args.number, version=stored.version))
    return 0


def cmd_contact(app: App, args: argparse.Namespace) -> int:
    now = datetime.now().astimezone()
    contact = Contact(
        at=parse_when(args.at, "at") if args.at else now,
        by=app.settings.user,
        channel=Channel(args.channel),
        direction=ContactDirection(args.direction),
        summary=args.summary,
        promise=args.promise,
        next_reply_due=parse_when(args.next_reply, "next_reply_due") if args.next_reply else None,
    )
    with app.store.uow() as uow:
        stored = services.log_contact(uow, args.number, contact, user=app.settings.user)
    app.out.line(app.t("cli.saved", number=args.number, version=stored.version))
    return 0

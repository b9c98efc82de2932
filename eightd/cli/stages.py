"""Sub-commands that edit stage content: put / remove items, team, problem, validity,
standardization, and the customer contact log."""

from __future__ import annotations

import argparse
from typing import Any

from eightd.application import ITEM_COLLECTIONS
from eightd.cli.app import App, add_at, add_version, parse_when
from eightd.cli.cases import read_json_file
from eightd.domain import (
    Cause,
    Channel,
    Contact,
    ContactDirection,
    ContainmentAction,
    CorrectiveAction,
    ProblemDescription,
    StandardizationItem,
    TeamMember,
    Validity,
    Verification,
)
from eightd.domain.fields import decode
from eightd.errors import ValidationError
from eightd.i18n import t

__all__ = ["register"]


def register(sub: Any, lang: str) -> None:
    def add(name: str, handler: Any) -> argparse.ArgumentParser:
        text = t(f"cli.{name}.help", lang)
        parser: argparse.ArgumentParser = sub.add_parser(name, help=text, description=text)
        parser.set_defaults(handler=handler)
        parser.add_argument("number")
        add_version(parser, lang)
        return parser

    p = add("put", cmd_put)
    p.add_argument("collection", choices=list(ITEM_COLLECTIONS))
    p.add_argument("file", help=t("cli.put.file", lang))
    add_at(p, lang)

    p = add("remove", cmd_remove)
    p.add_argument("collection", choices=list(ITEM_COLLECTIONS))
    p.add_argument("item_id")
    add_at(p, lang)

    p = add("team", cmd_team)
    p.add_argument("file", help=t("cli.team.file", lang))
    add_at(p, lang)

    p = add("problem", cmd_problem)
    p.add_argument("file", help=t("cli.problem.file", lang))
    add_at(p, lang)

    p = add("standardize", cmd_standardize)
    p.add_argument("file", help=t("cli.standardize.file", lang))
    add_at(p, lang)

    p = add("validity", cmd_validity)
    p.add_argument("validity", choices=[v.value for v in Validity])
    p.add_argument("--note", default="", help=t("cli.validity.note", lang))
    add_at(p, lang)

    p = add("set", cmd_set)
    p.add_argument("assignments", nargs="+", metavar="FIELD=VALUE", help=t("cli.set.assign", lang))
    add_at(p, lang)

    p = add("contact", cmd_contact)
    p.add_argument("--summary", required=True, help=t("cli.contact.summary", lang))
    p.add_argument("--channel", choices=[c.value for c in Channel], default="phone")
    p.add_argument("--direction", choices=[d.value for d in ContactDirection], default="outbound")
    p.add_argument("--promise", default="", help=t("cli.contact.promise", lang))
    p.add_argument("--next-reply", metavar="DATETIME", help=t("cli.contact.next_reply", lang))
    add_at(p, lang, "cli.contact.at")


def _item_type(collection: str) -> type:
    return {
        "containment": ContainmentAction,
        "causes": Cause,
        "actions": CorrectiveAction,
        "verifications": Verification,
    }[collection]


def cmd_put(app: App, args: argparse.Namespace) -> int:
    # the id may be empty (the service assigns one); the whole case is validated on save
    item: Any = decode(
        _item_type(args.collection), read_json_file(args.file), args.collection, check=False
    )
    stored, item_id = app.application.put_item(
        args.number, args.collection, item, version=args.version
    )
    app.out.line(app.t("cli.put.saved", id=item_id, number=args.number, version=stored.version))
    return 0


def cmd_remove(app: App, args: argparse.Namespace) -> int:
    stored = app.application.remove_item(
        args.number, args.collection, args.item_id, version=args.version
    )
    app.out.line(app.t("cli.saved", number=args.number, version=stored.version))
    return 0


def cmd_team(app: App, args: argparse.Namespace) -> int:
    data = read_json_file(args.file)
    if not isinstance(data, list):
        raise ValidationError("team", "error.reason.not_list")
    members = [decode(TeamMember, m, f"team[{i}]") for i, m in enumerate(data)]
    stored = app.application.set_team(args.number, members, version=args.version)
    app.out.line(app.t("cli.saved", number=args.number, version=stored.version))
    return 0


def cmd_problem(app: App, args: argparse.Namespace) -> int:
    problem = decode(ProblemDescription, read_json_file(args.file), "problem")
    stored = app.application.describe_problem(args.number, problem, version=args.version)
    app.out.line(app.t("cli.saved", number=args.number, version=stored.version))
    return 0


def cmd_standardize(app: App, args: argparse.Namespace) -> int:
    item = decode(StandardizationItem, read_json_file(args.file), "standardization")
    stored = app.application.add_standardization(args.number, item, version=args.version)
    app.out.line(app.t("cli.saved", number=args.number, version=stored.version))
    return 0


def cmd_validity(app: App, args: argparse.Namespace) -> int:
    stored = app.application.set_validity(
        args.number, Validity(args.validity), args.note, version=args.version
    )
    app.out.line(app.t("cli.saved", number=args.number, version=stored.version))
    return 0


def cmd_set(app: App, args: argparse.Namespace) -> int:
    values: dict[str, object] = {}
    for assignment in args.assignments:
        name, sep, value = assignment.partition("=")
        if not sep:
            raise ValidationError(assignment, "error.reason.not_assignment", value=assignment)
        name = name.strip()
        if name == "read_across":  # a list: one entry per ';'
            values[name] = [v.strip() for v in value.split(";") if v.strip()]
        else:
            values[name] = value if value != "" else None
    stored = app.application.set_fields(args.number, values, version=args.version)
    app.out.line(app.t("cli.saved", number=args.number, version=stored.version))
    return 0


def cmd_contact(app: App, args: argparse.Namespace) -> int:
    contact = Contact(
        at=app.now(),  # --at: when the exchange took place (default: now)
        by="",  # the service records the acting user
        channel=Channel(args.channel),
        direction=ContactDirection(args.direction),
        summary=args.summary,
        promise=args.promise,
        next_reply_due=(
            parse_when(args.next_reply, "next_reply_due", app.policy.tz)
            if args.next_reply
            else None
        ),
    )
    stored = app.application.log_contact(args.number, contact, version=args.version)
    app.out.line(app.t("cli.saved", number=args.number, version=stored.version))
    return 0

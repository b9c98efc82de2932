"""The ``eightd`` command line. Each area registers its sub-commands from its own module.

Handlers receive an :class:`App` (the application built from settings, the
output language) and the parsed arguments, call the services, and print.
Errors of eightd reach the user as one sentence in their language; exit codes:
0 ok, 1 refused or failed (EightDError, blocking lint finding), 2 usage.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from eightd.errors import EightDError
from eightd.i18n import default_lang, normalize_lang, t

if TYPE_CHECKING:
    from eightd.cli.app import App

__all__ = ["COMMAND_MODULES", "App", "build_parser", "main"]

COMMAND_MODULES: tuple[str, ...] = (
    "eightd.cli.cases",
    "eightd.cli.stages",
    "eightd.cli.policy",
    "eightd.cli.report",
    "eightd.cli.analytics",
    "eightd.cli.serve",
    "eightd.cli.ledger",
    "eightd.cli.calendar",
)


def __getattr__(name: str) -> Any:
    # the application is loaded with the commands, not with this module (see main)
    if name == "App":
        from eightd.cli.app import App

        return App
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _lang_from_argv(argv: Sequence[str]) -> str:
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return normalize_lang(argv[i + 1])
        if arg.startswith("--lang="):
            return normalize_lang(arg.split("=", 1)[1])
    return default_lang()


def build_parser(lang: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="eightd",
        description=t("cli.description", lang),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--db", metavar="URL", help=t("cli.opt.db", lang))
    parser.add_argument("--user", metavar="NAME", help=t("cli.opt.user", lang))
    parser.add_argument("--lang", choices=["zh", "en"], help=t("cli.opt.lang", lang))
    parser.add_argument("--policy", metavar="FILE", help=t("cli.opt.policy", lang))
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:  # a real missing dependency inside the module
                raise
            continue
        module.register(subparsers, lang)
    _translate_argparse(parser, lang)
    return parser


def _translate_argparse(parser: argparse.ArgumentParser, lang: str) -> None:
    """argparse's own words (usage, options, -h) in the user's language, on every parser."""

    class Formatter(argparse.RawDescriptionHelpFormatter):
        def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: Any = None) -> None:
            super().add_usage(usage, actions, groups, t("cli.argparse.usage", lang))

    parser.formatter_class = Formatter
    parser._positionals.title = t("cli.argparse.positionals", lang)
    parser._optionals.title = t("cli.argparse.options", lang)
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            action.help = t("cli.argparse.help", lang)
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                _translate_argparse(child, lang)


def _is_text(arg: str) -> bool:
    try:
        arg.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    lang = _lang_from_argv(args_list)
    for arg in args_list:
        if not _is_text(arg):  # bytes the terminal's encoding could not decode
            shown = ascii(arg.encode("utf-8", "surrogateescape"))[1:]
            print(t("cli.error_prefix", lang) + t("cli.bad_argument", lang, arg=shown),
                  file=sys.stderr)  # fmt: skip
            return 2
    if "report" in args_list and "--all" in args_list:
        # a batch of reports: the fork server of its workers imports the report code
        # while this process loads the commands (the application, the store)
        from eightd.reports.batch import start_fork_server

        start_fork_server()
    from eightd.cli.app import App, Printer, parse_when
    from eightd.settings import Settings

    parser = build_parser(lang)
    args = parser.parse_args(args_list)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        settings = Settings.from_env(
            database_url=args.db, user=args.user, lang=args.lang, policy_path=args.policy
        )
    except EightDError as exc:  # a malformed setting in the environment
        print(t("cli.error_prefix", lang) + exc.message(lang), file=sys.stderr)
        return 1
    app = App(settings, Printer(sys.stdout))
    try:
        if settings.policy_path and getattr(args, "uses_policy", True):
            # a policy file that was named must exist and be valid, for every command
            # (list and export print no deadline, but must not ignore a mistyped name)
            app.policy  # noqa: B018
        at = getattr(args, "at", None)
        if at:  # the clock seam: every time the command records is this moment
            fixed = parse_when(at, "at", app.policy.tz)
            app = App(settings, app.out, now=lambda: fixed)
        return int(args.handler(app, args) or 0)
    except EightDError as exc:
        print(t("cli.error_prefix", settings.lang) + exc.message(settings.lang), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # e.g. `eightd list | head`: the reader left, which is fine
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the flush at exit
        return 0
    finally:
        app.close()

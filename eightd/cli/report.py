"""``eightd report``: the 8D report of one case, or of every case matching filters.

eightd report 202611-0007 --format html --format pdf --lang zh --out reports/
eightd report --all --status closed --format xlsx --jobs 2
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path
from typing import Any

from eightd.cli.app import App
from eightd.cli.cases import add_filters, filters_of
from eightd.i18n import t
from eightd.reports.jupyter_tuning import skip_format_checkers
from eightd.reports.request import FORMATS

__all__ = ["register"]


def register(sub: Any, lang: str) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "report", help=t("report.cli.help", lang), description=t("report.cli.help", lang)
    )
    p.set_defaults(handler=cmd_report)
    p.add_argument("number", nargs="?", help=t("report.cli.number", lang))
    p.add_argument("--all", action="store_true", help=t("report.cli.all", lang))
    p.add_argument(
        "--format",
        action="append",
        metavar="|".join(FORMATS),
        help=t("report.cli.format", lang),
    )
    # also accepted after the sub-command; the global --lang sets the same value
    p.add_argument(
        "--lang", choices=["zh", "en"], default=argparse.SUPPRESS, help=t("cli.opt.lang", lang)
    )
    p.add_argument("--out", metavar="DIR", default=".", help=t("report.cli.out", lang))
    p.add_argument("--jobs", type=int, metavar="N", help=t("report.cli.jobs", lang))
    p.add_argument("--source", metavar="FILE.json", help=t("report.cli.source", lang))
    p.add_argument(  # the clock seam: the report date (see eightd.cli.main)
        "--at",
        "--as-of",
        dest="at",
        metavar="YYYY-MM-DDTHH:MM+08:00",
        help=t("report.cli.as_of", lang),
    )
    add_filters(p, lang)


def _numbers(app: App, args: argparse.Namespace) -> list[str]:
    if args.source:
        return sorted(c.number for c in app.application.read_export(args.source))
    return app.application.numbers(**filters_of(args))


def cmd_report(app: App, args: argparse.Namespace) -> int:
    if not args.number and not args.all:
        print(app.t("report.cli.need_number"), file=sys.stderr)
        return 2
    options: dict[str, Any] = {
        "formats": args.format or ["html"],
        "out_dir": args.out,
        "lang": app.lang,
        "source": str(Path(args.source).resolve()) if args.source else None,
    }
    skip_format_checkers()  # the CLI owns its process (see eightd.reports.jupyter_tuning)
    if not args.all:
        # the case is read (a wrong number told) before a kernel starts
        result = app.application.report(args.number, **options)
        for path in result.files.values():
            app.out.line(str(path))
        return 0
    numbers = _numbers(app, args)
    if not numbers:
        app.out.line(app.t("report.cli.no_cases"))
        return 0
    # SIGTERM unwinds like Ctrl-C: the pool stops its workers, kernels and browser at once
    main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _stop) if main else None
    try:
        items = app.application.reports(numbers, jobs=args.jobs, progress=True, **options)
    finally:
        if main:
            signal.signal(signal.SIGTERM, previous)
    failed = [i for i in items if not i.ok]
    for item in failed:
        message = item.error.message(app.lang) if item.error else ""
        print(app.t("report.cli.failed", number=item.number, message=message), file=sys.stderr)
    out = Path(args.out).resolve()
    app.out.line(
        app.t("report.cli.batch_done", ok=len(items) - len(failed), out=out, failed=len(failed))
    )
    return 1 if failed else 0


def _stop(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)

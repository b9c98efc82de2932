"""``eightd serve``: the browser workbench on this machine (Voilà on 127.0.0.1)."""

from __future__ import annotations

import argparse
from typing import Any

from eightd.cli.app import App, parse_when
from eightd.i18n import t

__all__ = ["register"]


def register(sub: Any, lang: str) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "serve", help=t("ui.cli.help", lang), description=t("ui.cli.help", lang)
    )
    p.set_defaults(handler=cmd_serve)
    p.add_argument("--port", type=int, default=8866, help=t("ui.cli.port", lang))
    p.add_argument("--no-preheat", action="store_true", help=t("ui.cli.no_preheat", lang))
    p.add_argument("--pool-size", type=int, default=1, metavar="N", help=t("ui.cli.pool", lang))
    p.add_argument(
        "--cull-idle", type=int, default=900, metavar="SECONDS", help=t("ui.cli.cull", lang)
    )
    p.add_argument("--at", metavar="YYYY-MM-DDTHH:MM+08:00", help=t("ui.cli.at", lang))


def cmd_serve(app: App, args: argparse.Namespace) -> int:
    from eightd.ui.serve import ServeOptions, run

    at = parse_when(args.at, "at").isoformat() if args.at else ""
    options = ServeOptions(
        port=args.port,
        preheat=not args.no_preheat,
        pool_size=max(1, args.pool_size),
        cull_idle_seconds=max(60, args.cull_idle),
        at=at,
    )
    app.out.line(app.t("ui.cli.url", url=options.url))
    app.out.stream.flush()
    return run(options)

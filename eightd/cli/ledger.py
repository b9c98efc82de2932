"""``eightd ledger``: the ledger (跟踪台账) page by page, and ``eightd ledger refresh``.

The ledger is read in SQL from columns kept on every save: the current stage, its
due time and state (overdue, due soon, on time), the escalation level, the owner.
"""

from __future__ import annotations

import argparse
from typing import Any

from eightd.cli.app import App, add_at, parse_day, parse_when
from eightd.cli.cases import add_filters, filters_of
from eightd.i18n import t

__all__ = ["register"]

SORTS = (
    "number",
    "received",
    "due",
    "severity",
    "escalation",
    "stage",
    "status",
    "customer",
    "product",
    "owner",
    "title",
)


def register(sub: Any, lang: str) -> None:
    text = t("app.ledger.help", lang)
    p: argparse.ArgumentParser = sub.add_parser("ledger", help=text, description=text)
    p.set_defaults(handler=cmd_ledger)
    p.add_argument(
        "action", nargs="?", choices=["show", "refresh", "rebuild"], default="show",
        help=t("app.ledger.action", lang),
    )  # fmt: skip
    add_filters(p, lang)
    p.add_argument("--overdue", action="store_true", help=t("app.ledger.overdue", lang))
    p.add_argument("--from", dest="received_from", metavar="DATE", help=t("app.ledger.from", lang))
    p.add_argument("--to", dest="received_to", metavar="DATE", help=t("app.ledger.to", lang))
    p.add_argument("--search", default="", metavar="TEXT", help=t("app.ledger.search", lang))
    p.add_argument("--sort", choices=SORTS, default="number")
    p.add_argument("--desc", action="store_true", help=t("app.ledger.desc", lang))
    p.add_argument("--page", type=int, default=1, metavar="N")
    p.add_argument("--page-size", type=int, default=50, metavar="N")
    p.add_argument("--all", action="store_true", help=t("app.ledger.all", lang))
    p.add_argument("--json", action="store_true")
    add_at(p, lang)


def cmd_ledger(app: App, args: argparse.Namespace) -> int:
    application = app.application
    if args.action == "refresh":
        count = application.refresh_case_ledger(everything=args.all)
        app.out.line(app.t("app.ledger.refreshed", count=count))
        return 0
    if args.action == "rebuild":
        at = parse_when(args.at, "at", application.policy.tz) if args.at else None
        count = application.rebuild_rollups(at=at)
        app.out.line(app.t("app.ledger.rebuilt", count=count))
        return 0
    filters: dict[str, Any] = filters_of(args)
    if args.overdue:
        filters["overdue"] = True
    tz = application.policy.tz
    for key in ("received_from", "received_to"):
        text = getattr(args, key)
        if text:
            day = parse_day(text, key)
            from datetime import datetime, time, timedelta

            if key == "received_to":  # the whole last day
                day += timedelta(days=1)
            filters[key] = datetime.combine(day, time(0), tz)
    page = application.ledger(
        filters, args.search, args.sort, args.page, args.page_size, descending=args.desc
    )
    if args.json:
        app.out.json(
            {
                "total": page.total,
                "page": page.page,
                "page_size": page.page_size,
                "rows": [
                    {
                        "number": r.number,
                        "title": r.title,
                        "status": r.status,
                        "stage": r.stage,
                        "severity": r.severity,
                        "customer": r.customer_name,
                        "product": r.product_number,
                        "received": r.received_at.isoformat(),
                        "escalation": r.escalation_level,
                        "owner": r.owner,
                        "due": r.stage_due_at.isoformat() if r.stage_due_at else None,
                        "due_state": r.due_state,
                        "version": r.version,
                    }
                    for r in page.rows
                ],
            }
        )
        return 0
    columns = ("number", "received", "customer", "product", "severity", "escalation", "stage",
               "due", "state", "owner", "title")  # fmt: skip
    rows = [
        [
            r.number,
            r.received_at.astimezone(tz).date().isoformat(),
            r.customer_name,
            r.product_number,
            app.t(f"enum.Severity.{r.severity}") if r.severity else "-",
            app.t("escalation.level", level=r.escalation_level) if r.escalation_level else "-",
            r.stage,
            r.stage_due_at.astimezone(tz).strftime("%Y-%m-%d %H:%M") if r.stage_due_at else "-",
            app.t(f"app.ledger.state.{r.due_state}"),
            r.owner or "-",
            r.title,
        ]
        for r in page.rows
    ]
    app.out.table([app.t(f"app.ledger.col.{c}") for c in columns], rows, max_width=30)
    app.out.line(
        app.t("app.ledger.count", total=page.total, page=page.page,
              pages=max(1, -(-page.total // page.page_size)))
    )  # fmt: skip
    return 0

"""Sub-commands of the analytics: kpi, pareto, trend (printed in zh / en, or written as
CSV / Excel)."""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Sequence
from datetime import datetime, time
from pathlib import Path
from typing import Any

from eightd.cli.app import App, parse_day, parse_when
from eightd.errors import ValidationError
from eightd.i18n import joined, t

__all__ = ["filters_from", "register", "write_table"]


def register(sub: Any, lang: str) -> None:
    def add(name: str, handler: Any) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = sub.add_parser(
            name,
            help=t(f"analytics.cli.{name}.help", lang),
            description=t(f"analytics.cli.{name}.help", lang),
        )
        parser.set_defaults(handler=handler)
        _common(parser, lang)
        return parser

    add("kpi", cmd_kpi)
    from eightd.analytics.pareto import DIMENSIONS

    p = add("pareto", cmd_pareto)
    p.add_argument("by", choices=list(DIMENSIONS), help=t("analytics.cli.by", lang))
    p.add_argument("--top", type=int, metavar="N", help=t("analytics.cli.top", lang))
    p = add("trend", cmd_trend)
    p.add_argument("--by", choices=list(DIMENSIONS), help=t("analytics.cli.by", lang))

    def plain(name: str, handler: Any) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = sub.add_parser(
            name,
            help=t(f"analytics.cli.{name}.help", lang),
            description=t(f"analytics.cli.{name}.help", lang),
        )
        parser.set_defaults(handler=handler)
        return parser

    from eightd.domain import BoneCategory

    p = plain("similar", cmd_similar)
    p.add_argument("query", help=t("analytics.cli.similar.query", lang))
    p.add_argument("--product", help=t("analytics.cli.product", lang))
    p.add_argument("--customer", help=t("analytics.cli.customer", lang))
    p.add_argument(
        "--bone", choices=[b.value for b in BoneCategory], help=t("analytics.dim.bone", lang)
    )
    p.add_argument("--limit", type=int, default=10, metavar="N")
    p.add_argument("--suggest", action="store_true", help=t("analytics.cli.similar.suggest", lang))
    p = plain("recurrence", cmd_recurrence)
    p.add_argument("number", nargs="?", help=t("analytics.cli.recurrence.number", lang))
    p.add_argument("--at", metavar="DATETIME", help=t("analytics.cli.at", lang))
    p = plain("read-across", cmd_read_across)
    p.add_argument("number")
    p = plain("dashboard", cmd_dashboard)
    _common(p, lang)
    p = plain("effect", cmd_effect)
    p.add_argument("number")
    p = plain("recheck", cmd_recheck)
    p.add_argument("--at", metavar="DATETIME", help=t("analytics.cli.at", lang))


def _common(p: argparse.ArgumentParser, lang: str) -> None:
    p.add_argument("--from", dest="start", metavar="YYYY-MM-DD", help=t("analytics.cli.from", lang))
    p.add_argument("--to", dest="end", metavar="YYYY-MM-DD", help=t("analytics.cli.to", lang))
    p.add_argument("--customer", help=t("analytics.cli.customer", lang))
    p.add_argument("--product", help=t("analytics.cli.product", lang))
    p.add_argument("--at", metavar="DATETIME", help=t("analytics.cli.at", lang))
    p.add_argument("--format", choices=["table", "csv", "xlsx"], default="table")
    p.add_argument("-o", "--output", metavar="FILE", help=t("analytics.cli.output", lang))


def filters_from(args: argparse.Namespace, tz: Any) -> Any:
    """Filters of the ledger from --from / --to (whole days in the policy's time zone)."""
    from datetime import timedelta

    from eightd.analytics import Filters

    start = end = None
    if args.start:
        start = datetime.combine(parse_day(args.start, "from"), time(0), tz)
    if args.end:
        end = datetime.combine(parse_day(args.end, "to") + timedelta(days=1), time(0), tz)
    return Filters(start=start, end=end, customer=args.customer, product=args.product)


def _prepared(app: App, args: argparse.Namespace) -> tuple[Any, datetime]:
    """The filters and the moment the figures are for."""
    now = parse_when(args.at, "at", app.application.policy.tz) if args.at else app.now()
    return filters_from(args, app.application.policy.tz), now


def cmd_kpi(app: App, args: argparse.Namespace) -> int:
    filters, now = _prepared(app, args)
    result = app.application.kpis(filters, at=now)
    rows = kpi_rows(result, app.lang)
    headers = [
        app.t("analytics.col.kpi"),
        app.t("analytics.col.value"),
        app.t("analytics.col.basis"),
    ]
    return write_table(app, args, headers, rows, sheet=app.t("analytics.sheet.kpi"))


def _pct(rate: Any) -> str:
    return "-" if rate.percent is None else f"{rate.percent:.1f} %"


def _num(value: float | None, unit: str) -> str:
    return "-" if value is None else f"{value:.1f} {unit}"


def kpi_rows(result: Any, lang: str) -> list[list[str]]:
    """The KPI summary as (name, value, basis) rows in ``lang``."""
    tr = lambda key, **p: t(f"analytics.kpi.{key}", lang, **p)  # noqa: E731
    hours = t("analytics.unit.hours", lang)
    colon, overdue = t("text.colon", lang), result.overdue_by_clock.items()
    rows = [
        [
            tr("complaints"),
            str(result.complaints),
            tr("open_closed", open=result.open, closed=result.closed),
        ],
        [
            tr("on_time"),
            _pct(result.on_time),
            tr("ratio", n=result.on_time.numerator, d=result.on_time.denominator),
        ],
    ]
    for key, rate in result.on_time_by_clock.items():
        rows.append(
            [
                tr("on_time_clock", clock=_clock_label(key, lang)),
                _pct(rate),
                tr("ratio", n=rate.numerator, d=rate.denominator),
            ]
        )
    rows += [
        [
            tr("satisfaction"),
            _pct(result.satisfaction),
            tr("ratio", n=result.satisfaction.numerator, d=result.satisfaction.denominator),
        ],
        [
            tr("incidence"),
            "-" if result.incidence.percent is None else f"{result.incidence.percent:.4f} %",
            tr("incidence_basis", n=result.incidence.numerator, d=result.incidence.denominator),
        ],
        [
            tr("recurrence"),
            _pct(result.recurrence),
            tr("ratio", n=result.recurrence.numerator, d=result.recurrence.denominator),
        ],
        [tr("containment_mean"), _num(result.containment_hours_mean, hours), ""],
        [tr("containment_p90"), _num(result.containment_hours_p90, hours), ""],
        [tr("closure_mean"), _num(result.closure_hours_mean, hours), ""],
        [tr("closure_p90"), _num(result.closure_hours_p90, hours), ""],
        [
            tr("overdue"),
            str(result.overdue),
            joined((f"{_clock_label(k, lang)}{colon}{n}" for k, n in overdue), lang),
        ],
    ]
    return rows


def _clock_label(key: str, lang: str) -> str:
    return t("analytics.clock.callback", lang) if key == "callback" else key


def cmd_pareto(app: App, args: argparse.Namespace) -> int:
    filters, _ = _prepared(app, args)
    if args.top is not None and args.top < 1:
        raise ValidationError("top", "error.reason.below_minimum", minimum=1, value=args.top)
    rows = app.application.pareto(args.by, filters, top=args.top)
    headers = [
        app.t(f"analytics.dim.{args.by}"),
        app.t("analytics.col.count"),
        app.t("analytics.col.percent"),
        app.t("analytics.col.cumulative"),
    ]
    cells = [
        [r.label, str(r.count), f"{r.percent:.1f}", f"{r.cumulative_percent:.1f}"] for r in rows
    ]
    return write_table(app, args, headers, cells, sheet=app.t("analytics.sheet.pareto"))


def cmd_trend(app: App, args: argparse.Namespace) -> int:
    filters, _ = _prepared(app, args)
    rows = app.application.trend(args.by, filters)
    headers = [app.t("analytics.col.month")]
    if args.by:
        headers.append(app.t(f"analytics.dim.{args.by}"))
    headers.append(app.t("analytics.col.count"))
    cells = [[r.month, *([r.label] if args.by else []), str(r.count)] for r in rows]
    return write_table(app, args, headers, cells, sheet=app.t("analytics.sheet.trend"))


def write_table(
    app: App,
    args: argparse.Namespace,
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    sheet: str,
) -> int:
    """Print the table, or write it as CSV (to -o or stdout) or Excel (-o required)."""
    if args.format == "table":
        app.out.table(headers, rows, max_width=60)
        return 0
    if args.format == "csv":
        if args.output and args.output != "-":
            with _open_text(args.output) as fh:
                _write_csv(fh, headers, rows)
            print(app.t("analytics.cli.written", path=args.output), file=sys.stderr)
        else:
            _write_csv(app.out.stream, headers, rows)
        return 0
    if not args.output or args.output == "-":
        raise ValidationError("output", "analytics.error.output_needed")
    from eightd.analytics.tabular import write_xlsx

    write_xlsx(Path(args.output), [(sheet, list(headers), [list(r) for r in rows])])
    print(app.t("analytics.cli.written", path=args.output), file=sys.stderr)
    return 0


def _open_text(path: str) -> Any:
    try:
        target = Path(path).expanduser()
        target.parent.mkdir(parents=True, exist_ok=True)
        return target.open("w", encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise ValidationError(path, "error.reason.unreadable", detail=exc.strerror) from None


def _write_csv(stream: Any, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    from eightd.analytics.tabular import text_cell

    writer = csv.writer(stream)
    writer.writerow([text_cell(h) for h in headers])
    for row in rows:
        writer.writerow([text_cell(c) for c in row])


# ---------------------------------------------------------------- register import / export


def cmd_import_register(app: App, args: argparse.Namespace) -> int:
    """``eightd import register.xlsx [--map map.toml] [--reject bad.csv]``."""
    from tqdm import tqdm

    from eightd.analytics.register import load_map

    mapping = load_map(args.map) if args.map else None
    bar: Any = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            unit = app.t("analytics.import.progress")
            bar = tqdm(total=total, unit=unit, file=sys.stderr, disable=None, leave=False)
        bar.update(1)

    try:
        report = app.application.import_register(
            args.file,
            mapping=mapping,
            reject_to=args.reject,
            progress=progress,
            at=parse_when(args.at, "at", app.application.policy.tz)
            if getattr(args, "at", None)
            else None,
        )
    finally:
        if bar is not None:
            bar.close()
    for problem in report.problems:
        reason = problem.message(app.lang)
        key = "analytics.import.problem" if problem.column else "analytics.import.problem_row"
        print(app.t(key, row=problem.row, column=problem.column, reason=reason), file=sys.stderr)
    if report.empty:
        app.out.line(app.t("analytics.import.empty_rows", rows=", ".join(map(str, report.empty))))
    if not report.committed:
        refused = app.t(
            "analytics.import.refused", count=len(report.problems), rows=len(report.rejected_rows)
        )
        print(refused, file=sys.stderr)
        return 1
    if report.rejected_rows:
        app.out.line(app.t("analytics.import.rejects_written", path=args.reject))
    app.out.line(
        app.t(
            "analytics.import.done",
            imported=len(report.imported),
            rows=report.rows,
            already=report.already,
            empty=len(report.empty),
            rejected=len(report.rejected_rows),
        )
    )
    return 0


def cmd_export_ledger(app: App, args: argparse.Namespace) -> int:
    """``eightd export --format xlsx|csv -o FILE``: the ledger with the register's columns."""
    from eightd.analytics import Filters

    filters = Filters(
        customer=args.customer,
        product=args.product,
        severity=args.severity,
        status=args.status,
        stage=args.stage,
    )
    headers, rows = app.application.ledger_register(filters)
    if args.format == "csv" and (not args.output or args.output == "-"):
        _write_csv(app.out.stream, headers, rows)
        return 0
    if not args.output or args.output == "-":
        raise ValidationError("output", "analytics.error.output_needed")
    if args.format == "csv":
        with _open_text(args.output) as fh:
            _write_csv(fh, headers, rows)
    else:
        from eightd.analytics.tabular import write_xlsx

        write_xlsx(Path(args.output), [(app.t("analytics.sheet.ledger"), headers, rows)])
    print(app.t("analytics.export.written", count=len(rows), path=args.output), file=sys.stderr)
    return 0


# ---------------------------------------------------------------- lessons learned


def cmd_similar(app: App, args: argparse.Namespace) -> int:
    """``eightd similar NO|"text"``: past cases like a case or a complaint text."""
    from eightd.domain import ComplaintNumber

    if args.limit < 1:
        raise ValidationError("limit", "error.reason.below_minimum", minimum=1, value=args.limit)
    found = app.application.similar(
        args.query, limit=args.limit, product=args.product, customer=args.customer, bone=args.bone
    )
    number = _number_or_none(args.query, ComplaintNumber)
    hints = app.application.suggestions(number, limit=args.limit) if args.suggest and number else []
    columns = ("number", "score", "product", "customer", "status", "title")
    headers = [app.t(f"analytics.similar.col.{k}") for k in columns]
    rows = [
        [
            s.number,
            f"{s.score:.2f}",
            s.product,
            s.customer,
            app.t(f"enum.CaseStatus.{s.status}"),
            s.title,
        ]
        for s in found
    ]
    app.out.table(headers, rows, max_width=50)
    if not found:
        app.out.line(app.t("analytics.similar.none"))
    for hint in hints:
        label = app.t(f"enum.BoneCategory.{hint.bone}")
        app.out.line(
            app.t("analytics.similar.suggestion", number=hint.number, bone=label, cause=hint.cause)
        )
        for action in hint.actions:
            app.out.line(app.t("analytics.similar.action", action=action))
    return 0


def _number_or_none(text: str, parser: Any) -> str | None:
    try:
        return str(parser.parse(text.strip()))
    except ValidationError:
        return None


def cmd_recurrence(app: App, args: argparse.Namespace) -> int:
    """``eightd recurrence [NO]``: flag NO if it repeats a closed case; list the links."""
    if args.number:
        at = parse_when(args.at, "at", app.application.policy.tz) if args.at else None
        if app.application.flag_recurrence(args.number, at=at) is None:
            app.out.line(app.t("analytics.recurrence.none", number=args.number))
    for link in app.application.recurrences(args.number):
        closed = link.earlier_closed_at.date().isoformat() if link.earlier_closed_at else "-"
        app.out.line(
            app.t(
                "analytics.recurrence.link",
                number=link.number,
                earlier=link.earlier,
                closed=closed,
                product=link.product,
            )
        )
    return 0


def cmd_read_across(app: App, args: argparse.Namespace) -> int:
    """``eightd read-across NO``: other products and plants sharing a verified cause."""
    found = app.application.read_across(args.number)
    columns = ("cause", "bone", "product", "site", "number", "status")
    headers = [app.t(f"analytics.read_across.col.{k}") for k in columns]
    rows = [
        [
            r.cause,
            app.t(f"enum.BoneCategory.{r.bone}"),
            r.product,
            r.site or "-",
            r.number,
            app.t(f"enum.CaseStatus.{r.status}"),
        ]
        for r in found
    ]
    app.out.table(headers, rows, max_width=50)
    if not found:
        app.out.line(app.t("analytics.read_across.none", number=args.number))
    return 0


# ---------------------------------------------------------------- data-driven verification


def effect_lines(effect: Any, lang: str) -> list[str]:
    """How one verification's statistics read: the numbers, the test, the verdict."""
    tr = lambda key, **p: t(f"analytics.effect.{key}", lang, **p)  # noqa: E731
    verdict = tr("passed") if effect.passed else tr("failed")
    required = (
        tr("required", percent=f"{effect.required_reduction:g}")
        if effect.required_reduction is not None
        else tr("no_required")
    )
    return [
        tr(
            "counts",
            id=effect.verification_id,
            basis=t(f"enum.VerificationBasis.{effect.basis}", lang),
            k1=effect.before_defects,
            n1=effect.before_units,
            r1=f"{effect.before_rate * 1e6:,.0f}",
            k2=effect.after_defects,
            n2=effect.after_units,
            r2=f"{effect.after_rate * 1e6:,.0f}",
        ),
        tr(
            "test",
            test=tr(f"test_{effect.test}"),
            p=f"{effect.p_value:.4g}",
            alpha=f"{effect.alpha:g}",
            reduction=f"{effect.reduction_percent:g}",
            required=required,
        ),
        tr("verdict", verdict=verdict),
    ]


def cmd_effect(app: App, args: argparse.Namespace) -> int:
    """``eightd effect NO``: the D6 before/after statistics of a case."""
    found = app.application.effects(args.number)
    for effect in found:
        for line in effect_lines(effect, app.lang):
            app.out.line(line)
    if not found:
        app.out.line(app.t("analytics.effect.none", number=args.number))
    return 0 if all(e.passed for e in found) else 1


def cmd_recheck(app: App, args: argparse.Namespace) -> int:
    """``eightd recheck``: the 30/60/90-day effectiveness checks that are due."""
    at = parse_when(args.at, "at", app.application.policy.tz) if args.at else None
    checks = app.application.due_checks(at=at)
    failing = 0
    for check in checks:
        state = "done" if check.done_by else "missing"
        app.out.line(
            app.t(
                f"analytics.recheck.{state}",
                number=check.number,
                id=check.verification_id,
                days=check.days,
                due=check.due.isoformat(),
                by=check.done_by or "",
            )
        )
        if check.done_by and check.effect is not None:
            for line in effect_lines(check.effect, app.lang):
                app.out.line("    " + line)
            failing += not check.effect.passed
        else:
            failing += 1
    if not checks:
        app.out.line(app.t("analytics.recheck.none"))
    return 1 if failing else 0


def cmd_dashboard(app: App, args: argparse.Namespace) -> int:
    """``eightd dashboard -o dashboard.html``: the dashboard as one offline HTML page."""
    from eightd.analytics.dashboard import dashboard_html, page_html
    from eightd.files import output_file

    filters, now = _prepared(app, args)
    body = dashboard_html(app.application, filters, lang=app.lang, at=now)
    target = args.output or "-"
    with output_file(target, stdout=app.out.stream) as fh:
        fh.write(page_html(body, lang=app.lang))
    if target != "-":
        print(app.t("analytics.cli.written", path=target), file=sys.stderr)
    return 0

"""Sub-commands of the workflow policy: ``policy check``, ``lint``, ``overdue``, ``grade``,
``advance``, ``verify``, ``pause``, ``resume``, ``callback``, ``approve``, ``close``,
``reopen``."""

from __future__ import annotations

import argparse
from datetime import date, datetime
from typing import Any

from eightd.cli.app import App, add_at, add_version, parse_day
from eightd.domain import (
    AbnormalGround,
    Callback,
    CallbackOutcome,
    ClosureKind,
    PauseReason,
    Priority,
    Severity,
    Stage,
    Verification,
)
from eightd.domain.fields import decode
from eightd.i18n import label, t
from eightd.policy import (
    Clock,
    LintSeverity,
    Policy,
    load_policy,
)

__all__ = ["policy_of", "register"]


def register(sub: Any, lang: str) -> None:
    def add(name: str, handler: Any, *, number: bool = True) -> argparse.ArgumentParser:
        text = t(f"cli.{name}.help", lang)
        parser: argparse.ArgumentParser = sub.add_parser(name, help=text, description=text)
        parser.set_defaults(handler=handler)
        if number:
            parser.add_argument("number")
        return parser

    p = add("policy", None, number=False)
    policy_sub = p.add_subparsers(dest="policy_command", metavar="COMMAND")
    text = t("cli.policy.check.help", lang)
    check = policy_sub.add_parser("check", help=text, description=text)
    check.add_argument("file")
    check.set_defaults(handler=cmd_policy_check, uses_policy=False)  # checks its own file

    p = add("lint", cmd_lint)
    p.add_argument("--json", action="store_true")
    add_at(p, lang)

    p = add("overdue", cmd_overdue, number=False)
    p.add_argument("--json", action="store_true")
    add_at(p, lang)

    def edit(name: str, handler: Any) -> argparse.ArgumentParser:
        parser = add(name, handler)
        add_version(parser, lang)
        add_at(parser, lang)
        return parser

    p = edit("grade", cmd_grade)
    p.add_argument("--severity", choices=[s.value for s in Severity])
    p.add_argument("--priority", choices=[s.value for s in Priority])
    p.add_argument("--reason", default="", help=t("cli.grade.reason", lang))

    p = edit("advance", cmd_advance)
    p.add_argument("--note", default="")

    p = edit("verify", cmd_verify)
    p.add_argument("file", help=t("cli.verify.file", lang))

    p = edit("pause", cmd_pause)
    p.add_argument("--reason", choices=[r.value for r in PauseReason], required=True)
    p.add_argument("--from", dest="start", metavar="DATE", help=t("cli.pause.from", lang))
    p.add_argument("--note", default="", help=t("cli.pause.note", lang))

    p = edit("resume", cmd_resume)
    p.add_argument("--on", dest="end", metavar="DATE", help=t("cli.resume.on", lang))

    p = edit("callback", cmd_callback)
    p.add_argument("--outcome", choices=[o.value for o in CallbackOutcome], required=True)
    p.add_argument("--note", default="")

    p = edit("approve", cmd_approve)
    p.add_argument("--meaning", default="", help=t("cli.approve.meaning", lang))
    p.add_argument("--abnormal", action="store_true", help=t("cli.approve.abnormal", lang))

    p = edit("close", cmd_close)
    p.add_argument("--kind", choices=[k.value for k in ClosureKind], default="normal")
    p.add_argument("--ground", choices=[g.value for g in AbnormalGround])
    p.add_argument("--reason", default="", help=t("cli.close.reason", lang))
    p.add_argument("--lessons", default="", help=t("cli.close.lessons", lang))

    p = edit("reopen", cmd_reopen)
    p.add_argument("--reason", required=True, help=t("cli.reopen.reason", lang))


# ---------------------------------------------------------------- helpers


def policy_of(app: App) -> Policy:
    """The policy in force: ``--policy`` / ``EIGHTD_POLICY`` over the default file."""
    return app.application.policy


def _date(text: str | None, field: str) -> date | None:
    """A day typed on the command line; None: the application's today (policy time zone)."""
    return parse_day(text, field) if text else None


def _moment(value: datetime | None, policy: Policy, *, whole_day: bool = False) -> str:
    if value is None:
        return "-"
    local = value.astimezone(policy.tz)
    return local.date().isoformat() if whole_day else local.strftime("%Y-%m-%d %H:%M")


def _clock_name(clock: Clock, lang: str) -> str:
    return label(Stage(clock.key), lang) if clock.stage else t(f"clock.name.{clock.key}", lang)


def _clock_cells(clock: Clock, policy: Policy, lang: str) -> list[str]:
    whole_day = clock.deadline is not None and clock.deadline.within.unit == "working_days"
    state = t(f"clock.state.{clock.state.value}", lang)
    if clock.gate_unmet:  # rule GT-0: never shown as done
        state = t("clock.gate_unmet", lang)
    if clock.paused:
        state += " ⏸"
    due = _moment(clock.due, policy, whole_day=whole_day)
    if clock.provisional:  # rule CA-2
        due += " " + t("clock.provisional", lang)
    return [
        _clock_name(clock, lang),
        due,
        state,
        _moment(clock.done_at, policy),
    ]


# ---------------------------------------------------------------- handlers


def cmd_policy_check(app: App, args: argparse.Namespace) -> int:
    policy = load_policy(args.file)  # PolicyError lists every error with its key path
    app.out.line(app.t("cli.policy.check.ok", file=args.file, name=policy.name or "-"))
    return 0


def cmd_lint(app: App, args: argparse.Namespace) -> int:
    _, result = app.application.assess(args.number)
    report = result.lint
    if args.json:
        app.out.json(
            {
                "number": result.number,
                "score": report.score,
                "blocking": report.blocking,
                "findings": [
                    {
                        "code": f.code,
                        "severity": f.severity.value,
                        "stage": f.stage.value,
                        "count": f.count,
                        "path": f.path,
                        "paths": list(f.paths),
                        "params": dict(f.params),
                        "message": f.text(app.lang),
                    }
                    for f in report.findings
                ],
            }
        )
    else:
        app.out.line(app.t("cli.lint.summary", number=result.number, score=report.score,
                           count=len(report.findings)))  # fmt: skip
        for f in report.findings:
            sev = t(f"lint.severity.{f.severity.value}", app.lang)
            app.out.line(f"  [{sev}] {f.stage.value} {f.path}: {f.text(app.lang)}")
    blocking = any(f.severity is LintSeverity.BLOCKING for f in report.findings)
    return 1 if blocking else 0


def cmd_overdue(app: App, args: argparse.Namespace) -> int:
    policy = policy_of(app)
    found = app.application.overdue()
    if args.json:
        app.out.json(
            [
                {
                    "number": a.number,
                    "title": a.title,
                    "replies_overdue": a.replies_overdue,
                    "clocks": [
                        {
                            "key": c.key,
                            "state": c.state.value,
                            "due": c.due.isoformat() if c.due else None,
                            "provisional": c.provisional,
                        }
                        for c in a.clocks
                    ],
                }
                for a in found
            ]
        )
        return 0
    if not found:
        app.out.line(app.t("cli.overdue.none"))
        return 0
    rows = []
    for a in found:
        for clock in a.clocks:
            name, due, state, _ = _clock_cells(clock, policy, app.lang)
            rows.append([a.number, a.title, name, due, state])
        if a.replies_overdue:
            rows.append([a.number, a.title, app.t("cli.overdue.replies", count=a.replies_overdue),
                         "-", t("clock.state.overdue", app.lang)])  # fmt: skip
    headers = [app.t(f"cli.overdue.col.{c}") for c in ("number", "title", "what", "due", "state")]
    app.out.table(headers, rows)
    return 0


def _saved(app: App, stored: Any) -> None:
    case = stored.case
    app.out.line(
        app.t("cli.workflow.saved", number=case.number, stage=label(case.stage, app.lang),
              status=label(case.status, app.lang), version=stored.version)
    )  # fmt: skip


def cmd_grade(app: App, args: argparse.Namespace) -> int:
    stored = app.application.grade(
        args.number,
        severity=Severity(args.severity) if args.severity else None,
        priority=Priority(args.priority) if args.priority else None,
        reason=args.reason,
        version=args.version,
    )
    g = stored.case.grading
    app.out.line(
        app.t(
            "cli.show.policy.grade_line",
            severity=label(g.severity, app.lang) if g.severity else "-",
            suggested=label(g.suggested_severity, app.lang) if g.suggested_severity else "-",
            priority=label(g.priority, app.lang) if g.priority else "-",
        )
    )
    _saved(app, stored)
    return 0


def cmd_advance(app: App, args: argparse.Namespace) -> int:
    stored = app.application.advance(args.number, note=args.note, version=args.version)
    _saved(app, stored)
    return 0


def cmd_verify(app: App, args: argparse.Namespace) -> int:
    from eightd.cli.cases import read_json_file

    # the id may be empty (the service assigns one); the whole case is validated on save
    verification = decode(Verification, read_json_file(args.file), "verifications", check=False)
    stored, sent_back = app.application.verify(args.number, verification, version=args.version)
    if sent_back:
        app.out.line(app.t("cli.verify.sent_back", number=args.number))
    _saved(app, stored)
    return 0


def cmd_pause(app: App, args: argparse.Namespace) -> int:
    stored = app.application.pause(
        args.number, PauseReason(args.reason), start=_date(args.start, "from"), note=args.note,
        version=args.version,
    )  # fmt: skip
    _saved(app, stored)
    return 0


def cmd_resume(app: App, args: argparse.Namespace) -> int:
    stored = app.application.resume(args.number, end=_date(args.end, "on"), version=args.version)
    _saved(app, stored)
    return 0


def cmd_callback(app: App, args: argparse.Namespace) -> int:
    # --at: when the call-back took place (default: now)
    # by: the service records the acting user
    callback = Callback(app.now(), "", CallbackOutcome(args.outcome), args.note)
    stored = app.application.record_callback(args.number, callback, version=args.version)
    _saved(app, stored)
    return 0


def cmd_approve(app: App, args: argparse.Namespace) -> int:
    stored = app.application.approve(
        args.number, meaning=args.meaning, abnormal=args.abnormal, version=args.version
    )
    signature = stored.case.approvals[-1]
    app.out.line(app.t("cli.approve.signed", signer=signature.signer, role=signature.role,
                       hash=signature.content_hash))  # fmt: skip
    _saved(app, stored)
    return 0


def cmd_close(app: App, args: argparse.Namespace) -> int:
    stored = app.application.close_case(
        args.number, ClosureKind(args.kind), reason=args.reason,
        ground=AbnormalGround(args.ground) if args.ground else None,
        lessons_learned=args.lessons, version=args.version,
    )  # fmt: skip
    _saved(app, stored)
    return 0


def cmd_reopen(app: App, args: argparse.Namespace) -> int:
    stored = app.application.reopen(args.number, reason=args.reason, version=args.version)
    _saved(app, stored)
    return 0

"""``eightd show NO``: one case on the terminal, section by section."""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from typing import Any

from eightd.application import StoredCase
from eightd.cli.app import App
from eightd.domain import Case
from eightd.i18n import label

__all__ = ["print_case"]


def _fmt(value: Any, lang: str, tz: tzinfo) -> str:
    if value is None or value == "":
        return "-"
    if hasattr(value, "value") and hasattr(type(value), "__members__"):
        return label(value, lang)
    if isinstance(value, datetime):  # on the company's clock
        return value.astimezone(tz).isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "✔" if value else "✘"
    return str(value)


def print_case(app: App, stored: StoredCase, assessment_lines: list[str] | None = None) -> None:
    case, lang, out = stored.case, app.lang, app.out
    tz = app.policy.tz
    f = lambda v: _fmt(v, lang, tz)  # noqa: E731
    out.line(f"{case.number}  {case.title}")
    out.line(
        app.t(
            "cli.show.status_line",
            status=f(case.status),
            stage=f(case.stage),
            version=stored.version,
            updated_by=stored.updated_by,
            updated_at=f(stored.updated_at),
        )
    )
    i = case.intake
    rows = [
        ("customer", f"{i.customer_name} {i.customer_code}".strip()),
        ("product", f"{i.product_number} {i.product_name}".strip()),
        ("received", f(i.received_at)),
        ("channel", f(i.channel)),
        ("ship", f"{f(i.ship_date)} / {f(i.shipped_quantity)}"),
        ("defect", i.defect_description),
        ("rate", f"{i.defect_rate:.3g} %" if i.defect_rate is not None else "-"),
        ("found_at", f"{f(i.found_at)} {i.found_at_detail}".strip()),
        ("demand", f(i.customer_demand)),
        ("topic", f(i.topic)),
        ("validity", f(case.validity)),
    ]
    _pairs(app, rows)
    for line in assessment_lines or []:
        out.line(line)
    _section(app, "D1", [f"{m.name} ({f(m.role)}, {m.department})" for m in case.team])
    p = case.problem
    _section(
        app,
        "D2",
        [
            f"{k}: {v}"
            for k, v in (
                ("What", p.what),
                ("Where", p.where),
                ("When", p.when),
                ("Who", p.who),
                ("Why", p.why),
                ("How", p.how),
                ("How many", p.how_many),
            )
            if v
        ]
        + [f"IS {f(r.dimension)}: {r.is_} | IS NOT: {r.is_not}" for r in p.is_is_not],
    )
    _section(
        app,
        "D3",
        [
            f"{c.id} [{f(c.location)}] {c.description} — {f(c.quantity_checked)}/"
            f"{f(c.quantity_bad)} · {c.owner or '-'} · {c.effectiveness or '-'}"
            for c in case.containment
        ]
        + ([case.no_containment_reason] if case.no_containment_reason else []),
    )
    _section(app, "D4", _cause_lines(case, lang))
    _section(
        app,
        "D5",
        [
            f"{a.id} {a.text} → {','.join(a.cause_ids) or '-'} · {a.owner or '-'} · "
            f"{f(a.due)} · {f(a.status)}"
            for a in case.actions
        ],
    )
    _section(
        app,
        "D6",
        [
            f"{v.id} {f(v.verified_on)} {','.join(v.action_ids)}: "
            f"{f(v.problem_improved)}{f(v.no_new_problem)}{f(v.prevents_recurrence)} "
            f"{v.metric} {f(v.before_value)} → {f(v.after_value)}"
            + (f" · {v.result}" if v.result else "")
            + (f" · {v.sample}" if v.sample else "")
            for v in case.verifications
        ],
    )
    _section(
        app,
        "D7",
        [
            f"{f(s.kind)} {s.document_id or '-'} {s.old_revision or '-'} → "
            f"{s.new_revision or '-'} {s.title}".rstrip()
            for s in case.standardization
        ]
        or ([case.no_standardization_reason] if case.no_standardization_reason else []),
    )
    d8 = [
        f"{a.signer} ({a.role}) {a.meaning} {f(a.signed_at)}"
        + (" " + app.t("cli.show.imported_approval") if a.imported else "")
        for a in case.approvals
    ]
    if case.closure:
        c = case.closure
        ground = f" ({f(c.ground)})" if c.ground else ""
        d8.append(f"{f(c.kind)}{ground} {f(c.closed_at)} {c.reason}")
    _section(app, "D8", d8)


def _cause_lines(case: Case, lang: str) -> list[str]:
    lines = []

    def walk(parent: str, depth: int) -> None:
        for c in case.causes:
            if c.parent == parent:
                lines.append(
                    f"{'  ' * depth}{c.id} [{label(c.category, lang)}/{label(c.type, lang)}/"
                    f"{label(c.status, lang)}] {c.text}"
                )
                for n, why in enumerate(c.whys, 1):
                    lines.append(f"{'  ' * depth}    {n}. {why}")
                walk(c.id, depth + 1)

    walk("", 0)
    return lines


def _pairs(app: App, rows: list[tuple[str, str]]) -> None:
    labels = [app.t(f"cli.show.field.{k}") for k, _ in rows]
    from eightd.cli.app import display_width

    width = max(display_width(x) for x in labels)
    for lbl, (_, value) in zip(labels, rows, strict=True):
        app.out.line(f"  {lbl}{' ' * (width - display_width(lbl))}  {value}")


def _section(app: App, stage: str, lines: list[str]) -> None:
    app.out.line("")
    app.out.line(app.t(f"enum.Stage.{stage}"))
    for line in lines or [app.t("cli.show.empty")]:
        app.out.line(f"  {line}")

"""Read and validate a policy file (TOML) into a :class:`~eightd.policy.model.Policy`.

The default policy (``templates/policy.toml``) is read first and a company file is laid
over it table by table, so a company file holds only what it changes. Validation
collects *every* problem as (key path, reason) and raises one
:class:`~eightd.errors.PolicyError`; unknown keys are errors.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from enum import Enum
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from eightd.domain.enums import (
    AbnormalGround,
    ComplaintCategory,
    ContainmentLocation,
    DefectKind,
    DocumentKind,
    PauseReason,
    Priority,
    RemedyKind,
    Severity,
    Stage,
    TeamRole,
    Validity,
)
from eightd.domain.model import TOPIC_KEY
from eightd.errors import PolicyError
from eightd.i18n import t
from eightd.policy.intake import REQUIRABLE
from eightd.policy.model import (
    ABNORMAL_COUNTING,
    DEFAULT_PERMISSIONS,
    FLAGS,
    PERMISSIONS,
    RECURRENCE_KEYS,
    AnalyticsPolicy,
    Anchor,
    AttachmentPolicy,
    CalendarPolicy,
    ClosurePolicy,
    Deadline,
    DeadlinePolicy,
    Duration,
    EscalationPolicy,
    GatePolicy,
    GateRule,
    GradingPolicy,
    HollowKind,
    IntakePolicy,
    LintPolicy,
    LintRule,
    LintSeverity,
    MatchRule,
    Policy,
    RetailPolicy,
    RolePolicy,
)
from eightd.resources import template_path

__all__ = [
    "DEFAULT_POLICY_PATH",
    "GATE_ITEMS",
    "LINT_RULES",
    "load_policy",
    "parse_policy",
    "read_official_year",
]

DEFAULT_POLICY_PATH = template_path("policy.toml")
# a role name: lower-case letters, digits and _ (as ``eightd user add --role`` accepts)
_ROLE_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")

# Every gate item a policy may name, by stage (texts: ``gate.<stage>.<item>``).
GATE_ITEMS: Mapping[Stage, tuple[str, ...]] = MappingProxyType(
    {
        Stage.D0: ("validity_decided", "founded", "severity_graded"),
        Stage.D1: ("team_roles",),
        Stage.D2: ("problem_described",),
        Stage.D3: ("containment_present", "containment_quantities", "containment_effectiveness"),
        Stage.D4: ("occurrence_cause_verified", "escape_cause_verified"),
        Stage.D5: ("action_per_cause", "action_owner_due"),
        Stage.D6: ("verification_criteria", "containment_removed"),
        Stage.D7: ("standardization",),
        Stage.D8: ("approval",),
    }
)

# Every lint rule a policy may configure (texts: ``lint.<rule>``).
LINT_RULES: tuple[str, ...] = (
    "d2_quantity",
    "d2_is_is_not",
    "recurrence_review",
    "missing_containment",
    "containment_quantities",
    "containment_locations",
    "missing_occurrence_cause",
    "no_escape_cause",
    "blame_cause",
    "whys_stop_at_person",
    "cause_evidence",
    "missing_actions",
    "hollow_action",
    "action_on_unverified_cause",
    "action_owner",
    "action_due",
    "missing_verification",
    "verification_data",
    "verification_qualitative",
    "verification_before_action",
    "verification_of_undone_action",
    "verification_sample",
    "missing_d7",
    "d7_documents",
    "d7_same_revision",
    "reply_overdue",
)

# The kinds of hollow remedy a policy lists words for ([lint.hollow_actions], rule LN-D5.2).
HOLLOW_KINDS: tuple[str, ...] = tuple(k.value for k in HollowKind)

_DURATION_UNITS = ("working_days", "hours", "days")
_SAME_KIND_BY = ("category", "defect_kind", "product_number")

E = TypeVar("E", bound=Enum)
T = TypeVar("T")


# ---------------------------------------------------------------- public entry points


def load_policy(path: str | Path | None = None, *, defaults: bool = True) -> Policy:
    """The policy in force: the default file, with the company file at ``path`` laid over it.

    ``defaults=False`` reads ``path`` alone (it must then be complete).
    Raises :class:`PolicyError` listing every error with its key path.
    """
    default_data = _read_toml(DEFAULT_POLICY_PATH)
    if path is None:
        return parse_policy(default_data, source=DEFAULT_POLICY_PATH)
    company = _read_toml(Path(path))
    data = _merge(default_data, company) if defaults else company
    return parse_policy(data, source=Path(path))


def parse_policy(data: Mapping[str, Any], *, source: str | Path = "") -> Policy:
    """Validate policy data (already parsed TOML) and build the typed policy."""
    reader = _Reader(base_dir=Path(source).parent if source else Path.cwd())
    policy = reader.policy(data, str(source))
    if reader.errors:
        raise PolicyError(errors=reader.errors, source=str(source))
    return policy


def read_official_year(path: Path) -> tuple[int, list[date], list[date]]:
    """An official calendar year (rule CA-2): ``year``, its ``holidays`` (every day off that
    is not a weekend day, at least one) and its ``workdays`` (weekend days declared working
    days), all inside that year. Raises :class:`PolicyError` naming each bad key."""
    data = _read_toml(path)
    reader = _Reader(path.parent)
    table = reader.table(data, "", ["year", "holidays", "workdays"])
    year = table.get("year")
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2099:
        reader.error("year", "not_year", value=year)
        year = 0
    holidays = reader.dates(table, "holidays", "")
    workdays = reader.dates(table, "workdays", "")
    if not holidays:
        reader.error("holidays", "required_items")
    for key, days in (("holidays", holidays), ("workdays", workdays)):
        for day in days:
            if year and day.year != year:
                reader.error(key, "not_in_year", value=day.isoformat(), year=year)
    for day in sorted(set(holidays) & set(workdays)):
        reader.error("workdays", "day_both", value=day.isoformat())
    if reader.errors:
        raise PolicyError(errors=reader.errors, source=str(path))
    return year, holidays, workdays


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except OSError as exc:
        reason = t("policy.reason.unreadable", None, detail=exc.strerror or str(exc))
        raise PolicyError(errors=[("$", reason)], source=str(path)) from exc
    except tomllib.TOMLDecodeError as exc:
        reason = t("policy.reason.bad_toml", None, detail=str(exc))
        raise PolicyError(errors=[("$", reason)], source=str(path)) from exc


def _is_leaf_table(value: Any) -> bool:
    """Inline tables that replace, not merge: durations and deadlines."""
    return isinstance(value, dict) and any(unit in value for unit in _DURATION_UNITS)


def _merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in over.items():
        old = merged.get(key)
        if (
            isinstance(old, dict)
            and isinstance(value, dict)
            and not _is_leaf_table(value)
            and not _is_leaf_table(old)
        ):
            merged[key] = _merge(old, value)
        else:
            merged[key] = value
    return merged


# ---------------------------------------------------------------- the reader


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


class _Reader:
    """Typed accessors that record an error and return a fallback instead of raising."""

    def __init__(self, base_dir: Path) -> None:
        self.base_dir = base_dir
        self.errors: list[tuple[str, str]] = []

    def error(self, path: str, code: str, **params: Any) -> None:
        self.errors.append((path or "$", t(f"policy.reason.{code}", None, **params)))

    # -- primitives

    def table(self, data: Any, path: str, known: Iterable[str] | None) -> dict[str, Any]:
        if not isinstance(data, dict):
            self.error(path, "not_table")
            return {}
        if known is not None:
            allowed = set(known)
            for key in data:
                if key not in allowed:
                    self.error(_join(path, key), "unknown_key")
        return data

    def text(self, data: Mapping[str, Any], key: str, path: str, default: str) -> str:
        value = data.get(key, default)
        if not isinstance(value, str):
            self.error(_join(path, key), "not_text")
            return default
        return value

    def boolean(self, data: Mapping[str, Any], key: str, path: str, default: bool) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            self.error(_join(path, key), "not_bool")
            return default
        return value

    def integer(
        self, data: Mapping[str, Any], key: str, path: str, default: int, minimum: int = 0
    ) -> int:
        value = data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(_join(path, key), "not_integer")
            return default
        if value < minimum:
            self.error(_join(path, key), "below_minimum", minimum=minimum, value=value)
            return default
        return value

    def choice(self, value: Any, path: str, choices: Iterable[str]) -> str | None:
        options = list(choices)
        if not isinstance(value, str) or value not in options:
            self.error(path, "not_in_choices", value=value, choices=", ".join(options))
            return None
        return value

    def member(self, value: Any, path: str, enum: type[E]) -> E | None:
        found = self.choice(value, path, [str(m.value) for m in enum])
        return None if found is None else enum(found)

    def items(self, data: Mapping[str, Any], key: str, path: str) -> list[tuple[str, Any]]:
        """The entries of a list value, each with its key path (``key[2]``)."""
        value = data.get(key, [])
        if not isinstance(value, list):
            self.error(_join(path, key), "not_list")
            return []
        return [(f"{_join(path, key)}[{i}]", v) for i, v in enumerate(value)]

    def members(self, data: Mapping[str, Any], key: str, path: str, enum: type[E]) -> list[E]:
        found = (self.member(v, p, enum) for p, v in self.items(data, key, path))
        return [m for m in found if m is not None]

    def choices(
        self, data: Mapping[str, Any], key: str, path: str, options: Iterable[str]
    ) -> list[str]:
        opts = list(options)
        found = (self.choice(v, p, opts) for p, v in self.items(data, key, path))
        return [c for c in found if c is not None]

    def texts(self, data: Mapping[str, Any], key: str, path: str) -> list[str]:
        out = []
        for p, v in self.items(data, key, path):
            if not isinstance(v, str) or not v.strip():
                self.error(p, "not_text")
            else:
                out.append(v)
        return out

    def dates(self, data: Mapping[str, Any], key: str, path: str) -> list[date]:
        out = []
        for p, v in self.items(data, key, path):
            if not isinstance(v, date) or hasattr(v, "hour"):
                self.error(p, "not_date")
            else:
                out.append(v)
        return out

    def years(self, data: Mapping[str, Any], key: str, path: str) -> list[int]:
        out = []
        for p, v in self.items(data, key, path):
            if isinstance(v, bool) or not isinstance(v, int) or not 1900 <= v <= 2200:
                self.error(p, "not_year", value=v)
            else:
                out.append(v)
        return out

    def duration(
        self, value: Any, path: str, allowed: tuple[str, ...] = _DURATION_UNITS
    ) -> Duration | None:
        table = self.table(value, path, None)
        if not table and not isinstance(value, dict):
            return None
        units = [u for u in _DURATION_UNITS if u in table]
        for key in table:
            if key not in (*_DURATION_UNITS, "from"):
                self.error(_join(path, key), "unknown_key")
        if len(units) != 1:
            self.error(path, "duration_one_unit")
            return None
        unit = units[0]
        if unit not in allowed:
            self.error(_join(path, unit), "unit_not_allowed", unit=unit, allowed=", ".join(allowed))
            return None
        amount = self.integer(table, unit, path, -1, minimum=0)
        return None if amount < 0 else Duration(amount, unit)  # type: ignore[arg-type]

    # -- sections

    def policy(self, data: Mapping[str, Any], source: str) -> Policy:
        sections: dict[str, Callable[[Any, str], Any]] = {
            "calendar": self.calendar,
            "intake": self.intake,
            "grading": self.grading,
            "escalation": self.escalation,
            "deadlines": self.deadlines,
            "gates": self.gates,
            "lint": self.lint,
            "closure": self.closure,
            "retail": self.retail,
            "roles": self.roles,
            "analytics": self.analytics,
            "attachments": self.attachments,
        }
        root = self.table(data, "", ["name", "timezone", *sections])
        timezone = self.text(root, "timezone", "", "Asia/Shanghai")
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            self.error("timezone", "bad_timezone", value=timezone)
            timezone = "Asia/Shanghai"
        built = {name: parse(root.get(name, {}), name) for name, parse in sections.items()}
        return Policy(
            name=self.text(root, "name", "", ""),
            source=source,
            timezone=timezone,
            **built,
        )

    def calendar(self, data: Any, path: str) -> CalendarPolicy:
        keys = (
            "library",
            "weekend",
            "file",
            "directory",
            "holidays",
            "workdays",
            "covered_years",
        )
        table = self.table(data, path, [*keys, "beyond_coverage"])
        library = self.choice(
            table.get("library", "chinese"), _join(path, "library"), ("chinese", "weekends-only")
        )
        beyond = self.choice(
            table.get("beyond_coverage", "statutory"),
            _join(path, "beyond_coverage"),
            ("statutory", "assume-weekends", "refuse"),
        )
        weekend = []
        for p, v in self.items(table, "weekend", path):
            if isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= 7:
                self.error(p, "not_weekday", value=v)
            else:
                weekend.append(v)
        holidays = self.dates(table, "holidays", path)
        workdays = self.dates(table, "workdays", path)
        covered = self.years(table, "covered_years", path)
        file = self.text(table, "file", path, "")
        if file:
            extra = self.calendar_file(file, _join(path, "file"))
            holidays += extra[0]
            workdays += extra[1]
            covered += extra[2]
        directory = self.text(table, "directory", path, "")
        folder = ""
        if directory:
            resolved = (
                Path(directory) if Path(directory).is_absolute() else self.base_dir / directory
            )
            folder = str(resolved.resolve())
            for year_file in sorted(resolved.glob("*.toml")) if resolved.is_dir() else []:
                try:
                    year, days_off, working = read_official_year(year_file)
                except PolicyError as exc:
                    for key, reason in exc.errors:
                        self.error(_join(path, "directory"), "in_file", file=str(year_file),
                                   key=key, reason=reason)  # fmt: skip
                    continue
                holidays += days_off
                workdays += working
                covered.append(year)
        for day in sorted(set(holidays) & set(workdays)):
            self.error(_join(path, "workdays"), "day_both", value=day.isoformat())
        return CalendarPolicy(
            library=library or "chinese",  # type: ignore[arg-type]
            weekend=tuple(sorted(set(weekend))),
            file=file,
            directory=folder,
            holidays=tuple(sorted(set(holidays))),
            workdays=tuple(sorted(set(workdays))),
            covered_years=tuple(sorted(set(covered))),
            beyond_coverage=beyond or "statutory",  # type: ignore[arg-type]
        )

    def calendar_file(self, name: str, path: str) -> tuple[list[date], list[date], list[int]]:
        """A company calendar file; its problems are reported under ``calendar.file``."""
        file = Path(name) if Path(name).is_absolute() else self.base_dir / name
        try:
            with file.open("rb") as fh:
                data = tomllib.load(fh)
        except OSError as exc:
            self.error(path, "unreadable", detail=f"{file}: {exc.strerror or exc}")
            return [], [], []
        except tomllib.TOMLDecodeError as exc:
            self.error(path, "bad_toml", detail=f"{file}: {exc}")
            return [], [], []
        inner = _Reader(self.base_dir)
        table = inner.table(data, "", ["holidays", "workdays", "covered_years"])
        found = (
            inner.dates(table, "holidays", ""),
            inner.dates(table, "workdays", ""),
            inner.years(table, "covered_years", ""),
        )
        for key, reason in inner.errors:
            self.error(path, "in_file", file=str(file), key=key, reason=reason)
        return found

    def match_rule(self, data: Any, path: str, *, grades: bool) -> MatchRule:
        known = ["defect_kinds", "flags"] + (["severities", "validity"] if grades else [])
        table = self.table(data, path, known)
        return MatchRule(
            defect_kinds=frozenset(self.members(table, "defect_kinds", path, DefectKind)),
            flags=frozenset(self.choices(table, "flags", path, FLAGS)),
            severities=frozenset(self.members(table, "severities", path, Severity)),
            validity=frozenset(self.members(table, "validity", path, Validity)),
        )

    def ordered_rules(
        self, table: Mapping[str, Any], path: str, kind: str, enum: type[E], grades: bool
    ) -> list[tuple[E, MatchRule]]:
        """Grade rules (``grading.<kind>.<grade>``) in the order of ``<kind>_order``."""
        names = [str(m.value) for m in enum]
        rules_path = _join(path, kind)
        rules = self.table(table.get(kind, {}), rules_path, names)
        order_key = f"{kind}_order"
        order = [str(m.value) for m in self.members(table, order_key, path, enum)]
        if len(set(order)) != len(order):
            self.error(_join(path, order_key), "duplicate_entries")
        for name in rules:
            if name in names and name not in order:
                self.error(_join(path, order_key), "missing_from_order", value=name)
        return [
            (enum(name), self.match_rule(rules[name], _join(rules_path, name), grades=grades))
            for name in dict.fromkeys(order)
            if name in rules
        ]

    def grading(self, data: Any, path: str) -> GradingPolicy:
        table = self.table(
            data,
            path,
            [
                "severity_order",
                "severity_fallback",
                "severity",
                "priority_order",
                "priority_fallback",
                "priority",
            ],
        )
        severity = self.ordered_rules(table, path, "severity", Severity, grades=False)
        priority = self.ordered_rules(table, path, "priority", Priority, grades=True)
        fallback_raw = table.get("severity_fallback", "general")
        severity_fallback = (
            None
            if fallback_raw == ""
            else self.member(fallback_raw, _join(path, "severity_fallback"), Severity)
        )
        priority_fallback = self.member(
            table.get("priority_fallback", "medium"), _join(path, "priority_fallback"), Priority
        )
        return GradingPolicy(
            severity=tuple(severity),
            severity_fallback=severity_fallback,
            priority=tuple(priority),
            priority_fallback=priority_fallback or Priority.MEDIUM,
        )

    def escalation(self, data: Any, path: str) -> EscalationPolicy:
        d = EscalationPolicy()
        ints = (
            "level1_unresolved_days",
            "level1_departments",
            "level2_missed_promises",
            "level2_unresolved_days",
            "level2_departments",
            "same_kind_count",
            "same_kind_window_days",
        )
        lists = ("level1_flags", "level2_flags", "same_kind_by", "same_kind_ignores")
        table = self.table(data, path, [*ints, *lists])
        numbers = {key: self.integer(table, key, path, getattr(d, key)) for key in ints}
        same_kind_by = frozenset(self.choices(table, "same_kind_by", path, _SAME_KIND_BY))
        if "same_kind_by" in table and not same_kind_by:
            self.error(_join(path, "same_kind_by"), "required_items")
        return EscalationPolicy(
            level1_flags=frozenset(self.choices(table, "level1_flags", path, FLAGS)),
            level2_flags=frozenset(self.choices(table, "level2_flags", path, FLAGS)),
            same_kind_by=same_kind_by or d.same_kind_by,
            same_kind_ignores=frozenset(self.members(table, "same_kind_ignores", path, Validity)),
            **numbers,
        )

    def deadline(self, value: Any, path: str) -> Deadline | None:
        duration = self.duration(value, path)
        if duration is None:
            return None
        anchor = self.member(value.get("from", "received"), _join(path, "from"), Anchor)
        return Deadline(duration, anchor or Anchor.RECEIVED)

    def stage_deadlines(self, data: Any, path: str) -> dict[Stage, Deadline | None]:
        table = self.table(data, path, [s.value for s in Stage])
        out: dict[Stage, Deadline | None] = {}
        for key, value in table.items():
            if key not in [s.value for s in Stage]:
                continue
            if value == "none":
                out[Stage(key)] = None
            else:
                found = self.deadline(value, _join(path, key))
                if found is not None:
                    out[Stage(key)] = found
        return out

    def deadlines(self, data: Any, path: str) -> DeadlinePolicy:
        grades = [s.value for s in Severity]
        table = self.table(
            data,
            path,
            ["due_soon", "pause_reasons", "paused_stages", "default", "customers", *grades],
        )
        due_soon = None
        if "due_soon" in table:
            due_soon = self.duration(
                table["due_soon"], _join(path, "due_soon"), allowed=("hours", "days")
            )
        default = {
            stage: dl
            for stage, dl in self.stage_deadlines(
                table.get("default", {}), _join(path, "default")
            ).items()
            if dl is not None
        }
        by_severity = {
            Severity(g): MappingProxyType(self.stage_deadlines(table[g], _join(path, g)))
            for g in grades
            if g in table
        }
        customers_path = _join(path, "customers")
        customers = {
            code: MappingProxyType(
                {
                    stage: dl
                    for stage, dl in self.stage_deadlines(
                        table, _join(customers_path, code)
                    ).items()
                    if dl is not None
                }
            )
            for code, table in self.table(table.get("customers", {}), customers_path, None).items()
        }
        return DeadlinePolicy(
            by_customer=MappingProxyType(customers),
            due_soon=due_soon or Duration(24, "hours"),
            pause_reasons=frozenset(self.members(table, "pause_reasons", path, PauseReason)),
            paused_stages=frozenset(self.members(table, "paused_stages", path, Stage)),
            default=MappingProxyType(default),
            by_severity=MappingProxyType(by_severity),
        )

    def gates(self, data: Any, path: str) -> GatePolicy:
        table = self.table(data, path, ["required_team_roles", *[s.value for s in Stage]])
        items: dict[str, GateRule] = {}
        for stage, names in GATE_ITEMS.items():
            stage_path = _join(path, stage.value)
            stage_table = self.table(table.get(stage.value, {}), stage_path, names)
            for name in names:
                if name in stage_table:
                    rule = self.member(stage_table[name], _join(stage_path, name), GateRule)
                    items[f"{stage.value}.{name}"] = rule or GateRule.BLOCK
        roles = self.members(table, "required_team_roles", path, TeamRole)
        return GatePolicy(items=MappingProxyType(items), required_team_roles=tuple(roles))

    def lint(self, data: Any, path: str) -> LintPolicy:
        word_lists = (
            "blame_words",
            "system_words",
            "method_words",
            "change_words",
            "change_objects",
        )
        table = self.table(
            data,
            path,
            ["rules", *word_lists, "hollow_actions", "containment_locations", "d7_documents"],
        )
        hollow_path = _join(path, "hollow_actions")
        hollow_table = self.table(table.get("hollow_actions", {}), hollow_path, HOLLOW_KINDS)
        hollow = tuple(
            (kind, tuple(w.casefold() for w in self.texts(hollow_table, kind, hollow_path)))
            for kind in HOLLOW_KINDS
            if kind in hollow_table
        )
        rules_path = _join(path, "rules")
        rules_table = self.table(table.get("rules", {}), rules_path, LINT_RULES)
        rules: dict[str, LintRule] = {}
        for code in LINT_RULES:
            if code not in rules_table:
                continue
            rule_path = _join(rules_path, code)
            rule = self.table(rules_table[code], rule_path, ["severity", "weight"])
            severity = self.member(
                rule.get("severity", "warning"), _join(rule_path, "severity"), LintSeverity
            )
            weight = self.integer(rule, "weight", rule_path, 0)
            rules[code] = LintRule(severity or LintSeverity.WARNING, weight)
        words = {
            key: tuple(w.casefold() for w in self.texts(table, key, path)) for key in word_lists
        }
        return LintPolicy(
            rules=MappingProxyType(rules),
            hollow_actions=hollow,
            containment_locations=tuple(
                self.members(table, "containment_locations", path, ContainmentLocation)
            ),
            d7_documents=tuple(self.members(table, "d7_documents", path, DocumentKind)),
            **words,
        )

    def intake(self, data: Any, path: str) -> IntakePolicy:
        table = self.table(data, path, ["required"])
        if "required" not in table:
            return IntakePolicy()
        return IntakePolicy(required=tuple(self.choices(table, "required", path, REQUIRABLE)))

    def closure(self, data: Any, path: str) -> ClosurePolicy:
        d = ClosurePolicy()
        table = self.table(
            data,
            path,
            [
                "callback_within",
                "unreachable_attempts",
                "unreachable_window_days",
                "no_8d_needs_approval",
                "abnormal_grounds",
                "abnormal_needs_approval",
                "limits",
                "topic_limits",
            ],
        )
        callback = d.callback_within
        if "callback_within" in table:
            callback = self.duration(table["callback_within"], _join(path, "callback_within")) or (
                callback
            )
        limits_path = _join(path, "limits")
        limits_table = self.table(
            table.get("limits", {}), limits_path, [c.value for c in ComplaintCategory]
        )
        limits = {
            ComplaintCategory(key): self.integer(limits_table, key, limits_path, 1, minimum=1)
            for key in limits_table
            if key in [c.value for c in ComplaintCategory]
        }
        topics_path = _join(path, "topic_limits")
        topics_table = self.table(table.get("topic_limits", {}), topics_path, None)
        topic_limits = {}
        for key in topics_table:
            if not TOPIC_KEY.match(key):
                self.error(_join(topics_path, key), "bad_topic_key", value=key)
                continue
            topic_limits[key] = self.integer(topics_table, key, topics_path, 1, minimum=1)
        return ClosurePolicy(
            callback_within=callback,
            unreachable_attempts=self.integer(
                table, "unreachable_attempts", path, d.unreachable_attempts, minimum=1
            ),
            unreachable_window_days=self.integer(
                table, "unreachable_window_days", path, d.unreachable_window_days, minimum=1
            ),
            no_8d_needs_approval=self.boolean(
                table, "no_8d_needs_approval", path, d.no_8d_needs_approval
            ),
            abnormal_grounds=frozenset(
                self.members(table, "abnormal_grounds", path, AbnormalGround)
            ),
            abnormal_needs_approval=self.boolean(
                table, "abnormal_needs_approval", path, d.abnormal_needs_approval
            ),
            limits=MappingProxyType(limits),
            topic_limits=MappingProxyType(topic_limits),
        )

    def attachments(self, data: Any, path: str) -> AttachmentPolicy:
        table = self.table(data, path, ["max_mb"])
        return AttachmentPolicy(
            max_mb=self.integer(table, "max_mb", path, AttachmentPolicy.max_mb, minimum=1)
        )

    def retail(self, data: Any, path: str) -> RetailPolicy:
        table = self.table(data, path, ["remedy_limits"])
        limits_path = _join(path, "remedy_limits")
        kinds = [k.value for k in RemedyKind]
        limits_table = self.table(table.get("remedy_limits", {}), limits_path, kinds)
        limits = {
            RemedyKind(key): self.integer(limits_table, key, limits_path, 1, minimum=1)
            for key in limits_table
            if key in kinds
        }
        return RetailPolicy(remedy_limits=MappingProxyType(limits))

    def roles(self, data: Any, path: str) -> RolePolicy:
        d = RolePolicy()
        table = self.table(
            data, path, ["approver", "approval_meaning", "abnormal_meaning", "permissions"]
        )
        approver = self.text(table, "approver", path, d.approver)
        if not approver.strip():
            self.error(_join(path, "approver"), "required")
        given = table.get("permissions", {})
        permissions = self.permissions(given, _join(path, "permissions"))
        if not (isinstance(given, dict) and "approve" in given):
            # a company naming its approver role (`approver = "qa_manager"`) gives it the
            # approve permission without repeating it in [roles.permissions]
            permissions = MappingProxyType({**permissions, "approve": (approver or d.approver,)})
        return RolePolicy(
            approver=approver or d.approver,
            approval_meaning=self.text(table, "approval_meaning", path, d.approval_meaning),
            abnormal_meaning=self.text(table, "abnormal_meaning", path, d.abnormal_meaning),
            permissions=permissions,
        )

    def analytics(self, data: Any, path: str) -> AnalyticsPolicy:
        d = AnalyticsPolicy()
        table = self.table(
            data,
            path,
            [
                "abnormal_closure",
                "paused_stops_clock",
                "satisfaction_counts_unanswered",
                "recurrence_window_days",
                "recurrence_match",
                "recurrence_severity",
                "effectiveness_check_days",
                "verification_alpha",
            ],
        )
        abnormal = d.abnormal_closure
        if "abnormal_closure" in table:
            abnormal = (
                self.choice(
                    table["abnormal_closure"], _join(path, "abnormal_closure"), ABNORMAL_COUNTING
                )
                or abnormal
            )
        match = d.recurrence_match
        if "recurrence_match" in table:
            match = tuple(self.choices(table, "recurrence_match", path, RECURRENCE_KEYS))
            if not match:
                self.error(_join(path, "recurrence_match"), "required_items")
                match = d.recurrence_match
        severity = d.recurrence_severity
        if "recurrence_severity" in table:
            severity = (
                self.member(
                    table["recurrence_severity"], _join(path, "recurrence_severity"), Severity
                )
                or severity
            )
        checks = d.effectiveness_check_days
        if "effectiveness_check_days" in table:
            found = []
            for p, v in self.items(table, "effectiveness_check_days", path):
                if isinstance(v, bool) or not isinstance(v, int) or v < 1:
                    self.error(p, "below_minimum", minimum=1, value=v)
                else:
                    found.append(v)
            checks = tuple(sorted(set(found)))
        alpha = table.get("verification_alpha", d.verification_alpha)
        if isinstance(alpha, bool) or not isinstance(alpha, int | float) or not 0 < alpha < 1:
            self.error(_join(path, "verification_alpha"), "not_probability", value=alpha)
            alpha = d.verification_alpha
        return AnalyticsPolicy(
            abnormal_closure=abnormal,
            paused_stops_clock=self.boolean(
                table, "paused_stops_clock", path, d.paused_stops_clock
            ),
            satisfaction_counts_unanswered=self.boolean(
                table, "satisfaction_counts_unanswered", path, d.satisfaction_counts_unanswered
            ),
            recurrence_window_days=self.integer(
                table, "recurrence_window_days", path, d.recurrence_window_days, minimum=1
            ),
            recurrence_match=match,
            recurrence_severity=severity,
            effectiveness_check_days=checks,
            verification_alpha=float(alpha),
        )

    def permissions(self, data: Any, path: str) -> MappingProxyType[str, tuple[str, ...]]:
        """[roles.permissions]: each permission and the roles holding it (a company file
        lists only what it changes; an empty list means nobody holds it)."""
        table = self.table(data, path, PERMISSIONS)
        found = dict(DEFAULT_PERMISSIONS)
        for key in table:
            if key not in PERMISSIONS:
                continue
            roles = []
            for item_path, value in self.items(table, key, path):
                if not isinstance(value, str) or not _ROLE_NAME.match(value):
                    self.error(item_path, "bad_role", value=value)
                else:
                    roles.append(value)
            found[key] = tuple(roles)
        return MappingProxyType(found)

"""Demo data: realistic, complete 8D cases from four industries, for notebooks, reports,
screenshots and benchmarks.

* :func:`demo_cases` — the hand-written set (Chinese and English), stored as data in
  ``eightd/demo/cases/*.json`` (export documents whose dates are offsets from the load day,
  see :mod:`eightd.demo.data`): every stage D0..D8, every severity, normal / abnormal /
  no-8D closures, an injury, a reopened case, overdue and nearly due stages, a pattern of
  three same-kind complaints within a month and a deliberately weak 8D.
* :func:`demo_cases_large` — ``n`` generated cases recombined from the same cases, with
  fishbones of up to 60 causes, for benchmarks.

All dates are relative to ``today`` (default: today in the policy's time zone), counted on
the policy's working-day calendar, so ages, overdue deadlines and promised replies stay
current on any day; the same ``today`` gives the same cases. Every case passes
:func:`eightd.domain.validate_case` and the gates of every stage it has passed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from eightd.domain import Case, validate_case
from eightd.policy.loader import load_policy
from eightd.policy.model import Policy

from ._large import generate
from .data import DemoClock, load_cases, number_cases, resolve_case, template_cases
from .register import DEMO_REGISTER_HEADERS, DEMO_REGISTER_MAP, demo_register

__all__ = [
    "DEMO_INDUSTRIES",
    "DEMO_REGISTER_HEADERS",
    "DEMO_REGISTER_MAP",
    "demo_cases",
    "demo_cases_large",
    "demo_register",
    "industry_of",
]

# industry code -> English description; a case's industry follows from its product number
DEMO_INDUSTRIES: dict[str, str] = {
    "eyewear_retail": "Eyewear retail: optical stores and their frame and lens suppliers",
    "automotive_electronics": "Automotive electronics: modules, connectors, sensors, harnesses",
    "household_appliances": "Household appliances: injection-moulded parts and assembly",
    "food_packaging": "Food packaging: laminated pouches",
}

_PRODUCT_PREFIX = {
    "EY-": "eyewear_retail",
    "AE-": "automotive_electronics",
    "HA-": "household_appliances",
    "FP-": "food_packaging",
}


def industry_of(case: Case) -> str:
    """The demo industry of a case (a key of :data:`DEMO_INDUSTRIES`), from its product number."""
    for prefix, industry in _PRODUCT_PREFIX.items():
        if case.intake.product_number.startswith(prefix):
            return industry
    raise ValueError(f"not a demo product number: {case.intake.product_number!r}")


def demo_cases(today: date | None = None, *, policy: Policy | None = None) -> list[Case]:
    """The hand-written demo cases dated around ``today``, ordered by complaint number."""
    policy = policy or _default_policy()
    cases = load_cases(today or _today(policy), policy)
    for case in cases:
        validate_case(case)
    return cases


def demo_cases_large(
    n: int, seed: int = 0, today: date | None = None, *, policy: Policy | None = None
) -> list[Case]:
    """``n`` varied, valid cases recombined from the demo cases (deterministic per seed)."""
    if n < 0:
        raise ValueError("n must not be negative")
    policy = policy or _default_policy()

    def builder(where: str, data: dict[str, Any]) -> Callable[[date], Case]:
        return lambda day: resolve_case(data, DemoClock(day, policy), where=where, check=False)

    builders = [builder(f"{name}: cases[{i}]", data) for name, i, data in template_cases()]
    cases = number_cases(generate(n, seed, today or _today(policy), builders))
    for case in cases:
        validate_case(case)
    return cases


_POLICY: list[Policy] = []


def _default_policy() -> Policy:
    if not _POLICY:
        _POLICY.append(load_policy())
    return _POLICY[0]


def _today(policy: Policy) -> date:
    return datetime.now(policy.tz).date()

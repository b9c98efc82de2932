"""Demo data: realistic, complete 8D cases from four industries, for notebooks, reports,
screenshots and benchmarks.

* :func:`demo_cases` — the hand-written set (17 cases, Chinese and English), spread over
  every stage D0..D8, every severity, normal / abnormal / no-8D closures, an injury, a
  reopened case, an overdue case, a pattern of three same-kind complaints within a month
  and a deliberately weak 8D.
* :func:`demo_cases_large` — ``n`` generated cases recombined from the same parts, with
  fishbones of up to 60 causes, for benchmarks.

All dates are relative to ``today`` (default: today in Asia/Shanghai), so ages, overdue
deadlines and promised replies stay current; the same ``today`` gives the same cases.
Every case passes :func:`eightd.domain.validate_case`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from eightd.domain import Case, validate_case

from . import _appliances, _automotive, _eyewear
from ._large import generate
from ._parts import CST, Clock, assign_numbers, seal
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

Builder = Callable[[Clock], Case]

BUILDERS: dict[str, tuple[Builder, ...]] = {
    "eyewear_retail": _eyewear.BUILDERS,
    "automotive_electronics": _automotive.BUILDERS,
    "household_appliances": _appliances.APPLIANCE_BUILDERS,
    "food_packaging": _appliances.PACKAGING_BUILDERS,
}


def industry_of(case: Case) -> str:
    """The demo industry of a case (a key of :data:`DEMO_INDUSTRIES`), from its product number."""
    for prefix, industry in _PRODUCT_PREFIX.items():
        if case.intake.product_number.startswith(prefix):
            return industry
    raise ValueError(f"not a demo product number: {case.intake.product_number!r}")


def demo_cases(today: date | None = None) -> list[Case]:
    """The hand-written demo cases, ordered by complaint number."""
    clock = Clock(today or _today())
    cases = [build(clock) for builders in BUILDERS.values() for build in builders]
    return _finish(cases)


def demo_cases_large(n: int, seed: int = 0, today: date | None = None) -> list[Case]:
    """``n`` varied, valid cases recombined from the demo parts (deterministic per seed)."""
    if n < 0:
        raise ValueError("n must not be negative")
    builders = [build for group in BUILDERS.values() for build in group]
    cases = generate(n, seed, Clock(today or _today()), builders)
    return _finish(cases)


def _finish(cases: list[Case]) -> list[Case]:
    assign_numbers(cases)
    for case in cases:
        validate_case(seal(case))
    return sorted(cases, key=lambda c: c.number)


def _today() -> date:
    return datetime.now(CST).date()

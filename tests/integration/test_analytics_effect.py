"""The D6 statistics and the 30/60/90-day rechecks through the eightd command."""

from __future__ import annotations

import contextlib
import io
from datetime import date, datetime

from eightd import services
from eightd.cli import main
from eightd.demo import demo_cases
from eightd.domain import Case, Verification, VerificationBasis
from eightd.store import Store
from tests.conftest import CST

NOW = datetime(2026, 11, 30, 12, tzinfo=CST)


def _cli(url: str, *args: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["--db", url, *args])
    return code, out.getvalue()


def test_effect_and_recheck_commands(store: Store, store_url: str) -> None:
    case = next(c for c in demo_cases(date(2026, 11, 30)) if c.actions)
    action = case.actions[0].id
    with store.uow() as uow:
        services.import_cases(uow, [case], user="tester", now=NOW)

        def add(c: Case) -> None:
            c.actions[0].success_reduction_percent = 50.0
            c.verifications.append(
                Verification(
                    id="V90",
                    action_ids=[action],
                    verified_on=date(2026, 9, 1),
                    basis=VerificationBasis.LOT,
                    before_defects=10,
                    before_units=1000,
                    after_defects=1,
                    after_units=1000,
                )
            )

        services.update_case(uow, case.number, add, user="qe", action="verify", now=NOW)
    code, text = _cli(store_url, "effect", case.number)
    assert code == 0
    assert "before 10 / 1000 (10,000 ppm), after 1 / 1000 (1,000 ppm)" in text
    assert "Fisher's exact test" in text and "p = 0.005752" in text and "PASSED" in text
    code, text = _cli(store_url, "--lang", "zh", "effect", case.number)
    assert "两比例 Fisher 精确检验" in text and "通过" in text
    code, text = _cli(store_url, "recheck", "--at", "2026-11-15T09:00+08:00")
    assert code == 1  # the 30- and 60-day checks have no data yet
    assert f"{case.number} V90: 30-day check due 2026-10-01: NO DATA YET" in text
    assert "60-day check due 2026-10-31" in text and "90-day" not in text

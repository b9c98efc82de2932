"""The ledger refresh reads the cases around each page of stale cases once, sliding its
window in receipt order: the same-kind escalation it computes must not depend on where
the pages begin and end."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from eightd import services
from eightd.domain import DefectKind
from eightd.policy import load_policy
from eightd.services.ledger import LedgerKeeper, refresh_ledger
from eightd.store import Store
from eightd.store.tables import cases
from tests.conftest import CST, make_intake, register_users

T0 = datetime(2026, 3, 2, 10, tzinfo=CST)
NOW = datetime(2026, 7, 1, 10, tzinfo=CST)
QE = "qe.li"
POLICY = load_policy()  # three customers with complaints of one kind within 30 days
WITHOUT_RULE = dataclasses.replace(
    POLICY, escalation=dataclasses.replace(POLICY.escalation, same_kind_count=0)
)


def _levels(store: Store) -> list[tuple[str, int | None]]:
    c = cases.c
    with store.uow(read_only=True) as uow:
        query = sa.select(c.number, c.escalation_level).order_by(c.number)
        return [(row.number, row.escalation_level) for row in uow.connection.execute(query)]


def test_a_refresh_in_small_pages_gives_what_one_page_gives(store: Store) -> None:
    register_users(store, {QE: ["qe"]})
    # one kind of complaint from a new customer every 9 days for 4 months: each has
    # neighbours on both sides, in other pages when pages are small
    with store.uow() as uow:
        for i in range(14):
            received = T0 + timedelta(days=9 * i)
            intake = make_intake(received_at=received, ship_date=date(2026, 2, 20),
                                 customer_name=f"Customer {i}", customer_code=f"C{i:02d}",
                                 defect_kinds=[DefectKind.FUNCTIONAL])  # fmt: skip
            services.open_case(uow, intake, title="Cold joints", user=QE, now=received)
    results = []
    for policy, batch in ((WITHOUT_RULE, 1000), (POLICY, 1000), (POLICY, 3), (POLICY, 1)):
        with store.uow() as uow:
            keeper = LedgerKeeper(policy)
            assert refresh_ledger(uow, keeper, now=NOW, everything=True, batch=batch) == 14
        results.append(_levels(store))
    without, *paged = results
    assert paged[0] == paged[1] == paged[2]
    raised = [a for a, b in zip(paged[0], without, strict=True) if a != b]
    assert len(raised) >= 2  # the rule escalated cases other rules had not

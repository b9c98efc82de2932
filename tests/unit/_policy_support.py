"""Builders shared by the policy unit tests (real dates on the Chinese calendar)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from typing import Any

from eightd.domain import (
    ActionStatus,
    Approval,
    Case,
    Cause,
    CauseStatus,
    CauseType,
    ContactDirection,
    ContainmentAction,
    ContainmentLocation,
    CorrectiveAction,
    DocumentKind,
    IsIsNot,
    IsIsNotDimension,
    Severity,
    Stage,
    StageEvent,
    StageEventKind,
    StandardizationItem,
    TeamMember,
    TeamRole,
    Validity,
    Verification,
    validate_case,
)
from eightd.domain.model import Contact
from eightd.policy import content_hash, load_policy
from tests.conftest import make_intake

CST = timezone(timedelta(hours=8))
POLICY = load_policy()


def at(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=CST)


def make_case(
    number: str = "202509-0001",
    *,
    received: datetime | None = None,
    stage: Stage = Stage.D0,
    **intake: Any,
) -> Case:
    """A valid open case received at ``received`` (default Tue 2025-09-30 10:00, the day
    before the 2025 National Day holiday)."""
    received = received or at(2025, 9, 30, 10)
    intake.setdefault("ship_date", received.date() - timedelta(days=10))
    case = Case(
        number=number,
        title="Cold solder joints on J3",
        intake=make_intake(received_at=received, **intake),
        stage=stage,
        created_at=received,
        created_by="qe.li",
    )
    return validate_case(case)


def entered(case: Case, stage: Stage, when: datetime) -> None:
    """Move the case into ``stage`` at ``when``, completing the stage before it."""
    previous = Stage(f"D{stage.index - 1}") if stage.index else None
    if previous is not None:
        case.history.append(StageEvent(previous, StageEventKind.COMPLETED, when, "qe.li"))
    case.history.append(StageEvent(stage, StageEventKind.ENTERED, when, "qe.li"))
    case.stage = stage


def approve(case: Case, when: datetime) -> None:
    case.approvals.append(
        Approval("mgr.wang", "approver", "8D report approved", when, content_hash(case))
    )


def inbound(case: Case, when: datetime, due: datetime | None = None) -> None:
    case.contacts.append(
        Contact(
            when, "cust", direction=ContactDirection.INBOUND, summary="feedback", next_reply_due=due
        )
    )


def outbound(case: Case, when: datetime, due: datetime | None = None) -> None:
    case.contacts.append(
        Contact(
            when, "qe.li", direction=ContactDirection.OUTBOUND, summary="update", next_reply_due=due
        )
    )


def complete_case() -> Case:
    """A case whose every gate D0–D8 is met."""
    case = make_case(stage=Stage.D8)
    case.validity = Validity.FOUNDED
    case.grading.severity = Severity.SERIOUS
    case.grading.suggested_severity = Severity.SERIOUS
    case.team = [
        TeamMember("Li", TeamRole.LEADER),
        TeamMember("Zhao", TeamRole.SALES),
        TeamMember("Qian", TeamRole.QUALITY),
    ]
    case.problem.what = "Cold solder joints on J3"
    case.problem.how_many = "37 of 5000"
    case.problem.is_is_not = [
        IsIsNot(IsIsNotDimension.WHERE, "connector J3", "J1, J2 and J4 on the same board")
    ]
    case.containment = [
        ContainmentAction(
            "K1",
            ContainmentLocation.FINISHED_STOCK,
            description="Sort finished stock",
            owner="Sun",
            due=at(2025, 10, 1),
            quantity_checked=1200,
            quantity_bad=4,
            effectiveness="0 escapes after sorting",
        )
    ]
    case.causes = [
        Cause("C1", "Reflow profile too cold", type=CauseType.OCCURRENCE,
              status=CauseStatus.VERIFIED, evidence="reproduced at 235 °C"),
        Cause("C2", "AOI program lacks J3", type=CauseType.ESCAPE,
              status=CauseStatus.VERIFIED, evidence="AOI replay of the 37 failed boards"),
    ]  # fmt: skip
    case.actions = [
        CorrectiveAction(
            "A1",
            "Raise reflow peak to 245 °C",
            ["C1"],
            "Zhou",
            date(2025, 10, 20),
            ActionStatus.DONE,
            date(2025, 10, 20),
        ),
        CorrectiveAction(
            "A2",
            "Add J3 to AOI program",
            ["C2"],
            "Wu",
            date(2025, 10, 20),
            ActionStatus.DONE,
            date(2025, 10, 20),
        ),
    ]
    case.verifications = [
        Verification("V1", ["A1", "A2"], date(2025, 11, 1), "Qian", True, True, True,
                      "3 lots, 0 defects", "ppm", 7400.0, 0.0),
    ]  # fmt: skip
    case.containment_removed_on = date(2025, 11, 3)
    case.standardization = [
        StandardizationItem(DocumentKind.FMEA, "PFMEA-77", old_revision="B", new_revision="C")
    ]
    approve(case, at(2025, 11, 4))
    return validate_case(case)


def end_of(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=CST)


__all__ = [
    "CST",
    "POLICY",
    "approve",
    "at",
    "end_of",
    "entered",
    "inbound",
    "make_case",
    "outbound",
    "replace",
]

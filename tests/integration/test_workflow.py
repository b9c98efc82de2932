"""The workflow use cases on a real store: grading, gated stage moves, verification sent
back to D4, clock pauses, approval signatures, closure and reopening (docs/RULES.md)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from eightd import services
from eightd.domain import (
    Callback,
    CallbackOutcome,
    Cause,
    CauseStatus,
    CauseType,
    ClosureKind,
    ContainmentAction,
    ContainmentLocation,
    CorrectiveAction,
    DefectKind,
    DocumentKind,
    PauseReason,
    ProblemDescription,
    Severity,
    Stage,
    StageEventKind,
    StandardizationItem,
    TeamMember,
    TeamRole,
    Validity,
    Verification,
)
from eightd.errors import PermissionDeniedError, StageGateError, ValidationError
from eightd.policy import AbnormalGround, ClockState, SignatureState, load_policy
from eightd.services import workflow
from eightd.store import Store
from tests.conftest import CST, make_intake, register_users

POLICY = load_policy()
T0 = datetime(2025, 9, 30, 10, tzinfo=CST)  # the day before the National Day break
QE, MANAGER = "qe.li", "mgr.wang"


def at(days: float) -> datetime:
    return T0 + timedelta(days=days)


@pytest.fixture
def number(store: Store) -> str:
    register_users(store, {QE: ["qe"], MANAGER: ["approver"]})
    with store.uow() as uow:
        intake = make_intake(
            received_at=T0, ship_date=date(2025, 9, 20), defect_kinds=[DefectKind.FUNCTIONAL]
        )
        stored = services.open_case(uow, intake, title="Cold solder joints", user=QE, now=T0)
    return stored.case.number


def _to_d3(store: Store, number: str) -> None:
    """D0 decided and graded, D1 team, D2 problem: the case enters D3."""
    with store.uow() as uow:
        services.set_validity(
            uow, number, Validity.FOUNDED, "our solder joints", user=QE, now=at(0.1)
        )
        workflow.grade_case(uow, number, POLICY, user=QE, now=at(0.1))
        workflow.advance_stage(uow, number, POLICY, user=QE, now=at(0.2))
        team = [TeamMember("Li", TeamRole.LEADER), TeamMember("Zhao", TeamRole.SALES),
                TeamMember("Qian", TeamRole.QUALITY)]  # fmt: skip
        services.set_team(uow, number, team, user=QE, now=at(0.2))
        workflow.advance_stage(uow, number, POLICY, user=QE, now=at(0.3))
        problem = ProblemDescription(what="Cold joints on J3", how_many="37 of 5000")
        services.describe_problem(uow, number, problem, user=QE, now=at(0.3))
        workflow.advance_stage(uow, number, POLICY, user=QE, now=at(0.4))


def _to_d6(store: Store, number: str) -> None:
    _to_d3(store, number)
    with store.uow() as uow:
        services.put_item(uow, number, "containment", ContainmentAction(
            "", ContainmentLocation.FINISHED_STOCK, description="Sort stock", owner="Sun",
            due=at(0.5), quantity_checked=1200, quantity_bad=4, effectiveness="0 escapes"),
            user=QE, now=at(0.5))  # fmt: skip
        workflow.advance_stage(uow, number, POLICY, user=QE, now=at(0.6))
        services.put_item(uow, number, "causes", Cause("", "Reflow profile too cold",
            type=CauseType.OCCURRENCE, status=CauseStatus.VERIFIED, evidence="reproduced"),
            user=QE, now=at(9))  # fmt: skip
        services.put_item(uow, number, "causes", Cause("", "AOI program lacks J3",
            type=CauseType.ESCAPE, status=CauseStatus.VERIFIED, evidence="AOI replay"),
            user=QE, now=at(9))  # fmt: skip
        workflow.advance_stage(uow, number, POLICY, user=QE, now=at(9.1))
        due = date(2025, 10, 20)
        for text, cause, owner in (
            ("Raise reflow peak", "C1", "Zhou"),
            ("Add J3 to AOI", "C2", "Wu"),
        ):
            action = CorrectiveAction("", text, [cause], owner, due)
            services.put_item(uow, number, "actions", action, user=QE, now=at(9.2))
        workflow.advance_stage(uow, number, POLICY, user=QE, now=at(9.3))


def _verification(effective: bool) -> Verification:
    return Verification("", ["A1", "A2"], date(2025, 10, 25), "Qian", True, effective, True,
                        "3 lots", "ppm", 7400.0, 0.0)  # fmt: skip


def test_grading_records_the_suggestion_and_an_audited_override(store: Store, number: str) -> None:
    with store.uow() as uow:
        stored = workflow.grade_case(uow, number, POLICY, user=QE, now=at(0.1))
        assert stored.case.grading.suggested_severity is Severity.SERIOUS
        with pytest.raises(ValidationError) as err:
            workflow.grade_case(uow, number, POLICY, user=QE, severity=Severity.GENERAL)
        assert err.value.field == "grading.override_reason"
        workflow.grade_case(uow, number, POLICY, user=QE, severity=Severity.GENERAL,
                            reason="customer accepts as cosmetic", now=at(0.2))  # fmt: skip
        trail = services.audit_trail(uow, number)
    changes = {(e.path, e.old_value, e.new_value) for e in trail if e.action == "grade"}
    assert ("grading.severity", "serious", "general") in changes


def test_stage_gate_refuses_a_move_listing_every_missing_item(store: Store, number: str) -> None:
    with store.uow() as uow, pytest.raises(StageGateError) as err:
        workflow.advance_stage(uow, number, POLICY, user=QE, now=at(0.1))
    assert err.value.missing == ["gate.D0.validity_decided", "gate.D0.severity_graded"]
    with store.uow() as uow:
        assert services.load_case(uow, number).case.stage is Stage.D0  # nothing saved


def test_case_walks_from_intake_to_normal_closure(store: Store, number: str) -> None:
    _to_d6(store, number)
    with store.uow() as uow:
        _, sent_back = workflow.record_verification(uow, number, _verification(True), user=QE,
                                                    now=at(25))  # fmt: skip
        assert not sent_back
        with pytest.raises(StageGateError) as err:
            workflow.advance_stage(uow, number, POLICY, user=QE, now=at(25))
        assert err.value.missing == ["gate.D6.containment_removed"]

        def removed(case: object) -> None:
            case.containment_removed_on = date(2025, 10, 26)  # type: ignore[attr-defined]

        services.update_case(uow, number, removed, user=QE, action="remove_containment")
        workflow.advance_stage(uow, number, POLICY, user=QE, now=at(26))
        pfmea = StandardizationItem(
            DocumentKind.FMEA, "PFMEA-7", old_revision="B", new_revision="C"
        )
        services.add_standardization(uow, number, pfmea, user=QE, now=at(26))
        workflow.advance_stage(uow, number, POLICY, user=QE, now=at(26.1))
        workflow.approve_case(uow, number, POLICY, user=MANAGER, now=at(27))
        with pytest.raises(StageGateError) as err:
            workflow.close_case(uow, number, POLICY, ClosureKind.NORMAL, user=QE, now=at(27))
        assert err.value.missing == ["closure.normal.callback_agreed"]
        callback = Callback(at(28), "cs", CallbackOutcome.SATISFIED)
        workflow.record_callback(uow, number, callback, user=QE, now=at(28))
        stored = workflow.close_case(uow, number, POLICY, ClosureKind.NORMAL, user=QE, now=at(28))
        _, result = workflow.assess_case(uow, number, POLICY, now=at(30))
    assert stored.case.is_closed
    assert result.signature is SignatureState.VALID
    assert result.schedule.clock(Stage.D8).state is ClockState.DONE_LATE  # serious: 1 week
    assert result.schedule.clock("callback").state is ClockState.DONE_ON_TIME


def test_failed_verification_sends_the_case_back_to_d4(store: Store, number: str) -> None:
    _to_d6(store, number)
    with store.uow() as uow:
        stored, sent_back = workflow.record_verification(uow, number, _verification(False),
                                                         user=QE, now=at(25))  # fmt: skip
    assert sent_back
    assert stored.case.stage is Stage.D4
    assert [e.kind for e in stored.case.history[-2:]] == [
        StageEventKind.SENT_BACK,
        StageEventKind.ENTERED,
    ]


def test_only_users_with_the_approver_role_may_approve(store: Store, number: str) -> None:
    with store.uow() as uow, pytest.raises(PermissionDeniedError) as err:
        workflow.approve_case(uow, number, POLICY, user=QE)
    assert err.value.params == {"user": QE, "permission": "approve", "roles": "approver"}
    assert "the role approver is needed" in err.value.message("en")
    assert "需要角色 approver" in err.value.message("zh")


def test_change_after_approval_invalidates_the_signature(store: Store, number: str) -> None:
    with store.uow() as uow:
        services.set_validity(uow, number, Validity.NOT_OURS, "customer's press-fit", user=QE)
        workflow.approve_case(uow, number, POLICY, user=MANAGER, now=at(1))
        assert workflow.assess_case(uow, number, POLICY, now=at(1))[1].signature is (
            SignatureState.VALID
        )
        services.set_validity(uow, number, Validity.NOT_OURS, "press-fit damage, photos", user=QE)
        result = workflow.assess_case(uow, number, POLICY, now=at(1))[1]
    assert result.signature is SignatureState.CHANGED_AFTER_APPROVAL


def test_not_founded_complaint_closes_without_an_8d_and_can_be_reopened(
    store: Store, number: str
) -> None:
    with store.uow() as uow:
        services.set_validity(uow, number, Validity.NOT_FOUNDED, "within spec; data sent", user=QE)
        with pytest.raises(StageGateError) as err:
            workflow.close_without_8d(uow, number, POLICY, user=QE)
        assert err.value.missing == ["closure.no_8d.approval"]
        workflow.approve_case(uow, number, POLICY, user=MANAGER, now=at(1))
        stored = workflow.close_without_8d(uow, number, POLICY, user=QE, now=at(1))
        assert stored.case.closure.kind is ClosureKind.NO_8D  # type: ignore[union-attr]
        assert stored.case.closure.reason == "within spec; data sent"  # type: ignore[union-attr]
        reopened = workflow.reopen_case(uow, number, reason="new samples", user=QE, now=at(3))
    assert not reopened.case.is_closed
    assert reopened.case.stage is Stage.D0


def test_closed_8d_reopens_at_root_cause_analysis(store: Store, number: str) -> None:
    _to_d3(store, number)
    with store.uow() as uow:
        ground, reason = AbnormalGround.CONTRACT_CONFLICT, "refund beyond the contract"
        # rule CL-3: only the approver role closes a case abnormally, and only once approved
        with pytest.raises(PermissionDeniedError):
            workflow.close_case(uow, number, POLICY, ClosureKind.ABNORMAL, user=QE,
                                ground=ground, reason=reason, now=at(16))  # fmt: skip
        with pytest.raises(StageGateError) as refused:
            workflow.close_case(uow, number, POLICY, ClosureKind.ABNORMAL, user=MANAGER,
                                ground=ground, reason=reason, now=at(16))  # fmt: skip
        assert refused.value.missing == ["closure.abnormal.approval"]
        workflow.approve_case(uow, number, POLICY, user=MANAGER, abnormal=True, now=at(16))
        stored = workflow.close_case(uow, number, POLICY, ClosureKind.ABNORMAL, user=MANAGER,
                                     ground=ground, reason=reason, now=at(16))  # fmt: skip
        closure = stored.case.closure
        assert closure is not None
        assert (closure.ground, closure.reason) == (ground, reason)  # no "[ground]" prefix
        stored = workflow.reopen_case(uow, number, reason="customer not satisfied", user=QE)
    assert stored.case.stage is Stage.D4
    assert stored.case.closure is None


def test_pause_stops_the_clock_and_an_agreed_test_is_written_into_d2(
    store: Store, number: str
) -> None:
    with store.uow() as uow:
        with pytest.raises(ValidationError):
            workflow.pause_clock(
                uow, number, PauseReason.AGREED_TEST, start=date(2025, 9, 30), user=QE, now=at(0)
            )
        note = "salt-spray test agreed with customer, 48 h"
        workflow.pause_clock(uow, number, PauseReason.AGREED_TEST, start=date(2025, 9, 30),
                             user=QE, note=note, now=at(0))  # fmt: skip
        workflow.resume_clock(uow, number, end=date(2025, 10, 9), user=QE, now=at(10))
        stored, result = workflow.assess_case(uow, number, POLICY, now=at(10))
    assert "salt-spray" in stored.case.problem.agreed_test_time
    # rule DL-5: the first response runs on (9 and 10 Oct) ...
    assert result.schedule.clock(Stage.D0).due.date() == date(2025, 10, 10)  # type: ignore[union-attr]
    # ... the analysis clock stands still from 30 Sep to 9 Oct: 10, Sat 11, 13 … 17 Oct
    assert result.schedule.clock(Stage.D4).due.date() == date(2025, 10, 17)  # type: ignore[union-attr]


def test_pause_cannot_start_or_end_in_the_future(store: Store, number: str) -> None:
    with store.uow() as uow:
        with pytest.raises(ValidationError) as raised:
            workflow.pause_clock(uow, number, PauseReason.AGREED_TEST, start=date(2025, 10, 3),
                                 user=QE, note="test", now=at(0))  # fmt: skip
        assert raised.value.field == "pauses.start"
        workflow.pause_clock(uow, number, PauseReason.AGREED_TEST, start=date(2025, 9, 30),
                             user=QE, note="test", now=at(0))  # fmt: skip
        with pytest.raises(ValidationError) as raised:
            workflow.resume_clock(uow, number, end=date(2025, 10, 20), user=QE, now=at(2))
        assert raised.value.field == "pauses.end"
        stored, _ = workflow.assess_case(uow, number, POLICY, now=at(2))
    assert stored.case.pauses[0].end is None


def test_same_kind_complaints_from_the_store_escalate(store: Store, number: str) -> None:
    with store.uow() as uow:
        for i, customer in enumerate(("Acme", "Bolt")):
            intake = make_intake(received_at=at(i + 1), ship_date=date(2025, 9, 20),
                                 customer_name=customer, customer_code=customer.upper(),
                                 defect_kinds=[DefectKind.FUNCTIONAL])  # fmt: skip
            services.open_case(uow, intake, title="Cold joints again", user=QE, now=at(i + 1))
        _, result = workflow.assess_case(uow, number, POLICY, now=at(3))
    assert result.escalation.level == 2
    assert result.escalation.reasons[0][1].code == "escalation.same_kind"


def test_the_same_kind_lookup_reads_one_products_cases_through_its_index(
    store: Store, number: str
) -> None:
    """Rule ES-2's candidates: the same product (trimmed, any case) within the window,
    found by ``ix_cases_product_received`` instead of reading the whole window."""
    import sqlalchemy as sa

    opened = {}
    with store.uow() as uow:
        for days, product in (
            (1, " pcb-7731 "),
            (2, "PCB-7731"),
            (2, "PCB-9999"),
            (40, "PCB-7731"),
        ):
            intake = make_intake(
                received_at=at(days),
                ship_date=date(2025, 9, 20),
                product_number=product,
                defect_kinds=[DefectKind.FUNCTIONAL],
            )
            stored = services.open_case(uow, intake, title="Cold joints", user=QE, now=at(days))
            opened[(days, product)] = stored.case.number
    statements: list[tuple[str, object]] = []

    def seen(conn: object, cursor: object, statement: str, parameters: object, *_: object) -> None:
        if "received_at" in statement and "product_number" in statement:
            statements.append((statement, parameters))

    sa.event.listen(store.engine, "before_cursor_execute", seen)
    try:
        with store.uow() as uow:
            case = services.load_case(uow, number).case
            found = workflow.same_kind_candidates(uow, case, POLICY)
    finally:
        sa.event.remove(store.engine, "before_cursor_execute", seen)
    # the other case of another product and the one outside the window are not read
    assert sorted(c.number for c in found) == sorted(
        [opened[(1, " pcb-7731 ")], opened[(2, "PCB-7731")]]
    )
    [(statement, parameters)] = statements
    if store.engine.dialect.name == "sqlite":
        with store.engine.connect() as conn:
            plan = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
        assert "ix_cases_product_received" in " ".join(str(row[-1]) for row in plan)


def test_needing_attention_lists_overdue_stages(store: Store, number: str) -> None:
    with store.uow() as uow:
        found = workflow.needing_attention(uow, POLICY, now=at(1.5))
    [item] = found
    assert item.number == number
    assert [(c.key, c.state) for c in item.clocks] == [("D3", ClockState.OVERDUE)]

"""The demo as data: offsets resolved on the policy's calendar, and cases a quality engineer
would accept on any load day (every gate passed that the case has passed, closures on
grounds that fit, the ledger's states the same whatever holidays lie between)."""

from __future__ import annotations

import copy
import json
import re
from collections import Counter
from datetime import date, datetime, time, timedelta

import pytest

from eightd.demo import demo_cases
from eightd.demo.data import DATA_FILES, DemoClock, load_case_data, resolve_case, template_cases
from eightd.domain import CaseStatus, ClosureKind, Stage, StageEventKind
from eightd.errors import ValidationError
from eightd.policy import lint, load_policy
from eightd.policy.assess import assess
from eightd.policy.closure import closure_problems
from eightd.policy.deadlines import ClockState
from eightd.policy.gates import gate_items

POLICY = load_policy()
TZ = POLICY.tz

# a Friday; the day before National Day; a New Year's Day holiday; the Spring Festival's eve
# (2027: a year the holiday library may not cover, so computed, rule CA-2); a leap day
DAYS = (
    date(2026, 11, 20),
    date(2026, 9, 30),
    date(2027, 1, 1),
    date(2027, 2, 5),
    date(2028, 2, 29),
)


def _now(day: date) -> datetime:
    return datetime.combine(day, time(10), TZ)


@pytest.fixture(scope="module", params=DAYS, ids=str)
def loaded(request):
    return request.param, demo_cases(request.param)


def _passed(case) -> list[Stage]:
    """The stages the case has passed: before its current one, or all it completed when closed."""
    if case.is_closed:
        return sorted(
            {e.stage for e in case.history if e.kind is StageEventKind.COMPLETED},
            key=lambda s: s.index,
        )
    return [s for s in Stage if s.index < case.stage.index]


def test_every_case_meets_the_gates_of_every_stage_it_has_passed(loaded):
    day, cases = loaded
    for case in cases:
        for stage in _passed(case):
            unmet = [g.code for g in gate_items(case, stage, POLICY) if g.blocking]
            assert unmet == [], (day, case.number, case.title, stage, unmet)


def test_the_d1_team_holds_every_role_the_policy_requires(loaded):
    _, cases = loaded
    required = set(POLICY.gates.required_team_roles)
    for case in [c for c in cases if c.stage.index > Stage.D1.index]:
        assert required <= {m.role for m in case.team}, case.title


def test_closed_cases_close_on_grounds_that_fit(loaded):
    """Each closure is one the policy allows: reopened for the check, the same closure
    (kind, reason, ground) raises nothing (rules CL-1, CL-3, CL-4, VA-1)."""
    _, cases = loaded
    for case in [c for c in cases if c.closure]:
        closure = case.closure
        reopened = copy.deepcopy(case)
        reopened.status, reopened.closure = CaseStatus.OPEN, None
        problems = closure_problems(
            reopened, closure.kind, POLICY, reason=closure.reason, ground=closure.ground
        )
        assert problems == [], (case.title, problems)
        if closure.kind is ClosureKind.ABNORMAL:  # rule CL-3: decided by the approver
            assert closure.closed_by in {a.signer for a in case.approvals}, case.title


def test_closed_8ds_show_every_live_action_improved_things(loaded):
    _, cases = loaded
    for case in [c for c in cases if c.closure and c.closure.kind is not ClosureKind.NO_8D]:
        for ver in case.verifications:
            covers_live = any(
                a.id in ver.action_ids and a.status.value != "cancelled" for a in case.actions
            )
            if covers_live:
                assert ver.effective is True, (case.title, ver.id)
            if ver.before_value is not None and ver.after_value is not None and covers_live:
                assert ver.after_value < ver.before_value, (case.title, ver.id)


def test_closed_cases_pass_the_review(loaded):
    day, cases = loaded
    for case in [c for c in cases if c.is_closed]:
        assert lint(case, POLICY, now=_now(day)).findings == (), case.title


def test_the_weak_8d_stays_weak(loaded):
    day, cases = loaded
    weak = [c for c in cases if any("加强培训" in a.text for a in c.actions)]
    assert len(weak) == 1
    assert lint(weak[0], POLICY, now=_now(day)).score == 0


def test_nothing_has_happened_after_the_load_moment_and_history_is_in_order(loaded):
    day, cases = loaded
    end = datetime.combine(day, time(23, 59), TZ)
    for case in cases:
        times = [e.at for e in case.history]
        assert times == sorted(times), case.title
        happened = [
            case.intake.received_at,
            *times,
            *(c.at for c in case.contacts),
            *(c.at for c in case.callbacks),
            *(a.signed_at for a in case.approvals),
        ]
        assert max(happened) <= end, case.title
        assert (
            case.intake.ship_date is None or case.intake.ship_date <= case.intake.received_at.date()
        )


def _states(day: date) -> dict[str, dict[str, ClockState]]:
    return {
        c.title: {k.key: k.state for k in assess(c, POLICY, now=_now(day)).clocks}
        for c in demo_cases(day)
    }


def test_the_ledger_shows_overdue_due_soon_and_closed_cases_on_every_day(loaded):
    day, cases = loaded
    states = [s for clocks in _states(day).values() for s in clocks.values()]
    counts = Counter(states)
    assert counts[ClockState.OVERDUE] >= 3
    assert counts[ClockState.DUE_SOON] >= 1
    assert counts[ClockState.DONE_ON_TIME] >= 5
    assert counts[ClockState.CLOSED_ABNORMALLY] >= 2
    assert sum(c.is_closed for c in cases) >= 5
    on_time = {ClockState.DONE_ON_TIME, ClockState.DONE, ClockState.UNTIMED}
    normal = [c.title for c in cases if c.closure and c.closure.kind is ClosureKind.NORMAL]
    assert any(set(_states(day)[title].values()) <= on_time for title in normal)


def test_each_case_shows_the_same_clock_states_on_every_day():
    """Working-day offsets keep an open case as old, as overdue or as nearly due in working
    days across holidays; calendar offsets from the receipt keep a closed case on time."""
    reference = _states(DAYS[0])
    for day in DAYS[1:]:
        assert _states(day) == reference, day


def _text_of(day: date) -> str:
    return json.dumps(
        [c.problem.when for c in demo_cases(day)] + [c.intake.lot_numbers for c in demo_cases(day)],
        ensure_ascii=False,
    )


def test_free_text_dates_move_with_the_load_day():
    kettle = {d: next(c for c in demo_cases(d) if "电水壶" in c.title) for d in DAYS}
    for day, case in kettle.items():
        produced = re.search(r"生产于 (\d{4}) 年 (\d{1,2}) 月", case.problem.when)
        assert produced, case.problem.when
        made = date(int(produced[1]), int(produced[2]), 1)
        received = case.intake.received_at.date()
        assert timedelta(days=60) < received - made < timedelta(days=140), (day, made)
    eyes = next(c for c in demo_cases(DAYS[0]) if c.intake.product_number == "EY-SV-167AS")
    later = next(c for c in demo_cases(DAYS[4]) if c.intake.product_number == "EY-SV-167AS")
    ordered = re.search(r"(\d{1,2}) 月 (\d{1,2}) 日（周六", later.problem.when)
    assert ordered and eyes.problem.when != later.problem.when
    year = later.intake.received_at.year - (int(ordered[1]) > later.intake.received_at.month)
    assert date(year, int(ordered[1]), int(ordered[2])).weekday() == 5  # a Saturday, as told


def test_lot_codes_move_with_the_load_day():
    now = {c.title: c.intake.lot_numbers for c in demo_cases(DAYS[0])}
    later = {c.title: c.intake.lot_numbers for c in demo_cases(DAYS[4])}
    moved = [title for title, lots in now.items() if lots and lots != later[title]]
    assert moved == [title for title, lots in now.items() if lots]
    assert len(moved) >= 10


def test_no_text_carries_a_year_that_does_not_move():
    for day in (DAYS[0], DAYS[4]):
        text = json.dumps([c.title for c in demo_cases(day)], ensure_ascii=False)
        assert "2024" not in text
    raw = json.dumps([data for _, _, data in template_cases()], ensure_ascii=False)
    assert not re.search(r"20[12]\d", raw.replace("@", ""))  # years only as placeholders


def test_every_data_file_is_an_export_document_of_offsets():
    names = {name for name, _, _ in template_cases()}
    assert names == set(DATA_FILES)
    for _, _, data in template_cases():
        assert data["number"] == "@seq"
        assert data["intake"]["received_at"].startswith("@T")


# ---------------------------------------------------------------- offsets


def test_working_day_offsets_skip_holidays_and_calendar_ones_do_not():
    clock = DemoClock(date(2026, 10, 8), POLICY)  # the first working day after National Day
    assert clock.resolve("@T-1w", None) == date(2026, 9, 30)
    assert clock.resolve("@T-1d", None) == date(2026, 10, 7)
    received = datetime(2026, 9, 30, 16, 5, tzinfo=TZ)
    assert clock.resolve("@R+1d+2h", received) == datetime(2026, 10, 1, 18, 5, tzinfo=TZ)
    assert clock.resolve("@R+0d 09:30", received) == datetime(2026, 9, 30, 9, 30, tzinfo=TZ)
    assert clock.resolve("@R-1mo<sat", received) == date(2026, 8, 29)


def test_a_load_day_off_counts_from_the_last_working_day_before_it():
    clock = DemoClock(date(2026, 10, 3), POLICY)  # National Day holiday
    assert clock.resolve("@T-0w 09:00", None) == datetime(2026, 9, 30, 9, 0, tzinfo=TZ)
    assert clock.resolve("@T+1w", None) == date(2026, 10, 8)


def _document(case: dict) -> str:
    return json.dumps({"format": "eightd.cases", "format_version": 1, "cases": [case]})


def _raw_case() -> dict:
    return copy.deepcopy(template_cases()[0][2])


def _load(name: str, text: str):
    clock = DemoClock(DAYS[0], POLICY)
    return [
        resolve_case(d, clock, where=f"{name}: cases[{i}]")
        for i, d in enumerate(load_case_data(name, text))
    ]


@pytest.mark.parametrize(
    ("edit", "field", "reason"),
    [
        (lambda c: c["history"][1].update(at="@R+1x 10:00"), "history[1].at", "demo_offset"),
        (lambda c: c["intake"].update(received_at="@R+1d"), "intake.received_at", "demo_received"),
        (
            lambda c: c["intake"].update(received_at="2026-11-20"),
            "intake.received_at",
            "demo_received",
        ),
        (lambda c: c.update(number="202611-0001"), "number", "demo_number"),
        (
            lambda c: c["approvals"][0].update(content_hash="abc"),
            "approvals[0].content_hash",
            "demo_seal",
        ),
        (lambda c: c.update(title="{{@R|weekday}}"), "title", "demo_format"),
        (lambda c: c["intake"].update(ship_date="@R+0d 25:00"), "intake.ship_date", "demo_offset"),
        (
            lambda c: c["intake"].update(shipped_quantity="many"),
            "intake.shipped_quantity",
            "not_integer",
        ),
    ],
)
def test_a_malformed_data_file_is_refused_naming_the_file_case_and_field(edit, field, reason):
    case = _raw_case()
    edit(case)
    with pytest.raises(ValidationError) as caught:
        _load("broken.json", _document(case))
    assert caught.value.field == f"broken.json: cases[0].{field}"
    assert caught.value.reason_code == f"error.reason.{reason}"
    assert "broken.json: cases[0]" in caught.value.message("en")
    assert caught.value.message("zh")


def test_a_data_file_that_is_not_an_export_document_is_refused():
    with pytest.raises(ValidationError) as caught:
        _load("broken.json", "{not json")
    assert caught.value.field == "broken.json"
    with pytest.raises(ValidationError) as caught:
        _load("broken.json", json.dumps({"format": "other", "cases": []}))
    assert caught.value.field == "broken.json: format"

"""Lessons learned: recurrence of closed cases, similar cases in Chinese and English,
suggestions for D4 / D5, read-across (on SQLite FTS5 and PostgreSQL tsvector)."""

from __future__ import annotations

import contextlib
import copy
import io
from datetime import date, datetime, timedelta

import pytest

from eightd import services
from eightd.analytics import (
    flag_recurrence,
    kpis,
    read_across,
    recurrences,
    refresh_ledger,
    search_terms,
    similar_cases,
    suggestions,
)
from eightd.cli import main
from eightd.demo import demo_cases
from eightd.domain import Case, CaseStatus, DefectKind, Severity
from eightd.errors import ValidationError
from eightd.policy import load_policy
from eightd.store import Store
from tests.conftest import CST, make_intake

POLICY = load_policy()
TODAY = date(2026, 11, 30)
NOW = datetime(2026, 11, 30, 12, tzinfo=CST)
CASES = demo_cases(TODAY)


def demo(number: str) -> Case:
    return next(c for c in CASES if c.number == number)


@pytest.fixture
def demo_store(store: Store) -> Store:
    with store.uow() as uow:
        services.import_cases(uow, CASES, user="tester", now=NOW)
        refresh_ledger(uow, POLICY, now=NOW)
    return store


def test_search_terms_are_chinese_bigrams_and_stemmed_words() -> None:
    assert search_terms("镀层脱落") == ["镀层", "层脱", "脱落"]
    assert search_terms("Cracked solder JOINTS, 裂") == ["crack", "solder", "joint", "裂"]
    assert search_terms("ＡＢＣ１２ 镜") == ["abc12", "镜"]  # full-width folded


def test_a_query_leaves_out_the_english_function_words_unless_it_has_nothing_else() -> None:
    text = "Cracks in the solder joints after the vibration test"
    assert search_terms(text, query=True) == ["crack", "solder", "joint", "vibrat", "test"]
    assert "after" in search_terms(text)  # the index keeps every word
    assert search_terms("after the", query=True) == ["after", "the"]
    assert search_terms("the 镀层", query=True) == ["镀层"]


def test_a_chinese_query_finds_the_earlier_case(demo_store: Store) -> None:
    earlier = demo("202609-0004")
    assert "膜层脱落" in earlier.title
    with demo_store.uow() as uow:
        found = similar_cases(uow.connection, "客户反映镜片膜层脱落，戴了两个月")
    assert found[0].number == "202609-0004"


def test_an_english_query_finds_the_earlier_case(demo_store: Store) -> None:
    assert "cracked THT solder joints" in demo("202609-0001").title
    with demo_store.uow() as uow:
        found = similar_cases(uow.connection, "Solder joint cracks on the header after vibration")
        filtered = similar_cases(
            uow.connection, "Solder joint cracks on the header", product="EY-LN-160BL"
        )
    assert found[0].number == "202609-0001"
    assert all(f.product == "EY-LN-160BL" for f in filtered)


def test_a_query_with_nothing_to_search_is_refused(demo_store: Store) -> None:
    with demo_store.uow() as uow, pytest.raises(ValidationError):
        similar_cases(uow.connection, " ,.; ")


def test_suggestions_offer_verified_causes_and_their_actions(demo_store: Store) -> None:
    with demo_store.uow() as uow:
        hints = suggestions(uow, "202609-0001", limit=3)
    assert hints
    assert all(h.number != "202609-0001" for h in hints)
    past = {c.number: c for c in CASES}
    for hint in hints:
        causes = [c for c in past[hint.number].causes if c.text == hint.cause]
        assert causes and causes[0].status.value == "verified"


def test_read_across_lists_other_products_sharing_a_verified_cause(demo_store: Store) -> None:
    original = demo("202609-0001")
    sibling = copy.deepcopy(original)
    sibling.number = "202609-0099"
    sibling.intake.product_number = "AE-ECU-4480"
    with demo_store.uow() as uow:
        services.import_cases(uow, [sibling], user="tester", now=NOW)
        refresh_ledger(uow, POLICY, now=NOW + timedelta(hours=1))
        found = read_across(uow.connection, original)
    assert {(r.number, r.product) for r in found} == {("202609-0099", "AE-ECU-4480")}
    verified = {c.text for c in original.causes if c.status.value == "verified"}
    assert {r.cause for r in found} == verified


def _repeat_of(earlier: Case, **overrides: object) -> object:
    assert earlier.closure is not None and earlier.closure.closed_at is not None
    values: dict[str, object] = {
        "received_at": earlier.closure.closed_at + timedelta(days=20),
        "product_number": earlier.intake.product_number,
        "defect_kinds": list(earlier.intake.defect_kinds),
        "ship_date": (earlier.closure.closed_at + timedelta(days=10)).date(),
    }
    values.update(overrides)
    return make_intake(**values)


def test_a_repeat_of_a_closed_case_is_flagged_graded_and_linked(demo_store: Store) -> None:
    earlier = demo("202609-0001")
    assert earlier.status is CaseStatus.CLOSED and earlier.intake.defect_kinds
    intake = _repeat_of(earlier)
    at = intake.received_at  # type: ignore[attr-defined]
    with demo_store.uow() as uow:
        before = kpis(uow.connection, POLICY, now=at).recurrence
        opened = services.open_case(uow, intake, title="Same again", user="qe", now=at)  # type: ignore[arg-type]
        number = opened.case.number
        assert flag_recurrence(uow, number, POLICY, user="qe", now=at) == "202609-0001"
        case = services.load_case(uow, number).case
        refresh_ledger(uow, POLICY, now=at)
        links = recurrences(uow.connection, "202609-0001")
        rate = kpis(uow.connection, POLICY, now=at).recurrence
    assert case.intake.recurrence and case.problem.repeat_occurrence
    assert case.problem.previous_8d == "202609-0001"
    assert case.grading.severity is Severity.SERIOUS
    assert [(r.number, r.earlier) for r in links] == [(number, "202609-0001")]
    assert (rate.numerator, rate.denominator) == (before.numerator + 1, before.denominator + 1)


def test_no_flag_for_another_product_another_defect_or_outside_the_window(
    demo_store: Store,
) -> None:
    earlier = demo("202609-0001")
    other_kind = next(k for k in DefectKind if k not in earlier.intake.defect_kinds)
    closed_at = earlier.closure.closed_at  # type: ignore[union-attr]
    intakes = [
        _repeat_of(earlier, product_number="AE-OTHER-1"),
        _repeat_of(earlier, defect_kinds=[other_kind]),
        _repeat_of(
            earlier,
            received_at=closed_at + timedelta(days=POLICY.analytics.recurrence_window_days + 1),
            ship_date=closed_at.date(),
        ),
    ]
    with demo_store.uow() as uow:
        for intake in intakes:
            at = intake.received_at  # type: ignore[attr-defined]
            opened = services.open_case(uow, intake, title="Not a repeat", user="qe", now=at)  # type: ignore[arg-type]
            assert flag_recurrence(uow, opened.case.number, POLICY, user="qe", now=at) is None


def _cli(url: str, *args: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["--db", url, *args])
    return code, out.getvalue()


def test_similar_recurrence_and_read_across_commands(demo_store: Store, store_url: str) -> None:
    code, text = _cli(store_url, "--lang", "zh", "similar", "镜片膜层脱落")
    assert code == 0 and "202609-0004" in text and "投诉编号" in text
    code, text = _cli(store_url, "similar", "202609-0001", "--suggest", "--limit", "2")
    assert code == 0 and "verified cause" in text
    code, text = _cli(store_url, "read-across", "202609-0001")
    assert code == 0 and "No other product" in text
    code, text = _cli(store_url, "recurrence", "202611-0001", "--at", "2026-11-30T12:00+08:00")
    assert code == 0 and "repeats no case" in text

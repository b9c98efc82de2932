"""Intake rules: what a complaint record must hold (rules IN-1, VA-1, rule IN-1)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from eightd.domain import Case, FoundAt, Intake, validate_case
from eightd.errors import ValidationError

CST = timezone(timedelta(hours=8))
RECEIVED = datetime(2025, 3, 10, 9, 30, tzinfo=CST)


def make_case(**intake_changes: object) -> Case:
    """The smallest valid case; ``intake_changes`` overwrite intake fields."""
    intake = Intake(
        received_at=RECEIVED,
        customer_name="Nordwerk Automotive Systems",
        product_number="AE-ECU-4471",
        defect_description="Cracked solder joints on header J1",
        ship_date=date(2025, 3, 1),
        shipped_quantity=4800,
        lot_size=4800,
        defect_count=20,
        found_at=FoundAt.CUSTOMER_LINE,
    )
    for name, value in intake_changes.items():
        setattr(intake, name, value)
    return Case(number="202503-0007", title="Cracked joints", intake=intake, created_at=RECEIVED)


def rejected(case: Case) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        validate_case(case)
    return info.value


def test_minimal_complete_intake_is_accepted():
    assert validate_case(make_case()).number == "202503-0007"


def test_defect_count_larger_than_lot_size_is_rejected_naming_the_field():
    err = rejected(make_case(lot_size=100, defect_count=101))
    assert err.field == "intake.defect_count"
    assert err.reason_code == "error.reason.defect_count_exceeds_lot"
    assert "101" in str(err) and "100" in str(err)


def test_defect_count_equal_to_lot_size_is_accepted():
    validate_case(make_case(lot_size=100, defect_count=100))


def test_a_record_without_ship_facts_is_still_a_complaint_the_policy_decides_the_rest():
    validate_case(
        make_case(
            ship_date=None, shipped_quantity=None, found_at=None, lot_size=None, defect_count=None
        )
    )


def test_defect_rate_alone_is_enough():
    validate_case(make_case(lot_size=None, defect_count=None, defect_rate_percent=0.4))


def test_defect_rate_above_hundred_percent_is_rejected():
    err = rejected(make_case(defect_rate_percent=100.5))
    assert (err.field, err.reason_code) == (
        "intake.defect_rate_percent",
        "error.reason.above_maximum",
    )


def test_defect_rate_is_derived_from_counts():
    assert make_case(lot_size=400, defect_count=2).intake.defect_rate == pytest.approx(0.5)


def test_ship_date_after_complaint_date_is_rejected():
    err = rejected(make_case(ship_date=date(2025, 3, 11)))
    assert err.field == "intake.ship_date"
    assert err.reason_code == "error.reason.ship_after_complaint"


def test_ship_date_on_the_complaint_day_is_accepted():
    validate_case(make_case(ship_date=RECEIVED.date()))


@pytest.mark.parametrize("blank", ["", "   ", "\t\n"])
def test_empty_required_customer_name_is_rejected(blank):
    err = rejected(make_case(customer_name=blank))
    assert (err.field, err.reason_code) == ("intake.customer_name", "error.reason.required")


@pytest.mark.parametrize("name", ["product_number", "defect_description", "received_at"])
def test_what_makes_a_record_a_complaint_is_always_required(name):
    err = rejected(make_case(**{name: None if name == "received_at" else ""}))
    assert err.field == f"intake.{name}"


@pytest.mark.parametrize(
    "name", ["shipped_quantity", "defect_count", "quantity_complained", "quantity_returned"]
)
def test_negative_quantity_is_rejected(name):
    err = rejected(make_case(**{name: -1}))
    assert err.field == f"intake.{name}"
    assert err.reason_code == "error.reason.below_minimum"


def test_zero_lot_size_is_rejected():
    assert rejected(make_case(lot_size=0)).field == "intake.lot_size"


def test_quantity_given_as_text_is_rejected():
    assert rejected(make_case(shipped_quantity="4800")).reason_code == "error.reason.not_integer"


def test_quantity_given_as_bool_is_rejected():
    assert rejected(make_case(defect_count=True)).reason_code == "error.reason.not_integer"


def test_naive_datetime_is_rejected():
    err = rejected(make_case(received_at=datetime(2025, 3, 10, 9, 30)))
    assert (err.field, err.reason_code) == ("intake.received_at", "error.reason.naive_datetime")


def test_a_date_is_not_a_datetime():
    assert rejected(make_case(received_at=date(2025, 3, 10))).reason_code == (
        "error.reason.not_datetime"
    )


def test_found_at_must_be_one_of_the_choices():
    err = rejected(make_case(found_at="warehouse"))
    assert err.reason_code == "error.reason.not_in_choices"
    assert "incoming_inspection" in err.params["choices"]


def test_returning_a_sample_needs_the_return_route():
    err = rejected(make_case(has_sample=True, return_sample=True))
    assert err.field == "intake.return_route"


def test_sample_label_without_sample_is_rejected():
    assert rejected(make_case(sample_label="202503-0007")).field == "intake.sample_label"


@pytest.mark.parametrize("topic", ["", "refund_progress", "parking_fee", "a", "x" * 80])
def test_topic_is_empty_or_a_topic_key_even_one_the_policy_does_not_know(topic):
    validate_case(make_case(topic=topic))


@pytest.mark.parametrize(
    "topic",
    ["Refund_progress", "refund progress", "refund-progress", "1st_refund", "_x", "退款进度"],
)
def test_topic_that_is_not_a_topic_key_is_rejected(topic):
    err = rejected(make_case(topic=topic))
    assert (err.field, err.reason_code) == ("intake.topic", "error.reason.bad_topic")
    assert topic in str(err)


def test_overlong_topic_is_rejected():
    assert rejected(make_case(topic="x" * 81)).field == "intake.topic"


def test_blank_lot_number_is_rejected_naming_the_list():
    err = rejected(make_case(lot_numbers=["2414A", " "]))
    assert (err.field, err.reason_code) == ("intake.lot_numbers", "error.reason.bad_list_entry")


def test_text_with_nul_character_is_rejected():
    err = rejected(make_case(defect_description="bad\x00text"))
    assert err.reason_code == "error.reason.nul_character"


def test_overlong_customer_name_is_rejected():
    assert rejected(make_case(customer_name="x" * 201)).reason_code == "error.reason.too_long"


def test_complaint_received_after_it_was_recorded_is_rejected():
    case = make_case(received_at=RECEIVED + timedelta(days=2))
    case.intake.ship_date = date(2025, 3, 1)
    assert rejected(case).field == "intake.received_at"

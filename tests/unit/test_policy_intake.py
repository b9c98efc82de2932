"""Rule IN-1: what quality needs before accepting a complaint, as company policy."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from eightd.errors import PolicyError, ValidationError
from eightd.policy import load_policy
from eightd.policy.intake import require_intake
from tests.conftest import make_intake


@pytest.mark.parametrize("name", ["ship_date", "shipped_quantity", "found_at"])
def test_default_policy_requires_the_ship_facts_and_where_it_was_found(name: str) -> None:
    with pytest.raises(ValidationError) as err:
        require_intake(make_intake(**{name: None}), load_policy())
    assert (err.value.field, err.value.reason_code) == (f"intake.{name}", "error.reason.required")


def test_default_policy_requires_a_defect_rate_or_lot_size_and_defect_count() -> None:
    policy = load_policy()
    with pytest.raises(ValidationError) as err:
        require_intake(make_intake(lot_size=None, defect_count=None), policy)
    assert err.value.field == "intake.defect_count"
    assert err.value.reason_code == "error.reason.defect_rate_or_counts"
    require_intake(make_intake(lot_size=None, defect_count=None, defect_rate_percent=0.4), policy)


def test_complete_intake_meets_the_default_policy() -> None:
    require_intake(make_intake(), load_policy())


def test_company_policy_can_drop_and_add_required_intake_facts(tmp_path: Path) -> None:
    company = tmp_path / "retail.toml"
    company.write_text('[intake]\nrequired = ["found_at", "contact_details"]\n', encoding="utf-8")
    policy = load_policy(company)
    require_intake(make_intake(shipped_quantity=None, contact_details="138 0000 0000"), policy)
    with pytest.raises(ValidationError) as err:
        require_intake(make_intake(contact_details="  "), policy)
    assert err.value.field == "intake.contact_details"
    assert make_intake(ship_date=date(2026, 11, 1)).ship_date is not None


def test_unknown_required_intake_field_is_refused_with_its_key_path(tmp_path: Path) -> None:
    company = tmp_path / "bad.toml"
    company.write_text('[intake]\nrequired = ["ship_date", "shoe_size", "injury"]\n')
    with pytest.raises(PolicyError) as err:
        load_policy(company)
    paths = [path for path, _ in err.value.errors]
    assert paths == ["intake.required[1]", "intake.required[2]"]


def test_a_lot_size_missing_beside_a_defect_count_is_named_as_the_lot_size() -> None:
    with pytest.raises(ValidationError) as err:
        require_intake(make_intake(lot_size=None, defect_count=37), load_policy())
    assert err.value.field == "intake.lot_size"


def test_every_missing_intake_fact_is_named_at_once_by_its_json_key() -> None:
    intake = make_intake(
        customer_name="", ship_date=None, found_at=None, lot_size=None, defect_count=4
    )
    with pytest.raises(ValidationError) as err:
        require_intake(intake, load_policy())
    assert err.value.field == "intake.customer_name"
    assert err.value.params["fields"] == [
        "intake.customer_name",
        "intake.ship_date",
        "intake.lot_size",
        "intake.found_at",
    ]
    message = err.value.message("en")
    assert "intake.customer_name" in message and "intake.found_at" in message
    assert "intake.lot_size" in err.value.message("zh")

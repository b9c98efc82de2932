"""JSON interchange: export, import, the JSON Schema, and refusal of bad documents."""

from __future__ import annotations

import copy
import io
import json
from datetime import date

import jsonschema
import pytest

from eightd.demo import demo_cases
from eightd.domain import (
    Case,
    case_from_dict,
    case_schema,
    case_to_dict,
    dumps_export,
    export_document,
    iter_export,
    parse_export,
    write_export,
)
from eightd.errors import ValidationError

TODAY = date(2025, 3, 14)


@pytest.fixture(scope="module")
def cases():
    return demo_cases(TODAY)


@pytest.fixture
def case_dict(cases):
    """A complete case as JSON data, with causes, actions and verifications."""
    full = next(c for c in cases if c.causes and c.verifications and c.approvals)
    return copy.deepcopy(case_to_dict(full))


def rejected(data) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        case_from_dict(data)
    return info.value


def test_json_round_trip_of_every_demo_case_is_identical(cases):
    for case in cases:
        text = json.dumps(case_to_dict(case), ensure_ascii=False)
        back = case_from_dict(json.loads(text))
        assert back == case, case.number
        assert json.dumps(case_to_dict(back), ensure_ascii=False) == text, case.number


def test_export_then_import_then_export_is_byte_identical(cases):
    text = dumps_export(cases)
    again = dumps_export(parse_export(json.loads(text)))
    assert again == text


def test_export_orders_cases_by_number(cases):
    document = export_document(reversed(cases))
    numbers = [c["number"] for c in document["cases"]]
    assert numbers == sorted(numbers)
    assert document["format"] == "eightd.cases" and document["format_version"] == 1


def test_case_schema_validates_every_demo_case(cases):
    schema = case_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    for case in cases:
        errors = list(validator.iter_errors(case_to_dict(case)))
        assert not errors, (case.number, errors[0].message if errors else "")


def test_case_schema_refuses_what_the_domain_refuses(case_dict):
    validator = jsonschema.Draft202012Validator(case_schema())
    case_dict["causes"][0]["category"] = "money"
    case_dict["intake"]["shipped_quantity"] = -1
    case_dict["surprise"] = True
    assert len(list(validator.iter_errors(case_dict))) == 3


def test_unknown_5m1e_category_in_json_is_rejected_with_choices(case_dict):
    case_dict["causes"][0]["category"] = "money"
    err = rejected(case_dict)
    assert (err.field, err.reason_code) == ("causes[0].category", "error.reason.not_in_choices")
    assert err.params["value"] == "money"
    assert err.params["choices"] == "man, machine, material, method, measurement, environment"
    assert "money" in str(err) and "measurement" in str(err)


def test_unknown_field_in_json_is_rejected_naming_it(case_dict):
    case_dict["intake"]["colour"] = "red"
    err = rejected(case_dict)
    assert (err.field, err.reason_code) == ("intake.colour", "error.reason.unknown_field")


def test_wrong_json_type_is_rejected(case_dict):
    case_dict["causes"] = {"C1": "x"}
    assert rejected(case_dict).reason_code == "error.reason.not_list"


def test_unparseable_datetime_in_json_is_rejected(case_dict):
    case_dict["intake"]["received_at"] = "yesterday"
    assert rejected(case_dict).field == "intake.received_at"


def test_datetime_without_offset_in_json_is_rejected(case_dict):
    case_dict["intake"]["received_at"] = "2025-03-10T09:30:00"
    assert rejected(case_dict).reason_code == "error.reason.naive_datetime"


def test_datetime_where_a_date_belongs_is_rejected(case_dict):
    case_dict["intake"]["ship_date"] = "2025-03-01T00:00:00+08:00"
    assert rejected(case_dict).reason_code == "error.reason.not_date"


def test_cross_field_rules_apply_to_imported_json(case_dict):
    case_dict["actions"][0]["cause_ids"] = ["C99"]
    assert rejected(case_dict).field == "actions[0].cause_ids"


def test_export_with_a_duplicate_number_is_rejected(cases):
    document = export_document(cases[:2])
    document["cases"][1]["number"] = document["cases"][0]["number"]
    with pytest.raises(ValidationError) as info:
        parse_export(document)
    assert info.value.field == "cases[1].number"


def test_bad_field_in_an_export_names_the_case_index(cases):
    document = export_document(cases[:3])
    document["cases"][2]["intake"]["defect_count"] = -5
    with pytest.raises(ValidationError) as info:
        parse_export(document)
    assert info.value.field == "cases[2].intake.defect_count"


@pytest.mark.parametrize(
    ("document", "field"),
    [
        ({"format": "other", "format_version": 1, "cases": []}, "format"),
        ({"format": "eightd.cases", "format_version": 2, "cases": []}, "format_version"),
        ({"format": "eightd.cases", "format_version": 1, "cases": {}}, "cases"),
        ({"format": "eightd.cases", "format_version": 1, "cases": [], "x": 1}, "x"),
        ([], "$"),
    ],
)
def test_document_that_is_not_an_eightd_export_is_rejected(document, field):
    with pytest.raises(ValidationError) as info:
        parse_export(document)
    assert info.value.field == field


def test_a_single_case_object_is_accepted_as_an_import(cases):
    assert parse_export(case_to_dict(cases[0])) == [cases[0]]


def test_whole_number_in_a_float_field_exports_as_it_imports(case_dict):
    case = case_from_dict(case_dict)
    case.verifications[0].before_value = 1200
    case.intake.defect_rate_percent = 1
    data = case_to_dict(case)
    assert data["verifications"][0]["before_value"] == 1200.0
    assert isinstance(data["intake"]["defect_rate_percent"], float)
    text = json.dumps(data, ensure_ascii=False)
    assert json.dumps(case_to_dict(case_from_dict(json.loads(text))), ensure_ascii=False) == text


# ---------------------------------------------------------------- streaming


def _demo() -> list[Case]:

    return sorted(demo_cases(date(2026, 11, 20)), key=lambda c: c.number)


def test_streamed_export_is_byte_identical_to_the_whole_document() -> None:

    for cases in (_demo(), _demo()[:1], []):
        out = io.StringIO()
        assert write_export(cases, out) == len(cases)
        assert out.getvalue() == dumps_export(cases)


@pytest.mark.parametrize("chunk_size", [1, 7, 4096, 1 << 16])
def test_streamed_import_reads_the_same_cases_whatever_the_chunk_size(chunk_size: int) -> None:

    cases = _demo()
    data = dumps_export(cases).encode()
    assert list(iter_export(io.BytesIO(data), chunk_size=chunk_size)) == cases


def test_streamed_import_takes_keys_in_any_order_and_a_single_case() -> None:

    cases = _demo()[:3]
    document = {"cases": [case_to_dict(c) for c in cases], "format_version": 1}
    document["format"] = "eightd.cases"
    assert list(iter_export(io.BytesIO(json.dumps(document).encode()), chunk_size=5)) == cases
    single = json.dumps(case_to_dict(cases[0])).encode("utf-8-sig")
    assert list(iter_export(io.BytesIO(single), chunk_size=3)) == cases[:1]


def test_streamed_import_refuses_a_wrong_format_duplicates_and_broken_json() -> None:

    case = case_to_dict(_demo()[0])

    def read(document: object) -> list[Case]:
        return list(iter_export(io.BytesIO(json.dumps(document).encode()), chunk_size=64))

    with pytest.raises(ValidationError) as err:
        read({"format": "other", "cases": [case]})
    assert err.value.field == "format"
    with pytest.raises(ValidationError) as err:
        read({"format": "eightd.cases", "format_version": 1, "cases": [case, case]})
    assert err.value.field == "cases[1].number"
    with pytest.raises(ValidationError) as err:
        read({"format": "eightd.cases", "format_version": 1})
    assert err.value.field == "cases"
    with pytest.raises(ValueError):
        list(iter_export(io.BytesIO(b'{"format": "eightd.cases", "cases": [{"num'), chunk_size=8))
    with pytest.raises(ValueError):
        list(iter_export(io.BytesIO(b'{"format": "eightd.cases"} trailing')))

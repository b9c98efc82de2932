"""Any JSON an import file may hold is either a valid case or a ValidationError naming a field."""

from __future__ import annotations

import copy
import json
from datetime import date
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eightd.demo import demo_cases
from eightd.domain import case_from_dict, case_to_dict, parse_export
from eightd.errors import ValidationError

SAMPLE = case_to_dict(demo_cases(date(2026, 11, 23))[0])

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**12), max_value=10**12)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            out += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            out += _paths(item, (*prefix, i))
    return out


PATHS = [p for p in _paths(SAMPLE) if p]


def _replace(document: Any, path: tuple[Any, ...], value: Any) -> Any:
    doc = copy.deepcopy(document)
    target = doc
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return doc


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path=st.sampled_from(PATHS), value=json_values)
def test_any_value_anywhere_in_a_case_is_accepted_or_named(
    path: tuple[Any, ...], value: Any
) -> None:
    document = _replace(SAMPLE, path, value)
    try:
        case = case_from_dict(document)
    except ValidationError as err:
        assert err.field  # names the field
        assert err.message("zh") and err.message("en")
        return
    # accepted: it survives a round trip unchanged
    assert case_from_dict(json.loads(json.dumps(case_to_dict(case)))) == case


@settings(max_examples=200, deadline=None)
@given(document=json_values)
def test_any_json_document_is_an_export_or_a_validation_error(document: Any) -> None:
    try:
        parse_export(document)
    except ValidationError as err:
        assert err.field

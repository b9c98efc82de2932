"""Errors reach the user as a sentence in their language and survive process boundaries."""

from __future__ import annotations

import pickle

from eightd.errors import (
    EightDError,
    PolicyError,
    ReportError,
    StageGateError,
    ValidationError,
)


def _has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_error_message_available_in_chinese():
    err = ValidationError(
        "intake.defect_count", "error.reason.defect_count_exceeds_lot", value=101, lot_size=100
    )
    english, chinese = err.message("en"), err.message("zh")
    assert english.startswith("intake.defect_count: ") and "101" in english
    assert _has_chinese(chinese) and "101" in chinese and "100" in chinese
    assert english != chinese
    assert _has_chinese(err.reason("zh-CN"))


def test_str_of_an_error_is_the_sentence_in_the_users_language(monkeypatch):
    err = ValidationError("intake.customer_name", "error.reason.required")
    monkeypatch.setenv("EIGHTD_LANG", "en")
    assert str(err) == "intake.customer_name: is required and may not be empty"
    monkeypatch.setenv("EIGHTD_LANG", "zh")
    assert str(err) == "intake.customer_name：为必填项，不能为空"


def test_validation_error_survives_pickling():
    err = ValidationError(
        "causes[0].category",
        "error.reason.not_in_choices",
        value="money",
        choices="man, machine",
    )
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is ValidationError
    assert (back.field, back.reason_code, back.params) == (err.field, err.reason_code, err.params)
    assert back.message("zh") == err.message("zh")
    assert str(back) == str(err)


def test_every_error_kind_survives_pickling_with_its_fields():
    errors: list[EightDError] = [
        StageGateError(number="202503-0007", stage="D4", missing=["error.reason.required"]),
        PolicyError(source="policy.toml", errors=[("deadlines.serious", "must be positive")]),
        ReportError(path="/tmp/out.pdf", detail="chromium exited"),
    ]
    for err in errors:
        back = pickle.loads(pickle.dumps(err))
        assert type(back) is type(err)
        assert back.params == err.params
        assert str(back) == str(err)
    assert pickle.loads(pickle.dumps(errors[0])).missing == ["error.reason.required"]
    assert pickle.loads(pickle.dumps(errors[1])).errors == [
        ("deadlines.serious", "must be positive")
    ]


def test_every_error_is_an_eightd_error_with_a_message_code():
    err = ReportError(path="/tmp/out.pdf", detail="timeout")
    assert isinstance(err, EightDError) and err.code == "error.report"
    assert "/tmp/out.pdf" in str(err)

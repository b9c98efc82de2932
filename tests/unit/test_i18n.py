"""The message catalogs: both languages complete, and every code the source uses exists."""

from __future__ import annotations

import re
import tomllib
from enum import Enum
from pathlib import Path

import pytest

import eightd
from eightd.domain import enums
from eightd.i18n import LANGS, catalog, label, normalize_lang, placeholders, t

PACKAGE = Path(eightd.__file__).parent
CATALOGS = PACKAGE / "i18n" / "catalogs"
AREAS = sorted({path.name.split(".")[0] for path in CATALOGS.glob("*.toml")})
ENUMS = [getattr(enums, name) for name in enums.__all__]


def _flat(table: dict, prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in table.items():
        full = f"{prefix}.{key}" if prefix else key
        out.update(_flat(value, full) if isinstance(value, dict) else {full: str(value)})
    return out


def _area(area: str, lang: str) -> dict[str, str]:
    with (CATALOGS / f"{area}.{lang}.toml").open("rb") as fh:
        return _flat(tomllib.load(fh))


def test_there_are_catalog_areas():
    assert "errors" in AREAS and "domain" in AREAS


@pytest.mark.parametrize("area", AREAS)
def test_every_area_has_a_file_per_language(area):
    for lang in LANGS:
        assert (CATALOGS / f"{area}.{lang}.toml").is_file(), f"{area}.{lang}.toml"


@pytest.mark.parametrize("area", AREAS)
def test_both_languages_of_an_area_hold_the_same_keys(area):
    en, zh = _area(area, "en"), _area(area, "zh")
    assert sorted(set(en) - set(zh)) == [], "missing in zh"
    assert sorted(set(zh) - set(en)) == [], "missing in en"


@pytest.mark.parametrize("area", AREAS)
def test_both_languages_of_a_message_use_the_same_placeholders(area):
    en, zh = _area(area, "en"), _area(area, "zh")
    differing = {
        key: (placeholders(en[key]), placeholders(zh[key]))
        for key in en.keys() & zh.keys()
        if placeholders(en[key]) != placeholders(zh[key])
    }
    assert differing == {}


@pytest.mark.parametrize("area", AREAS)
def test_no_message_is_empty(area):
    for lang in LANGS:
        assert [k for k, v in _area(area, lang).items() if not v.strip()] == []


# an ASCII , ; : ! ? ( ) against a Chinese character, or closing a placeholder or a
# parenthesis before one: Chinese text takes full-width punctuation
_ASCII_IN_CHINESE = re.compile(
    r"[\u4e00-\u9fff][,;:!?()]|[,;:!?()][\u4e00-\u9fff]|[})][,;:][\u4e00-\u9fff{]"
)


@pytest.mark.parametrize("area", AREAS)
def test_chinese_messages_use_full_width_punctuation(area):
    ascii_marks = {k: v for k, v in _area(area, "zh").items() if _ASCII_IN_CHINESE.search(v)}
    assert ascii_marks == {}


def test_the_punctuation_check_finds_ascii_marks_in_chinese_text():
    assert _ASCII_IN_CHINESE.search("为必填项,不能为空")
    assert _ASCII_IN_CHINESE.search("{field}:{reason}不能")
    assert _ASCII_IN_CHINESE.search("类别(5M1E)")
    # a literal separator or a format in Chinese text is not punctuation
    assert not _ASCII_IN_CHINESE.search("read_across 各项以 ; 分隔")
    assert not _ASCII_IN_CHINESE.search("格式 YYYY-MM-DDTHH:MM，未写时区")


def test_no_key_is_defined_in_two_areas():
    seen: dict[str, str] = {}
    for area in AREAS:
        for key in _area(area, "en"):
            assert key not in seen, f"{key} in {seen.get(key)} and {area}"
            seen[key] = area


@pytest.mark.parametrize("enum_cls", ENUMS, ids=lambda e: e.__name__)
def test_every_enum_member_has_a_label_in_both_languages(enum_cls: type[Enum]):
    for lang in LANGS:
        missing = [
            m.value for m in enum_cls if f"enum.{enum_cls.__name__}.{m.value}" not in catalog(lang)
        ]
        assert missing == [], lang


def test_enum_labels_differ_between_languages_where_chinese_is_expected():
    assert label(enums.Severity.SERIOUS, "en") == "serious"
    assert any("\u4e00" <= ch <= "\u9fff" for ch in label(enums.Severity.SERIOUS, "zh"))


_CODE = re.compile(r"""["'](error\.[a-z_]+(?:\.[a-z_]+)*)["']""")


def _codes_in_source() -> dict[str, str]:
    """Every ``"error.…"`` string literal in the package source, with one file using it."""
    codes: dict[str, str] = {}
    for path in PACKAGE.rglob("*.py"):
        for code in _CODE.findall(path.read_text(encoding="utf-8")):
            codes.setdefault(code, str(path.relative_to(PACKAGE)))
    return codes


def test_the_source_uses_reason_codes():
    assert any(code.startswith("error.reason.") for code in _codes_in_source())


@pytest.mark.parametrize("lang", LANGS)
def test_every_error_code_used_in_the_source_exists_in_the_catalogs(lang):
    known = catalog(lang)
    missing = {code: where for code, where in _codes_in_source().items() if code not in known}
    assert missing == {}


@pytest.mark.parametrize(
    ("given", "expected"),
    [("zh_CN.UTF-8", "zh"), ("zh-Hans", "zh"), ("EN", "en"), ("fr", "en"), (None, "en")],
)
def test_language_names_are_normalised(given, expected):
    assert normalize_lang(given) == expected


def test_missing_key_falls_back_to_the_key_itself():
    assert t("no.such.key", "zh") == "no.such.key"


def test_placeholders_are_filled_and_unknown_ones_left_visible():
    assert t("error.not_found", "en", number="202503-0007") == (
        "No case with complaint number 202503-0007."
    )
    assert "{number}" in t("error.not_found", "en")


def test_lists_and_entries_are_joined_the_way_each_language_writes_them():
    from eightd.i18n import joined

    assert joined(["C1", "C2"], "en") == "C1, C2"
    assert joined(["C1", "C2"], "zh") == "C1、C2"
    assert joined(["人为因素", "设备老化"], "zh", entries=True) == "人为因素；设备老化"
    assert joined(["a", "b"], "en", entries=True) == "a; b"


def test_the_ids_a_finding_names_are_listed_the_way_each_language_writes_lists():
    from eightd.policy.model import Notice

    notice = Notice.of("lint.action_owner", count=2, ids=("A1", "A2"))
    assert "(A1, A2)" in notice.text("en")
    assert "（A1、A2）" in notice.text("zh")

"""Wrapping by display width and escaping of user text for Graphviz labels."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

import eightd.i18n
from eightd.diagrams.labels import display_width, literal, wrap
from eightd.i18n import placeholders


def test_chinese_characters_count_double() -> None:
    assert display_width("abc") == 3
    assert display_width("焊点") == 4
    assert display_width("８Ｄ") == 4  # full-width forms


@pytest.mark.parametrize(
    "text",
    [
        "Solder joints crack after thermal cycling because the reflow peak is too low",
        "回流焊曲线峰值温度偏低，导致焊点在热循环后开裂。供应商未按规定执行首件检验。",
        "混合 mixed 文本 with 中文 and English words 交替出现在同一行里面",
    ],
)
def test_wrapped_lines_fit_the_width_and_keep_every_character(text: str) -> None:
    lines = wrap(text, 20)
    assert all(display_width(line) <= 20 for line in lines)
    assert "".join("".join(lines).split()) == "".join(text.split())


def test_latin_text_breaks_between_words() -> None:
    assert wrap("alpha beta gamma delta", 11) == ["alpha beta", "gamma delta"]


def test_word_longer_than_a_line_is_split() -> None:
    assert wrap("abcdefghij", 4) == ["abcd", "efgh", "ij"]


def test_closing_punctuation_never_starts_a_line() -> None:
    for line in wrap("一二三四五六七八九，十一二三四五六七八九。", 18)[1:]:
        assert line[0] not in "，。"


def test_unit_stays_with_its_number() -> None:
    assert wrap("回流焊炉峰值温度比曲线低 8 °C", 26) == ["回流焊炉峰值温度比曲线低", "8 °C"]


def test_line_breaks_in_the_text_are_kept() -> None:
    assert wrap("one\ntwo", 20) == ["one", "two"]


def test_literal_escapes_markup_and_graphviz_escapes() -> None:
    assert literal("<b>&\"'") == "&lt;b&gt;&amp;&quot;&#x27;"
    assert literal("\\N") == "\\\\N"
    assert literal("a\x00b") == "a\ufffdb"


def test_diagram_catalogs_hold_the_same_keys_and_placeholders() -> None:
    folder = Path(eightd.i18n.__file__).parent / "catalogs"

    def flat(path: Path) -> dict[str, str]:
        out: dict[str, str] = {}

        def walk(prefix: str, table: dict[str, object]) -> None:
            for key, value in table.items():
                full = f"{prefix}.{key}" if prefix else key
                if isinstance(value, dict):
                    walk(full, value)
                else:
                    out[full] = str(value)

        walk("", tomllib.loads(path.read_text("utf-8")))
        return out

    en, zh = flat(folder / "diagrams.en.toml"), flat(folder / "diagrams.zh.toml")
    assert set(en) == set(zh)
    assert all(k.startswith("diagrams.") for k in en)
    for key in en:
        assert placeholders(en[key]) == placeholders(zh[key]), key

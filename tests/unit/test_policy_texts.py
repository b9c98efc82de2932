"""Every message code the policy can produce has an English and a Chinese text."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from eightd.domain import Stage
from eightd.i18n import catalog, placeholders
from eightd.policy import GATE_ITEMS, LINT_RULES, ClockState, LintSeverity, SignatureState
from eightd.policy.model import FLAGS

CATALOGS = Path(__file__).resolve().parents[2] / "eightd" / "i18n" / "catalogs"


def _flat(path: Path) -> dict[str, str]:
    out: dict[str, str] = {}

    def walk(prefix: str, table: dict[str, object]) -> None:
        for key, value in table.items():
            full = f"{prefix}.{key}" if prefix else key
            if isinstance(value, dict):
                walk(full, value)
            else:
                out[full] = str(value)

    with path.open("rb") as fh:
        walk("", tomllib.load(fh))
    return out


def test_policy_catalogs_hold_the_same_keys_and_placeholders() -> None:
    en, zh = _flat(CATALOGS / "policy.en.toml"), _flat(CATALOGS / "policy.zh.toml")
    assert set(en) == set(zh)
    assert {k: placeholders(v) for k, v in en.items()} == {
        k: placeholders(v) for k, v in zh.items()
    }


def _codes() -> list[str]:
    codes = [f"gate.{s.value}.{item}" for s, items in GATE_ITEMS.items() for item in items]
    codes += [f"lint.{rule}" for rule in LINT_RULES]
    codes += [f"escalation.flag.{flag}" for flag in FLAGS]
    codes += [f"grading.reason.flag.{flag}" for flag in FLAGS]
    codes += [f"clock.state.{s.value}" for s in ClockState]
    codes += [f"signature.state.{s.value}" for s in SignatureState]
    codes += [f"lint.severity.{s.value}" for s in LintSeverity]
    return codes


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_policy_message_code_has_a_text(lang: str) -> None:
    texts = catalog(lang)
    assert [code for code in _codes() if code not in texts] == []


def test_gate_texts_need_no_parameters() -> None:
    # StageGateError renders gate codes without parameters
    en = catalog("en")
    gate_codes = [f"gate.{s.value}.{i}" for s in Stage for i in GATE_ITEMS[s]]
    assert [c for c in gate_codes if placeholders(en[c])] == []

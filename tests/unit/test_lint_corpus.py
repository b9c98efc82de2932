"""The 8D review ranks 8Ds the way a reviewer does (rules LN-0.1, LN-0.2): a corpus of 8Ds with
the reviewer's verdict, strong and weak, in Chinese and English, across industries."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from eightd.domain import Case
from eightd.domain.fields import decode
from eightd.policy import LintReport, lint, load_policy

CORPUS = Path(__file__).parent.parent / "corpus" / "8d"
NOW = datetime(2026, 12, 1, 9, tzinfo=timezone(timedelta(hours=8)))
POLICY = load_policy()


def _load() -> list[tuple[str, dict[str, Any], LintReport]]:
    out = []
    for path in sorted(CORPUS.glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        case = decode(Case, doc["case"])
        out.append((path.stem, doc, lint(case, POLICY, now=NOW)))
    return out


ENTRIES = _load()


def _of(verdict: str) -> list[tuple[str, int]]:
    return [(name, report.score) for name, doc, report in ENTRIES if doc["verdict"] == verdict]


def test_corpus_holds_a_dozen_reviewed_8ds_in_both_languages_across_industries() -> None:
    assert len(ENTRIES) >= 12
    docs = [doc for _, doc, _ in ENTRIES]
    assert {d["verdict"] for d in docs} == {"strong", "weak"}
    for verdict in ("strong", "weak"):
        assert {d["lang"] for d in docs if d["verdict"] == verdict} == {"zh", "en"}
    assert len({d["industry"] for d in docs}) >= 8
    assert all(d["reviewer"].strip() for d in docs)


def test_every_weak_8d_scores_below_every_strong_one() -> None:
    strong, weak = _of("strong"), _of("weak")
    lowest_strong = min(strong, key=lambda item: item[1])
    highest_weak = max(weak, key=lambda item: item[1])
    assert highest_weak[1] < lowest_strong[1], (highest_weak, lowest_strong)


@pytest.mark.parametrize(("name", "doc", "report"), ENTRIES, ids=[e[0] for e in ENTRIES])
def test_a_weak_8d_is_refused_and_a_strong_one_is_not(
    name: str, doc: dict[str, Any], report: LintReport
) -> None:
    assert report.blocking is (doc["verdict"] == "weak"), [f.text("en") for f in report.findings]

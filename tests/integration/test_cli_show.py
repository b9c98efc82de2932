"""``eightd show`` renders the case's view model: the terminal shows the same header,
stage states, due dates (provisional ones marked), findings and approval as the case's
reports and its page, in Chinese and in English."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest

from eightd.application import Application
from eightd.domain.fields import encode
from eightd.settings import Settings
from eightd.views import CaseView
from eightd.views.text import terminal_moment
from tests.conftest import CST, make_intake
from tests.conftest import run_cli as run

AT = datetime(2026, 11, 20, 10, tzinfo=CST)


@pytest.fixture
def app(cli_env: Path, capsys: pytest.CaptureFixture[str]) -> Iterator[Application]:
    """The demo cases, and the application the command line builds, at the same moment."""
    code, _, err = run(capsys, "demo", "--today", AT.date().isoformat())
    assert code == 0, err
    application = Application.from_settings(Settings.from_env(), now=lambda: AT)
    yield application
    application.dispose()


def _show(capsys: pytest.CaptureFixture[str], lang: str, number: str, at: datetime) -> str:
    code, out, err = run(capsys, "--lang", lang, "show", number, "--at", at.isoformat())
    assert code == 0, err
    return out


def _assert_shows_the_view(out: str, view: CaseView) -> None:
    lines = out.splitlines()
    assert lines[0] == f"{view.number}  {view.title}"
    for row in [*view.timeline, *view.clocks]:
        # the stage's row of the timeline: its state (a provisional mark included) and dates
        [line] = [x for x in lines if x.startswith(f"  {row.label}  ")]
        assert row.state_text in line
        for moment in (row.start, row.due, row.done):
            assert terminal_moment(moment) in line
            assert moment[:10] in line
    for section in view.sections:
        state = next(r for r in view.timeline if r.stage == section.stage)
        [heading] = [x for x in lines if x.startswith(section.title + " — ")]
        assert state.state_text in heading and state.due[:10] in heading
        for block in section.blocks:
            for cell in (c for row in block.cells for c in row if c):
                assert " / ".join(cell.splitlines()) in out
            for field in block.rows:
                assert field.label in out and field.value.splitlines()[0] in out
    for header in view.header:
        if header.value:
            assert any(header.label in x and header.value in x for x in lines), header
    for finding in view.findings:
        assert finding.text in out
    assert view.approval.banner in out
    assert view.approval.state_text.casefold() in out.casefold()
    assert view.approval.note in out


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_show_prints_what_the_view_model_of_every_demo_case_holds(
    app: Application, capsys: pytest.CaptureFixture[str], lang: str
) -> None:
    for number in app.numbers():
        view = app.view(number, lang=lang)
        _assert_shows_the_view(_show(capsys, lang, number, AT), view)


def test_show_names_the_escalation_reasons_and_the_call_back_clock(
    app: Application, capsys: pytest.CaptureFixture[str]
) -> None:
    escalated = app.view("202609-0002", lang="en")
    assert [f.kind for f in escalated.findings if f.stage == ""] == ["escalation"]
    out = _show(capsys, "en", "202609-0002", AT)
    assert "⚠ level 1: unresolved for 70 days for internal reasons (limit 30)" in out
    closed = app.view("202608-0001", lang="zh")
    [callback] = closed.clocks
    assert callback.stage == "callback" and callback.label == "批准后回访"
    assert "  批准后回访  " in _show(capsys, "zh", "202608-0001", AT)


@pytest.mark.parametrize(("lang", "mark"), [("en", "(provisional)"), ("zh", "（暂定）")])
def test_show_marks_a_due_date_counted_on_a_provisional_calendar(
    cli_env: Path, capsys: pytest.CaptureFixture[str], lang: str, mark: str
) -> None:
    # rule CA-2: no official calendar of 2039 is loaded, so its due dates are provisional
    received = datetime(2039, 3, 1, 10, tzinfo=CST)
    intake = make_intake(received_at=received, ship_date=date(2039, 2, 20))
    path = cli_env / "intake.json"
    path.write_text(json.dumps({"title": "Cold joints", "intake": encode(intake)}), "utf-8")
    code, out, err = run(capsys, "new", str(path), "--at", received.isoformat())
    assert code == 0, err
    number = out.split()[-1].rstrip(".")
    application = Application.from_settings(Settings.from_env(), now=lambda: received)
    view = application.view(number, lang=lang)
    application.dispose()
    [d0] = [r for r in view.timeline if r.stage == "D0"]
    assert d0.provisional and d0.state_text.endswith(mark)
    out = _show(capsys, lang, number, received)
    _assert_shows_the_view(out, view)
    [line] = [x for x in out.splitlines() if x.startswith(f"  {d0.label}  ")]
    assert d0.due.startswith("2039-03-") and line.endswith(mark)


def test_show_json_is_still_the_case_document_with_its_version(
    app: Application, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "show", "202609-0002", "--json")
    document = json.loads(out)
    assert code == 0 and document["version"] == app.load("202609-0002").version
    assert document["number"] == "202609-0002" and "intake" in document

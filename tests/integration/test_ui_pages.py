"""The workbench's pages as widget trees over a real SQLite store (no browser): what a
callback saves, refuses and shows."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import ipywidgets as widgets
import pytest

from eightd.application import Application
from eightd.domain import Validity
from eightd.settings import Settings
from eightd.ui.case_page import CasePage
from eightd.ui.intake import IntakePage
from eightd.ui.ledger import Ledger
from eightd.ui.session import Session
from tests.conftest import CST, make_intake

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=CST)
MARKUP = "<img src=x onerror=alert(1)>"


@pytest.fixture
def app(tmp_path: object, monkeypatch: pytest.MonkeyPatch) -> Iterator[Application]:
    monkeypatch.setattr("eightd.settings.os_user", lambda: "qe.li")  # the acting OS account
    settings = Settings.from_env(database_url=f"sqlite:///{tmp_path}/e.db", lang="en")
    with Application.from_settings(settings, now=lambda: NOW) as app:
        app.init_store()
        yield app


def texts(widget: widgets.Widget) -> str:
    """Every HTML value of a widget tree (what the browser is given as markup)."""
    out = [widget.value] if isinstance(widget, widgets.HTML) else []
    for child in getattr(widget, "children", ()):
        out.append(texts(child))
    return "\n".join(out)


def test_the_ledger_escapes_what_users_typed(app: Application) -> None:
    app.open_complaint(make_intake(customer_name=MARKUP), title=MARKUP)
    ledger = Ledger(Session(app=app))
    assert "&lt;img src=x onerror=alert(1)&gt;" in ledger.table.value
    assert "<img" not in ledger.table.value


def test_an_intake_with_errors_saves_nothing_and_a_valid_one_opens_a_case(
    app: Application,
) -> None:
    page = IntakePage(Session(app=app))
    page.submit()
    assert app.numbers() == []
    assert "nothing was saved" in page.feedback.message.value
    fields = {name: f for form in page.forms for name, f in form.fields.items()}
    for name in ("received_at", "customer_name", "product_number", "ship_date", "found_at"):
        assert fields[name].error.value, name

    intake = make_intake()
    page.title.value = "J3 cold solder joints"
    for form in page.forms:
        for name, fld in form.fields.items():
            fld.show(getattr(intake, name))
    page.submit()
    (number,) = app.numbers()
    assert number in page.feedback.message.value
    assert app.load(number).case.intake.defect_count == intake.defect_count


def test_a_stale_save_keeps_the_input_and_names_who_changed_the_case(
    app: Application,
) -> None:
    number = app.open_complaint(make_intake(), title="Two people").case.number
    mine = CasePage(Session(app=app), number)
    app.set_validity(number, Validity.FOUNDED, "saved by someone else first")

    panel = mine.widget.children[2]
    note = next(
        w for w in _walk(panel) if isinstance(w, widgets.Textarea) and "ed-input-validity-note"
        in w._dom_classes
    )  # fmt: skip
    note.value = "my unsaved words"
    validity = next(
        w for w in _walk(panel) if "ed-input-validity" in getattr(w, "_dom_classes", ())
    )
    validity.value = Validity.NOT_OURS
    button = next(w for w in _walk(panel) if "ed-btn-validity" in getattr(w, "_dom_classes", ()))
    button.click()
    assert "changed by qe.li" in mine.feedback.message.value
    assert "2026-11-20 10:00" in mine.feedback.message.value
    assert note.value == "my unsaved words"
    assert app.load(number).case.validity_note == "saved by someone else first"


def _walk(widget: widgets.Widget) -> Iterator[widgets.Widget]:
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)


def _models_made_by(build: Callable[[], object]) -> list[widgets.Widget]:
    from ipywidgets.widgets.widget import _instances

    before = set(_instances)
    build()
    return [_instances[key] for key in set(_instances) - before]


def test_a_rehearsal_draws_the_page_unseen_and_leaves_no_widget_open(
    app: Application, monkeypatch: pytest.MonkeyPatch
) -> None:
    import comm
    from ipywidgets.widgets.widget import _instances

    from eightd.ui import page, rehearse

    number = app.open_complaint(make_intake(), title="Rehearsed").case.number
    opened: list[object] = []

    def create_comm(**kwargs: object) -> comm.base_comm.BaseComm:
        opened.append(kwargs)
        return comm.DummyComm(**kwargs)

    monkeypatch.setattr(comm, "create_comm", create_comm)
    before = set(_instances)
    for name in ("ledger", "case", "new"):
        rehearse(name, app)
    assert opened == [] and set(_instances) == before  # nothing reached a frontend
    # the kernel's own comms are back: the real page opens one per model
    models = _models_made_by(lambda: page("case", f"number={number}", app=app))
    assert len(opened) == len(models) > 0
    with pytest.raises(ValueError, match="unknown page"):
        rehearse("cases", app)


def test_a_page_reaches_the_browser_in_few_messages(
    app: Application, monkeypatch: pytest.MonkeyPatch
) -> None:
    # every widget model is a message from the kernel and an object the browser builds
    # before it draws the page: the widgets of a form share their layout and style
    # models, and classes are given when a widget is made (add_class is one more message)
    import comm

    sent: list[str] = []

    class Recording(comm.DummyComm):  # type: ignore[misc]
        def publish_msg(self, msg_type: str, data: Any = None, *args: Any, **kw: Any) -> None:
            sent.append(msg_type)

    monkeypatch.setattr(comm, "create_comm", Recording)
    number = app.open_complaint(make_intake(), title="Counted").case.number
    session = Session(app=app)
    counts = {}
    for name, build in (
        ("case", lambda: CasePage(session, number)),
        ("new", lambda: IntakePage(session)),
    ):
        sent.clear()
        build()
        counts[name] = (sent.count("comm_open"), sent.count("comm_msg"))
    # unshared and with add_class: case (266, 116), new (543, 149)
    assert counts["case"][0] <= 220 and counts["new"][0] <= 320, counts
    assert counts["case"][1] <= 30 and counts["new"][1] <= 30, counts


def test_a_preheated_kernel_rehearses_its_page_unless_someone_may_wait_for_it(
    app: Application, monkeypatch: pytest.MonkeyPatch
) -> None:
    import eightd.ui

    rehearsed: list[str] = []
    monkeypatch.setattr(eightd.ui, "rehearse", lambda name, _app: rehearsed.append(name))
    monkeypatch.setenv("EIGHTD_DATABASE_URL", app.settings.database_url)
    eightd.ui.prepare("case")  # a JupyterLab cell: nothing rehearsed
    monkeypatch.setenv("VOILA_PREHEAT", "True")
    eightd.ui.prepare("case")
    monkeypatch.setenv("EIGHTD_NO_REHEARSAL", "1")  # the landing kernel at the server's start
    eightd.ui.prepare("ledger")
    assert rehearsed == ["case"]

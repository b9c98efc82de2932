"""Photos and evidence kept in the store: checked by content and size, shared by everyone
using the store (SQLite and PostgreSQL), and named in the case's audit history."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest

from eightd.application import Application
from eightd.errors import ValidationError
from eightd.settings import Settings
from eightd.store import Store
from tests.conftest import CST, make_intake

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n%fake but well-formed enough to be recognised\n"
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=CST)


@pytest.fixture
def app(store: Store) -> Iterator[Application]:
    settings = Settings.from_env(database_url=store.url, user="qe.li", lang="en")
    with Application(settings, store=store, now=lambda: NOW) as app:
        app.init_store()
        yield app


def test_photos_and_evidence_are_stored_with_the_case_and_audited(app: Application) -> None:
    number = app.open_complaint(make_intake(), title="Cold joints").case.number
    photo = app.attach(number, "D2", "joint.png", PNG)
    evidence = app.attach(number, "D6", "ICT report.pdf", PDF)
    assert [(a.stage, a.name, a.media_type) for a in app.attachments(number)] == [
        ("D2", "joint.png", "image/png"),
        ("D6", "ICT report.pdf", "application/pdf"),
    ]
    assert app.attachment(photo.id).data == PNG
    assert app.attachment(evidence.id).size == len(PDF)
    history = [(e.action, e.path, e.new_value) for e in app.history(number)]
    assert ("add_attachment", "attachments.D2", "joint.png") in history


def test_a_file_is_accepted_by_its_content_not_its_name(app: Application) -> None:
    number = app.open_complaint(make_intake(), title="Cold joints").case.number
    with pytest.raises(ValidationError) as refused:
        app.attach(number, "D2", "photo.png", b"<script>alert(1)</script>")
    assert refused.value.field == "attachment.file"
    assert "photo (PNG, JPEG, GIF, WebP) or a PDF" in refused.value.message("en")
    assert app.attachments(number) == []


def test_a_file_over_the_policy_limit_or_at_another_stage_is_refused(
    app: Application,
) -> None:
    number = app.open_complaint(make_intake(), title="Cold joints").case.number
    too_big = PNG + b"\x00" * (app.policy.attachments.max_mb * 1024 * 1024)
    with pytest.raises(ValidationError, match="10 MB"):
        app.attach(number, "D2", "huge.png", too_big)
    with pytest.raises(ValidationError):
        app.attach(number, "D5", "photo.png", PNG)
    assert app.attachments(number) == []


def test_a_file_name_cannot_carry_a_path_or_markup(app: Application) -> None:
    number = app.open_complaint(make_intake(), title="Cold joints").case.number
    stored = app.attach(number, "D4", "../../etc/<b>passwd</b>.png", PNG)
    assert "/" not in stored.name and "<" not in stored.name

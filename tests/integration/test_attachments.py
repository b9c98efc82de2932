"""Photos and evidence kept in the store: checked by content and size, shared by everyone
using the store (SQLite and PostgreSQL), and named in the case's audit history."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from eightd.application import Application
from eightd.errors import ValidationError
from eightd.settings import Settings
from eightd.store import Store
from eightd.store.tables import attachments
from tests.conftest import CST, make_intake

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n%fake but well-formed enough to be recognised\n"
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=CST)


@pytest.fixture
def app(store: Store) -> Iterator[Application]:
    # qe.li acts through the store's service account (the workbench's way in)
    settings = Settings.from_env(database_url=store.url, lang="en").with_(hub_user="qe.li")
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


@pytest.mark.slow
@pytest.mark.kernel
def test_photos_are_printed_in_the_html_report_and_placed_in_the_excel_form(
    app: Application, tmp_path: Path
) -> None:
    import io

    from openpyxl import load_workbook
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 200)).save(buffer, format="PNG")
    photo = buffer.getvalue()
    number = app.open_complaint(make_intake(), title="Cold joints").case.number
    app.attach(number, "D2", "joint.png", photo)
    app.attach(number, "D6", "ICT report.pdf", PDF)
    result = app.report(number, formats=("html", "xlsx"), out_dir=tmp_path, lang="zh")
    page = result.files["html"].read_text(encoding="utf-8")
    assert base64.b64encode(photo).decode("ascii") in page
    assert "缺陷照片" in page and "ICT report.pdf" in page
    sheet = load_workbook(result.files["xlsx"]).active
    assert sheet is not None
    assert len(sheet._images) >= 2  # the fishbone and the photo
    texts = [str(c.value) for row in sheet.iter_rows() for c in row if c.value]
    assert any("joint.png" in text for text in texts)
    assert any("ICT report.pdf" in text for text in texts)


@pytest.mark.parametrize("who", ["stranger", "intake.zhao"])
def test_a_user_unknown_to_the_store_or_without_the_edit_role_attaches_nothing(
    app: Application, store: Store, who: str
) -> None:
    from eightd.errors import PermissionDeniedError

    number = app.open_complaint(make_intake(), title="Cold joints").case.number
    # a stranger, and intake.zhao who may register complaints but not edit them
    other = Application(app.settings.with_(hub_user=who), store=store, now=lambda: NOW)
    with pytest.raises(PermissionDeniedError) as refused:
        other.attach(number, "D2", "joint.png", PNG)
    assert "qe" in refused.value.message("en")  # the refusal names the role that may
    assert app.attachments(number) == []


def test_a_file_taken_off_a_case_leaves_lists_and_reports_and_stays_on_record(
    app: Application, store: Store
) -> None:
    from eightd.errors import NotFoundError, PermissionDeniedError

    number = app.open_complaint(make_intake(), title="Cold joints").case.number
    wrong = app.attach(number, "D2", "someone else.png", PNG)
    kept = app.attach(number, "D2", "joint.png", PNG)
    with pytest.raises(ValidationError) as refused:
        app.remove_attachment(wrong.id, reason="  ")
    assert refused.value.field == "attachment.remove_reason"
    stranger = Application(app.settings.with_(hub_user="stranger"), store=store, now=lambda: NOW)
    with pytest.raises(PermissionDeniedError):
        stranger.remove_attachment(wrong.id, reason="not mine")
    assert [a.name for a in app.attachments(number)] == ["someone else.png", "joint.png"]

    app.remove_attachment(wrong.id, reason="a photo of another customer's part")
    assert [a.name for a in app.attachments(number)] == ["joint.png"]
    with pytest.raises(NotFoundError):
        app.attachment(wrong.id)
    with pytest.raises(NotFoundError):  # removed once: not again
        app.remove_attachment(wrong.id, reason="again")
    removed = [
        (e.user, e.path, e.old_value, e.new_value)
        for e in app.history(number)
        if e.action == "remove_attachment"
    ]
    assert removed == [
        ("qe.li", "attachments.D2", "someone else.png", "a photo of another customer's part")
    ]
    with store.uow(read_only=True) as uow:  # on record: the bytes and who removed them
        row = uow.connection.execute(
            sa.select(attachments.c.removed_by, attachments.c.data).where(
                attachments.c.id == wrong.id
            )
        ).one()
    assert row.removed_by == "qe.li" and bytes(row.data) == PNG
    assert kept.id != wrong.id


def test_a_closed_case_keeps_its_files_and_takes_no_new_ones(
    app: Application, store: Store
) -> None:
    from eightd.errors import StageGateError

    admin = Application(app.settings.with_(hub_user="tester"), store=store, now=lambda: NOW)
    admin.load_demo(NOW.date())
    number = admin.ledger({"status": "closed"}, page_size=1).rows[0].number
    with store.uow() as uow:  # a file stored before the closure
        photo = uow.attachments.add(
            number, stage="D2", name="joint.png", media_type="image/png", data=PNG,
            user="qe.li", at=NOW,
        )  # fmt: skip
        uow.commit()
    with pytest.raises(StageGateError):
        app.remove_attachment(photo.id, reason="tidying up")
    with pytest.raises(StageGateError):
        app.attach(number, "D6", "late.pdf", PDF)
    assert [a.name for a in app.attachments(number)] == ["joint.png"]

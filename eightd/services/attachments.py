"""Photos and evidence: defect photos at D2, evidence at D4 and D6 (images and PDF).

A file is accepted by what its bytes are (PNG, JPEG, GIF, WebP, PDF), never by the name
or type a browser claims, and only up to the policy's size limit (``[attachments]
max_mb``). It is stored in the case store, so a team on PostgreSQL shares it.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Protocol

from eightd.domain import Case
from eightd.errors import StageGateError, ValidationError
from eightd.policy import Policy
from eightd.services.access import authorize
from eightd.services.cases import UnitOfWork, aware_now, load_case
from eightd.store import Attachment

__all__ = ["ATTACHMENT_STAGES", "attach_file", "media_type_of", "remove_file"]

ATTACHMENT_STAGES = ("D2", "D4", "D6")
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"%PDF-", "application/pdf"),
)
_UNSAFE_NAME = re.compile(r"[\x00-\x1f/\\<>:\"|?*]+")


class FilesUnitOfWork(UnitOfWork, Protocol):
    """A unit of work that also keeps files (the SQL one)."""

    attachments: Any


def media_type_of(data: bytes) -> str | None:
    """The media type the bytes are (not what they claim to be), or None."""
    for magic, media_type in _SIGNATURES:
        if data.startswith(magic):
            return media_type
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def _clean_name(name: str) -> str:
    cleaned = _UNSAFE_NAME.sub("_", name.strip()).strip(". ")
    return cleaned[-200:] or "file"


def attach_file(
    uow: FilesUnitOfWork,
    number: str,
    stage: str,
    name: str,
    data: bytes,
    *,
    policy: Policy,
    user: str,
    now: datetime | None = None,
) -> Attachment:
    """Store a photo or an evidence file with stage ``stage`` of case ``number`` (needs
    the ``edit`` permission, like any change of a case's content; not on a closed case)."""
    authorize(uow, user, "edit", policy)
    _refuse_if_closed(load_case(uow, number).case)  # NotFoundError for an unknown case
    if stage not in ATTACHMENT_STAGES:
        raise ValidationError(
            "attachment.stage",
            "error.reason.not_in_choices",
            value=stage,
            choices=", ".join(ATTACHMENT_STAGES),
        )
    if not data:
        raise ValidationError("attachment.file", "attachment.reason.empty")
    limit = policy.attachments.max_mb * 1024 * 1024
    if len(data) > limit:
        raise ValidationError(
            "attachment.file", "attachment.reason.too_large", max_mb=policy.attachments.max_mb
        )
    media_type = media_type_of(data)
    if media_type is None:
        raise ValidationError("attachment.file", "attachment.reason.bad_type")
    stored: Attachment = uow.attachments.add(
        number,
        stage=stage,
        name=_clean_name(name),
        media_type=media_type,
        data=data,
        user=user,
        at=aware_now(now),
    )
    uow.commit()
    return stored


def _refuse_if_closed(case: Case) -> None:
    """A closed case is a record: its files change only after it is reopened."""
    if case.is_closed:
        raise StageGateError(
            number=case.number, stage=case.stage.value, missing=["closure.already_closed"]
        )


def remove_file(
    uow: FilesUnitOfWork,
    attachment_id: int,
    *,
    reason: str,
    policy: Policy,
    user: str,
    now: datetime | None = None,
) -> Attachment:
    """Take a photo or evidence file off its case (a wrong or private picture): it leaves
    the case page and the reports, stays on record, and the case's history says who
    removed it, when and why. Needs the ``edit`` permission and a reason; a closed case
    keeps its files (reopen it first)."""
    authorize(uow, user, "edit", policy)
    found: Attachment = uow.attachments.get(attachment_id)  # NotFoundError if removed
    _refuse_if_closed(load_case(uow, found.case_number).case)
    text = reason.strip()
    if not text:
        raise ValidationError("attachment.remove_reason", "error.reason.required")
    if len(text) > 2000:
        raise ValidationError("attachment.remove_reason", "error.reason.too_long", max=2000)
    uow.attachments.remove(found, user=user, at=aware_now(now), reason=text)
    uow.commit()
    return found

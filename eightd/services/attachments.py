"""Photos and evidence: defect photos at D2, evidence at D4 and D6 (images and PDF).

A file is accepted by what its bytes are (PNG, JPEG, GIF, WebP, PDF), never by the name
or type a browser claims, and only up to the policy's size limit (``[attachments]
max_mb``). It is stored in the case store, so a team on PostgreSQL shares it.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Protocol

from eightd.errors import ValidationError
from eightd.policy import Policy
from eightd.services.access import authorize
from eightd.services.cases import UnitOfWork, aware_now, load_case
from eightd.store import Attachment

__all__ = ["ATTACHMENT_STAGES", "attach_file", "media_type_of"]

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
    the ``edit`` permission, like any change of a case's content)."""
    authorize(uow, user, "edit", policy)
    load_case(uow, number)  # NotFoundError for an unknown case
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

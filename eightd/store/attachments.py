"""Photos and evidence of cases, kept in the store (so a PostgreSQL team shares them)."""

from __future__ import annotations

import builtins
import json
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa

from eightd.errors import NotFoundError
from eightd.store.tables import attachments, audit_log, cases

__all__ = ["Attachment", "SqlAttachmentRepository"]


@dataclass(frozen=True)
class Attachment:
    """One stored file; ``data`` is only filled when the file itself is read."""

    id: int
    case_number: str
    stage: str
    name: str
    media_type: str
    size: int
    uploaded_at: datetime
    uploaded_by: str
    data: bytes = b""


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class SqlAttachmentRepository:
    def __init__(self, connection: sa.Connection) -> None:
        self._conn = connection

    def add(
        self,
        number: str,
        *,
        stage: str,
        name: str,
        media_type: str,
        data: bytes,
        user: str,
        at: datetime,
    ) -> Attachment:
        version = self._conn.execute(
            sa.select(cases.c.version).where(cases.c.number == number)
        ).scalar_one_or_none()
        if version is None:
            raise NotFoundError(number=number)
        moment = at.astimezone(UTC)
        new_id = self._conn.execute(
            attachments.insert().returning(attachments.c.id),
            {
                "case_number": number,
                "stage": stage,
                "name": name,
                "media_type": media_type,
                "size": len(data),
                "data": data,
                "uploaded_at": moment,
                "uploaded_by": user,
            },
        ).scalar_one()
        # the case's audit history shows the file (not its bytes)
        self._audit(number, version, moment, user, "add_attachment", stage, None, name)
        return Attachment(new_id, number, stage, name, media_type, len(data), moment, user)

    def list(self, number: str) -> builtins.list[Attachment]:
        """The files of a case (without their bytes), oldest first."""
        c = attachments.c
        query = (
            sa.select(
                c.id,
                c.case_number,
                c.stage,
                c.name,
                c.media_type,
                c.size,
                c.uploaded_at,
                c.uploaded_by,
            )
            .where(c.case_number == number, c.removed_at.is_(None))
            .order_by(c.id)
        )
        return [
            Attachment(
                r.id,
                r.case_number,
                r.stage,
                r.name,
                r.media_type,
                r.size,
                _aware(r.uploaded_at),
                r.uploaded_by,
            )
            for r in self._conn.execute(query)
        ]

    def get(self, attachment_id: int) -> Attachment:
        """A file of a case with its bytes (NotFoundError if unknown or removed)."""
        row = self._conn.execute(
            sa.select(attachments).where(
                attachments.c.id == attachment_id, attachments.c.removed_at.is_(None)
            )
        ).one_or_none()
        if row is None:
            raise NotFoundError("attachment.not_found", id=attachment_id)
        return Attachment(
            row.id,
            row.case_number,
            row.stage,
            row.name,
            row.media_type,
            row.size,
            _aware(row.uploaded_at),
            row.uploaded_by,
            bytes(row.data),
        )

    def remove(self, attachment: Attachment, *, user: str, at: datetime, reason: str) -> None:
        """Take a file off its case, keeping it on record, and say so in the case's audit
        history (who, when, which file and why)."""
        moment = at.astimezone(UTC)
        version = self._conn.execute(
            sa.select(cases.c.version).where(cases.c.number == attachment.case_number)
        ).scalar_one()
        self._conn.execute(
            attachments.update()
            .where(attachments.c.id == attachment.id)
            .values(removed_at=moment, removed_by=user, removed_reason=reason)
        )
        self._audit(
            attachment.case_number, version, moment, user, "remove_attachment",
            attachment.stage, attachment.name, reason,
        )  # fmt: skip

    def _audit(
        self,
        number: str,
        version: int,
        at: datetime,
        user: str,
        action: str,
        stage: str,
        old: str | None,
        new: str,
    ) -> None:
        """One line of the case's audit history about a file of stage ``stage``."""
        self._conn.execute(
            audit_log.insert(),
            {
                "case_number": number,
                "version": version,
                "at": at,
                "user": user,
                "action": action,
                "path": f"attachments.{stage}",
                "old_value": None if old is None else json.dumps(old, ensure_ascii=False),
                "new_value": json.dumps(new, ensure_ascii=False),
            },
        )

    def with_data(self, number: str) -> builtins.list[Attachment]:
        """The files of a case with their bytes (for reports)."""
        return [self.get(a.id) for a in self.list(number)]

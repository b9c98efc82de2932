"""Approval as an electronic signature over the case content (rules GT-D0 … GT-D8 D8, rule GT-D8).

An :class:`~eightd.domain.model.Approval` records signer, role, meaning, time and
:func:`content_hash` of the case at signing. Any later change to the signed content
makes the hash differ and the signature no longer valid.

What is signed: everything of the 8D report — intake, validity and its note, grading,
team, problem description, containment, causes, actions, verifications,
standardization, read-across and the reasons given. What is *not* signed (it changes
after approval without changing the report): the approvals themselves, the stage and
status, the history of stage events, the customer contact log, call-backs, the
closure record and clock pauses. A field added to ``Case`` later is signed unless it
is added to :data:`UNSIGNED_FIELDS`, so a new field can only make signatures stricter.
"""

from __future__ import annotations

import hashlib
import json
from enum import StrEnum

from eightd.domain.interchange import case_to_dict
from eightd.domain.model import Case

__all__ = ["UNSIGNED_FIELDS", "SignatureState", "content_hash", "signature_state"]

UNSIGNED_FIELDS: frozenset[str] = frozenset(
    {"approvals", "stage", "status", "history", "contacts", "callbacks", "closure", "pauses"}
)
HASH_PREFIX = "sha256:"


class SignatureState(StrEnum):
    NONE = "none"  # never approved
    VALID = "valid"  # the latest approval signs the current content
    CHANGED_AFTER_APPROVAL = "changed_after_approval"
    IMPORTED = "imported"  # the latest approval came with an import: not signed here


def content_hash(case: Case) -> str:
    """``sha256:<hex>`` of the canonical JSON (sorted keys, no spaces) of the signed fields."""
    data = {k: v for k, v in case_to_dict(case).items() if k not in UNSIGNED_FIELDS}
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return HASH_PREFIX + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def signature_state(case: Case) -> SignatureState:
    """Whether the latest approval still signs the case as it is now.

    An approval brought in by an import was not made in this store: it is reported as
    imported (never valid), so it cannot open a gate a signature here is needed for."""
    signed = [a for a in case.approvals if a.signed_at is not None]
    if not signed:
        return SignatureState.NONE
    latest = max(signed, key=lambda a: a.signed_at)  # type: ignore[arg-type,return-value]
    if latest.imported:
        return SignatureState.IMPORTED
    if latest.content_hash == content_hash(case):
        return SignatureState.VALID
    return SignatureState.CHANGED_AFTER_APPROVAL

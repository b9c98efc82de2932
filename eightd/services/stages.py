"""Use cases that edit the content of the 8D stages, item by item.

Each function loads the case, changes one part, validates and saves it under
the version the user's form was based on (``expected_version``), so two people
editing the same case never overwrite each other silently. Items with ids
(containment ``K1``, causes ``C1``, actions ``A1``, verifications ``V1``) are
added when their id is new or empty (an id is then assigned) and replaced when
it exists.
"""

from __future__ import annotations

import copy
import typing
from datetime import datetime
from typing import Literal

from eightd.domain import (
    Case,
    Cause,
    Contact,
    ContainmentAction,
    CorrectiveAction,
    ProblemDescription,
    StandardizationItem,
    TeamMember,
    Validity,
    Verification,
)
from eightd.domain.fields import decode_value
from eightd.errors import ValidationError
from eightd.policy import Policy
from eightd.services.cases import UnitOfWork, update_case
from eightd.store import StoredCase

__all__ = [
    "ITEM_PREFIXES",
    "SIMPLE_FIELDS",
    "add_standardization",
    "describe_problem",
    "log_contact",
    "put_item",
    "remove_item",
    "set_fields",
    "set_team",
    "set_validity",
]

Collection = Literal["containment", "causes", "actions", "verifications"]
Item = ContainmentAction | Cause | CorrectiveAction | Verification

ITEM_PREFIXES: dict[str, str] = {
    "containment": "K",
    "causes": "C",
    "actions": "A",
    "verifications": "V",
}
_ITEM_TYPES: dict[str, type] = {
    "containment": ContainmentAction,
    "causes": Cause,
    "actions": CorrectiveAction,
    "verifications": Verification,
}


def set_validity(
    uow: UnitOfWork,
    number: str,
    validity: Validity,
    note: str,
    *,
    user: str,
    expected_version: int | None = None,
    now: datetime | None = None,
    policy: Policy | None = None,
) -> StoredCase:
    """D0: founded or not, and the explanation given to the customer."""

    def change(case: Case) -> None:
        case.validity = validity
        case.validity_note = note.strip()

    return update_case(
        uow,
        number,
        change,
        user=user,
        action="set_validity",
        expected_version=expected_version,
        now=now,
        policy=policy,
    )


def set_team(
    uow: UnitOfWork,
    number: str,
    members: list[TeamMember],
    *,
    user: str,
    expected_version: int | None = None,
    now: datetime | None = None,
    policy: Policy | None = None,
) -> StoredCase:
    """D1: the investigation team (replaces the list)."""

    def change(case: Case) -> None:
        case.team = copy.deepcopy(members)

    return update_case(
        uow,
        number,
        change,
        user=user,
        action="set_team",
        expected_version=expected_version,
        now=now,
        policy=policy,
    )


def describe_problem(
    uow: UnitOfWork,
    number: str,
    problem: ProblemDescription,
    *,
    user: str,
    expected_version: int | None = None,
    now: datetime | None = None,
    policy: Policy | None = None,
) -> StoredCase:
    """D2: 5W2H and IS / IS-NOT."""

    def change(case: Case) -> None:
        case.problem = copy.deepcopy(problem)

    return update_case(
        uow,
        number,
        change,
        user=user,
        action="describe_problem",
        expected_version=expected_version,
        now=now,
        policy=policy,
    )


def put_item(
    uow: UnitOfWork,
    number: str,
    collection: Collection,
    item: Item,
    *,
    user: str,
    expected_version: int | None = None,
    now: datetime | None = None,
    policy: Policy | None = None,
) -> tuple[StoredCase, str]:
    """Add or replace one containment action, cause, corrective action or verification.

    Returns the saved case and the item's id (assigned when the item had none).
    """
    if collection not in _ITEM_TYPES:
        raise ValidationError(
            "collection",
            "error.reason.not_in_choices",
            value=collection,
            choices=", ".join(_ITEM_TYPES),
        )
    if not isinstance(item, _ITEM_TYPES[collection]):
        raise ValidationError(collection, "error.reason.not_object")
    assigned: list[str] = []

    def change(case: Case) -> None:
        new = copy.deepcopy(item)
        items: list[Item] = getattr(case, collection)
        if not new.id:
            new.id = case.next_id(ITEM_PREFIXES[collection])
        for i, existing in enumerate(items):
            if existing.id == new.id:
                items[i] = new
                break
        else:
            items.append(new)
        assigned.append(new.id)

    stored = update_case(
        uow,
        number,
        change,
        user=user,
        action=f"put_{collection}",
        expected_version=expected_version,
        now=now,
        policy=policy,
    )
    return stored, assigned[0]


def remove_item(
    uow: UnitOfWork,
    number: str,
    collection: Collection,
    item_id: str,
    *,
    user: str,
    expected_version: int | None = None,
    now: datetime | None = None,
    policy: Policy | None = None,
) -> StoredCase:
    """Remove an item; refused (ValidationError) while other items still refer to it."""

    def change(case: Case) -> None:
        items: list[Item] = getattr(case, collection)
        kept = [i for i in items if i.id != item_id]
        if len(kept) == len(items):
            raise ValidationError(collection, "error.reason.unknown_ref", value=item_id)
        setattr(case, collection, kept)  # validation rejects dangling references

    return update_case(
        uow,
        number,
        change,
        user=user,
        action=f"remove_{collection}",
        expected_version=expected_version,
        now=now,
        policy=policy,
    )


def add_standardization(
    uow: UnitOfWork,
    number: str,
    item: StandardizationItem,
    *,
    user: str,
    expected_version: int | None = None,
    now: datetime | None = None,
    policy: Policy | None = None,
) -> StoredCase:
    """D7: a controlled document revised (PFMEA, control plan, work instruction, ...)."""

    def change(case: Case) -> None:
        case.standardization.append(copy.deepcopy(item))

    return update_case(
        uow,
        number,
        change,
        user=user,
        action="add_standardization",
        expected_version=expected_version,
        now=now,
        policy=policy,
    )


def log_contact(
    uow: UnitOfWork,
    number: str,
    contact: Contact,
    *,
    user: str,
    expected_version: int | None = None,
    now: datetime | None = None,
    policy: Policy | None = None,
) -> StoredCase:
    """rule CM-1: log an exchange with the customer (and any reply promised)."""

    def change(case: Case) -> None:
        entry = copy.deepcopy(contact)
        entry.by = entry.by or user
        case.contacts.append(entry)

    return update_case(
        uow,
        number,
        change,
        user=user,
        action="log_contact",
        expected_version=expected_version,
        now=now,
        policy=policy,
    )


# Case fields that hold one plain value and are edited directly (not through a stage service).
SIMPLE_FIELDS: tuple[str, ...] = (
    "title",
    "emergency_actions",  # D0 emergency response before the team is formed
    "clean_point",  # D3 how shipments after containment are marked
    "no_containment_reason",  # D3 why no containment is needed (rule GT-D3)
    "no_escape_reason",  # D4 why detection was impossible
    "containment_removed_on",  # D6 containment removed on
    "no_standardization_reason",  # D7 why no document changes
    "read_across",  # D7 similar products / processes checked (list)
)


def set_fields(
    uow: UnitOfWork,
    number: str,
    values: dict[str, object],
    *,
    user: str,
    expected_version: int | None = None,
    now: datetime | None = None,
    policy: Policy | None = None,
) -> StoredCase:
    """Set simple case fields from JSON-like values (dates as ``YYYY-MM-DD``)."""
    for name in values:
        if name not in SIMPLE_FIELDS:
            raise ValidationError(
                name, "error.reason.not_in_choices", value=name, choices=", ".join(SIMPLE_FIELDS)
            )
    hints = typing.get_type_hints(Case)
    decoded = {name: decode_value(value, hints[name], name) for name, value in values.items()}

    def change(case: Case) -> None:
        for name, value in decoded.items():
            setattr(case, name, value)

    return update_case(
        uow,
        number,
        change,
        user=user,
        action="set_fields",
        expected_version=expected_version,
        now=now,
        policy=policy,
    )

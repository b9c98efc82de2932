"""Who is acting, and may they do it.

The acting user is the authenticated one, never a name typed on the command line:

- PostgreSQL (a shared store): the database login (``session_user``), mapped to the eightd
  user of that name.
- SQLite (a local file, single user): the operating-system account running eightd.
- The workbench behind JupyterHub: the hub's login (``JUPYTERHUB_USER``), but only when the
  account above is a service account of the store (a role holding ``act_for_users``).

``--user`` / ``EIGHTD_USER`` may only repeat that name; naming someone else is refused.

Every service that changes something calls :func:`authorize` with the permission it needs
(the policy's ``[roles.permissions]``). In a store that has users, a user it does not know
may read but change nothing. A store with no users at all refuses every change until
``eightd init`` (or ``eightd demo``) registers its first user (:func:`register_first_user`);
on PostgreSQL only the owner of the schema (or a superuser) may do that, so bootstrapping
is no way in for anyone who could not already change the tables directly.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from functools import cache
from typing import Any

from eightd import settings as _settings
from eightd.domain import Case, case_to_dict
from eightd.errors import PermissionDeniedError, ValidationError
from eightd.policy import Policy, load_policy
from eightd.settings import Settings
from eightd.store import Store, User

__all__ = [
    "FIRST_USER_ROLES",
    "PROTECTED_FIELDS",
    "acting_user",
    "authorize",
    "default_policy",
    "refuse_protected_changes",
    "register_first_user",
]

# The first user of a store administers it and works cases (approving is given separately,
# so that signing stays a decision of its own).
FIRST_USER_ROLES: tuple[str, ...] = ("admin", "qe")

# Fields of a case that only their own services change (approve, advance, close, reopen,
# grade, pause / resume); a whole-case edit (``eightd update``) or an import over a stored
# case must leave them as they are. The value names the command that changes them.
PROTECTED_FIELDS: dict[str, str] = {
    "created_at": "open",
    "created_by": "open",
    "approvals": "approve",
    "history": "advance",
    "stage": "advance",
    "status": "close",
    "closure": "close",
    "grading": "grade",
    "pauses": "pause",
}


@cache
def default_policy() -> Policy:
    """The default policy (read once), for services called without one."""
    return load_policy()


# ---------------------------------------------------------------- the acting user


def acting_user(store: Store, settings: Settings, policy: Policy | None = None) -> str:
    """The authenticated user for an entry point (CLI, notebook, report runner).

    The account is the database login (PostgreSQL) or the OS account (SQLite). The hub's
    login (``JUPYTERHUB_USER``) is taken instead only when that account is a service
    account of the store (``act_for_users``): an environment variable alone names nobody.
    Raises PermissionDeniedError when ``--user`` / ``EIGHTD_USER`` names someone else.
    """
    login = store.login()
    authenticated, how = (login, "database") if login is not None else (_settings.os_user(), "os")
    hub = settings.hub_user
    if hub and hub != authenticated:
        with store.uow(read_only=True) as uow:
            if not _may(uow.users.get(authenticated), "act_for_users", policy):
                raise PermissionDeniedError(
                    f"access.error.not_service.{how}", user=hub, login=authenticated
                )
        authenticated, how = hub, "hub"
    claimed = settings.claimed_user
    if claimed is not None and claimed != authenticated:
        raise PermissionDeniedError(
            f"access.error.claim_refused.{how}", claimed=claimed, user=authenticated
        )
    return authenticated


# ---------------------------------------------------------------- permissions


def _may(account: User | None, permission: str, policy: Policy | None) -> bool:
    roles = (policy or default_policy()).roles.roles_for(permission)
    return account is not None and bool(account.roles & set(roles))


def _check_login(uow: Any, user: str, policy: Policy | None) -> None:
    """On PostgreSQL a service acts for its own login only (or for anyone when the login
    is a service account holding ``act_for_users``)."""
    login = uow.users.login()
    if login is None or login == user:
        return
    if not _may(uow.users.get(login), "act_for_users", policy):
        raise PermissionDeniedError("access.error.not_login", user=user, login=login)


def authorize(uow: Any, user: str, permission: str, policy: Policy | None = None) -> User:
    """The account of ``user`` if it holds ``permission``; PermissionDeniedError naming the
    roles that would allow it otherwise."""
    _check_login(uow, user, policy)
    roles = (policy or default_policy()).roles.roles_for(permission)
    account: User | None = uow.users.get(user)
    if account is None:
        if not uow.users.any():
            raise PermissionDeniedError("access.error.no_users", user=user, permission=permission)
        raise PermissionDeniedError(
            "access.error.unknown_user", user=user, permission=permission, roles=_names(roles)
        )
    if not account.roles & set(roles):
        raise PermissionDeniedError(
            "access.error.missing_role", user=user, permission=permission, roles=_names(roles)
        )
    return account


def _names(roles: Iterable[str]) -> str:
    return ", ".join(roles) or "-"


def register_first_user(
    uow: Any,
    name: str,
    *,
    actor: str,
    roles: Iterable[str] = FIRST_USER_ROLES,
    now: datetime,
) -> User:
    """Register the first user of a store that has none (``eightd init``, ``eightd demo``).

    Refused once the store has a user (later users are added by an admin), and on
    PostgreSQL unless the login owns the schema.
    """
    if uow.users.any():
        raise PermissionDeniedError("access.error.has_users", user=actor, permission="manage_users")
    if not uow.users.login_owns_store():
        raise PermissionDeniedError("access.error.not_owner", user=actor, login=uow.users.login())
    user: User = uow.users.put(
        name, display_name="", roles=list(roles), at=now, actor=actor, action="first_user"
    )
    return user


# ---------------------------------------------------------------- whole-case edits


def refuse_protected_changes(before: Case, after: Case, prefix: str = "") -> None:
    """ValidationError naming the first field an edited document changed that only its own
    service may change (approvals, stage history, creation, closure, grade, pauses)."""
    old, new = case_to_dict(before), case_to_dict(after)
    for name, command in PROTECTED_FIELDS.items():
        if old.get(name) != new.get(name):
            path = _first_difference(old.get(name), new.get(name), name)
            raise ValidationError(
                prefix + path, f"access.reason.only_by.{command}", command=f"eightd {command}"
            )


def _first_difference(old: Any, new: Any, path: str) -> str:
    if isinstance(old, dict) and isinstance(new, dict):
        for key in sorted(set(old) | set(new), key=str):
            if old.get(key) != new.get(key):
                return _first_difference(old.get(key), new.get(key), f"{path}.{key}")
    if isinstance(old, list) and isinstance(new, list):
        for i in range(max(len(old), len(new))):
            a = old[i] if i < len(old) else None
            b = new[i] if i < len(new) else None
            if a != b:
                return _first_difference(a, b, f"{path}[{i}]")
    return path

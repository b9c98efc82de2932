"""Settings from the environment, with zero-configuration defaults.

- ``EIGHTD_DATABASE_URL``: SQLAlchemy URL of the case store
  (default: a SQLite file ``eightd.db`` in the per-user data directory)
- ``EIGHTD_HOME``: the per-user data directory
  (default: ``$XDG_DATA_HOME/eightd``, else ``~/.local/share/eightd``)
- ``EIGHTD_USER``: who you say you are; it must be the authenticated user (the database
  login on PostgreSQL, the OS account on SQLite), else every command is refused
- ``JUPYTERHUB_USER``: set by JupyterHub for the workbench: the hub's login is the acting user
- ``EIGHTD_LANG``: ``zh`` or ``en`` for messages and reports (default: from ``LANG``, else en)
- ``EIGHTD_POLICY``: path of the company policy file (default: ``templates/policy.toml``)
- ``EIGHTD_MAX_IMPORT_MB``: the largest file ``eightd import`` reads, in MB (default: 256)
"""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from eightd.errors import ValidationError
from eightd.i18n import default_lang, normalize_lang

__all__ = ["Settings", "default_data_dir", "os_user"]


def default_data_dir() -> Path:
    if home := os.environ.get("EIGHTD_HOME"):
        return Path(home).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base).expanduser() / "eightd"


def os_user() -> str:
    """The operating-system account running eightd (from the process's user id, not from
    ``$USER``, which anyone can set)."""
    try:
        import pwd

        return pwd.getpwuid(os.geteuid()).pw_name
    except (ImportError, KeyError, OSError):  # no passwd entry (containers), no pwd (Windows)
        try:
            return getpass.getuser()
        except (KeyError, OSError):
            return "unknown"


DEFAULT_MAX_IMPORT_MB = 256


def _megabytes(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default * 2**20
    if not raw.isdigit() or int(raw) < 1:
        raise ValidationError(name, "error.reason.not_integer")
    return int(raw) * 2**20


@dataclass(frozen=True)
class Settings:
    # never shown in a repr (tracebacks, logs): the URL may carry the database password
    database_url: str = field(repr=False)
    # the name to act as before the store authenticates it (see eightd.services.access):
    # the claimed name, else the hub's user, else the OS account
    user: str
    lang: str
    policy_path: Path | None = None
    max_import_bytes: int = DEFAULT_MAX_IMPORT_MB * 2**20
    # the name typed with --user or EIGHTD_USER, if any: it must match the authenticated user
    claimed_user: str | None = None
    # JupyterHub's login (JUPYTERHUB_USER) when eightd runs in the hub's workbench
    hub_user: str | None = None

    @classmethod
    def from_env(
        cls,
        *,
        database_url: str | None = None,
        user: str | None = None,
        lang: str | None = None,
        policy_path: str | Path | None = None,
    ) -> Settings:
        """Explicit arguments (CLI flags) win over the environment, which wins over defaults."""
        url = database_url or os.environ.get("EIGHTD_DATABASE_URL")
        if not url:
            url = "sqlite:///" + str(default_data_dir() / "eightd.db")
        policy = policy_path or os.environ.get("EIGHTD_POLICY") or None
        claimed = (user or os.environ.get("EIGHTD_USER") or "").strip() or None
        hub = os.environ.get("JUPYTERHUB_USER", "").strip() or None
        return cls(
            database_url=url,
            user=claimed or hub or os_user(),
            lang=normalize_lang(lang) if lang else default_lang(),
            policy_path=Path(policy).expanduser() if policy else None,
            max_import_bytes=_megabytes("EIGHTD_MAX_IMPORT_MB", DEFAULT_MAX_IMPORT_MB),
            claimed_user=claimed,
            hub_user=hub,
        )

    def with_(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]

"""Settings from the environment, with zero-configuration defaults.

- ``EIGHTD_DATABASE_URL``: SQLAlchemy URL of the case store
  (default: a SQLite file ``eightd.db`` in the per-user data directory)
- ``EIGHTD_HOME``: the per-user data directory
  (default: ``$XDG_DATA_HOME/eightd``, else ``~/.local/share/eightd``)
- ``EIGHTD_USER``: the acting user recorded in the audit log (default: the OS user)
- ``EIGHTD_LANG``: ``zh`` or ``en`` for messages and reports (default: from ``LANG``, else en)
- ``EIGHTD_POLICY``: path of the company policy file (default: ``templates/policy.toml``)
- ``EIGHTD_MAX_IMPORT_MB``: the largest file ``eightd import`` reads, in MB (default: 256)
"""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass, replace
from pathlib import Path

from eightd.errors import ValidationError
from eightd.i18n import default_lang, normalize_lang

__all__ = ["Settings", "default_data_dir"]


def default_data_dir() -> Path:
    if home := os.environ.get("EIGHTD_HOME"):
        return Path(home).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base).expanduser() / "eightd"


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers)
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
    database_url: str
    user: str
    lang: str
    policy_path: Path | None = None
    max_import_bytes: int = DEFAULT_MAX_IMPORT_MB * 2**20

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
        return cls(
            database_url=url,
            user=(user or os.environ.get("EIGHTD_USER") or _os_user()).strip() or "unknown",
            lang=normalize_lang(lang) if lang else default_lang(),
            policy_path=Path(policy).expanduser() if policy else None,
            max_import_bytes=_megabytes("EIGHTD_MAX_IMPORT_MB", DEFAULT_MAX_IMPORT_MB),
        )

    def with_(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]

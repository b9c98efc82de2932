"""The exception tree of eightd. Every error a user can meet derives from EightDError.

::

    EightDError                    anything eightd refuses or fails to do
     ├── ValidationError           a value is wrong: names the field and the reason
     ├── NotFoundError             no case with that complaint number
     ├── ConcurrentEditError       the case changed since it was loaded; nothing overwritten
     ├── StageGateError            a stage cannot be entered or completed: lists what is missing
     ├── PermissionDeniedError     the acting user lacks the role for the action
     ├── PolicyError               a policy file is invalid: every error with its key path
     ├── CalendarError             a date cannot be placed on the working-day calendar
     ├── MissingDependencyError    a program or package is missing: says what to install
     ├── StoreError                the database cannot be reached or is not at the right schema
     ├── DiagramError              Graphviz failed to draw a diagram
     └── ReportError               a report could not be produced: names the output path

Each error carries a message ``code`` (a key of the i18n catalogs) and the
parameters of that message; ``err.message(lang)`` renders it in English or
Chinese. ``str(err)`` is the sentence in the user's language (EIGHTD_LANG,
LANG). Errors pickle with their fields (they cross process boundaries in
report workers).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eightd.i18n import joined, t

__all__ = [
    "CalendarError",
    "ConcurrentEditError",
    "DiagramError",
    "EightDError",
    "MissingDependencyError",
    "NotFoundError",
    "PermissionDeniedError",
    "PolicyError",
    "ReportError",
    "StageGateError",
    "StoreError",
    "ValidationError",
]


class EightDError(Exception):
    """Root of the tree. ``code`` selects the message; ``params`` fill it."""

    default_code = "error.generic"

    def __init__(self, code: str | None = None, /, **params: Any) -> None:
        self.code = code or self.default_code
        self.params = params
        super().__init__(self.message("en"))

    def message(self, lang: str | None = None) -> str:
        return t(self.code, lang, **self._render_params(lang))

    def _render_params(self, lang: str | None) -> dict[str, Any]:
        return dict(self.params)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.code, self.params))

    def __str__(self) -> str:
        """The message in the user's language (EIGHTD_LANG / LANG; English by default)."""
        return self.message(None)


def _rebuild(cls: type[EightDError], code: str, params: dict[str, Any]) -> EightDError:
    err = cls.__new__(cls)
    EightDError.__init__(err, code, **params)
    return err


class ValidationError(EightDError):
    """A value is wrong. ``field`` is the path of the value (``intake.defect_count``,
    ``causes[2].category``), ``reason`` a message code explaining why."""

    default_code = "error.validation"

    def __init__(self, field: str = "", reason: str = "error.reason.invalid", /, **params: Any):
        super().__init__("error.validation", field=field, reason=reason, **params)

    @property
    def field(self) -> str:
        return str(self.params.get("field", ""))

    @property
    def reason_code(self) -> str:
        return str(self.params.get("reason", ""))

    def reason(self, lang: str | None = None) -> str:
        extra = {k: v for k, v in self.params.items() if k not in ("field", "reason")}
        return t(self.reason_code, lang, **extra)

    def _render_params(self, lang: str | None) -> dict[str, Any]:
        return {**self.params, "reason": self.reason(lang)}

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_validation, (self.params,))


def _rebuild_validation(params: dict[str, Any]) -> ValidationError:
    p = dict(params)
    return ValidationError(p.pop("field"), p.pop("reason"), **p)


class NotFoundError(EightDError):
    default_code = "error.not_found"


class ConcurrentEditError(EightDError):
    """Raised by a save based on a stale version. Params: number, expected, actual,
    changed_by, changed_at."""

    default_code = "error.concurrent_edit"


class StageGateError(EightDError):
    """A stage move is blocked. ``missing`` lists message codes of every missing item."""

    default_code = "error.stage_gate"

    def __init__(
        self, code: str | None = None, /, *, missing: Sequence[str] = (), **params: Any
    ) -> None:
        super().__init__(code, missing=list(missing), **params)

    @property
    def missing(self) -> list[str]:
        return list(self.params.get("missing", []))

    def _render_params(self, lang: str | None) -> dict[str, Any]:
        items = joined((t(code, lang) for code in self.missing), lang, entries=True)
        return {**self.params, "items": items}


class PermissionDeniedError(EightDError):
    """The acting user may not do this. Params: user, and ``permission`` (a key of the
    policy's ``[roles.permissions]``, shown as what it allows) with the ``roles`` that hold
    it; or the names involved in an identity refusal (claimed, login)."""

    default_code = "error.permission_denied"

    def _render_params(self, lang: str | None) -> dict[str, Any]:
        permission = self.params.get("permission")
        if not permission:
            return dict(self.params)
        return {**self.params, "action": t(f"access.permission.{permission}", lang)}


class PolicyError(EightDError):
    """``errors`` is a list of (key path, reason text) pairs."""

    default_code = "error.policy"

    def __init__(
        self, code: str | None = None, /, *, errors: Sequence[tuple[str, str]] = (), **params: Any
    ) -> None:
        super().__init__(code, errors=[tuple(e) for e in errors], **params)

    @property
    def errors(self) -> list[tuple[str, str]]:
        return [tuple(e) for e in self.params.get("errors", [])]

    def _render_params(self, lang: str | None) -> dict[str, Any]:
        lines = "\n".join(f"  {path}: {reason}" for path, reason in self.errors)
        return {**self.params, "lines": lines, "count": len(self.errors)}


class CalendarError(EightDError):
    default_code = "error.calendar"


class MissingDependencyError(EightDError):
    """Params: what (the missing thing), hint (how to install it)."""

    default_code = "error.missing_dependency"


class StoreError(EightDError):
    default_code = "error.store"


class DiagramError(EightDError):
    """Graphviz ``dot`` failed or timed out. Params: detail or seconds."""

    default_code = "diagrams.error.dot_failed"


class ReportError(EightDError):
    """Params: path (the output or failed notebook), detail."""

    default_code = "error.report"

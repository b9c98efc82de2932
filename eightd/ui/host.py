"""What a case page offers the panels drawn inside it (a stage's form, the reports panel):
they depend on this description, not on the page's class, so imports go one way only."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

import ipywidgets as widgets

from eightd.domain import Stage
from eightd.ui.session import Session
from eightd.ui.widgets import Feedback

__all__ = ["CaseHost"]


class CaseHost(Protocol):
    """The case page as its panels see it (:class:`eightd.ui.case_page.CasePage`)."""

    session: Session
    number: str
    feedback: Feedback
    selected: Stage | None
    stored: Any  # the StoredCase the page was loaded at
    assessment: Any  # what the policy says of it (grade, clocks, gates, review)
    version: int

    def after_save(self, message: str) -> None:
        """A save went through: redraw the page as saved and say so."""

    def attachments(self, stage: Stage) -> list[widgets.Widget]:
        """The stage's photos or evidence, with their upload."""

    def findings(self, stage: Stage) -> list[str]:
        """Gate refusals and review findings of the stage, in words."""

    def _guarded(self, action: Callable[..., Any]) -> Callable[..., None]:
        """``action`` as a callback whose failure is shown in the page."""

"""``eightd show NO``: one case on the terminal, rendered from its view model."""

from __future__ import annotations

from eightd.cli.app import App
from eightd.views import CaseView
from eightd.views.text import text_lines

__all__ = ["print_case"]


def print_case(app: App, view: CaseView) -> None:
    """The case as :func:`eightd.views.text.text_lines` lays out its view model: the same
    header, stage states, due dates, findings and approval as its reports and its page."""
    for line in text_lines(view):
        app.out.line(line)

"""Running Graphviz ``dot``: the one place this package leaves Python.

The diagram builders produce DOT text; :class:`Diagram` turns it into SVG or
PNG. ``dot`` is looked up as ``$EIGHTD_DOT`` if set, else on ``PATH``; a
missing program raises :class:`~eightd.errors.MissingDependencyError` saying
what to install.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import shutil
import subprocess
from dataclasses import dataclass

from eightd.errors import DiagramError, MissingDependencyError
from eightd.i18n import t

__all__ = ["DOT_ENV", "Diagram", "find_dot"]

DOT_ENV = "EIGHTD_DOT"
_TIMEOUT_S = 60


def find_dot(lang: str | None = None) -> str:
    """The path of the ``dot`` program, or MissingDependencyError."""
    configured = os.environ.get(DOT_ENV)
    found = shutil.which(configured or "dot")
    if found is None:
        raise MissingDependencyError(
            "error.missing_dependency",
            what="Graphviz 'dot'",
            hint=t("diagrams.install_hint", lang),
        )
    return found


# ids that Graphviz generates itself (node1, edge1, graph0, clust1, a_node1 ...)
_GENERATED_ID = re.compile(r'\bid="((?:graph|node|edge|clust|a_node|a_edge)\d+[^"]*)"')


@dataclass(frozen=True)
class Diagram:
    """A diagram as DOT source, rendered on demand.

    SVG (for the browser and HTML reports) and PNG (for PDF and Excel reports)
    come from the same ``source``, so they always show the same picture.
    """

    source: str
    lang: str = "en"

    def svg(self) -> str:
        """The diagram as an SVG document (UTF-8 text).

        Graphviz numbers its own element ids (``node1``, ``edge1``, ``graph0``) the same
        in every drawing; they get a prefix unique to this diagram so that several SVGs
        can stand inline on one HTML page without duplicate ids.
        """
        prefix = "g" + hashlib.sha1(self.source.encode("utf-8")).hexdigest()[:8] + "-"
        svg = self._run("svg").decode("utf-8")
        return _GENERATED_ID.sub(lambda m: f'id="{prefix}{m.group(1)}"', svg)

    def png(self, *, dpi: int = 150) -> bytes:
        """The diagram as PNG bytes at ``dpi`` dots per inch (96 is screen size)."""
        if not 24 <= dpi <= 600:
            raise ValueError(f"dpi must be between 24 and 600, got {dpi}")
        # cairo renders text with the same Pango fonts that sized the boxes
        return self._run("png:cairo", f"-Gdpi={dpi}")

    def _run(self, fmt: str, *options: str) -> bytes:
        return _render((find_dot(self.lang), f"-T{fmt}", *options), self.source, self.lang)


# A page redraws its diagrams on every save and while a cause is typed: the same DOT
# source is drawn by one run of dot, then served from here (keyed by the command too)
@functools.lru_cache(maxsize=64)
def _render(command: tuple[str, ...], source: str, lang: str) -> bytes:
    try:
        done = subprocess.run(
            command,
            input=source.encode("utf-8"),
            capture_output=True,
            timeout=_TIMEOUT_S,
            check=False,
        )
    except OSError as exc:
        raise MissingDependencyError(
            "error.missing_dependency",
            what="Graphviz 'dot'",
            hint=t("diagrams.install_hint", lang),
        ) from exc
    except subprocess.TimeoutExpired as exc:
        raise DiagramError("diagrams.error.timeout", seconds=_TIMEOUT_S) from exc
    if done.returncode != 0 or not done.stdout:
        detail = done.stderr.decode("utf-8", "replace").strip()
        raise DiagramError("diagrams.error.dot_failed", detail=detail)
    return done.stdout

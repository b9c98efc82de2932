"""Where eightd finds its template files (the report notebook, the default policy).

They live in ``templates/`` of the source tree (the README's editable install
uses them in place). A wheel installs them as data files under
``<prefix>/share/eightd/templates``. ``EIGHTD_TEMPLATES`` points at another
directory, e.g. a company's adapted copy.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

__all__ = ["template_dirs", "template_path"]

_SOURCE_TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


def template_dirs() -> list[Path]:
    """The directories searched, in order."""
    dirs = []
    if env := os.environ.get("EIGHTD_TEMPLATES"):
        dirs.append(Path(env).expanduser())
    dirs += [_SOURCE_TEMPLATES, Path(sys.prefix) / "share" / "eightd" / "templates"]
    return dirs


def template_path(name: str) -> Path:
    """The first ``name`` found in :func:`template_dirs` (the source tree's if none is)."""
    for directory in template_dirs():
        candidate = directory / name
        if candidate.is_file():
            return candidate
    return _SOURCE_TEMPLATES / name

"""What the batch fork server imports once, before it forks the report workers.

jsonschema (imported by nbformat) imports ``rfc3987_syntax`` when it is installed,
and that module builds a Lark grammar at import: about 0.9 s of every batch's
start-up, for IRI format checks nbformat never uses. The fork server marks the
module absent (jsonschema then leaves those checkers out) before importing the
report writers; the caller's own process is left alone.
"""

import sys

sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

import eightd.reports.generate  # noqa: E402, F401
from eightd.reports.notebook import _register_engine  # noqa: E402

_register_engine()  # papermill and nbclient, loaded once for every worker

"""What the batch fork server imports once, before it forks the report workers.

nbformat imports jsonschema, and jsonschema imports every optional library that
checks a string ``format`` it knows (IRIs, URI templates, ISO durations through
``arrow``, colours ...) when it is installed: ``rfc3987_syntax`` alone builds a Lark
grammar at import (about 0.9 s), the others cost about 0.1 s together, on every
batch's start-up. nbformat's schemas check none of those formats, so the fork
server marks them absent (jsonschema then leaves those checkers out) before
importing the report writers; the caller's own process is left alone. The workers
also read message dates with the standard library (see the end).
"""

import sys

_FORMAT_CHECKERS = (
    "rfc3987_syntax",
    "rfc3986_validator",
    "rfc3339_validator",
    "isoduration",
    "uri_template",
    "webcolors",
    "fqdn",
    "jsonpointer",
)
for _name in _FORMAT_CHECKERS:
    sys.modules.setdefault(_name, None)  # type: ignore[arg-type]

from datetime import datetime  # noqa: E402

import jupyter_client.jsonutil  # noqa: E402

import eightd.reports.generate  # noqa: E402, F401
from eightd.reports.notebook import _register_engine  # noqa: E402

_register_engine()  # papermill and nbclient, loaded once for every worker
# the dates of every kernel message: the standard library's ISO parser reads the strings
# jupyter_client accepts to equal values, in a thirtieth of dateutil's time (as the
# workbench's server does, see eightd.ui.voila_main.lighter_messages)
jupyter_client.jsonutil._dateutil_parse = datetime.fromisoformat

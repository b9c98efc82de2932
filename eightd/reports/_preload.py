"""What the batch fork server imports once, before it forks the report workers.

The fork server and its workers are eightd's own processes: jsonschema (imported by
nbformat) leaves out its format checkers, and message dates are parsed with the
standard library (see :mod:`eightd.reports.jupyter_tuning`), before the report writers
are imported. The caller's own process is left alone.
"""

from eightd.reports.jupyter_tuning import parse_dates_quickly, skip_format_checkers

skip_format_checkers()
parse_dates_quickly()

import eightd.reports.generate  # noqa: E402, F401
from eightd.reports.notebook import _register_engine  # noqa: E402

_register_engine()  # papermill and nbclient, loaded once for every worker

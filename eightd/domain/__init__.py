"""The domain of eightd: complaints, 8D cases and their rules. Standard library only."""

from eightd.domain.enums import *  # noqa: F403
from eightd.domain.enums import __all__ as _enums_all
from eightd.domain.interchange import (
    case_from_dict,
    case_schema,
    case_to_dict,
    dumps_export,
    export_document,
    iter_export,
    parse_export,
    write_export,
)
from eightd.domain.model import *  # noqa: F403
from eightd.domain.model import __all__ as _model_all
from eightd.domain.numbering import ComplaintNumber, report_file_stem, safe_file_part

__all__ = [
    *_enums_all,
    *_model_all,
    "ComplaintNumber",
    "case_from_dict",
    "case_schema",
    "case_to_dict",
    "dumps_export",
    "export_document",
    "iter_export",
    "parse_export",
    "report_file_stem",
    "safe_file_part",
    "write_export",
]

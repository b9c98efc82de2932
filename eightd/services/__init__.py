"""Use cases: the one way in for the CLI, the notebooks and the report templates."""

from eightd.services.cases import (
    audit_trail,
    export_cases,
    import_cases,
    list_cases,
    load_case,
    open_case,
    replace_case,
    set_user_roles,
    update_case,
)
from eightd.services.stages import (
    add_standardization,
    describe_problem,
    log_contact,
    put_item,
    remove_item,
    set_team,
    set_validity,
)

__all__ = [
    "add_standardization",
    "audit_trail",
    "describe_problem",
    "export_cases",
    "import_cases",
    "list_cases",
    "load_case",
    "log_contact",
    "open_case",
    "put_item",
    "remove_item",
    "replace_case",
    "set_team",
    "set_user_roles",
    "set_validity",
    "update_case",
]

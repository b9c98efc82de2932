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

__all__ = [
    "audit_trail",
    "export_cases",
    "import_cases",
    "list_cases",
    "load_case",
    "open_case",
    "replace_case",
    "set_user_roles",
    "update_case",
]

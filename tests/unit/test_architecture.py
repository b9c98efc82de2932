"""The layout is the architecture: imports go downwards only (docs/ARCHITECTURE.md)."""

from __future__ import annotations

import ast
import subprocess
import sys
import tempfile
from pathlib import Path

import eightd

PACKAGE = Path(eightd.__file__).parent

# room -> the rooms of eightd it may import (besides itself)
ALLOWED: dict[str, set[str]] = {
    "i18n": set(),
    "resources": set(),
    "files": {"errors", "i18n"},
    "errors": {"i18n"},
    "domain": {"errors", "i18n"},
    "settings": {"i18n", "errors"},
    "policy": {"domain", "errors", "i18n", "resources"},
    "store": {"domain", "errors", "i18n"},
    "diagrams": {"domain", "errors", "i18n"},
    "demo": {"domain", "errors", "i18n", "policy"},
    "services": {"domain", "errors", "i18n", "store", "policy", "settings", "demo"},
    "views": {"domain", "errors", "i18n", "policy"},
    "reports": {"resources", "files", "domain", "errors", "i18n", "diagrams", "views", "settings"},
    "analytics": {"domain", "errors", "i18n", "store", "policy", "services", "settings"},
    "application": {
        "analytics",
        "views",
        "domain",
        "files",
        "errors",
        "i18n",
        "store",
        "policy",
        "diagrams",
        "services",
        "settings",
        "reports",
        "demo",
    },
    # the workbench: widgets call the application; the domain's vocabulary, the policy's
    # read-only suggestions (grade while typing), diagrams and report generation below it
    "ui": {
        "application",
        "analytics",
        "domain",
        "errors",
        "i18n",
        "policy",
        "diagrams",
        "reports",
        "settings",
    },
    "cli": {
        "analytics",
        "ui",
        "application",
        "views",
        "files",
        "domain",
        "errors",
        "i18n",
        "policy",
        "diagrams",
        "settings",
        "reports",
    },
}


def _room(path: Path) -> str:
    rel = path.relative_to(PACKAGE)
    return rel.parts[0].removesuffix(".py")


def _eightd_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    rooms: set[str] = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        for name in names:
            parts = name.split(".")
            if parts[0] == "eightd" and len(parts) > 1:
                rooms.add(parts[1])
    return rooms


def test_every_room_imports_only_the_rooms_below_it() -> None:
    violations = []
    for path in PACKAGE.rglob("*.py"):
        room = _room(path)
        if room in ("__init__", "__main__"):
            continue
        assert room in ALLOWED, f"{room} is a new room: add it to ALLOWED and ARCHITECTURE.md"
        for target in _eightd_imports(path) - {room}:
            if target not in ALLOWED[room]:
                violations.append(f"{path.relative_to(PACKAGE)} imports eightd.{target}")
    assert violations == []


def test_only_the_application_and_the_services_open_units_of_work() -> None:
    """Entry points call :class:`eightd.application.Application`; none opens the store."""
    opening = []
    for path in PACKAGE.rglob("*.py"):
        room = _room(path)
        if room in ("application", "services", "store"):
            continue
        text = path.read_text(encoding="utf-8")
        for needle in (".uow()", "open_store(", "SqlUnitOfWork("):
            if needle in text:
                opening.append(f"{path.relative_to(PACKAGE)}: {needle}")
    assert opening == []


def test_domain_imports_nothing_but_the_standard_library() -> None:
    third_party = []
    for path in (PACKAGE / "domain").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                tops = [a.name.split(".")[0] for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                tops = [node.module.split(".")[0]]
            else:
                continue
            third_party += [
                f"{path.name}: {t}"
                for t in tops
                if t != "eightd" and t not in sys.stdlib_module_names
            ]
    assert third_party == []


def test_domain_works_without_database_jupyter_or_graphviz_installed() -> None:
    blocked = [
        "sqlalchemy",
        "alembic",
        "graphviz",
        "jupyter_client",
        "ipywidgets",
        "pandas",
        "papermill",
        "nbformat",
        "chinese_calendar",
        "lunardate",
    ]
    code = (
        "import sys\n"
        f"for name in {blocked!r}: sys.modules[name] = None\n"
        "import eightd, eightd.domain\n"
        "case = eightd.domain.Case()\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_public_api_is_pinned() -> None:
    assert set(eightd.__all__) == {
        "CalendarError",
        "Case",
        "Cause",
        "ComplaintNumber",
        "ConcurrentEditError",
        "ContainmentAction",
        "CorrectiveAction",
        "DiagramError",
        "EightDError",
        "Intake",
        "MissingDependencyError",
        "NotFoundError",
        "PermissionDeniedError",
        "PolicyError",
        "ReportError",
        "Severity",
        "Stage",
        "StageGateError",
        "StandardizationItem",
        "StoreError",
        "TeamMember",
        "ValidationError",
        "Verification",
        "__version__",
        "case_from_dict",
        "case_schema",
        "case_to_dict",
        "validate_case",
    }
    for name in eightd.__all__:
        assert hasattr(eightd, name)


def test_show_renders_the_view_model_and_formats_no_case_itself() -> None:
    """``eightd show`` lays out :mod:`eightd.views` like every report and the case page:
    its module imports the text renderer of the view model, not the domain, the policy
    or the catalogs (whose labels and values the view model already resolved)."""
    path = PACKAGE / "cli" / "show.py"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules = {
        node.module
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0
    }
    modules |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert "eightd.views.text" in modules
    assert _eightd_imports(path) <= {"cli", "views"}


def test_a_report_batch_starts_its_fork_server_before_the_cli_loads_the_store() -> None:
    """``eightd.cli`` loads no store, no application and no report code when imported;
    ``main`` starts the report workers' fork server (which imports the report code in
    its own process) before it loads them for a ``report --all``."""
    code = (
        "import sys\n"
        "import eightd.cli\n"
        "print(sorted(m for m in ('sqlalchemy', 'eightd.application', 'eightd.reports.batch')"
        " if m in sys.modules))\n"
        "import eightd.reports.batch as batch\n"
        "order = []\n"
        "batch.start_fork_server = lambda: order.append(('fork server', 'sqlalchemy' in "
        "sys.modules))\n"
        "eightd.cli.main(['--db', 'sqlite://', 'report', '--all', '--out', sys.argv[1]])\n"
        "print(order)\n"
    )
    with tempfile.TemporaryDirectory() as out:
        result = subprocess.run(
            [sys.executable, "-c", code, out], capture_output=True, text=True, timeout=120
        )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[:1] == ["[]"]
    assert result.stdout.splitlines()[-1] == "[('fork server', False)]"
    from eightd.cli import App
    from eightd.cli.app import App as TheApp

    assert App is TheApp

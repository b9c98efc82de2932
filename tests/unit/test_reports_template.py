"""The report template notebook: thin, parameterized, its code hidden."""

from __future__ import annotations

import ast

import nbformat

from eightd.reports.notebook import default_template
from eightd.reports.request import make_request


def _template() -> nbformat.NotebookNode:
    return nbformat.read(default_template(), as_version=4)


def test_template_has_one_parameters_cell_naming_every_request_parameter() -> None:
    nb = _template()
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    names = {
        t.id
        for node in ast.parse(tagged[0].source).body
        if isinstance(node, ast.Assign)
        for t in node.targets
        if isinstance(t, ast.Name)
    }
    request = make_request("202611-0001", case={}, view={})
    assert names == set(request.parameters())


def test_template_cells_only_call_the_package() -> None:
    for cell in _template().cells:
        if cell.cell_type != "code" or "parameters" in cell.metadata.get("tags", []):
            continue
        for node in ast.parse(cell.source).body:
            if isinstance(node, ast.ImportFrom):
                assert node.module == "eightd.reports"
                continue
            call = node.value if isinstance(node, ast.Expr | ast.Assign) else None
            assert isinstance(call, ast.Call), ast.unparse(node)
            assert isinstance(call.func, ast.Attribute), ast.unparse(node)
            assert ast.unparse(call.func.value) in {"cells", "report"}, ast.unparse(node)


def test_template_code_is_hidden_and_covers_d0_to_d8() -> None:
    code = [c for c in _template().cells if c.cell_type == "code"]
    assert all(c.metadata.get("jupyter", {}).get("source_hidden") for c in code)
    sources = "\n".join(c.source for c in code)
    for stage in range(9):
        assert f'"D{stage}"' in sources
    assert "report.header()" in sources and "report.timeline()" in sources

"""CSV and Excel cells from user text are never formulas."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from eightd.analytics.tabular import formula_like, text_cell, write_xlsx


def test_formula_like_cells_get_an_apostrophe_in_csv() -> None:
    assert text_cell('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert text_cell("+1+2") == "'+1+2"
    assert text_cell("-2+3") == "'-2+3"
    assert text_cell("@SUM(A1)") == "'@SUM(A1)"
    assert text_cell("-12.5") == "-12.5"  # a signed number stays a number
    assert text_cell("-") == "-"
    assert text_cell(None) == ""
    assert not formula_like("裂纹 = crack")


def test_excel_cells_starting_with_formula_signs_are_text(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    write_xlsx(path, [("表", ["a", "b"], [["=1+1", "@cmd"], ["-3", 4]])])
    sheet = load_workbook(path).active
    assert sheet is not None
    assert sheet["A2"].value == "=1+1" and sheet["A2"].data_type == "s"
    assert sheet["B2"].value == "@cmd" and sheet["B2"].data_type == "s"
    assert sheet["A3"].value == "-3" and sheet["B3"].value == 4

"""8D reports from a real store, on real kernels, with real Chromium, checked in the files."""

from __future__ import annotations

import asyncio
import copy
import re
import subprocess
from datetime import date, datetime, timedelta, timezone
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import nbformat
import pytest
from openpyxl import load_workbook
from PIL import Image
from pypdf import PdfReader

from eightd.application import Application
from eightd.cli import main
from eightd.demo import demo_cases
from eightd.domain import Case, Contact, case_to_dict, dumps_export
from eightd.errors import ReportError
from eightd.reports.batch import generate_reports
from eightd.reports.notebook import WarmKernel
from eightd.reports.request import ReportResult, make_request
from eightd.reports.writer import ReportWriter
from eightd.settings import Settings
from eightd.store import open_store

pytestmark = [pytest.mark.kernel, pytest.mark.slow]

CST = timezone(timedelta(hours=8))
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=CST)
STAGES = [f"D{i}" for i in range(9)]
INJECTED = '=HYPERLINK("http://evil.example","click")'


def _has_cjk(text: str) -> bool:
    return bool(re.search(r"[\u4e00-\u9fff]", text))


@pytest.fixture(scope="module")
def cases() -> list[Case]:
    cases = demo_cases(date(2026, 11, 23))
    en = _pick(cases, chinese=False)
    # user text that would be a formula in Excel (the contact log is not signed)
    en.contacts.append(Contact(at=en.created_at, by="qe", summary=INJECTED))
    return cases


def _app(url: str = "sqlite:///:memory:") -> Application:
    return Application.from_settings(
        Settings(database_url=url, user="qe", lang="en"), now=lambda: NOW
    )


def _pick(cases: list[Case], *, chinese: bool) -> Case:
    return next(
        c
        for c in cases
        if c.is_closed and c.approvals and c.causes and _has_cjk(c.title) == chinese
    )


@pytest.fixture(scope="module")
def store_url(tmp_path_factory: pytest.TempPathFactory, cases: list[Case]) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('store')}/eightd.db"
    store = open_store(url)
    with store.uow() as uow:
        # cases worked in this store (their approvals signed here), as the demo loads them;
        # an import would mark the approvals as imported
        for case in cases:
            uow.cases.add(case, user="qe", at=NOW, action="demo_case")
        uow.commit()
    store.dispose()
    return url


@pytest.fixture(scope="module")
def writer() -> Any:
    with ReportWriter() as w:
        yield w


@pytest.fixture(scope="module", params=["zh", "en"])
def report(
    request: pytest.FixtureRequest,
    cases: list[Case],
    store_url: str,
    writer: ReportWriter,
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Case, ReportResult]:
    lang = request.param
    case = _pick(cases, chinese=lang == "zh")
    out = tmp_path_factory.mktemp(f"out-{lang}")
    with _app(store_url) as app:
        request = app.report_request(
            case.number, out_dir=out, formats=["html", "pdf", "xlsx"], lang=lang
        )
    return case, writer.write(request)


# ---------------------------------------------------------------- names and notebook


def test_files_are_named_complaint_number_dash_product_number(
    report: tuple[Case, ReportResult],
) -> None:
    case, result = report
    stem = f"{case.number}-{case.intake.product_number}"
    assert {f: p.name for f, p in result.files.items()} == {
        "ipynb": f"{stem}.ipynb",
        "html": f"{stem}.html",
        "pdf": f"{stem}.pdf",
        "xlsx": f"{stem}.xlsx",
    }
    folder = result.files["html"].parent
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in result.files.values())


def test_executed_notebook_is_kept_with_parameters_and_outputs(
    report: tuple[Case, ReportResult],
) -> None:
    case, result = report
    nb = nbformat.read(result.files["ipynb"], as_version=4)
    injected = next(c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", []))
    namespace: dict[str, Any] = {}
    exec(injected.source, namespace)  # non-ASCII parameters survive papermill's escaping
    assert namespace["complaint_number"] == case.number
    assert namespace["case_document"]["number"] == case.number  # the data, not a store URL
    assert "case_source" not in namespace
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1))
    report = next(c for c in code if c.id == "report")
    # header, timeline and one output per discipline, in reading order
    assert len(report.outputs) == 2 + 9


# ---------------------------------------------------------------- HTML


class _Sources(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []
        self.links: list[dict[str, str | None]] = []
        self.imgs: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        {"script": self.scripts, "link": self.links, "img": self.imgs}.get(tag, []).append(
            dict(attrs)
        )


def test_html_has_every_discipline_the_fishbone_and_the_approval(
    report: tuple[Case, ReportResult],
) -> None:
    case, result = report
    html = result.files["html"].read_text("utf-8")
    for stage in STAGES:
        assert f'data-stage="{stage}"' in html
    fishbone = re.search(r'data-figure="fishbone">(.*?)</figure>', html, re.S)
    assert fishbone and "<svg" in fishbone.group(1)
    assert case.causes[0].id in fishbone.group(1)
    assert 'data-figure="timeline"' in html
    assert 'data-approval="valid"' in html
    assert case.approvals[-1].content_hash in html
    assert case.title.split()[0] in html


def test_html_renders_offline_and_hides_the_code(report: tuple[Case, ReportResult]) -> None:
    _, result = report
    html = result.files["html"].read_text("utf-8")
    sources = _Sources()
    sources.feed(html)
    assert sources.scripts == []  # no require.js, no MathJax, no widget manager
    assert all(not (link.get("href") or "").startswith("http") for link in sources.links)
    assert all(not (img.get("src") or "").startswith("http") for img in sources.imgs)
    assert not re.search(r"@import|url\(\s*['\"]?http", html)
    assert "cells.prepare" not in html and "report.section" not in html


def test_chinese_report_is_in_chinese_and_english_report_in_english(
    report: tuple[Case, ReportResult],
) -> None:
    case, result = report
    html = result.files["html"].read_text("utf-8")
    if _has_cjk(case.title):
        assert '<html lang="zh-CN">' in html and "临时措施" in html and "已批准" in html
    else:
        assert '<html lang="en">' in html and "Containment" in html and "APPROVED" in html
        assert "临时措施" not in html


# ---------------------------------------------------------------- PDF


def test_pdf_is_a4_with_page_numbers(report: tuple[Case, ReportResult]) -> None:
    case, result = report
    pdf = PdfReader(result.files["pdf"])
    width, height = float(pdf.pages[0].mediabox.width), float(pdf.pages[0].mediabox.height)
    assert abs(width - 595) < 2 and abs(height - 842) < 2  # A4 in points
    pages = len(pdf.pages)
    last = re.sub(r"\s+", " ", pdf.pages[-1].extract_text())  # spacing varies by face
    if _has_cjk(case.title):  # "第 5 页，共 5 页" (text extraction may map 页 to a radical)
        assert f"第 {pages} " in last and f"共 {pages} " in last
    else:
        assert f"Page {pages} of {pages}" in last
    assert case.number in pdf.pages[0].extract_text()


def _word_boxes(pdf: Path) -> list[tuple[str, float, float, float, float]]:
    out = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", "-bbox", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    pattern = (
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
    )
    return [
        (w, float(a), float(b), float(c), float(d)) for a, b, c, d, w in re.findall(pattern, out)
    ]


@pytest.mark.parametrize("report", ["zh"], indirect=True)
def test_pdf_page_shows_chinese_glyphs(report: tuple[Case, ReportResult], tmp_path: Path) -> None:
    _, result = report
    dpi = 150
    subprocess.run(
        [
            "pdftoppm",
            "-f",
            "1",
            "-l",
            "1",
            "-r",
            str(dpi),
            "-png",
            "-singlefile",
            str(result.files["pdf"]),
            str(tmp_path / "page"),
        ],
        check=True,
    )
    page = Image.open(tmp_path / "page.png").convert("L")
    word, x0, y0, x1, y1 = next(w for w in _word_boxes(result.files["pdf"]) if "报告" in w[0])
    scale = dpi / 72
    box = page.crop((int(x0 * scale), int(y0 * scale), int(x1 * scale), int(y1 * scale)))
    # a glyph has strokes inside its box; a missing-glyph box (tofu) is an empty outline
    w, h = box.size
    inner = box.crop((w // 6, h // 5, w - w // 6, h - h // 5))
    dark = sum(1 for v in inner.tobytes() if v < 128)
    assert dark > 0.08 * inner.size[0] * inner.size[1], word


# ---------------------------------------------------------------- Excel


def test_excel_form_has_blocks_fishbone_and_text_only_cells(
    report: tuple[Case, ReportResult],
) -> None:
    case, result = report
    ws = load_workbook(result.files["xlsx"]).active
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert case.number in texts
    for stage in STAGES[1:]:
        assert any(t.startswith(stage + " ") for t in texts), stage
    assert len(ws._images) == 1  # the fishbone, anchored in D4
    assert not any(c.data_type == "f" for row in ws.iter_rows() for c in row)
    if not _has_cjk(case.title):
        cell = next(c for row in ws.iter_rows() for c in row if c.value == INJECTED)
        assert cell.data_type == "s" and cell.quotePrefix


# ---------------------------------------------------------------- failures


def _mismatched(number: str, cases: list[Case], out: Path) -> Any:
    """A request whose case document is another case: the first cell refuses it."""
    return make_request(number, case=case_to_dict(cases[0]), view={}, out_dir=out, as_of=NOW)


def test_a_failing_cell_keeps_the_marked_notebook_and_names_it(
    writer: ReportWriter, cases: list[Case], tmp_path: Path
) -> None:
    request = _mismatched("209912-0001", cases, tmp_path)
    with pytest.raises(ReportError) as caught:
        writer.write(request)
    failed = tmp_path / "209912-0001.ipynb"
    assert caught.value.params["path"] == str(failed)
    assert str(failed) in str(caught.value) and "ReportError" in str(caught.value)
    nb = nbformat.read(failed, as_version=4)
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert errors and "209912-0001" in errors[0].evalue
    assert any("papermill-error-cell-tag" in c.metadata.get("tags", []) for c in nb.cells)
    assert not list(tmp_path.glob("*.html"))


def test_the_warm_kernel_serves_the_next_report_after_a_failure(
    writer: ReportWriter, cases: list[Case], store_url: str, tmp_path: Path
) -> None:
    case = _pick(cases, chinese=False)
    with _app(store_url) as app:
        request = app.report_request(case.number, out_dir=tmp_path)
    kernel = writer.kernel.km
    result = writer.write(request)
    assert writer.kernel.km is kernel  # the same kernel, not a new one (timing: benchmarks/)
    assert result.files["html"].is_file()


# ---------------------------------------------------------------- CLI, batch, async


def test_cli_report_all_writes_every_matching_case(
    store_url: str, cases: list[Case], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    closed = [c for c in cases if c.is_closed]
    out = tmp_path / "all"
    code = main(
        [
            "--db",
            store_url,
            "report",
            "--all",
            "--status",
            "closed",
            "--jobs",
            "2",
            "--out",
            str(out),
            "--lang",
            "zh",
        ]
    )
    assert code == 0
    html = sorted(p.name for p in out.glob("*.html"))
    assert html == sorted(f"{c.number}-{c.intake.product_number}.html" for c in closed)
    assert f"{len(closed)} 份报告" in capsys.readouterr().out


def test_cli_report_of_a_case_missing_from_the_source_says_so_before_any_kernel(
    cases: list[Case], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = tmp_path / "cases.json"
    export.write_text(dumps_export(cases[:1]), encoding="utf-8")
    code = main(["report", "202001-0001", "--source", str(export), "--out", str(tmp_path)])
    assert code == 1
    err = capsys.readouterr().err
    assert "202001-0001" in err and str(export) in err
    assert not list(tmp_path.glob("*.ipynb"))


def test_async_api_does_not_block_the_event_loop(cases: list[Case], tmp_path: Path) -> None:
    case = _pick(cases, chinese=True)
    # an export file serves as the case source too; its non-ASCII path reaches the kernel
    # through papermill's parameter injection
    export = tmp_path / "导出 cases.json"
    export.write_text(dumps_export([case]), encoding="utf-8")

    async def scenario() -> tuple[ReportResult, int]:
        ticks = 0
        task = asyncio.create_task(
            _app().report_async(case.number, source=export, out_dir=tmp_path, lang="zh")
        )
        while not task.done():
            await asyncio.sleep(0.01)
            ticks += 1
        return task.result(), ticks

    result, ticks = asyncio.run(scenario())
    assert result.files["html"].is_file()
    assert ticks > 20  # the loop kept running while the kernel started and ran


def test_a_cell_running_too_long_is_stopped_and_the_kernel_restarted(tmp_path: Path) -> None:
    parameters = nbformat.v4.new_code_cell("seconds = 0", metadata={"tags": ["parameters"]})
    sleepy = nbformat.v4.new_notebook(
        cells=[parameters, nbformat.v4.new_code_cell("import time\ntime.sleep(seconds)")],
        metadata={"kernelspec": {"name": "python3", "language": "python", "display_name": "P"}},
    )
    with WarmKernel(cell_timeout=2) as kernel:
        with pytest.raises(ReportError, match="longer than 2 s"):
            kernel.execute(copy.deepcopy(sleepy), {"seconds": 60}, tmp_path / "slow.ipynb")
        nb = kernel.execute(copy.deepcopy(sleepy), {"seconds": 0}, tmp_path / "quick.ipynb")
    assert [c.execution_count for c in nb.cells if c.cell_type == "code"] == [1, 2, 3]


def test_a_failed_report_in_a_batch_does_not_stop_the_others(
    cases: list[Case], store_url: str, tmp_path: Path
) -> None:
    good = _pick(cases, chinese=False).number
    with _app(store_url) as app:
        requests = [
            app.report_request(good, out_dir=tmp_path),
            _mismatched("209912-0002", cases, tmp_path),
        ]
    items = {item.number: item for item in generate_reports(requests, jobs=1)}
    assert items[good].ok and items[good].result is not None
    failed = items["209912-0002"]
    assert isinstance(failed.error, ReportError)
    assert failed.error.params["path"] == str(tmp_path / "209912-0002.ipynb")


def test_the_report_kernel_keeps_printed_text_in_its_cell_and_order(tmp_path: Path) -> None:
    """The report kernel's streams skip empty flushes: text that was printed still
    reaches its own cell, before and after a displayed output, and IPython syntax
    still runs."""
    parameters = nbformat.v4.new_code_cell("word = ''", metadata={"tags": ["parameters"]})
    cells = [
        parameters,
        nbformat.v4.new_code_cell(
            "import sys\nfrom IPython.display import HTML, display\n"
            "print('before', word)\ndisplay(HTML('<b>shown</b>'))\n"
            "print('after', file=sys.stderr)"
        ),
        nbformat.v4.new_code_cell("%time squared = 7 ** 2\nprint(squared)"),
        nbformat.v4.new_code_cell("1 + 1"),
    ]
    template = nbformat.v4.new_notebook(
        cells=cells,
        metadata={"kernelspec": {"name": "python3", "language": "python", "display_name": "P"}},
    )
    with WarmKernel() as kernel:
        nb = kernel.execute(template, {"word": "<img src=x>"}, tmp_path / "printed.ipynb")
    code = [c for c in nb.cells if c.cell_type == "code"]
    outputs = [(o.output_type, o.get("name"), o.get("text", "")) for o in code[2].outputs]
    assert outputs == [
        ("stream", "stdout", "before <img src=x>\n"),
        ("display_data", None, ""),
        ("stream", "stderr", "after\n"),
    ]
    assert "Wall time" in code[3].outputs[0].text  # the %time magic ran
    assert code[3].outputs[-1].text.endswith("\n49\n")
    assert code[4].outputs[0].data["text/plain"] == "2"
    saved = nbformat.read(tmp_path / "printed.ipynb", as_version=4)
    nbformat.validate(saved)
    assert [c.outputs for c in saved.cells if c.cell_type == "code"] == [c.outputs for c in code]

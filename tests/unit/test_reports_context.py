"""The report's view model, its HTML and its Excel form, without a kernel."""

from __future__ import annotations

import copy
import re
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from openpyxl import load_workbook

from eightd.demo import demo_cases
from eightd.domain import AbnormalGround, Case, TeamMember, TeamRole, case_to_dict
from eightd.errors import ReportError
from eightd.policy import assess, load_policy
from eightd.reports.render import page_css, page_html, timeline_svg
from eightd.reports.request import make_request, parse_formats
from eightd.reports.writer import _inside
from eightd.reports.xlsx import write_xlsx
from eightd.views.case import ReportContext, build_context

CST = timezone(timedelta(hours=8))
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=CST)
STAGES = [f"D{i}" for i in range(9)]


def _has_cjk(text: str) -> bool:
    return bool(re.search(r"[\u4e00-\u9fff]", text))


@pytest.fixture(scope="module")
def cases() -> list[Case]:
    return demo_cases(date(2026, 11, 23))


def _approved(cases: list[Case], *, chinese: bool) -> Case:
    return next(
        c
        for c in cases
        if c.is_closed and c.approvals and c.causes and _has_cjk(c.title) == chinese
    )


def _context(case: Case, lang: str) -> ReportContext:
    policy = load_policy()
    return build_context(case, assess(case, policy, now=NOW), lang=lang, now=NOW, version=3)


def test_context_has_every_discipline_d0_to_d8_in_order(cases: list[Case]) -> None:
    ctx = _context(_approved(cases, chinese=True), "zh")
    assert [s.stage for s in ctx.sections] == STAGES
    assert ctx.section("D3").title == "D3 临时措施 Containment"  # bilingual on zh forms


def test_header_names_case_customer_product_grade_and_team(cases: list[Case]) -> None:
    case = _approved(cases, chinese=False)
    header = {r.label: r.value for r in _context(case, "en").header}
    assert header["8D / complaint number"] == case.number
    assert header["Customer"] == case.intake.customer_name
    assert header["Part number"] == case.intake.product_number
    assert header["Grade"] == case.grading.severity.value  # type: ignore[union-attr]
    assert header["Revision"] == "3"
    assert case.team[0].name in header["Team"]


def test_header_shows_the_complaint_topic_in_both_languages(cases: list[Case]) -> None:
    case = copy.deepcopy(_approved(cases, chinese=False))
    case.intake.topic = "refund_progress"
    assert {r.label: r.value for r in _context(case, "en").header}["Complaint topic"] == (
        "refund_progress"
    )
    assert {r.label: r.value for r in _context(case, "zh").header}["投诉主题"] == "refund_progress"


def test_abnormal_closure_shows_its_ground_in_the_d8_block(cases: list[Case]) -> None:
    case = next(c for c in cases if c.closure and c.closure.ground is AbnormalGround.UNREACHABLE)
    for lang, label_, ground in (
        ("en", "Ground", "customer unreachable on repeated call-backs"),
        ("zh", "异常结案依据", "多次回访均未联系上客户"),
    ):
        d8 = _context(case, lang).section("D8")
        rows = {r.label: r.value for b in d8.blocks for r in b.rows}
        assert rows[label_] == ground
        assert not rows[label_].startswith("[")


def test_context_round_trips_through_json(cases: list[Case]) -> None:
    ctx = _context(_approved(cases, chinese=True), "zh")
    assert ReportContext.from_dict(ctx.to_dict()) == ctx


def test_file_stem_is_complaint_number_dash_product_number(cases: list[Case]) -> None:
    case = _approved(cases, chinese=False)
    ctx = _context(case, "en")
    assert ctx.file_stem == f"{case.number}-{case.intake.product_number}"


def test_approved_case_shows_signature_and_its_hash(cases: list[Case]) -> None:
    case = _approved(cases, chinese=False)
    ctx = _context(case, "en")
    assert ctx.approval.state == "valid"
    rows = {r.label: r.value for r in ctx.approval.rows}
    assert rows["Content hash (SHA-256)"] == case.approvals[-1].content_hash


def test_case_changed_after_approval_says_so(cases: list[Case]) -> None:
    case = copy.deepcopy(_approved(cases, chinese=True))
    case.title += "(修订)"
    ctx = _context(case, "zh")
    assert ctx.approval.state == "changed"
    assert "批准后已修改" in page_html(ctx, {}, NOW)


def test_unapproved_case_is_marked_not_approved(cases: list[Case]) -> None:
    case = next(c for c in cases if not c.approvals and c.causes)
    html = page_html(_context(case, "en"), {}, NOW)
    assert 'data-approval="none"' in html
    assert "NOT APPROVED" in html


# internal document references (seed numbers, procedure sections, planning files)
_INTERNAL = re.compile(r"seed\s*\d|程序\s*0\d\d|§|ROADMAP|DOMAIN\.md|8D-FORM", re.I)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_report_text_cites_an_internal_document(cases: list[Case], lang: str) -> None:
    for case in cases:
        html = page_html(_context(case, lang), {}, NOW)
        assert not _INTERNAL.search(html), (case.number, _INTERNAL.search(html))


def test_no_catalog_message_cites_an_internal_document() -> None:
    from eightd.i18n import catalog

    for lang in ("zh", "en"):
        cited = {k: v for k, v in catalog(lang).items() if _INTERNAL.search(v)}
        assert not cited, cited


def test_approver_role_prints_as_its_label_not_its_code(cases: list[Case]) -> None:
    case = next(c for c in cases if c.approvals and c.approvals[-1].role == "qa_manager")
    for lang, shown in (("en", "QA manager"), ("zh", "品保部经理")):
        text = re.sub(r"<[^>]+>", "", page_html(_context(case, lang), {}, NOW))
        assert shown in text
        assert "qa_manager" not in text


def test_user_text_is_escaped_in_the_html(cases: list[Case]) -> None:
    case = copy.deepcopy(_approved(cases, chinese=False))
    case.title = '<script>alert("x")</script>'
    case.team.append(TeamMember(name="<img src=x onerror=alert(1)>", role=TeamRole.MEMBER))
    html = page_html(_context(case, "en"), {}, NOW)
    assert "<script" not in html
    assert "<img" not in html
    assert "&lt;script&gt;" in html


def test_page_numbers_are_printed_in_the_report_language(cases: list[Case]) -> None:
    case = _approved(cases, chinese=True)
    assert 'content: "第 " counter(page) " 页，共 " counter(pages) " 页"' in page_css(
        _context(case, "zh")
    )
    assert 'content: "Page " counter(page) " of " counter(pages)' in page_css(_context(case, "en"))


def test_timeline_of_an_open_case_draws_every_stage_and_the_report_date(
    cases: list[Case],
) -> None:
    ctx = _context(next(c for c in cases if not c.is_closed and c.causes), "en")
    svg = timeline_svg(ctx, NOW)
    assert svg.count("data-state=") == 9
    assert "report date" in svg
    assert 'data-legend="timeline"' in svg


def test_timeline_of_a_closed_case_spans_its_own_life_with_a_legend(cases: list[Case]) -> None:
    case = _approved(cases, chinese=False)
    assert case.closure is not None
    svg = timeline_svg(_context(case, "en"), NOW)
    assert "report date" not in svg  # the report date lies after the case's life
    closed_day = case.closure.closed_at.astimezone(CST).date().isoformat()
    assert re.findall(r">(\d{4}-\d\d-\d\d)<", svg)[-1] >= closed_day
    assert re.findall(r">(\d{4}-\d\d-\d\d)<", svg)[-1] < NOW.date().isoformat()
    legend = svg[svg.index('data-legend="timeline"') :]
    assert "bar: from the start of a stage to its deadline" in legend
    assert "done on time" in legend


def test_excel_form_has_header_and_d1_to_d8_blocks(cases: list[Case], tmp_path: Path) -> None:
    ctx = _context(_approved(cases, chinese=True), "zh")
    path = write_xlsx(ctx, tmp_path / "r.xlsx")
    ws = load_workbook(path).active
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert ctx.number in texts
    for section in ctx.sections:
        assert section.title in texts
    assert "已批准" in texts


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_excel_form_includes_every_5_why_chain(
    cases: list[Case], tmp_path: Path, lang: str
) -> None:
    case = next(c for c in cases if any(len(cause.whys) >= 2 for cause in c.causes))
    path = write_xlsx(_context(case, lang), tmp_path / "r.xlsx")
    ws = load_workbook(path).active
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    for cause in case.causes:
        for why in cause.whys:
            assert why in texts, why


def test_excel_writes_formula_like_text_as_text(cases: list[Case], tmp_path: Path) -> None:
    case = copy.deepcopy(_approved(cases, chinese=False))
    case.title = '=HYPERLINK("http://evil.example","x")'
    case.team[0].name = "+cmd|' /C calc'!A0"
    case.team[1].department = "-2+3"
    case.team[1].contact = "@SUM(A1)"
    path = write_xlsx(_context(case, "en"), tmp_path / "r.xlsx")
    ws = load_workbook(path).active
    risky = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    risky = [c for c in risky if c.value.startswith(("=", "+", "-", "@"))]
    assert {c.value for c in risky} >= {case.team[0].name, "-2+3", "@SUM(A1)"}
    assert all(c.data_type == "s" and c.quotePrefix for c in risky)


def test_report_files_cannot_leave_the_output_folder(tmp_path: Path) -> None:
    out = tmp_path.resolve()
    assert _inside(out, "202611-0001-AB.html") == out / "202611-0001-AB.html"
    for name in ("../x.html", "sub/x.html", "/etc/passwd"):
        with pytest.raises(ReportError):
            _inside(out, name)


def test_formats_are_checked_and_may_be_comma_separated() -> None:
    assert parse_formats(["html,pdf", "xlsx", "pdf"]) == ("html", "pdf", "xlsx")
    assert parse_formats([]) == ("html",)
    with pytest.raises(ReportError, match="docx"):
        parse_formats(["docx"])


def test_request_parameters_carry_the_case_and_its_view_not_a_store(
    cases: list[Case],
) -> None:
    case = _approved(cases, chinese=True)
    view = _context(case, "zh").to_dict()
    request = make_request(
        case.number,
        case=case_to_dict(case),
        view=view,
        formats=["xlsx"],
        lang="zh-CN",
        as_of=NOW,
    )
    assert request.parameters() == {
        "complaint_number": case.number,
        "case_document": case_to_dict(case),
        "view": view,
        "lang": "zh",
        "as_of": "2026-11-23T12:00:00+08:00",
        "with_png": True,
        "attachments": [],  # the case's photos and evidence, as read by the application
    }


def test_no_store_url_or_password_reaches_the_kept_notebook(
    cases: list[Case], tmp_path: Path
) -> None:
    import papermill

    from eightd.reports.notebook import load_template

    case = _approved(cases, chinese=False)
    request = make_request(
        case.number, case=case_to_dict(case), view=_context(case, "en").to_dict(), out_dir=tmp_path
    )
    path = tmp_path / "run.ipynb"
    papermill.execute_notebook(
        load_template(), str(path), parameters=request.parameters(), prepare_only=True
    )
    text = path.read_text("utf-8")
    assert case.number in text
    assert "sqlite:" not in text and "postgresql" not in text and "case_source" not in text


def test_view_carries_review_findings_at_the_stage_they_concern(cases: list[Case]) -> None:
    policy = load_policy()
    open_case = next(c for c in cases if not c.is_closed and c.stage.index >= 3)
    assessment = assess(open_case, policy, now=NOW)
    view = build_context(open_case, assessment, lang="en", now=NOW)
    gate = [f for f in view.findings if f.kind == "gate"]
    assert {f.stage for f in gate} <= {s.value for s, _ in assessment.gates}
    assert len(gate) == sum(len(items) for _, items in assessment.gates)
    lint = [f for f in view.findings if f.kind == "lint"]
    assert [f.stage for f in lint] == [f.stage.value for f in assessment.lint.findings]
    assert all(f.text and "{" not in f.text for f in view.findings)
    assert ReportContext.from_dict(view.to_dict()).findings == view.findings
    assert view.findings_at(open_case.stage.value) == [
        f for f in view.findings if f.stage == open_case.stage.value
    ]


def test_the_context_as_a_dict_is_what_asdict_gives_and_reads_back(cases: list[Case]) -> None:
    import json
    from dataclasses import asdict

    for case in cases:
        ctx = _context(case, "zh" if _has_cjk(case.title) else "en")
        plain = ctx.to_dict()
        assert plain == json.loads(json.dumps(asdict(ctx)))
        assert ReportContext.from_dict(plain) == ctx

"""Who may do what (the policy's [roles.permissions]), what a whole-case edit may not touch,
and database URLs shown without their password: the rules without a database."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from eightd.domain import Approval, Case, Stage, StageEvent, StageEventKind
from eightd.errors import PermissionDeniedError, PolicyError, ValidationError
from eightd.policy import SignatureState, assess, content_hash, load_policy, signature_state
from eightd.policy.model import PERMISSIONS
from eightd.services.access import refuse_protected_changes
from eightd.store.secrets import redact_url, scrub
from tests.unit._policy_support import make_case

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "acme-policy.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_default_roles_split_intake_quality_approval_and_administration() -> None:
    roles = load_policy().roles
    assert set(roles.permissions) == set(PERMISSIONS)
    assert roles.roles_for("register") == ("intake", "qe")
    assert roles.roles_for("approve") == ("approver",)
    assert roles.roles_for("close_abnormally") == ("approver",)
    assert roles.roles_for("manage_users") == ("admin",)
    assert roles.roles_for("no_such_permission") == ()


def test_a_company_file_changes_only_the_permissions_it_lists(tmp_path: Path) -> None:
    roles = load_policy(
        write(tmp_path, '[roles.permissions]\nclose_abnormally = ["qe", "gm"]\n')
    ).roles
    assert roles.roles_for("close_abnormally") == ("qe", "gm")
    assert roles.roles_for("edit") == ("qe",)


def test_a_company_approver_role_holds_the_approve_permission(tmp_path: Path) -> None:
    roles = load_policy(write(tmp_path, '[roles]\napprover = "qa_manager"\n')).roles
    assert roles.roles_for("approve") == ("qa_manager",)


def test_unknown_permissions_and_malformed_roles_are_named_with_their_key_path(
    tmp_path: Path,
) -> None:
    text = '[roles.permissions]\nsign_anything = ["x"]\nedit = ["QE Team"]\n'
    with pytest.raises(PolicyError) as err:
        load_policy(write(tmp_path, text))
    paths = dict(err.value.errors)
    assert "roles.permissions.sign_anything" in paths
    assert "'QE Team' is not a role name" in paths["roles.permissions.edit[0]"]


def test_the_refusal_names_what_is_not_allowed_and_the_role_needed_in_both_languages() -> None:
    err = PermissionDeniedError(
        "access.error.missing_role", user="zhao", permission="close_abnormally", roles="approver"
    )
    assert "zhao may not close cases abnormally: the role approver is needed" in err.message("en")
    assert "zhao 无权非正常关闭案例：需要角色 approver" in err.message("zh")


def _signed(case: Case) -> Case:
    case.approvals.append(Approval("wang", "approver", "ok", NOW, content_hash(case)))
    return case


@pytest.mark.parametrize(
    ("field", "forge"),
    [
        ("approvals[0].signer", lambda c: setattr(c.approvals[0], "signer", "root")),
        ("approvals[0].imported", lambda c: setattr(c.approvals[0], "imported", True)),
        ("approvals[1]", lambda c: c.approvals.append(copy.deepcopy(c.approvals[0]))),
        ("history[1]", lambda c: c.history.append(StageEvent(Stage.D1, StageEventKind.ENTERED))),
        ("created_by", lambda c: setattr(c, "created_by", "root")),
        ("stage", lambda c: setattr(c, "stage", Stage.D8)),
        ("grading.override_reason", lambda c: setattr(c.grading, "override_reason", "x")),
    ],
)
def test_a_whole_case_edit_may_not_touch_what_only_a_service_changes(
    field: str, forge: object
) -> None:
    before = _signed(make_case())
    before.history.append(StageEvent(Stage.D0, StageEventKind.ENTERED, NOW, "li"))
    after = copy.deepcopy(before)
    forge(after)  # type: ignore[operator]
    with pytest.raises(ValidationError) as err:
        refuse_protected_changes(before, after)
    assert err.value.field == field


def test_a_whole_case_edit_of_the_content_is_allowed() -> None:
    before = _signed(make_case())
    after = copy.deepcopy(before)
    after.title = "new title"
    refuse_protected_changes(before, after)  # no error


def test_an_imported_approval_is_never_a_valid_signature() -> None:
    case = _signed(make_case())
    assert signature_state(case) is SignatureState.VALID
    case.approvals[0].imported = True
    assert signature_state(case) is SignatureState.IMPORTED


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://qe:s%22e%5Cc@db/x", "postgresql://qe:***@db/x"),
        ("postgresql://qe:p@ss@db:notaport/x", "postgresql://qe:***@db:notaport/x"),
        ("postgresql:///x?host=db&password=s3c", "postgresql:///x?host=db&password=***"),
        ("sqlite:////tmp/e.db", "sqlite:////tmp/e.db"),
    ],
)
def test_urls_are_shown_without_their_password(url: str, shown: str) -> None:
    assert redact_url(url) == shown


def test_a_driver_message_loses_every_spelling_of_the_password() -> None:
    url = "postgresql://qe:d%C3%A9j%C3%A0%22vu@db/x"  # déjà"vu
    text = 'auth failed for "déjà\\"vu" (d\\xe9j\\xe0"vu, déjà"vu, d%C3%A9j%C3%A0%22vu)'
    assert "vu" not in scrub(text, url).replace("***", "")


@pytest.mark.parametrize(("lang", "banner"), [("en", "IMPORTED APPROVAL"), ("zh", "导入的批准")])
def test_a_report_shows_an_imported_approval_as_imported_never_as_approved(
    lang: str, banner: str
) -> None:
    from eightd.demo import demo_cases
    from eightd.reports.render import page_html
    from eightd.views.case import build_context

    case = next(c for c in demo_cases(date(2026, 11, 23)) if c.approvals and c.is_closed)
    for approval in case.approvals:
        approval.imported = True
    policy = load_policy()
    ctx = build_context(case, assess(case, policy, now=NOW), lang=lang, now=NOW)
    assert ctx.approval.state == "imported"
    assert ctx.approval.banner.startswith(banner)
    html = page_html(ctx, {}, NOW)
    assert 'data-approval="imported"' in html and 'data-approval="valid"' not in html
    assert ctx.approval.note  # says it was not signed in this store
    assert "APPROVED" not in ctx.approval.banner.replace("IMPORTED APPROVAL", "")

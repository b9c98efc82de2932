"""Export and import stream: memory holds a batch (export) or one case (import),
whatever the size of the store or the file; the size of a file is checked first."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from eightd import services
from eightd.demo import demo_cases, demo_cases_large
from eightd.domain import Case, dumps_export, write_export
from eightd.services.cases import mark_approvals_imported
from eightd.store import Store
from tests.conftest import run_cli as run

TODAY = date(2026, 11, 20)


@contextmanager
def _selects_on_cases(store: Store) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(conn: object, cursor: object, statement: str, *args: object) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "FROM cases" in statement:
            statements.append(statement)

    sa.event.listen(store.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa.event.remove(store.engine, "before_cursor_execute", record)


def test_export_reads_the_store_in_batches_and_writes_each_case_before_the_next_batch(
    store: Store,
) -> None:
    cases = demo_cases_large(25, seed=1, today=TODAY)
    with store.uow() as uow:
        services.import_cases(uow, cases, user="admin")  # import: admin only
    out = io.StringIO()
    pulled: list[str] = []

    def watched(stream: Iterator[Case]) -> Iterator[Case]:
        for case in stream:
            # every case pulled before this one is already written: one case in hand
            assert all(f'"number": "{n}"' in out.getvalue() for n in pulled)
            pulled.append(case.number)
            yield case

    with _selects_on_cases(store) as statements, store.uow(read_only=True) as uow:
        count = write_export(watched(services.iter_export_cases(uow, batch_size=10)), out)
    assert count == 25
    # 10 + 10 + 5 rows: three pages of at most a batch each, never the whole store
    assert len(statements) == 3
    assert all("LIMIT" in s for s in statements)
    # the approvals came with the import: they are kept marked as imported
    assert out.getvalue() == dumps_export([mark_approvals_imported(c) for c in cases])


def test_a_file_over_the_import_limit_is_refused_before_it_is_read(
    cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    huge = cli_env / "huge.json"
    with huge.open("wb") as fh:
        fh.truncate(3 * 2**30)  # 3 GB of NUL bytes (sparse): reading it would fail as JSON
    code, _, err = run(capsys, "import", str(huge))
    assert code == 1
    assert "huge.json" in err and "larger than the import limit of 256 MB" in err


def test_the_import_limit_is_a_setting_and_holds_for_standard_input(
    cli_env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EIGHTD_MAX_IMPORT_MB", "1")
    document = dumps_export(demo_cases(TODAY)).encode()
    document += b" " * (2**20)  # valid JSON, over 1 MB
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(document)))
    code, _, err = run(capsys, "import", "-")
    assert code == 1 and "larger than the import limit of 1 MB" in err
    assert run(capsys, "list", "--format", "json")[1].strip() == "[]"
    monkeypatch.setenv("EIGHTD_MAX_IMPORT_MB", "lots")
    code, _, err = run(capsys, "list")
    assert code == 1 and "EIGHTD_MAX_IMPORT_MB" in err


def test_export_then_import_of_the_same_store_skips_every_case_and_counts_them(
    cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "demo", "--today", TODAY.isoformat())[0] == 0
    export = cli_env / "cases.json"
    assert run(capsys, "export", "-o", str(export))[0] == 0
    count = len(json.loads(export.read_text(encoding="utf-8"))["cases"])
    code, out, err = run(capsys, "import", str(export))
    assert code == 0, err
    assert f"Imported 0 case(s); {count} already stored unchanged (skipped); 0 replaced" in out


def test_a_differing_case_is_refused_unless_replace_and_a_dry_run_saves_nothing(
    cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "demo", "--today", TODAY.isoformat())
    _, before, _ = run(capsys, "export")
    document = json.loads(before)
    document["cases"][3]["title"] = "Retitled elsewhere"
    extra = json.loads(json.dumps(document["cases"][0]))
    extra["number"] = "209901-0001"
    document["cases"].append(extra)
    changed = cli_env / "changed.json"
    changed.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    number = document["cases"][3]["number"]

    code, _, err = run(capsys, "import", str(changed))
    assert code == 1 and "cases[3].number" in err and "--replace" in err
    code, out, _ = run(capsys, "import", str(changed), "--replace", "--dry-run")
    assert code == 0 and "Dry run" in out and "would import 1 case(s)" in out
    assert "1 to be replaced" in out
    assert run(capsys, "export")[1] == before  # all or nothing: nothing saved so far
    code, out, _ = run(capsys, "import", str(changed), "--replace")
    assert code == 0 and "Imported 1 case(s)" in out and "1 replaced" in out
    _, shown, _ = run(capsys, "show", number, "--json")
    assert json.loads(shown)["title"] == "Retitled elsewhere"


def test_a_broken_export_in_the_middle_keeps_nothing_and_names_the_case(
    cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cases = demo_cases(TODAY)
    document = json.loads(dumps_export(cases))
    document["cases"][5]["intake"]["lot_size"] = 1
    document["cases"][5]["intake"]["defect_count"] = 2
    path = cli_env / "broken.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    code, _, err = run(capsys, "import", str(path))
    assert code == 1 and "cases[5].intake.defect_count" in err
    assert run(capsys, "list", "--format", "json")[1].strip() == "[]"
    truncated = cli_env / "truncated.json"
    truncated.write_text(dumps_export(cases)[:-5000], encoding="utf-8")
    code, _, err = run(capsys, "import", str(truncated))
    assert code == 1 and "truncated.json" in err and "not valid JSON" in err
    assert run(capsys, "list", "--format", "json")[1].strip() == "[]"


def test_one_case_as_show_json_prints_it_imports_elsewhere_and_again_unchanged(
    cli_env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``show --json`` carries the version it was read at; an import compares content."""
    run(capsys, "demo", "--today", TODAY.isoformat())
    number = json.loads(run(capsys, "export")[1])["cases"][2]["number"]
    _, shown, _ = run(capsys, "show", number, "--json")
    assert "version" in json.loads(shown)
    one = cli_env / "one.json"
    one.write_text(shown, encoding="utf-8")
    code, out, err = run(capsys, "import", str(one))  # the same store: identical, skipped
    assert code == 0, err
    assert "Imported 0 case(s); 1 already stored unchanged (skipped)" in out
    monkeypatch.setenv("EIGHTD_DATABASE_URL", f"sqlite:///{cli_env}/other.db")
    assert run(capsys, "init")[0] == 0
    code, out, err = run(capsys, "import", str(one))
    assert code == 0, err
    assert "Imported 1 case(s)" in out
    assert (
        json.loads(run(capsys, "show", number, "--json")[1])["title"] == json.loads(shown)["title"]
    )

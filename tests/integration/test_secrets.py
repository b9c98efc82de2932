"""No message, file or notebook ever contains a database password (with ``"``, ``\\``,
non-ASCII characters, ``@`` and ``%`` in it, in every spelling it could take)."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy.engine import make_url

from eightd.cli import main
from eightd.settings import Settings
from eightd.store.secrets import redact_url, scrub
from tests.pg_harness import PostgresCluster

PASSWORD = 'S3"cr\\et-密码-ß:@/%x'


def spellings(password: str = PASSWORD) -> list[str]:
    """Every way the password could be written down (as typed, percent-encoded, escaped by
    Python, JSON or a notebook, or its distinctive middle part)."""
    return [
        password,
        quote(password, safe=""),
        quote(password),
        repr(password)[1:-1],
        json.dumps(password)[1:-1],
        json.dumps(password, ensure_ascii=False)[1:-1],
        password.encode("unicode_escape").decode("ascii"),
        "cr\\et-密码",
        "cr\\\\et",
        "%E5%AF%86%E7%A0%81",
    ]


def assert_no_password(text: str, where: str) -> None:
    for spelling in spellings():
        assert spelling not in text, f"the password ({spelling!r}) appears in {where}"


def assert_no_password_in_files(root: Path) -> int:
    """Every file under ``root``, read as bytes (UTF-8 and Latin-1 views); returns the count."""
    count = 0
    for path in root.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert_no_password(data.decode("utf-8", "replace"), str(path))
            assert_no_password(data.decode("latin-1"), str(path))
            count += 1
    return count


MISTYPED = [
    "postgresql://qe:{pw}@localhost:notaport/eightd",
    "postgres://qe:{pw}@localhost/eightd",
    "postgresql://qe:{pw}@[::1/eightd",
    "postgresql://qe:{pw}@/eightd?host=/tmp&port=x",
    "postgresql+psycopg://qe:{pw}@127.0.0.1:1/eightd",
    "postgresql+psycopg:///eightd?password={pw}&host=127.0.0.1&port=1",
    "mysql://qe:{pw}@db/eightd",
]


@pytest.mark.parametrize("template", MISTYPED)
@pytest.mark.parametrize("command", [["list"], ["db", "current"], ["init"]])
def test_a_mistyped_or_unreachable_url_is_echoed_without_its_password(
    template: str, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    url = template.format(pw=quote(PASSWORD, safe=""))
    assert main(["--db", url, *command]) == 1
    out, err = capsys.readouterr()
    assert err.startswith("error: ") and "Traceback" not in err
    assert_no_password(out + err, "the command's output")


def test_redacted_urls_and_scrubbed_texts_hold_no_password() -> None:
    url = f"postgresql://qe:{quote(PASSWORD, safe='')}@db/eightd?password=x%22y"
    assert redact_url(url) == "postgresql://qe:***@db/eightd?password=***"
    assert_no_password(scrub(f"failed for {PASSWORD!r} / {json.dumps(PASSWORD)}", url), "scrub")
    assert "x%22y" not in redact_url(url) and 'x"y' not in scrub('said x"y', url)
    settings = Settings.from_env(database_url=url)
    assert_no_password(repr(settings), "repr(Settings)")


@pytest.fixture
def secret_url(pg_cluster: PostgresCluster, pg_url: str) -> str:
    """The test store behind a URL with the password (the test cluster trusts its logins,
    so any password connects)."""
    return make_url(pg_url).set(password=PASSWORD).render_as_string(hide_password=False)


@pytest.mark.postgres
def test_store_messages_of_a_password_protected_store_hold_no_password(
    secret_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert quote(PASSWORD, safe="") in secret_url or PASSWORD in secret_url
    outputs = []
    for args in (
        ["init"],  # the store is outdated: the message names the URL
        ["db", "upgrade"],
        ["init"],
        ["demo", "--today", "2026-11-23"],
        ["list"],
        ["export", "-o", str(tmp_path / "export.json")],
        ["show", "nosuch"],
        ["--user", "someone.else", "list"],
    ):
        main(["--db", secret_url, *args])
        out, err = capsys.readouterr()
        outputs.append(out + err)
    assert "***" in "".join(outputs)  # the URL was shown, masked
    assert_no_password("\n".join(outputs), "the commands' output")
    assert assert_no_password_in_files(tmp_path) >= 1


@pytest.mark.postgres
@pytest.mark.kernel
@pytest.mark.slow
def test_reports_of_a_password_protected_store_hold_no_password(
    secret_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    assert main(["--db", secret_url, "db", "upgrade"]) == 0
    assert main(["--db", secret_url, "init"]) == 0
    assert main(["--db", secret_url, "demo", "--today", "2026-11-23"]) == 0
    setup = capsys.readouterr()
    assert main(["--db", secret_url, "list", "--format", "json", "--status", "closed"]) == 0
    number = json.loads(capsys.readouterr().out)[0]["number"]
    out_dir = tmp_path / "reports"
    args = ["--db", secret_url, "report", number, "--format", "html", "--format", "xlsx"]
    assert main([*args, "--out", str(out_dir)]) == 0
    batch = ["--db", secret_url, "report", "--all", "--status", "closed", "--jobs", "1"]
    assert main([*batch, "--out", str(tmp_path / "batch")]) == 0
    out, err = capsys.readouterr()
    assert_no_password(setup.out + setup.err + out + err, "the commands' output")
    assert_no_password(caplog.text, "the log")
    written = assert_no_password_in_files(tmp_path)
    assert written >= 4  # html, xlsx and the executed notebooks beside them
    assert list(out_dir.glob("*.ipynb"))

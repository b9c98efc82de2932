"""Output files: devices and FIFOs are written in place, regular files replaced whole."""

from __future__ import annotations

import json
import os
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from eightd.cli import main
from eightd.errors import ValidationError
from eightd.files import output_file
from tests.integration.test_cli import _intake_file, run


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("EIGHTD_HOME", str(tmp_path / "home"))
    monkeypatch.setattr("eightd.settings.os_user", lambda: "qe.li")  # the acting OS account
    monkeypatch.delenv("EIGHTD_DATABASE_URL", raising=False)
    return tmp_path


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def _one_case(cli_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "init")[0] == 0  # qe.li: the store's first user (admin, qe)
    assert run(capsys, "new", str(_intake_file(cli_env / "intake.json")))[0] == 0


def test_export_to_dev_null_leaves_the_device_a_device(
    cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _one_case(cli_env, capsys)
    code, _, err = run(capsys, "export", "-o", os.devnull)
    assert code == 0, err
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)
    assert not list(Path(os.devnull).parent.glob(".null.*.tmp"))


@pytest.mark.skipif(os.geteuid() != 0, reason="creating a device node needs root")
def test_export_to_a_character_device_writes_through_it(
    cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _one_case(cli_env, capsys)
    device = cli_env / "null"
    os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # a null device of our own
    code, _, err = run(capsys, "export", "-o", str(device))
    assert code == 0, err
    assert stat.S_ISCHR(device.lstat().st_mode)
    assert os.major(device.lstat().st_rdev) == 1 and os.minor(device.lstat().st_rdev) == 3
    assert sorted(p.name for p in cli_env.iterdir()) == ["home", "intake.json", "null"]


def test_export_to_a_fifo_streams_into_it(
    cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _one_case(cli_env, capsys)
    fifo = cli_env / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    code, _, err = run(capsys, "export", "-o", str(fifo))
    reader.join(timeout=30)
    assert code == 0, err
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert json.loads(received[0])["cases"][0]["number"] == "202611-0001"


def test_export_to_dash_writes_to_standard_output(
    cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _one_case(cli_env, capsys)
    code, out, _ = run(capsys, "export", "-o", "-")
    assert code == 0 and json.loads(out)["cases"][0]["number"] == "202611-0001"
    assert not (cli_env / "-").exists()


def test_a_new_export_file_follows_the_umask(
    cli_env: Path, capsys: pytest.CaptureFixture[str], umask_022: None
) -> None:
    _one_case(cli_env, capsys)
    target = cli_env / "cases.json"
    assert run(capsys, "export", "-o", str(target))[0] == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


def test_a_replaced_file_keeps_its_mode_and_a_symlink_stays_a_link(
    tmp_path: Path, umask_022: None
) -> None:
    target = tmp_path / "cases.json"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    link = tmp_path / "latest.json"
    link.symlink_to(target.name)
    with output_file(link) as fh:
        fh.write("new")
    assert link.is_symlink() and target.read_text(encoding="utf-8") == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_a_failed_write_keeps_the_previous_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "cases.json"
    target.write_text("previous", encoding="utf-8")
    with pytest.raises(RuntimeError), output_file(target) as fh:
        fh.write("half")
        raise RuntimeError("disk full")
    assert target.read_text(encoding="utf-8") == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["cases.json"]


def test_a_failed_check_keeps_the_previous_file(tmp_path: Path) -> None:
    target = tmp_path / "report.pdf"
    target.write_bytes(b"%PDF good")

    def must_be_pdf(path: Path) -> None:
        if not path.read_bytes().startswith(b"%PDF"):
            raise ValueError("truncated")

    with pytest.raises(ValueError), output_file(target, binary=True, check=must_be_pdf) as fh:
        fh.write(b"")
    assert target.read_bytes() == b"%PDF good"
    assert [p.name for p in tmp_path.iterdir()] == ["report.pdf"]


def test_an_unwritable_place_is_named(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    with pytest.raises(ValidationError) as err, output_file(blocker / "cases.json") as fh:
        fh.write("x")
    assert err.value.field == str(blocker / "cases.json")
    assert "cannot be written" in err.value.message("en")


def test_export_into_a_missing_directory_creates_it(
    cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _one_case(cli_env, capsys)
    assert main(["export", "-o", str(cli_env / "a" / "b" / "cases.json")]) == 0
    assert (cli_env / "a" / "b" / "cases.json").is_file()

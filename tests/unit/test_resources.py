"""Template files are found in a company directory, the source tree, or an installed wheel."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from eightd import resources

ROOT = Path(__file__).resolve().parents[2]


def test_company_template_directory_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "policy.toml").write_text("# company copy\n", encoding="utf-8")
    monkeypatch.setenv("EIGHTD_TEMPLATES", str(tmp_path))
    assert resources.template_path("policy.toml") == tmp_path / "policy.toml"


def test_source_tree_templates_are_used_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EIGHTD_TEMPLATES", raising=False)
    assert resources.template_path("policy.toml") == ROOT / "templates" / "policy.toml"


def test_installed_templates_are_found_under_the_prefix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = tmp_path / "share" / "eightd" / "templates"
    shared.mkdir(parents=True)
    (shared / "policy.toml").write_text("", encoding="utf-8")
    monkeypatch.delenv("EIGHTD_TEMPLATES", raising=False)
    monkeypatch.setattr(resources, "_SOURCE_TEMPLATES", tmp_path / "no-source-tree")
    monkeypatch.setattr(sys, "prefix", str(tmp_path))
    assert resources.template_path("policy.toml") == shared / "policy.toml"


@pytest.mark.slow
def test_wheel_carries_the_templates(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = tmp_path.glob("eightd-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for template in ("policy.toml", "8d_report.ipynb"):
        assert any(n.endswith(f".data/data/share/eightd/templates/{template}") for n in names)
    assert any(n.endswith("eightd/i18n/catalogs/errors.zh.toml") for n in names)
    assert any(n.endswith("eightd/store/migrations/versions/0001_initial.py") for n in names)

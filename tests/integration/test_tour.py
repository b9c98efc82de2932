"""The README's tour is docs/tour.sh: the same lines, and it runs on a fresh store."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOUR = ROOT / "docs" / "tour.sh"
README = ROOT / "README.md"
MARKER = "<!-- tour: the lines of docs/tour.sh between its markers (tested) -->"


def _script_lines() -> list[str]:
    lines = TOUR.read_text(encoding="utf-8").splitlines()
    return lines[lines.index("# tour:begin") + 1 : lines.index("# tour:end")]


def _readme_lines() -> list[str]:
    lines = README.read_text(encoding="utf-8").splitlines()
    start = lines.index(MARKER)
    assert lines[start + 1] == "```bash"
    end = lines.index("```", start + 2)
    return lines[start + 2 : end]


def test_the_readme_tour_is_exactly_the_tour_script() -> None:
    assert _readme_lines() == _script_lines()
    assert any(line.startswith("eightd new docs/intake-example.json") for line in _script_lines())


@pytest.mark.slow
def test_the_tour_runs_on_a_fresh_store(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    shutil.copy(ROOT / "docs" / "intake-example.json", tmp_path / "docs")
    env = {k: v for k, v in os.environ.items() if not k.startswith("EIGHTD_")}
    env.update(
        EIGHTD_HOME=str(tmp_path / "home"),
        EIGHTD_LANG="en",
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
    )
    done = subprocess.run(
        ["bash", str(TOUR)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    out = done.stdout
    assert "Loaded 19 demo cases" in out
    assert "Opened case 202611-0010." in out
    assert "202610-0006: D8 Approval & closure, closed" in out
    assert "Imported 0 case(s); 20 already stored unchanged (skipped); 0 replaced." in out
    assert "Dry run, nothing saved: would import 0 case(s)" in out
    assert (tmp_path / "case-schema.json").stat().st_size > 1000

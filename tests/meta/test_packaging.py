# tests/meta/test_packaging.py — the package builds without setuptools warnings and carries every query, template and static file.
from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA_DIRS = ("app/queries", "app/templates", "app/static")


def test_the_wheel_builds_quietly_with_all_its_data(tmp_path):
    """`make run` installs the project first: a folder of data declared the wrong way made setuptools print a
    warning per folder (app.queries, app.static, app.templates.*) above the app's own output."""
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    for name in ("app", "jobs"):
        shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__"))
    out = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-v", "-w", str(tmp_path / "dist"),
                          str(src)], capture_output=True, text=True, timeout=300)
    log = out.stdout + out.stderr
    assert out.returncode == 0, log[-3000:]
    assert "is absent from the `packages` configuration" not in log, log[-3000:]
    assert "_Warning" not in log and "SetuptoolsDeprecationWarning" not in log, log[-3000:]
    (wheel,) = (tmp_path / "dist").glob("nakksha-*.whl")
    packed = set(zipfile.ZipFile(wheel).namelist())
    wanted = {p.relative_to(ROOT).as_posix() for d in DATA_DIRS for p in (ROOT / d).rglob("*")
              if p.is_file() and "__pycache__" not in p.parts}
    assert wanted and not wanted - packed, sorted(wanted - packed)
    assert {"app/static/favicon.ico", "app/queries/booking.sql", "app/templates/base.html", "jobs/app.py"} <= packed

# Test: pytest tests/meta/test_packaging.py

"""The shape of the package: its layering (the import-linter contracts of pyproject.toml) and
small modules."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "connectomedb"
#: A module this long is split by noun.
MAX_LINES = 400


def test_imports_follow_the_layers() -> None:
    """A module never imports from a layer above it, and the feature packages use one another
    only where pyproject.toml ``[tool.importlinter]`` says so."""
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint), "--no-cache", "--config", str(ROOT / "pyproject.toml")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_module_is_small() -> None:
    lengths = {
        path.relative_to(ROOT).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
        for path in sorted(PACKAGE.rglob("*.py"))
        if "migrations" not in path.relative_to(PACKAGE).parts
    }
    long = {name: n for name, n in lengths.items() if n >= MAX_LINES}
    assert not long, f"modules of {MAX_LINES} lines or more (split them by noun): " + ", ".join(
        f"{name} ({n})" for name, n in sorted(long.items(), key=lambda item: -item[1])
    )

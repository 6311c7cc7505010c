"""docs/cli.md is what the commands print: regenerated here, compared with the committed file."""

from __future__ import annotations

import difflib
import subprocess
import sys
from pathlib import Path

import click
import pytest

from connectomedb.cli import main
from connectomedb.commands.reference import WIDTH, contexts, reference

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "docs" / "cli.md"
REGENERATE = "python -m connectomedb.commands.reference > docs/cli.md"


def test_the_committed_reference_is_what_the_commands_print() -> None:
    committed = REFERENCE.read_text(encoding="utf-8")
    generated = reference()
    if committed != generated:
        diff = "".join(
            difflib.unified_diff(
                committed.splitlines(keepends=True),
                generated.splitlines(keepends=True),
                "docs/cli.md (committed)",
                "docs/cli.md (generated)",
            )
        )
        pytest.fail(f"docs/cli.md is out of date; regenerate it: {REGENERATE}\n{diff}")


def test_every_visible_command_has_a_section() -> None:
    text = reference()
    paths = [ctx.command_path for ctx in contexts(main, "connectomedb")]
    assert "connectomedb query run" in paths
    for path in paths:
        assert f"\n## {path}\n" in text


def test_the_width_is_fixed_whatever_the_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    first = reference()
    monkeypatch.setenv("COLUMNS", "40")
    assert reference() == first
    help_lines = [line for line in first.splitlines() if not line.startswith(("- [", "#"))]
    assert max(len(line) for line in help_lines) <= WIDTH


def test_hidden_commands_are_left_out() -> None:
    @click.group()
    def root() -> None:
        """Root."""

    @root.command()
    def shown() -> None:
        """Shown."""

    @root.command(hidden=True)
    def secret() -> None:
        """Secret."""

    text = reference(root)
    assert "## connectomedb shown" in text
    assert "secret" not in text


def test_the_module_prints_it() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "connectomedb.commands.reference"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out == REFERENCE.read_text(encoding="utf-8")

"""Every command line the package tells a user to type names a real command and real options.

Error messages, help texts and the docs suggest commands such as ``connectomedb load <folder>
--dataset NAME``. The hints are found by reading every string constant of the package (f-strings
with their values left out), and every inline code span of README.md and docs/*.md; each is
checked against the click command tree itself, so a renamed option or command fails here.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from connectomedb.cli import main

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "connectomedb"
#: "connectomedb" followed by a command line, up to the end of the line or of a code span.
HINT = re.compile(
    r"(?P<before>``?|^[ \t]+|Run: |Example: )?\bconnectomedb (?P<line>[^`\n]*)", re.MULTILINE
)
OPTION = re.compile(r"^(--?[A-Za-z][A-Za-z0-9-]*)")


def _strings(path: Path) -> Iterator[tuple[int, str]]:
    """(line, text) of every string constant; an f-string's values become ``X``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    inside_fstring: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            parts = []
            for value in node.values:
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    parts.append(value.value)
                    inside_fstring.add(id(value))
                else:
                    parts.append("X")
            yield node.lineno, "".join(parts)
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in inside_fstring
        ):
            yield node.lineno, node.value


def _markdown_spans(path: Path) -> Iterator[tuple[int, str]]:
    text = path.read_text(encoding="utf-8")
    text = re.sub(
        r"^```.*?^```",
        lambda m: "\n" * m.group(0).count("\n"),
        text,
        flags=re.MULTILINE | re.DOTALL,
    )  # fenced blocks run in test_docs_examples
    for match in re.finditer(r"`([^`\n]+)`", text):
        yield text.count("\n", 0, match.start()) + 1, "`" + match.group(1) + "`"


def check_hint(text: str) -> list[str]:
    """Problems with the command lines in ``text`` (empty when every one is real)."""
    problems = []
    for match in HINT.finditer(text):
        code = match.group("before") is not None
        tokens = match.group("line").split()
        shown = repr("connectomedb " + match.group("line").strip())
        command: click.Command = main
        path = ["connectomedb"]
        used = 0
        for token in tokens:
            word = token.rstrip(".,;:)'\"")
            if not isinstance(command, click.Group) or word not in command.commands:
                break
            command = command.commands[word]
            path.append(word)
            used += 1
        if used == 0:
            first = tokens[0].rstrip(".,;:)'\"") if tokens else ""
            # A label such as "connectomedb revision: 1.0" is not a command line.
            label = bool(tokens) and tokens[0].endswith(":")
            if code and not label and re.fullmatch(r"[a-z][a-z0-9-]*", first):
                problems.append(f"{shown}: no command {first!r}")
            continue
        rest = tokens[used:]
        if isinstance(command, click.Group) and rest and re.fullmatch(r"[a-z][a-z-]*", rest[0]):
            problems.append(f"{shown}: {' '.join(path)} has no subcommand {rest[0]!r}")
            continue
        known = {"-h", "--help"}
        for param in command.params:
            known.update(param.opts)
            known.update(param.secondary_opts)
        for token in rest:
            option = OPTION.match(token)
            if option and option.group(1) not in known:
                problems.append(f"{shown}: {' '.join(path)} has no option {option.group(1)}")
    return problems


def _sources() -> list[tuple[str, str]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for line, text in _strings(path):
            if "connectomedb " in text:
                found.append((f"{path.relative_to(ROOT)}:{line}", text))
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for line, text in _markdown_spans(path):
            if "connectomedb " in text:
                found.append((f"{path.relative_to(ROOT)}:{line}", text))
    return found


def test_the_checker_catches_wrong_hints() -> None:
    assert check_hint("Load it with `connectomedb load <folder> --dataset demo`.") == []
    assert check_hint("run:\n      connectomedb query run bifans -p limit 20 --engine cypher") == []
    assert check_hint("Load it with `connectomedb load <folder> --name demo`.") == [
        "'connectomedb load <folder> --name demo': connectomedb load has no option --name"
    ]
    assert check_hint("`connectomedb lod FOLDER`") == [
        "'connectomedb lod FOLDER': no command 'lod'"
    ]
    assert check_hint("Run: connectomedb db upgrad") == [
        "'connectomedb db upgrad': connectomedb db has no subcommand 'upgrad'"
    ]
    # Prose that merely names the tool is not a command line.
    assert check_hint("connectomedb needs version 3 of the schema") == []


def test_there_are_hints_to_check() -> None:
    sources = _sources()
    # The error messages, the help examples and the docs: many places, every command group.
    assert len(sources) > 40
    joined = "\n".join(text for _, text in sources)
    for command in main.commands:
        assert f"connectomedb {command}" in joined, command


@pytest.mark.parametrize("where,text", _sources(), ids=[w for w, _ in _sources()])
def test_every_hint_names_a_real_command_and_options(where: str, text: str) -> None:
    assert check_hint(text) == [], where

"""The interactive prompt of ``connectomedb cypher`` and ``connectomedb sql``.

A statement may span lines and runs when a line ends with ``;``. Lines starting with ``:``
are console commands (``:help``). Line editing and history come from ``readline``; the
history is kept across sessions in a file of the user data folder.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Protocol

import click
import pandas as pd

from connectomedb.console.text import is_complete
from connectomedb.errors import ConnectomeDBError

HISTORY_LENGTH = 5000

HELP = """\
Type a {language} statement and end it with ';' to run it (it may span lines).
{example}
Commands:
  :help                 this text
  :schema               labels, relationship types / tables and their properties
  :params               the parameters statements can use ($name)
  :param NAME VALUE     set a parameter (VALUE read as JSON when it parses: 3, [1, 2], "x")
  :param NAME           remove a parameter
  :format table|csv|json   how results are printed
  :quit                 leave (or Ctrl-D); Ctrl-C clears the statement being typed
"""
EXAMPLES = {
    "cypher": "Example: MATCH (a:Axon {dataset: $dataset}) RETURN a.class, count(*) AS n;",
    "sql": "Example: SELECT synapse_type, count(*) FROM bi_synapse GROUP BY 1;",
}


class Console(Protocol):
    language: str

    def run(self, text: str, params: dict[str, Any]) -> Iterator[pd.DataFrame]: ...

    def schema(self) -> pd.DataFrame: ...

    def describe_params(self) -> dict[str, Any]: ...


def parse_value(text: str) -> Any:
    """A parameter value: JSON when it parses (numbers, lists, true, "text"), else the text."""
    try:
        return json.loads(text)
    except ValueError:
        return text


def _open_history(path: Path) -> Any:
    try:
        import readline
    except ImportError:  # pragma: no cover - platforms without readline: no history
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        try:
            readline.read_history_file(str(path))
        except OSError:
            pass
    readline.set_history_length(HISTORY_LENGTH)
    return readline


def _save(readline: Any, path: Path) -> None:
    """Saves the history (each line as typed) at once, so that it survives a crash and is
    there for the next console."""
    if readline is None:
        return
    try:
        readline.write_history_file(str(path))
    except OSError:
        pass


def run_prompt(
    console: Console,
    params: dict[str, Any],
    emit: Callable[[pd.DataFrame, str], None],
    history: Path,
    fmt: str = "table",
) -> None:
    """Read, run and print statements until ``:quit`` or end of input."""
    readline = _open_history(history)
    language = console.language
    click.echo(f"connectomedb {language} console. :help for help, :quit to leave.", err=True)
    buffer: list[str] = []
    while True:
        try:
            line = input(f"{language}> " if not buffer else " " * len(language) + "> ")
        except EOFError:
            click.echo("", err=True)
            return
        except KeyboardInterrupt:
            click.echo("", err=True)
            buffer = []
            continue
        if not buffer and line.strip().startswith(":"):
            _save(readline, history)
            command, _, rest = line.strip().partition(" ")
            try:
                result = _command(command, rest.strip(), console, params, emit, fmt)
            except ConnectomeDBError as error:
                click.echo(f"Error: {error}", err=True)
                continue
            if result == "quit":
                return
            if result is not None:
                fmt = result
            continue
        buffer.append(line)
        text = "\n".join(buffer)
        if not text.strip() or not is_complete(text, language):
            if not text.strip():
                buffer = []
            continue
        buffer = []
        _save(readline, history)
        try:
            for frame in console.run(text, params):
                emit(frame, fmt)
        except ConnectomeDBError as error:
            click.echo(f"Error: {error}", err=True)
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)


def _command(
    command: str,
    rest: str,
    console: Console,
    params: dict[str, Any],
    emit: Callable[[pd.DataFrame, str], None],
    fmt: str,
) -> str | None:
    """Runs one ``:command``; returns ``quit``, a new output format, or ``None``."""
    if command in (":quit", ":q", ":exit"):
        return "quit"
    if command in (":help", ":h", ":?"):
        click.echo(HELP.format(language=console.language, example=EXAMPLES[console.language]))
    elif command == ":schema":
        emit(console.schema(), fmt)
    elif command == ":params":
        shown = {**console.describe_params(), **params}
        for name, value in shown.items():
            click.echo(f"${name} = {json.dumps(value, default=str)}")
        if not shown:
            click.echo("No parameters. Set one with :param NAME VALUE.")
    elif command == ":param":
        name, _, value = rest.partition(" ")
        if not name.isidentifier():
            click.echo("Usage: :param NAME VALUE (or :param NAME to remove it).", err=True)
        elif name == "dataset":
            click.echo("$dataset is set by --dataset NAME when the console starts.", err=True)
        elif value.strip():
            params[name] = parse_value(value.strip())
        else:
            params.pop(name, None)
    elif command == ":format":
        if rest not in ("table", "csv", "json"):
            click.echo("Usage: :format table|csv|json", err=True)
            return None
        return rest
    else:
        click.echo(f"Unknown command {command}. Type :help for the commands.", err=True)
    return None

"""``connectomedb cypher`` and ``connectomedb sql``: run statements, or an interactive prompt."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import click

from connectomedb.commands.options import settings_options, shown_option
from connectomedb.commands.query import FORMATS, _emit
from connectomedb.config import Settings

PARAM_HELP = (
    "A parameter $KEY (repeatable); VALUE is read as JSON when it parses "
    '(3, 2.5, true, [1, 2], "text"), else as text.'
)


def register(group: click.Group) -> None:
    group.add_command(_console_command("cypher", CYPHER_HELP, _cypher_console))
    group.add_command(_console_command("sql", SQL_HELP, _sql_console))


CYPHER_HELP = """Run the Cypher STATEMENT on the graph, or open a Cypher prompt without one.

    The graph is the embedded LadybugDB, or Neo4j with --graph-url / CONNECTOMEDB_GRAPH_URL.
    $dataset is the dataset's key. Read-only unless --write is given.

    \b
    Example:
      connectomedb cypher --dataset demo \\
        'MATCH (a:Axon {dataset: $dataset}) RETURN a.class AS class, count(*) AS axons'
      connectomedb cypher 'MATCH (n:Neuron {dataset: $dataset, id: $id}) RETURN n' -p id 3
      connectomedb cypher --dataset demo          # the interactive prompt
    """

SQL_HELP = """Run the SQL STATEMENT on PostgreSQL, or open a SQL prompt without one.

    Every statement runs in a read-only transaction unless --write is given; %(dataset)s
    and %(KEY)s stand for the dataset name and the -p parameters.

    \b
    Example:
      connectomedb sql "SELECT synapse_type, count(*) FROM bi_synapse GROUP BY 1"
      connectomedb sql --format csv \\
        "SELECT * FROM bi_class_matrix WHERE dataset = %(dataset)s"
    """


def _cypher_console(settings: Settings, **kw: Any) -> Any:
    from connectomedb.console.cypher import CypherConsole

    return CypherConsole(settings, **kw)


def _sql_console(settings: Settings, **kw: Any) -> Any:
    from connectomedb.console.sql import SqlConsole

    return SqlConsole(settings, **kw)


def _console_command(name: str, help_text: str, open_console: Callable[..., Any]) -> click.Command:
    """The command ``name``: the STATEMENT on the console ``open_console(settings, dataset=,
    write=)`` opens, or its prompt without one."""

    def command(
        statement: str | None,
        dataset: str | None,
        params: tuple[tuple[str, str], ...],
        fmt: str,
        write: bool,
        settings: Settings,
    ) -> None:
        with open_console(settings, dataset=dataset, write=write) as console:
            _run(console, statement, params, fmt, settings.home)

    return click.command(name, help=help_text)(_console_options(command))


def _console_options(f: Any) -> Any:
    f = settings_options(f)
    f = click.option(
        "--write", is_flag=True, help="Allow statements that write (default: read-only)."
    )(f)
    f = shown_option("--format", "fmt", type=click.Choice(FORMATS), default="table")(f)
    f = click.option(
        "-p", "--param", "params", nargs=2, multiple=True, metavar="KEY VALUE", help=PARAM_HELP
    )(f)
    f = click.option(
        "--dataset",
        default=None,
        help="The dataset $dataset stands for. Default: the only loaded one.",
    )(f)
    return click.argument("statement", required=False)(f)


def _run(
    console: Any, statement: str | None, params: tuple[tuple[str, str], ...], fmt: str, home: Any
) -> None:
    from connectomedb.console.prompt import parse_value, run_prompt
    from connectomedb.console.render import for_output
    from connectomedb.errors import QueryError

    values = {}
    for key, value in params:
        if key == "dataset":
            raise QueryError("pass the dataset with --dataset NAME, not -p dataset.")
        values[key] = parse_value(value)

    def emit(frame: Any, how: str) -> None:
        _emit(for_output(frame, how), how)

    if statement is None and sys.stdin.isatty():
        history = home / "console" / f"{console.language}_history"
        run_prompt(console, values, emit, history, fmt)
        return
    text = statement if statement is not None else sys.stdin.read()
    for frame in console.run(text, values):
        emit(frame, fmt)

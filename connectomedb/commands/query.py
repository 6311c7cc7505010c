"""``connectomedb query``: list and run the named queries; ``db grant-reader`` / ``refresh-views``.

The two ``db`` subcommands are attached to the ``db`` group of :mod:`connectomedb.commands.db`
when it is registered (it is, before this module), so the BI role lives next to its views.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import click
import pandas as pd

from connectomedb.commands.options import quiet_option, settings_from, store_options
from connectomedb.errors import QueryError

FORMATS = ("table", "csv", "json")


def register(group: click.Group) -> None:
    group.add_command(query)
    db_group = group.commands.get("db")
    if isinstance(db_group, click.Group):
        db_group.add_command(grant_reader_cmd)
        db_group.add_command(refresh_views_cmd)


@click.group("query")
def query() -> None:
    """List and run the named SQL and Cypher queries (docs/queries.md).

    \b
    Example:
      connectomedb query list
      connectomedb query run class_matrix -p min_axon_synapses 10 -p min_target_synapses 10
    """


@query.command("list")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
def list_cmd(fmt: str) -> None:
    """List every named query with its engines and parameters.

    \b
    Example:
      connectomedb query list
      connectomedb query list --format json
    """
    from connectomedb.queries import list_queries

    frame = list_queries()
    if fmt == "table":
        frame = frame[["name", "engines", "params", "description"]]
    _emit(frame, fmt)


@query.command("run")
@click.argument("name")
@click.option(
    "-p",
    "--param",
    "params",
    nargs=2,
    multiple=True,
    metavar="KEY VALUE",
    help="A query parameter (repeatable); lists as comma-separated values: -p axon_ids 1,2,3.",
)
@click.option("--engine", type=click.Choice(["sql", "cypher"]), default="sql", show_default=True)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option("--dataset", default=None, help="Dataset name. Default: the only loaded one.")
@store_options
def run_cmd(
    name: str,
    params: tuple[tuple[str, str], ...],
    engine: str,
    fmt: str,
    dataset: str | None,
    home: str | None,
    postgres_url: str | None,
    graph_url: str | None,
) -> None:
    """Run the named query NAME on PostgreSQL (--engine sql) or the graph (--engine cypher).

    \b
    Example:
      connectomedb query run class_matrix --dataset demo
      connectomedb query run bifans -p axon_class Inhibitory -p limit 20 --engine cypher
      connectomedb query run common_targets -p axon_ids 1,2,6 --format csv
    """
    from connectomedb import queries

    q = queries.get_query(name)  # unknown names fail before any database is touched
    values: dict[str, Any] = {}
    for key, value in params:
        if key == "dataset":
            raise QueryError("pass the dataset with --dataset NAME, not -p dataset.")
        values[key] = None if value.lower() in ("null", "all", "") else value
    q.bind(values)
    settings = settings_from(home, postgres_url, graph_url)
    if engine == "sql":
        from connectomedb.stores.postgres import connect, resolve

        target = resolve(settings)
        with connect(target.url) as conn:
            frame = queries.run(name, conn, engine="sql", dataset=dataset, **values)
    else:
        from connectomedb.stores.graph import open_graph_store

        with open_graph_store(settings) as store:
            frame = queries.run(name, store, engine="cypher", dataset=dataset, **values)
    _emit(frame, fmt)
    if frame.attrs.get("truncated"):
        limit = frame.attrs["limit"]
        click.echo(
            f"Only the first {limit} rows are shown: the listing was cut at its limit ({limit}) "
            "and more rows match. Pass -p limit all for every row.",
            err=True,
        )


def _emit(frame: pd.DataFrame, fmt: str) -> None:
    """Print ``frame``: CSV and JSON keep every value exactly (floats at full precision, counts
    as integers); the table rounds floats to 6 significant digits for reading."""
    if fmt == "csv":
        frame.to_csv(sys.stdout, index=False)
    elif fmt == "json":
        from connectomedb.queries.results import records

        click.echo(json.dumps(records(frame), indent=2, allow_nan=False))
    else:
        from rich.console import Console
        from rich.table import Table

        table = Table(show_lines=False)
        for col in frame.columns:
            numeric = pd.api.types.is_numeric_dtype(frame[col])
            table.add_column(str(col), justify="right" if numeric else "left")
        for row in frame.itertuples(index=False):
            table.add_row(*[_cell(v) for v in row])
        Console(width=max(Console().width, 120)).print(table)
        click.echo(f"{len(frame)} rows", err=True)


def _cell(value: Any) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


@click.command("grant-reader")
@click.argument("login")
@click.option(
    "--password",
    default=None,
    help="Password of LOGIN; creates LOGIN when it does not exist. Prefer the environment "
    "variable CONNECTOMEDB_READER_PASSWORD or --prompt: a command line is visible to others.",
    envvar="CONNECTOMEDB_READER_PASSWORD",
)
@click.option(
    "--prompt",
    "ask",
    is_flag=True,
    help="Ask for the password (hidden). Also asked when LOGIN is new and none is set.",
)
@store_options
def grant_reader_cmd(
    login: str,
    password: str | None,
    ask: bool,
    home: str | None,
    postgres_url: str | None,
    graph_url: str | None,
) -> None:
    """Give the PostgreSQL login LOGIN read-only access for BI tools (role connectomedb_reader).

    Creates LOGIN when it does not exist yet (with the password from
    CONNECTOMEDB_READER_PASSWORD, --prompt or --password). The login sees the views of the
    schema `bi` and nothing else, and writes nothing. Prints the connection details for
    Superset, Metabase and Grafana (password masked).

    \b
    Example:
      CONNECTOMEDB_READER_PASSWORD='choose-one' connectomedb db grant-reader superset
      connectomedb db grant-reader superset --prompt
    """
    from connectomedb.stores.postgres import connect, resolve
    from connectomedb.stores.views import grant_reader

    settings = settings_from(home, postgres_url, graph_url)
    target = resolve(settings)
    with connect(target.url) as conn:
        exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (login,)).fetchone()
    if ask or (password is None and exists is None and sys.stdin.isatty()):
        password = click.prompt(f"Password of {login}", hide_input=True, confirmation_prompt=True)
    with connect(target.url) as conn:
        created = grant_reader(conn, login, password)
    verb = "Created" if created else "Updated"
    click.echo(f"{verb} login {login!r}: read-only (member of connectomedb_reader).")
    print_bi_details(settings, target, login)


def print_bi_details(settings: Any, target: Any, login: str) -> None:
    """The ready-to-paste connection details of ``login`` (password masked)."""
    from connectomedb.stores.endpoints import bi_details, embedded_endpoint, url_endpoint

    endpoint = embedded_endpoint(settings) if target.embedded else url_endpoint(target.url)
    click.echo(f"Connect BI tools as {login}:")
    for tool, text in bi_details(endpoint, login):
        click.echo(f"  {tool}: {text}")


@click.command("refresh-views")
@store_options
@quiet_option
def refresh_views_cmd(
    home: str | None, postgres_url: str | None, graph_url: str | None, quiet: bool
) -> None:
    """Gather the statistics of the tables the BI views read (a load does this by itself).

    Since schema version 0011 no view is materialized: every load writes the rows of the BI
    views for its dataset, so there is nothing to refresh.

    \b
    Example:
      connectomedb db refresh-views
    """
    from connectomedb.stores.postgres import connect, resolve
    from connectomedb.stores.views import WRITTEN_BY_LOAD, refresh_views

    settings = settings_from(home, postgres_url, graph_url)
    target = resolve(settings)
    with connect(target.url) as conn:
        done = refresh_views(conn)
    if not quiet:
        if done:
            click.echo(f"Refreshed {', '.join(done)}; planner statistics gathered.")
        else:
            click.echo(
                f"Planner statistics gathered. {', '.join(WRITTEN_BY_LOAD)}: written by each "
                "load, nothing to refresh (schema version 0011 or later)."
            )

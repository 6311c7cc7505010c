"""Options shared by several subcommands."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import click

from connectomedb.config import Settings, load_settings

F = Callable[..., Any]


def shown_option(*decls: str, **attrs: Any) -> Callable[[F], F]:
    """``click.option`` whose default --help shows."""
    return click.option(*decls, show_default=True, **attrs)


def quiet_option(f: F) -> F:
    return click.option(
        "-q", "--quiet", is_flag=True, help="Print no progress, only results and errors."
    )(f)


def store_options(f: F) -> F:
    """``--home``, ``--postgres-url``, ``--graph-url``: where the databases are."""
    f = click.option(
        "--graph-url",
        default=None,
        help="Neo4j Bolt URL (env CONNECTOMEDB_GRAPH_URL). "
        "Default: the embedded LadybugDB under --home.",
    )(f)
    f = click.option(
        "--postgres-url",
        default=None,
        help="PostgreSQL URL (env CONNECTOMEDB_POSTGRES_URL). "
        "Default: the embedded PostgreSQL under --home.",
    )(f)
    f = click.option(
        "--home",
        default=None,
        type=click.Path(file_okay=False),
        help="Folder of the embedded databases (env CONNECTOMEDB_HOME). "
        "Default: the user data folder.",
    )(f)
    return f


def settings_from(home: str | None, postgres_url: str | None, graph_url: str | None) -> Settings:
    """The environment's settings with the command-line options on top."""
    return load_settings().with_overrides(home=home, postgres_url=postgres_url, graph_url=graph_url)


def settings_options(f: F) -> F:
    """:func:`store_options`, handed to the command as one ``settings`` (see
    :func:`settings_from`) instead of three values."""

    @functools.wraps(f)
    def command(
        *args: Any, home: str | None, postgres_url: str | None, graph_url: str | None, **kw: Any
    ) -> Any:
        return f(*args, settings=settings_from(home, postgres_url, graph_url), **kw)

    return store_options(command)


def no_graph_option(help_text: str) -> Callable[[F], F]:
    """``--no-graph``: PostgreSQL only (``help_text`` says what the command then does)."""
    return click.option("--no-graph", is_flag=True, help=help_text)


def graph_segments_option(help_text: str) -> Callable[[F], F]:
    """``--graph-segments/--no-graph-segments``: whether the graph gets its segment layer
    (``Settings.graph_segments``; None when neither is given: the environment decides).
    ``help_text`` says what the command does with it."""
    return click.option(
        "--graph-segments/--no-graph-segments",
        default=None,
        help=help_text + " (env CONNECTOMEDB_GRAPH_SEGMENTS). Default: without it; PostgreSQL "
        "holds every segment either way, and only the graph's tracing_* queries need it.",
    )

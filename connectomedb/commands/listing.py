"""The catalogue ``list`` subcommands: one tab-separated line per catalogue row."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import click

from connectomedb.commands.options import settings_options
from connectomedb.config import Settings


def echo_rows(
    settings: Settings,
    sql: str,
    header: Sequence[str],
    cells: Callable[[Any], Iterable[object]] = tuple,
) -> None:
    """Run ``sql`` (a fixed statement without parameters) on the catalogue in PostgreSQL and
    print ``header``, then ``cells(row)`` of every row, tab-separated."""
    from connectomedb.stores import postgres

    target = postgres.resolve(settings)
    with postgres.connect(target.url) as conn:
        rows = conn.execute(sql).fetchall()
    click.echo("\t".join(header))
    for row in rows:
        click.echo("\t".join(str(v) for v in cells(row)))


def add_list_command(
    group: click.Group,
    help_text: str,
    sql: str,
    header: Sequence[str],
    cells: Callable[[Any], Iterable[object]] = tuple,
) -> None:
    """Give ``group`` its ``list`` subcommand: :func:`echo_rows` of ``sql``."""

    def list_(settings: Settings) -> None:
        echo_rows(settings, sql, header, cells)

    group.command("list", help=help_text)(settings_options(list_))

"""``connectomedb motif``: find a DotMotif motif, count it, compare it with null models."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from connectomedb.commands.options import quiet_option, settings_from, shown_option, store_options
from connectomedb.config import Settings
from connectomedb.errors import QueryError


def register(group: click.Group) -> None:
    group.add_command(motif_cmd)


@click.command("motif")
@click.argument("motif_file", required=False, type=click.Path(dir_okay=False, allow_dash=True))
@click.option(
    "--named",
    is_flag=True,
    help="The named motifs of motif_counts instead of a file (with --significance).",
)
@click.option("--dataset", default=None, help="Dataset name. Default: the only loaded one.")
@shown_option(
    "--engine",
    type=click.Choice(["sql", "cypher"]),
    default="sql",
    help="PostgreSQL (sql) or the graph (cypher).",
)
@click.option("--count", "mode", flag_value="count", help="Print the number of instances.")
@click.option(
    "--list", "mode", flag_value="list", default=True, help="List the instances (the default)."
)
@shown_option(
    "--limit", default="1000", help="At most this many rows in a listing; 'all' for every one."
)
@click.option(
    "--all-mappings",
    is_flag=True,
    help="Every mapping of the motif's nodes, not each instance once.",
)
@click.option(
    "--significance",
    "k",
    type=int,
    default=None,
    metavar="K",
    help="Also compare the count with K degree-preserving random connectomes.",
)
@shown_option(
    "--seed", type=int, default=0, help="Seed of the random connectomes (--significance)."
)
@shown_option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table")
@store_options
@quiet_option
def motif_cmd(
    motif_file: str | None,
    named: bool,
    dataset: str | None,
    engine: str,
    mode: str,
    limit: str,
    all_mappings: bool,
    k: int | None,
    seed: int,
    fmt: str,
    home: str | None,
    postgres_url: str | None,
    graph_url: str | None,
    quiet: bool,
) -> None:
    """Find the DotMotif motif of MOTIF_FILE ('-' for standard input) in a dataset, or
    compare the named motifs with random connectomes (--named --significance K).

    Nodes are axons and targets (class, synapses, neuron_id, id); an edge A -> B is a
    connection (synapses, asi_area_sum, asi_area_count). Each instance is found once.

    \b
    Example:
      connectomedb motif bifan.motif --dataset demo --count
      connectomedb motif bifan.motif --engine cypher --limit 20
      connectomedb motif bifan.motif --count --significance 100 --seed 1
      connectomedb motif --named --significance 100 --dataset demo
    """
    from connectomedb import motifs
    from connectomedb.commands.query import _emit

    if (motif_file is None) == (not named):
        raise QueryError(
            "give a motif file (or '-' for standard input), or --named for the "
            "named motifs, not both."
        )
    if k is not None and k < 1:
        raise QueryError("--significance takes a number of random connectomes >= 1.")
    if named and k is None:
        raise QueryError(
            "--named compares the named motifs with random connectomes: add "
            "--significance K (their counts: `connectomedb query run "
            "motif_counts`)."
        )
    parsed = None if named else motifs.parse(_read(motif_file or "-"))  # before any database
    row_limit = None if limit.lower() in ("all", "none", "null") else _int(limit)
    settings = settings_from(home, postgres_url, graph_url)
    with _open(engine, settings) as conn:
        if parsed is None:  # --named
            from connectomedb.analyses.significance import named_significance

            frame = named_significance(
                conn,
                dataset=dataset,
                k=int(k or 0),
                seed=seed,
                progress=None if quiet else _progress,
            )
            _emit(frame, fmt)
            return
        if k is not None:
            from connectomedb.analyses.significance import motif_significance

            frame = motif_significance(
                parsed, conn, dataset=dataset, k=k, seed=seed, progress=None if quiet else _progress
            )
            _emit(frame, fmt)
            return
        result = motifs.find(
            parsed,
            conn,
            dataset=dataset,
            count=mode == "count",
            limit=row_limit,
            all_mappings=all_mappings,
        )
    if isinstance(result, int):
        if fmt == "json":
            click.echo(json.dumps({"instances": result}))
        else:
            click.echo(result)
        return
    _emit(result, fmt)


def _progress(done: int, total: int) -> None:
    click.echo(f"\rrandom connectomes: {done}/{total}", err=True, nl=done == total)


def _read(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise QueryError(
            f"{path}: cannot read the motif file ({error}). Give a readable "
            "UTF-8 text file, or '-' for standard input."
        ) from None


def _int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise QueryError(f"--limit expects a whole number or 'all', found {value!r}.") from None
    if number < 0:
        raise QueryError(f"--limit expects a number >= 0, found {number}.")
    return number


@contextmanager
def _open(engine: str, settings: Settings) -> Iterator[Any]:
    """The PostgreSQL connection or the graph store."""
    if engine == "sql":
        from connectomedb.stores.postgres import connect, resolve

        with connect(resolve(settings).url) as conn:
            yield conn
    else:
        from connectomedb.stores.graph import open_graph_store

        with open_graph_store(settings) as store:
            yield store

"""``connectomedb info``: what is loaded, where the databases are, the schema version."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

import click

from connectomedb.commands.options import settings_from, store_options

if TYPE_CHECKING:
    import pandas as pd

    from connectomedb.stores.graph import GraphStore


def register(group: click.Group) -> None:
    group.add_command(info)


def postgres_info(target_url: str) -> dict[str, Any]:
    """Schema version and loaded datasets (name, id, loaded_at, counts, source)."""
    from connectomedb.stores.postgres import connect, current_revision

    revision = current_revision(target_url)
    datasets: list[dict[str, Any]] = []
    if revision is not None:
        with connect(target_url) as conn:
            rows = conn.execute(
                "SELECT dataset_id, name, loaded_at, row_counts, source, loader_version"
                " FROM public.dataset ORDER BY name"
            ).fetchall()
        for dataset_id, name, loaded_at, counts, source, version in rows:
            datasets.append(
                {
                    "dataset_id": dataset_id,
                    "name": name,
                    "loaded_at": loaded_at,
                    "row_counts": counts or {},
                    "source": source,
                    "loader_version": version,
                }
            )
    return {"revision": revision, "datasets": datasets}


def _reader_section(settings: Any, target: Any, login: str) -> None:
    """The BI connection details of ``login``, or why it cannot read."""
    from connectomedb.commands.query import print_bi_details
    from connectomedb.stores.postgres import connect
    from connectomedb.stores.views import reader_logins

    with connect(target.url) as conn:
        members = reader_logins(conn)
    if login not in members:
        click.echo(
            f"  {login!r} is not a read-only login here: connectomedb db grant-reader {login}"
        )
        return
    print_bi_details(settings, target, login)


def graph_datasets(store: GraphStore) -> pd.DataFrame:
    """The current version of every dataset in the graph (``store.datasets()``), with a
    ``segment layer`` column: whether it was loaded with its segment layer (``yes``, ``no``;
    ``not recorded`` for a graph of a model that did not record it)."""
    frame = store.datasets()
    layers = []
    for name in frame["name"]:
        stored = store.stored_dataset(str(name))
        segments = None if stored is None else stored.segments
        layers.append("not recorded" if segments is None else "yes" if segments else "no")
    return frame.assign(**{"segment layer": layers})


def _graph_section(settings: Any) -> tuple[str, Any]:
    """(where, datasets DataFrame or an error text) for the graph store, if installed."""
    from connectomedb.config import mask_url

    where = (
        f"embedded LadybugDB in {settings.embedded_graph_dir}"
        if settings.uses_embedded_graph
        else f"Neo4j at {mask_url(settings.graph_url)}"
    )
    try:
        module = importlib.import_module("connectomedb.stores.graph")
    except ModuleNotFoundError:
        return where, "no graph store installed"
    try:
        with module.open_graph_store(settings) as store:
            return where, graph_datasets(store)
    except Exception as error:  # info must still show PostgreSQL when the graph is down
        return where, f"not reachable: {error}"


@click.command("info")
@click.option(
    "--reader",
    default=None,
    metavar="LOGIN",
    help="Also print the BI connection details of this read-only login.",
)
@store_options
def info(
    reader: str | None, home: str | None, postgres_url: str | None, graph_url: str | None
) -> None:
    """Show the loaded datasets, the schema version and where the databases are.

    Passwords in URLs are shown as ***. For each dataset in the graph, its column "segment
    layer" says whether it was loaded with its segment layer (--graph-segments): yes or no.
    With --reader LOGIN, also the connection details of that login for Superset, Metabase and
    Grafana.

    \b
    Example:
      connectomedb info
      connectomedb info --reader superset
      connectomedb info --postgres-url postgresql://me@dbhost/connectome
    """
    from rich.console import Console
    from rich.table import Table

    from connectomedb.config import mask_url
    from connectomedb.stores.postgres import head_revision, resolve

    console = Console()
    settings = settings_from(home, postgres_url, graph_url)
    target = resolve(settings, ensure_schema=settings.uses_embedded_postgres)
    pg = postgres_info(target.url)
    where = (
        f"embedded PostgreSQL in {settings.embedded_postgres_dir}"
        if target.embedded
        else "PostgreSQL"
    )
    console.print(f"[bold]PostgreSQL[/bold]: {where}", highlight=False)
    console.print(f"  URL: {mask_url(target.url)}", markup=False, highlight=False, soft_wrap=True)
    head = head_revision()
    state = "current" if pg["revision"] == head else f"needs {head}: connectomedb db upgrade"
    console.print(f"  schema version: {pg['revision'] or 'none'} ({state})", highlight=False)
    for hint in target.connect_hints():
        console.print(f"  connect: {hint}", markup=False, highlight=False, soft_wrap=True)
    table = Table(title="Datasets in PostgreSQL")
    for col in ("name", "id", "loaded at", "synapses", "axons", "targets", "segments", "source"):
        table.add_column(
            col,
            justify="right"
            if col in ("id", "synapses", "axons", "targets", "segments")
            else "left",
        )
    for d in pg["datasets"]:
        counts = d["row_counts"]
        table.add_row(
            d["name"],
            str(d["dataset_id"]),
            f"{d['loaded_at']:%Y-%m-%d %H:%M:%S %Z}",
            *(f"{counts.get(t, 0):,}" for t in ("synapse", "axon", "target", "segment")),
            d["source"] or "",
        )
    if pg["datasets"]:
        console.print(table)
    else:
        console.print("  no datasets loaded yet (connectomedb load DIR)")
    if pg["revision"] == head:
        from connectomedb.commands.volumes import print_volumes

        print_volumes(console, target.url)

    if reader is not None:
        _reader_section(settings, target, reader)

    graph_where, graph = _graph_section(settings)
    console.print(f"[bold]Graph[/bold]: {graph_where}", highlight=False)
    if isinstance(graph, str):
        console.print(f"  {graph}", markup=False, highlight=False, soft_wrap=True)
    elif len(graph) == 0:
        console.print("  no datasets loaded yet")
    else:
        gt = Table(title="Datasets in the graph")
        for col in graph.columns:
            gt.add_column(str(col))
        for row in graph.itertuples(index=False):
            gt.add_row(*("" if v is None else str(v) for v in row))
        console.print(gt)

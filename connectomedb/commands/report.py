"""``connectomedb report``: the connectome report as one self-contained HTML page."""

from __future__ import annotations

from pathlib import Path

import click

from connectomedb.commands.options import quiet_option, settings_from, store_options


def register(group: click.Group) -> None:
    group.add_command(report)


@click.command("report")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--dataset",
    default=None,
    help="Name of the loaded dataset. Default: the only loaded dataset.",
)
@click.option(
    "--with-graph",
    is_flag=True,
    help="Also count the class matrix in the graph database and say whether it agrees.",
)
@store_options
@quiet_option
def report(
    out: Path,
    dataset: str | None,
    with_graph: bool,
    home: str | None,
    postgres_url: str | None,
    graph_url: str | None,
    quiet: bool,
) -> None:
    """Write the connectome report of a loaded dataset to OUT (an HTML file).

    The page shows the class x class matrix next to connectome.csv, target specificity,
    synapse types, ASI areas, degrees, connection multiplicity and the ASI similarity of
    two-synapse connections, all from the query library. It opens in a browser without
    network access.

    \b
    Example:
      connectomedb report --dataset demo demo-report.html
      connectomedb report --with-graph report.html
    """
    from connectomedb.report import build_report
    from connectomedb.report.fetch import resolve_dataset
    from connectomedb.stores.postgres import connect, resolve

    settings = settings_from(home, postgres_url, graph_url)
    target = resolve(settings)
    with connect(target.url) as conn:
        name = resolve_dataset(conn, dataset)
        if not quiet:
            click.echo(f"Building the report of dataset {name!r} …", err=True)
        if with_graph:
            from connectomedb.stores.graph import open_graph_store

            with open_graph_store(settings) as graph:
                path = build_report(conn, name, out, graph=graph)
        else:
            path = build_report(conn, name, out)
    click.echo(str(path.resolve()))

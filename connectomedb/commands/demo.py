"""``connectomedb demo``: write the demo dataset, load it and show what the query library says."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from connectomedb.commands.options import quiet_option, settings_from, store_options

DEMO_DATASET = "demo"


def register(group: click.Group) -> None:
    group.add_command(demo)


def _ensure_demo_files(folder: Path, seed: int, quiet: bool) -> None:
    """Write the synthetic demo dataset into ``folder`` unless a complete one is there."""
    if (folder / "truth.json").exists():
        if not quiet:
            click.echo(f"Using the demo dataset in {folder}", err=True)
        return
    from connectomedb.synth import generate, write

    if not quiet:
        click.echo(f"Writing the synthetic demo dataset to {folder} ...", err=True)
    folder.parent.mkdir(parents=True, exist_ok=True)
    write(generate("demo", seed=seed), folder)


def _side_by_side(sql: Any, cypher: Any | None) -> Any:
    """One table: the class matrix from SQL, the same cells from Cypher, and whether they agree."""
    from rich.table import Table

    table = Table(
        title="Connectome synapses by axon class × target class",
        caption="SQL: PostgreSQL; Cypher: the graph; fraction: of the axon class's synapses",
    )
    for col in ("axon class", "target class", "SQL", "Cypher", "fraction"):
        table.add_column(col, justify="left" if "class" in col else "right")
    by_cell = {} if cypher is None else _cells(cypher)
    for r in sql.itertuples():
        other = by_cell.get((r.axon_class, r.target_class))
        shown = "" if cypher is None else ("—" if other is None else f"{other:,}")
        table.add_row(
            r.axon_class, r.target_class, f"{int(r.synapses):,}", shown, f"{r.fraction:.3f}"
        )
    return table


def _cells(frame: Any) -> dict[tuple[str, str], int]:
    return {(r.axon_class, r.target_class): int(r.synapses) for r in frame.itertuples()}


@click.command("demo")
@click.argument(
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("out/demo-data"),
    required=False,
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the demo dataset.")
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write the HTML report. Default: demo-report.html beside FOLDER.",
)
@store_options
@quiet_option
def demo(
    folder: Path,
    seed: int,
    report_path: Path | None,
    home: str | None,
    postgres_url: str | None,
    graph_url: str | None,
    quiet: bool,
) -> None:
    """Write the synthetic demo dataset to FOLDER (default out/demo-data), load it into
    PostgreSQL and the graph as dataset 'demo', print the class-level synapse table from SQL
    next to the same numbers from Cypher, and write the HTML report.

    \b
    Example:
      connectomedb demo
      connectomedb demo /tmp/demo-data --report /tmp/demo.html
    """
    from rich.console import Console

    from connectomedb import queries
    from connectomedb.commands.load import RichProgress, _summary
    from connectomedb.errors import LoadError
    from connectomedb.etl.pipeline import run_load
    from connectomedb.report import build_report
    from connectomedb.stores.graph import open_graph_store
    from connectomedb.stores.postgres import connect

    settings = settings_from(home, postgres_url, graph_url)
    _ensure_demo_files(folder, seed, quiet)
    if quiet:
        report = run_load(settings, folder, dataset=DEMO_DATASET)
    else:
        with RichProgress() as progress:
            report = run_load(settings, folder, dataset=DEMO_DATASET, progress=progress)
    _summary(report, quiet)

    target = report.postgres_target
    if target is None:  # pragma: no cover - run_load reaches PostgreSQL before anything else
        raise LoadError("the load did not say which PostgreSQL it wrote to.")
    url = target.url
    with connect(url) as conn:
        sql = queries.class_matrix(conn, dataset=DEMO_DATASET)
    with open_graph_store(settings) as graph:
        cypher = queries.class_matrix(graph, dataset=DEMO_DATASET)
        out = report_path or folder.parent / "demo-report.html"
        with connect(url) as conn:
            build_report(conn, DEMO_DATASET, out, graph=graph)
    console = Console(width=max(Console().width, 100))
    console.print(_side_by_side(sql, cypher))
    agree = _cells(sql) == _cells(cypher)
    console.print(
        "SQL (PostgreSQL) and Cypher (graph) "
        + ("agree on every cell." if agree else "DISAGREE: please report this.")
    )
    console.print(f"Report: {out.resolve()}")

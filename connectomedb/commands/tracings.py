"""``connectomedb tracings``: NML skeleton tracings into PostgreSQL and the graph."""

from __future__ import annotations

from pathlib import Path

import click

from connectomedb.commands.listing import add_list_command
from connectomedb.commands.options import no_graph_option, settings_options
from connectomedb.config import Settings
from connectomedb.tracings.store import KINDS


def register(group: click.Group) -> None:
    group.add_command(tracings)


@click.group("tracings")
def tracings() -> None:
    """Skeleton tracings (webKnossos NML): add, list, link nodes to segments.

    \b
    Example:
      connectomedb tracings add demo-data/tracings/connectem --kind connectem --dataset demo
      connectomedb tracings list
    """


@tracings.command("add")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--kind", required=True, type=click.Choice(KINDS), help="Which tracing set.")
@click.option(
    "--dataset",
    default=None,
    help="The loaded dataset the tracings belong to; also copies them into its graph.",
)
@no_graph_option("Store in PostgreSQL only, not in the graph.")
@settings_options
def add(
    paths: tuple[Path, ...], kind: str, dataset: str | None, no_graph: bool, settings: Settings
) -> None:
    """Add the NML files PATHS (files, or folders searched for *.nml) as one batch.

    Every file is checked before anything is stored; a bad file is reported with its line
    and element, and nothing of the batch is stored. Files already added (same SHA-256) are
    skipped, so adding the same files again does nothing.

    \b
    Example:
      connectomedb tracings add typeem/training-and-test-data --kind typeem
      connectomedb tracings add manual-neuron-reconstructions --kind manual-neurons \\
          --dataset l4dense
    """
    from connectomedb.stores import postgres
    from connectomedb.tracings.store import add_tracings, find_nml_files

    files = find_nml_files(paths)
    target = postgres.resolve(settings)
    after_write = None
    if dataset is not None and not no_graph:
        from connectomedb.tracings.graph import graph_writer

        after_write = graph_writer(settings, dataset)
    report = add_tracings(target.url, files, kind, dataset, after_write=after_write)
    if report.files_added:
        click.echo(
            f"Added {len(report.files_added)} file(s): {report.tracings:,} tracings, "
            f"{report.nodes:,} nodes, {report.edges:,} edges "
            f"(read {report.read_seconds:.1f} s, stored {report.write_seconds:.1f} s)."
        )
    if report.segments is not None:
        click.echo(f"Segments: {report.segments.summary()}.")
    elif report.files_added and dataset is not None:
        click.echo(
            f"No segmentation volume registered for {dataset!r}: node segments stay empty "
            f"(register one, then: connectomedb tracings segments --from-volume --dataset "
            f"{dataset})."
        )
    if report.files_skipped:
        click.echo(f"Skipped {len(report.files_skipped)} file(s) already added.")


add_list_command(
    tracings,
    """List the added tracing files with their counts.

    \b
    Example:
      connectomedb tracings list
    """,
    "SELECT file_id, kind, coalesce(dataset, ''), name, trees, nodes FROM tracing_file"
    " ORDER BY file_id",
    ("file_id", "kind", "dataset", "name", "trees", "nodes"),
)


@tracings.command("segments")
@click.argument(
    "csv_file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--from-volume",
    is_flag=True,
    help="Look the segments up in the segmentation volume registered for --dataset.",
)
@click.option(
    "--dataset",
    default=None,
    help="With --from-volume: the dataset whose tracings and volume; with CSV_FILE: also "
    "refresh the tracings in its graph.",
)
@no_graph_option("With --from-volume: PostgreSQL only.")
@settings_options
def segments(
    csv_file: Path | None,
    from_volume: bool,
    dataset: str | None,
    no_graph: bool,
    settings: Settings,
) -> None:
    """Set the segment under each tracing node, from the volume or from CSV_FILE.

    With --from-volume --dataset NAME, every node of the tracings added with NAME gets the
    segment under it in the segmentation volume registered for NAME (0: on no segment or
    outside the volume; empty: in a cube missing from the folder), and the graph copy is
    refreshed in the same step. `tracings add` does this by itself when the volume is
    registered first; this is for tracings added before.

    CSV_FILE has the columns file (NML file name), tree_id, node_id, segment_id (0 = on no
    segment), one row per node; the synthetic tracings come with such a file
    (node_segments.csv), for segment IDs computed elsewhere.

    \b
    Example:
      connectomedb tracings segments --from-volume --dataset demo
      connectomedb tracings segments demo-data/tracings/connectem/node_segments.csv \\
          --dataset demo
    """
    from connectomedb.stores import postgres

    target = postgres.resolve(settings)
    if from_volume:
        if csv_file is not None or dataset is None:
            raise click.UsageError("--from-volume takes --dataset NAME and no CSV_FILE.")
        from connectomedb.errors import InputError
        from connectomedb.tracings.volume_segments import refill

        counts = refill(target.url, dataset, None if no_graph else settings)
        if counts is None:
            raise InputError(
                "--dataset",
                None,
                "a dataset with a registered segmentation volume",
                repr(dataset),
                hint=f"Register it first: connectomedb volumes add FOLDER --kind segmentation "
                f"--dataset {dataset}",
            )
        click.echo(f"Segments: {counts.summary()}.")
        if not no_graph:
            click.echo(f"Graph of {dataset!r}: tracings refreshed.")
        return
    if csv_file is None:
        raise click.UsageError("Give CSV_FILE, or --from-volume --dataset NAME.")
    from connectomedb.tracings.segments import read_node_segments, store_node_segments

    frame = read_node_segments(csv_file)
    updated, missing = store_node_segments(target.url, frame, csv_file)
    click.echo(f"Set the segment of {updated:,} nodes.")
    if missing:
        click.echo(f"{missing:,} rows name no stored node (file, tree_id, node_id); skipped.")
    if dataset is not None:
        from connectomedb.tracings.graph import sync_graph

        files = sync_graph(settings, target.url, dataset)
        click.echo(f"Graph of {dataset!r}: tracings of {files} file(s) refreshed.")


@tracings.command("graph")
@click.option("--dataset", required=True, help="The dataset whose graph gets the tracings.")
@settings_options
def graph(dataset: str, settings: Settings) -> None:
    """Copy the tracings of DATASET from PostgreSQL into its graph again.

    A reload of the dataset builds a new graph without tracings; this puts them back
    (replacing any there).

    \b
    Example:
      connectomedb tracings graph --dataset demo
    """
    from connectomedb.stores import postgres
    from connectomedb.tracings.graph import sync_graph

    target = postgres.resolve(settings)
    files = sync_graph(settings, target.url, dataset)
    click.echo(f"Graph of {dataset!r}: tracings of {files} file(s) copied.")

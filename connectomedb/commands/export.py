"""``connectomedb export …``: data for other tools."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import click

from connectomedb.commands.options import (
    graph_segments_option,
    quiet_option,
    settings_from,
    store_options,
)
from connectomedb.errors import ConfigError


@click.group("export")
def export_group() -> None:
    """Write a loaded or a source dataset in other tools' formats.

    \b
    Example:
      connectomedb export neo4j-import out/neo4j-import --dataset l4dense
    """


@export_group.command("neo4j-import")
@click.argument("outdir", type=click.Path(file_okay=False))
@click.argument("source_dir", required=False, type=click.Path(exists=True, file_okay=False))
@click.option(
    "--dataset",
    "dataset",
    default=None,
    help="Export this dataset from the graph store (instead of SOURCE_DIR).",
)
@click.option(
    "--name", default=None, help="Dataset name for SOURCE_DIR (default: the folder name)."
)
@click.option(
    "--database",
    default="neo4j",
    show_default=True,
    help="Neo4j database name used in the printed command.",
)
@graph_segments_option(
    "With SOURCE_DIR: export the graph's segment layer too (with --dataset: what the graph holds)"
)
@store_options
@quiet_option
def neo4j_import(
    outdir: str,
    source_dir: str | None,
    dataset: str | None,
    name: str | None,
    database: str,
    graph_segments: bool | None,
    home: str | None,
    postgres_url: str | None,
    graph_url: str | None,
    quiet: bool,
) -> None:
    """Write CSV files for `neo4j-admin database import full` and print the command.

    Either a dataset already loaded in the graph store (--dataset NAME) or an L4dense folder
    (SOURCE_DIR, read and transformed without loading it anywhere).

    \b
    Example:
      connectomedb export neo4j-import out/neo4j --dataset l4dense
      connectomedb export neo4j-import out/neo4j /data/L4dense --name l4dense
    """
    from connectomedb.etl.load.graph.ladybug import new_version
    from connectomedb.etl.load.graph.neo4j_import import frames_from_store, write_neo4j_import
    from connectomedb.etl.transform_graph import dataset_node, graph_frames

    if (dataset is None) == (source_dir is None):
        raise ConfigError(
            "export neo4j-import: give either --dataset NAME (a loaded dataset) or a source "
            "folder, not both and not neither. Example: connectomedb export neo4j-import "
            "out/neo4j --dataset l4dense"
        )

    def say(message: str) -> None:
        if not quiet:
            click.echo(message, err=True)

    version = new_version()
    if source_dir is not None:
        from connectomedb.etl.extract import read_dataset

        ds_name = name or Path(source_dir).resolve().name
        say(f"reading {source_dir}")
        segments = (
            settings_from(home, postgres_url, graph_url)
            .with_overrides(graph_segments=graph_segments)
            .graph_segments
        )
        source = read_dataset(source_dir, progress=say)
        frames = graph_frames(source, segments=segments)
        props: dict[str, Any] = dataset_node(
            source,
            name=ds_name,
            key=f"{ds_name}@{version}",
            version=version,
            loaded_at=datetime.now(timezone.utc),
            segments=segments,
        )
    else:
        from connectomedb.stores.graph import open_graph_store

        assert dataset is not None
        settings = settings_from(home, postgres_url, graph_url)
        with open_graph_store(settings) as store:
            say(f"reading dataset {dataset!r} from the graph store")
            frames, props = frames_from_store(store, dataset)
        props = {**props, "dataset": f"{dataset}@{version}", "version": version}
        if not hasattr(props.get("loaded_at"), "isoformat"):
            props["loaded_at"] = datetime.now(timezone.utc)
        props["file_names"] = list(props.get("file_names") or [])
        props["file_sha256"] = list(props.get("file_sha256") or [])

    last = [0]

    def progress(step: str, done: int, total: int) -> None:
        if done - last[0] >= max(total // 20, 1) or done == total:
            say(f"{step}: {done:,}/{total:,} rows")
            last[0] = done

    files = write_neo4j_import(frames, props, Path(outdir), database=database, progress=progress)
    say(
        f"wrote {len(files.files)} file pairs, {files.rows:,} rows, "
        f"{files.bytes / 1e6:.1f} MB in {files.seconds:.1f} s"
    )
    click.echo(files.command)
    say(
        f"Then start Neo4j and create the constraints: cypher-shell -f {files.schema} -d {database}"
    )


def register(group: click.Group) -> None:
    group.add_command(export_group)

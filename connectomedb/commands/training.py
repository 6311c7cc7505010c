"""``connectomedb training``: register SynEM training and test cubes (voxels stay in files)."""

from __future__ import annotations

from pathlib import Path

import click

from connectomedb.commands.listing import add_list_command
from connectomedb.commands.options import settings_options
from connectomedb.config import Settings
from connectomedb.training.synem import KINDS


def register(group: click.Group) -> None:
    group.add_command(training)


@click.group("training")
def training() -> None:
    """Training and test data: SynEM interface cubes, test cubes, label cubes.

    \b
    Example:
      connectomedb training add synem/interface-classification/training-and-test-data \\
          --kind synem-interfaces
      connectomedb training list
    """


@training.command("add")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--kind", required=True, type=click.Choice(KINDS), help="Which cube layout.")
@settings_options
def add(paths: tuple[Path, ...], kind: str, settings: Settings) -> None:
    """Register the cubes PATHS (HDF5 files, or folders searched for *.hdf5) as one batch.

    The catalogue (cube sizes; interfaces with their segments, labels, target types,
    synapse IDs, isInhibitory; voxels per label of label cubes) goes to PostgreSQL; voxel
    arrays stay in the files (read them with connectomedb.training.synem.cube_arrays).
    Cubes already registered (same SHA-256) are skipped.

    \b
    Example:
      connectomedb training add test-data --kind synem-test
      connectomedb training add svm-cubes --kind svm
    """
    from connectomedb.stores import postgres
    from connectomedb.training.store import find_cubes, register_cubes

    cubes = find_cubes(paths)
    target = postgres.resolve(settings)
    report = register_cubes(target.url, cubes, kind)
    if report.cubes_added:
        click.echo(
            f"Registered {len(report.cubes_added)} cube(s) with {report.interfaces:,} interfaces."
        )
    if report.cubes_skipped:
        click.echo(f"Skipped {len(report.cubes_skipped)} cube(s) already registered.")


def _cube_cells(row: tuple) -> tuple:
    cube_id, kind, name, x, y, z, n = row
    return cube_id, kind, name, f"{x}x{y}x{z}" if x is not None else "", "" if n is None else n


add_list_command(
    training,
    """List the registered cubes.

    \b
    Example:
      connectomedb training list
    """,
    "SELECT cube_id, kind, name, size_x, size_y, size_z, interfaces FROM training_cube"
    " ORDER BY cube_id",
    ("cube_id", "kind", "name", "size", "interfaces"),
    _cube_cells,
)

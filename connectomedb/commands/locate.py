"""``connectomedb locate``: what sits at a point (or at every point of a CSV file)."""

from __future__ import annotations

from pathlib import Path

import click
import numpy as np

from connectomedb.commands.options import settings_from, store_options
from connectomedb.errors import InputError


def register(group: click.Group) -> None:
    group.add_command(locate_cmd)


def read_points_csv(path: Path) -> np.ndarray:
    """(N, 3) int64 points from a CSV with columns x, y, z (a header is optional)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(path, None, "a readable UTF-8 CSV file", str(error)) from None
    lines = [line for line in text.splitlines() if line.strip()]
    header = bool(lines) and not lines[0].replace(",", "").replace(" ", "").lstrip("-").isdigit()
    if header and [c.strip().lower() for c in lines[0].split(",")][:3] != ["x", "y", "z"]:
        raise InputError(path, "line 1", "a header x,y,z (or no header)", repr(lines[0]))
    rows = lines[1:] if header else lines
    out = np.empty((len(rows), 3), dtype=np.int64)
    for n, line in enumerate(rows):
        cells = [c.strip() for c in line.split(",")]
        number = n + 1 + int(header)
        if len(cells) != 3:
            raise InputError(path, f"line {number}", "3 columns x,y,z", f"{len(cells)} columns")
        for col, cell in enumerate(cells):
            try:
                out[n, col] = int(cell)
            except ValueError:
                raise InputError(
                    path, f"line {number}, column {col + 1}", "an integer voxel coordinate",
                    repr(cell),
                ) from None  # fmt: skip
    return out


@click.command("locate")
@click.argument("xyz", nargs=3, type=int, required=False)
@click.option(
    "--points",
    "points_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A CSV file of points, columns x,y,z (global 1-based voxels), header optional.",
)
@click.option("--dataset", default=None, help="Dataset name (default: the only loaded one).")
@click.option(
    "--format", "fmt", type=click.Choice(("table", "csv", "json")), default="table",
    show_default=True,
)  # fmt: skip
@store_options
def locate_cmd(
    xyz: tuple[int, int, int] | None,
    points_file: Path | None,
    dataset: str | None,
    fmt: str,
    home: str | None,
    postgres_url: str | None,
    graph_url: str | None,
) -> None:
    """What sits at the voxel X Y Z (global, 1-based, as published): segment, mapped segment,
    the axon / target / spine head owning it with its class, the neuron, a blood vessel.

    Needs the dataset's segmentation volume registered (connectomedb volumes add). Points
    outside the volume or in a cube that is not on disk get a status instead of an answer.

    \b
    Example:
      connectomedb locate 2500 3100 1200 --dataset l4dense
      connectomedb locate --points points.csv --format csv > answers.csv
    """
    from connectomedb.commands.query import _emit
    from connectomedb.commands.volumes import default_dataset
    from connectomedb.stores.postgres import connect, resolve
    from connectomedb.volumes.locate import locate

    if (xyz is None) == (points_file is None):
        raise click.UsageError("give either X Y Z or --points FILE.csv")
    points = np.array([xyz]) if xyz is not None else read_points_csv(points_file)  # type: ignore[arg-type]
    target = resolve(settings_from(home, postgres_url, graph_url))
    name = default_dataset(target.url, dataset)
    with connect(target.url) as conn:
        frame = locate(points, name, conn=conn)
    _emit(frame, fmt)

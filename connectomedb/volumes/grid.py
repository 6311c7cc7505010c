"""The published cube grid: volume kinds, extents, file names and coordinate arithmetic.

Every volume is cut into cubes named ``x{i}y{j}z{k}.hdf5`` holding one dataset ``/data``
indexed ``[z, y, x]``; cube (i, j, k) of edge ``C`` starts at global voxel
``(i·C + 1, j·C + 1, k·C + 1)`` (1-based, as every published coordinate).

The published extents are given for the real cubes (C = 1024). A folder of smaller cubes (the
synthetic test volumes) is the same grid shrunk by ``C / 1024``: an extent ``lo–hi`` becomes
``⌊(lo − 1)·C/1024⌋ + 1 – ⌈hi·C/1024⌉`` (:func:`scaled_extent`), so the grid keeps its
6 × 9 × 4 cubes whatever the cube size.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

#: Edge of the published cubes, in voxels.
PUBLISHED_CUBE = 1024

#: Inclusive published extents, global 1-based voxels, (x, y, z).
EM_EXTENT = ((104, 104, 119), (6793, 10048, 3538))
SEGMENTATION_EXTENT = ((129, 129, 129), (5574, 8509, 3414))

CUBE_NAME = re.compile(r"^x(0|[1-9][0-9]*)y(0|[1-9][0-9]*)z(0|[1-9][0-9]*)\.hdf5$")


@dataclass(frozen=True)
class Kind:
    """One of the four published volumes."""

    name: str  # as given to ``volumes add --kind``
    folder: str  # the published folder name
    dtypes: tuple[str, ...]  # accepted dtypes of ``/data`` ('int' = any integer type)
    extent: tuple[tuple[int, int, int], tuple[int, int, int]]


KINDS: dict[str, Kind] = {
    "em": Kind("em", "electron-microscopy-volume", ("uint8",), EM_EXTENT),
    "segmentation": Kind("segmentation", "segmentation-volume", ("uint32",), SEGMENTATION_EXTENT),
    "mapped-segmentation": Kind(
        "mapped-segmentation",
        "mapped-segmentation-volume",
        ("uint32", "uint64"),
        SEGMENTATION_EXTENT,
    ),
    # The dtype of the blood-vessel cubes is not known: any integer type, > 0 is vessel.
    "blood-vessels": Kind(
        "blood-vessels", "blood-vessel-segmentation-volume", ("int",), SEGMENTATION_EXTENT
    ),
}


def dtype_ok(kind: Kind, dtype: np.dtype) -> bool:
    if "int" in kind.dtypes:
        return np.issubdtype(dtype, np.integer)
    return str(dtype) in kind.dtypes


def cube_name(i: int, j: int, k: int) -> str:
    return f"x{i}y{j}z{k}.hdf5"


def parse_cube_name(name: str) -> tuple[int, int, int] | None:
    m = CUBE_NAME.match(name)
    return None if m is None else (int(m[1]), int(m[2]), int(m[3]))


def scaled_extent(
    extent: tuple[tuple[int, int, int], tuple[int, int, int]], cube: int
) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    """The extent for cubes of edge ``cube`` (the published one for 1024)."""
    lo, hi = extent
    s_lo = tuple((v - 1) * cube // PUBLISHED_CUBE + 1 for v in lo)
    s_hi = tuple(math.ceil(v * cube / PUBLISHED_CUBE) for v in hi)
    return s_lo, s_hi  # type: ignore[return-value]


def grid_range(cube: int) -> tuple[int, int, int]:
    """Number of cubes along x, y, z of the published grid (the segmentation's box)."""
    lo, hi = scaled_extent(SEGMENTATION_EXTENT, cube)
    return tuple((h - 1) // cube + 1 for h in hi)  # type: ignore[return-value]


def cube_box(index: tuple[int, int, int], cube: int) -> tuple[np.ndarray, np.ndarray]:
    """Inclusive first and last global voxel (x, y, z) of cube ``index``."""
    first = np.asarray(index, dtype=np.int64) * cube + 1
    return first, first + cube - 1


def inside(points: np.ndarray, extent: tuple[tuple[int, ...], tuple[int, ...]]) -> np.ndarray:
    lo, hi = np.asarray(extent[0]), np.asarray(extent[1])
    return np.all((points >= lo) & (points <= hi), axis=1)

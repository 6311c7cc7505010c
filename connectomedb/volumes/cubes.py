"""A folder of cube files: its metadata read and validated without reading any voxel.

``scan(folder, kind)`` opens every ``x{i}y{j}z{k}.hdf5`` only to read the header of ``/data``
(shape, dtype, chunking, compression) and ``stat``s it (size, modification time); nothing is
hashed or decompressed, so registering the 216 real cubes (≈ 1 TB) takes seconds. The size and
modification time are checked again whenever a cube is opened for reading (:func:`open_cube`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import h5py
import numpy as np

from connectomedb.errors import InputError
from connectomedb.volumes.grid import (
    KINDS,
    Kind,
    cube_box,
    cube_name,
    dtype_ok,
    grid_range,
    parse_cube_name,
    scaled_extent,
)

#: File endings that look like a cube and must therefore be named like one.
_CUBE_LIKE = (".hdf5", ".h5", ".hdf", ".he5")


@dataclass(frozen=True)
class Cube:
    """One cube file's metadata; ``index`` is (i, j, k) and ``shape``/``chunks`` are [z, y, x]."""

    name: str
    index: tuple[int, int, int]
    shape: tuple[int, int, int]
    dtype: str
    chunks: tuple[int, int, int] | None
    compression: str | None
    compression_opts: str | None
    size_bytes: int
    mtime_ns: int

    @property
    def edge(self) -> int:
        return self.shape[0]

    def record(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Volume:
    """A validated cube folder of one kind. ``cube`` is the cube edge in voxels."""

    kind: str
    folder: Path
    cube: int
    dtype: str
    cubes: dict[tuple[int, int, int], Cube] = field(repr=False)

    @property
    def extent(self) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
        return scaled_extent(KINDS[self.kind].extent, self.cube)

    @property
    def grid(self) -> tuple[int, int, int]:
        return grid_range(self.cube)

    def expected(self) -> list[tuple[int, int, int]]:
        """The cubes of the published grid (6 × 9 × 4)."""
        gx, gy, gz = self.grid
        return [(i, j, k) for i in range(gx) for j in range(gy) for k in range(gz)]

    def missing(self) -> list[str]:
        return [cube_name(*c) for c in self.expected() if c not in self.cubes]

    def path(self, index: tuple[int, int, int]) -> Path:
        return self.folder / self.cubes[index].name


def _fail(
    path: Path, where: str | None, expected: str, found: str | None = None, hint: str | None = None
) -> InputError:
    return InputError(path, where, expected, found, hint=hint)


def read_cube(path: Path, kind: Kind) -> Cube:
    """The header of one cube file, checked against ``kind`` (name, /data, 3-D cubic, dtype)."""
    index = parse_cube_name(path.name)
    if index is None:
        raise _fail(
            path,
            None,
            "a cube file named x{i}y{j}z{k}.hdf5 (i, j, k without leading zeros)",
            repr(path.name),
            "Rename it or move it out of the folder.",
        )
    st = path.stat()
    try:
        with h5py.File(path, "r") as f:
            data = f.get("/data")
            if not isinstance(data, h5py.Dataset):
                found = "no /data" if data is None else "a group /data"
                raise _fail(path, "/data", "one dataset /data of voxels indexed [z, y, x]", found)
            shape = tuple(int(n) for n in data.shape)
            dtype = data.dtype
            chunks = None if data.chunks is None else tuple(int(c) for c in data.chunks)
            compression, opts = data.compression, data.compression_opts
    except OSError as error:
        raise _fail(path, None, "an HDF5 file", f"unreadable: {error}") from None
    if len(shape) != 3 or len(set(shape)) != 1 or shape[0] == 0:
        raise _fail(path, "/data", "a cube of shape (C, C, C)", str(shape))
    if not dtype_ok(kind, dtype):
        want = "an integer type" if "int" in kind.dtypes else " or ".join(kind.dtypes)
        raise _fail(
            path, "/data", f"dtype {want} for a {kind.name} volume", str(dtype), "Check --kind."
        )
    return Cube(
        name=path.name,
        index=index,
        shape=shape,  # type: ignore[arg-type]
        dtype=str(dtype),
        chunks=chunks,  # type: ignore[arg-type]
        compression=compression,
        compression_opts=None if opts is None else str(opts),
        size_bytes=int(st.st_size),
        mtime_ns=int(st.st_mtime_ns),
    )


def _check_overlaps(folder: Path, cubes: list[Cube]) -> None:
    boxes = [(c, *cube_box(c.index, c.edge)) for c in cubes]
    for n, (a, a_lo, a_hi) in enumerate(boxes):
        for b, b_lo, b_hi in boxes[n + 1 :]:
            if np.all(a_lo <= b_hi) and np.all(b_lo <= a_hi):
                raise _fail(
                    folder / b.name,
                    "/data",
                    f"a cube that overlaps no other cube ({b.name}: edge {b.edge} at "
                    f"{tuple(int(v) for v in b_lo)})",
                    f"it overlaps {a.name} (edge {a.edge} at {tuple(int(v) for v in a_lo)})",
                    "Remove one of the two files.",
                )


def scan(folder: str | os.PathLike[str], kind: str) -> Volume:
    """Read and validate the metadata of every cube in ``folder`` (no voxel is read)."""
    if kind not in KINDS:
        raise ValueError(f"unknown volume kind {kind!r}; choose one of {', '.join(KINDS)}")
    k = KINDS[kind]
    root = Path(folder).expanduser().resolve()
    if not root.is_dir():
        raise _fail(root, None, "a folder of cube files x{i}y{j}z{k}.hdf5", "no such folder")
    files = sorted(p for p in root.iterdir() if p.suffix.lower() in _CUBE_LIKE)
    if not files:
        raise _fail(
            root,
            None,
            "at least one cube file x{i}y{j}z{k}.hdf5",
            "none",
            f"Point at the {k.folder}/ folder.",
        )
    cubes = [read_cube(p, k) for p in files]
    _check_overlaps(root, cubes)
    first = cubes[0]
    for c in cubes[1:]:
        if c.shape != first.shape:
            raise _fail(
                root / c.name, "/data", f"shape {first.shape} like {first.name}", str(c.shape)
            )
        if c.dtype != first.dtype:
            raise _fail(root / c.name, "/data", f"dtype {first.dtype} like {first.name}", c.dtype)
    edge = first.edge
    lo, hi = scaled_extent(k.extent, edge)
    for c in cubes:
        c_lo, c_hi = cube_box(c.index, edge)
        if not (np.all(c_lo <= np.asarray(hi)) and np.all(np.asarray(lo) <= c_hi)):
            raise _fail(
                root / c.name,
                None,
                f"a cube inside the published {kind} extent x {lo[0]}–{hi[0]}, y {lo[1]}–"
                f"{hi[1]}, z {lo[2]}–{hi[2]} (cubes of edge {edge})",
                f"a cube at x {c_lo[0]}–{c_hi[0]}, y {c_lo[1]}–{c_hi[1]}, z {c_lo[2]}–{c_hi[2]}",
            )
    return Volume(
        kind=kind, folder=root, cube=edge, dtype=first.dtype, cubes={c.index: c for c in cubes}
    )


@contextmanager
def open_cube(volume: Volume, index: tuple[int, int, int]) -> Iterator[h5py.Dataset]:
    """``/data`` of one cube, after checking the file is still the one that was registered."""
    cube = volume.cubes[index]
    path = volume.folder / cube.name
    try:
        st = path.stat()
    except FileNotFoundError:
        raise _fail(
            path,
            None,
            "the cube file registered here",
            "no such file",
            f"Register the folder again: connectomedb volumes add {volume.folder} "
            f"--kind {volume.kind}",
        ) from None
    if st.st_size != cube.size_bytes or st.st_mtime_ns != cube.mtime_ns:
        raise _fail(
            path,
            None,
            f"the file as registered (size {cube.size_bytes} bytes, mtime_ns {cube.mtime_ns})",
            f"size {st.st_size} bytes, mtime_ns {st.st_mtime_ns}",
            f"It changed since; register the folder again: connectomedb volumes add "
            f"{volume.folder} --kind {volume.kind}",
        )
    # Each chunk is read once, so HDF5's chunk cache would only copy data: keep it small.
    with h5py.File(path, "r", rdcc_nbytes=1 << 16) as f:
        data = f["/data"]
        if tuple(data.shape) != cube.shape or str(data.dtype) != cube.dtype:
            raise _fail(
                path,
                "/data",
                f"shape {cube.shape}, dtype {cube.dtype} as registered",
                f"shape {tuple(data.shape)}, dtype {data.dtype}",
            )
        yield data

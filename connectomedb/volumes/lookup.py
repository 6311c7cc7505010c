"""Vectorised voxel look-up: the value of a volume at many global points at once.

Points are grouped by cube and by HDF5 chunk; each chunk that holds at least one point is read
exactly once (one h5py read per chunk, never one per point) and all of its points are answered
from that block with NumPy fancy indexing. Memory is bounded by one chunk plus the points.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from connectomedb.volumes.cubes import Volume, open_cube
from connectomedb.volumes.grid import inside

#: Per-point status codes.
OK = "ok"
OUTSIDE = "outside"  # outside the volume's published extent
MISSING = "missing-cube"  # inside the extent, but that cube is not on disk / not registered
STATUSES = (OK, OUTSIDE, MISSING)


@dataclass(frozen=True)
class LookupResult:
    """``values``: the voxel value of each point (0 where the status is not ``ok``);
    ``status``: index into :data:`STATUSES` per point (``int8``); ``chunks_read``: how many
    chunks were read."""

    values: np.ndarray
    status: np.ndarray
    chunks_read: int

    def status_names(self) -> np.ndarray:
        return np.asarray(STATUSES, dtype=object)[self.status]


def as_points(points: object) -> np.ndarray:
    """An (N, 3) int64 array of global 1-based (x, y, z) voxel coordinates."""
    arr = np.asarray(points)
    if arr.ndim == 1 and arr.shape[0] == 3:
        arr = arr[None, :]
    if arr.ndim != 2 or arr.shape[1] != 3:
        raise ValueError(f"points: expected an (N, 3) array of x, y, z, found shape {arr.shape}")
    if arr.dtype.kind == "f":
        if not np.all(np.isfinite(arr)) or np.any(arr != np.round(arr)):
            raise ValueError("points: expected integral voxel coordinates")
    elif arr.dtype.kind not in "iu":
        raise ValueError(f"points: expected integer coordinates, found dtype {arr.dtype}")
    return arr.astype(np.int64)


def read_points(points: object, volume: Volume) -> LookupResult:
    """The value of ``volume`` at each point of ``points`` ((N, 3) global 1-based x, y, z).

    Points outside the volume's published extent get status ``outside``, points in a cube
    that is not there get ``missing-cube``; both get value 0.
    """
    pts = as_points(points)
    n = pts.shape[0]
    out_dtype = np.dtype(volume.dtype)
    values = np.zeros(n, dtype=out_dtype)
    status = np.full(n, STATUSES.index(OUTSIDE), dtype=np.int8)
    if n == 0:
        return LookupResult(values, status, 0)
    edge = volume.cube
    ok = inside(pts, volume.extent)
    p0 = pts - 1
    cube_idx = np.floor_divide(p0, edge)
    gx, gy, gz = (int(v) + 1 for v in cube_idx[ok].max(axis=0)) if ok.any() else (1, 1, 1)
    present = np.zeros((gx, gy, gz), dtype=bool)
    for i, j, k in volume.cubes:
        if i < gx and j < gy and k < gz:
            present[i, j, k] = True
    have = np.zeros(n, dtype=bool)
    sel = np.flatnonzero(ok)
    have[sel] = present[cube_idx[sel, 0], cube_idx[sel, 1], cube_idx[sel, 2]]
    status[ok & ~have] = STATUSES.index(MISSING)
    status[have] = STATUSES.index(OK)
    idx = np.flatnonzero(have)
    if idx.shape[0] == 0:
        return LookupResult(values, status, 0)

    # The chunk shape can differ between files: group by cube first, then by chunk within.
    cubes = cube_idx[idx]
    cube_key = (cubes[:, 0] * gy + cubes[:, 1]) * gz + cubes[:, 2]
    order = np.argsort(cube_key, kind="stable")
    idx, cube_key, cubes = idx[order], cube_key[order], cubes[order]
    bounds = np.flatnonzero(np.diff(cube_key)) + 1
    starts = np.concatenate([[0], bounds])
    ends = np.concatenate([bounds, [idx.shape[0]]])
    chunks_read = 0
    for s, e in zip(starts.tolist(), ends.tolist(), strict=True):
        index = tuple(int(v) for v in cubes[s])
        rows = idx[s:e]
        local = p0[rows] - cubes[s] * edge  # (x, y, z) within the cube, 0-based
        zyx = local[:, ::-1]
        with open_cube(volume, index) as data:  # type: ignore[arg-type]
            chunk = np.asarray(data.chunks or data.shape, dtype=np.int64)
            shape = np.asarray(data.shape, dtype=np.int64)
            cidx = zyx // chunk
            nch = -(-shape // chunk)
            key = (cidx[:, 0] * nch[1] + cidx[:, 1]) * nch[2] + cidx[:, 2]
            corder = np.argsort(key, kind="stable")
            key, zyx_sorted, rows_sorted = key[corder], zyx[corder], rows[corder]
            cb = np.flatnonzero(np.diff(key)) + 1
            cstarts = np.concatenate([[0], cb]).tolist()
            cends = np.concatenate([cb, [key.shape[0]]]).tolist()
            for cs, ce in zip(cstarts, cends, strict=True):
                lo = (zyx_sorted[cs] // chunk) * chunk
                hi = np.minimum(lo + chunk, shape)
                block = data[lo[0] : hi[0], lo[1] : hi[1], lo[2] : hi[2]]
                rel = zyx_sorted[cs:ce] - lo
                values[rows_sorted[cs:ce]] = block[rel[:, 0], rel[:, 1], rel[:, 2]]
                chunks_read += 1
    return LookupResult(values, status, chunks_read)


def read_box(volume: Volume, lo: object, hi: object) -> np.ndarray:
    """The voxels of the inclusive global box ``lo``–``hi`` (x, y, z, 1-based) as an array
    indexed [z, y, x]; one read per cube it touches, 0 where a cube is missing."""
    first = np.asarray(lo, dtype=np.int64)
    last = np.asarray(hi, dtype=np.int64)
    size = last - first + 1
    out = np.zeros(tuple(int(v) for v in size[::-1]), dtype=np.dtype(volume.dtype))
    edge = volume.cube
    c_lo, c_hi = (first - 1) // edge, (last - 1) // edge
    for i in range(int(c_lo[0]), int(c_hi[0]) + 1):
        for j in range(int(c_lo[1]), int(c_hi[1]) + 1):
            for k in range(int(c_lo[2]), int(c_hi[2]) + 1):
                if (i, j, k) not in volume.cubes:
                    continue
                origin = np.array([i, j, k], dtype=np.int64) * edge + 1
                a = np.maximum(first, origin)
                b = np.minimum(last, origin + edge - 1)
                la, lb = a - origin, b - origin + 1
                oa, ob = a - first, b - first + 1
                with open_cube(volume, (i, j, k)) as data:
                    out[oa[2] : ob[2], oa[1] : ob[1], oa[0] : ob[0]] = data[
                        la[2] : lb[2], la[1] : lb[1], la[0] : lb[0]
                    ]
    return out

"""Synthetic volumes consistent with a synthetic dataset, with planted disagreements.

:func:`place` moves a generated dataset into the grid of ``cube``-voxel cubes (coordinates
shrunk by ``cube / 1024``, see :mod:`connectomedb.volumes.grid`), gives every segment a voxel
of its own, puts each skeleton node and each synapse's pre/post position on the segment the
files say it is on, and then plants a handful of disagreements that the consistency check must
find (listed in ``truth["volumes"]["planted"]``). :func:`write_volumes` paints the four
volumes: each segment owns the 3 × 3 × 3 voxels around its position (its own position always),
the mapped segmentation relabels every axon and target agglomerate to its ``mappedSegIds``,
the EM shows membranes between segments, and two blood vessels run along z.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import h5py
import numpy as np

from connectomedb.etl.frames import Ragged, Skeletons, SourceDataset
from connectomedb.synth.generate import SynthResult
from connectomedb.volumes.grid import (
    KINDS,
    SEGMENTATION_EXTENT,
    cube_name,
    grid_range,
    scaled_extent,
)

Progress = Callable[[str, int, int], None]

#: How many disagreements of each kind are planted.
PLANTED_PER_CHECK = 2


def chunk_edge(cube: int) -> int:
    """Chunk edge of the synthetic cubes: several chunks per cube, at most 64 voxels."""
    return int(min(64, max(cube // 4, 4)))


def _scale(pos: np.ndarray, cube: int) -> np.ndarray:
    return (pos.astype(np.int64) - 1) * cube // 1024 + 1


def _linear(pos: np.ndarray, hi: np.ndarray) -> np.ndarray:
    return (pos[:, 2] * (hi[1] + 2) + pos[:, 1]) * (hi[0] + 2) + pos[:, 0]


def _unique_voxels(
    rng: np.random.Generator, pos: np.ndarray, lo: np.ndarray, hi: np.ndarray
) -> np.ndarray:
    """Move colliding positions to nearby free voxels until every position is its own."""
    pos = pos.copy()
    radius = 1
    for _ in range(200):
        _, first = np.unique(_linear(pos, hi), return_index=True)
        dup = np.ones(pos.shape[0], dtype=bool)
        dup[first] = False
        n = int(dup.sum())
        if n == 0:
            return pos
        pos[dup] = np.clip(pos[dup] + rng.integers(-radius, radius + 1, (n, 3)), lo, hi)
        radius = min(radius + 1, 64)
    raise ValueError("too many segments for the volume: choose a larger --cube-size")


def _nodes_on_segments(sk: Skeletons, seg_pos: np.ndarray, cube: int) -> Skeletons:
    nodes = _scale(sk.nodes.values, cube)
    seg = sk.seg_ids.values
    on = seg > 0
    nodes[on] = seg_pos[seg[on] - 1]
    return replace(sk, nodes=Ragged(values=nodes.astype(np.int32), offsets=sk.nodes.offsets))


def _first(ragged: Ragged) -> np.ndarray:
    return ragged.values[ragged.offsets[:-1]]


def place(result: SynthResult, cube: int, seed: int = 0) -> tuple[SynthResult, dict[str, Any]]:
    """The dataset moved into a grid of ``cube``-voxel cubes, plus the painting plan.

    Returns the new result (its truth has a ``volumes`` section) and the plan for
    :func:`write_volumes`: true segment positions and the mapped-ID lookup table."""
    ds = result.dataset
    if ds.segments is None or ds.synapses.pre_position is None:
        raise ValueError("volumes need segments and pre/post synapse positions")
    rng = np.random.default_rng([seed, cube, 16])
    lo, hi = (np.asarray(v, dtype=np.int64) for v in scaled_extent(SEGMENTATION_EXTENT, cube))
    seg_pos = _unique_voxels(rng, np.clip(_scale(ds.segments.position, cube), lo, hi), lo, hi)
    n_seg = seg_pos.shape[0]
    syn = ds.synapses
    pre = seg_pos[_first(syn.pre_seg) - 1]
    post = seg_pos[_first(syn.post_seg) - 1]
    axon_sk = _nodes_on_segments(ds.axons.skeleton, seg_pos, cube)  # type: ignore[arg-type]
    target_sk = _nodes_on_segments(ds.targets.skeleton, seg_pos, cube)  # type: ignore[arg-type]

    # The mapped segmentation: every agglomerate relabelled to its mappedSegIds (0: kept).
    lut = np.arange(n_seg + 1, dtype=np.int64)
    for agg, mapped in (
        (ds.targets.agglomerate, ds.targets.mapped_seg_id),
        (ds.axons.agglomerate, ds.axons.mapped_seg_id),
    ):
        owner_mapped = np.asarray(mapped)[agg.owner_ids() - 1]
        keep = owner_mapped > 0
        lut[agg.values[keep]] = owner_mapped[keep]

    # Segments no object refers to: the planted disagreements point at them.
    used = np.zeros(n_seg + 1, dtype=bool)
    for r in (
        ds.axons.agglomerate,
        ds.targets.agglomerate,
        ds.spine_heads.agglomerate,
        syn.pre_seg,
        syn.post_seg,
    ):
        used[r.values] = True
    free = rng.permutation(np.flatnonzero(~used[1:]) + 1)
    k = PLANTED_PER_CHECK
    if free.shape[0] < 4 * k:
        raise ValueError("too few free segments to plant disagreements")
    planted: dict[str, list[dict[str, Any]]] = {}
    syn_ids = rng.choice(np.arange(1, syn.n + 1), size=2 * k, replace=False)
    planted["synapse_pre"] = []
    planted["synapse_post"] = []
    for n, s in enumerate(syn_ids.tolist()):
        side = "pre" if n < k else "post"
        f = int(free[n])
        (pre if side == "pre" else post)[s - 1] = seg_pos[f - 1]
        planted[f"synapse_{side}"].append({"synapse_id": s, "found_segment": f})
    seg_position = seg_pos.copy()
    planted["segment_position"] = []
    for n in range(k):
        a, b = int(free[2 * k + 2 * n]), int(free[2 * k + 2 * n + 1])
        seg_position[a - 1] = seg_pos[b - 1]
        planted["segment_position"].append({"segment_id": a, "found_segment": b})

    occupied = set(_linear(_blob(seg_pos, lo, hi), hi).tolist())

    def empty_voxel() -> np.ndarray:
        while True:
            v = rng.integers(lo, hi + 1, size=(1, 3))
            if int(_linear(v, hi)[0]) not in occupied:
                return v[0]

    planted["mapped_node"] = []
    new_sk = {"axon": axon_sk, "target": target_sk}
    for kind, frame in (("axon", ds.axons), ("target", ds.targets)):
        sk = new_sk[kind]
        mapped = np.asarray(frame.mapped_seg_id)
        owners = sk.seg_ids.owner_ids()
        cand = np.flatnonzero((sk.seg_ids.values > 0) & (mapped[owners - 1] > 0))
        nodes = sk.nodes.values.copy()
        for node in rng.choice(
            cand, size=k // 2 if kind == "axon" else k - k // 2, replace=False
        ).tolist():
            owner = int(owners[node])
            nodes[node] = empty_voxel()
            planted["mapped_node"].append(
                {
                    "neurite": kind,
                    "id": owner,
                    "node_index": int(node - sk.nodes.offsets[owner - 1]) + 1,
                    "expected": int(mapped[owner - 1]),
                    "found": 0,
                }
            )
        new_sk[kind] = replace(sk, nodes=Ragged(values=nodes, offsets=sk.nodes.offsets))

    dataset: SourceDataset = replace(
        ds,
        segments=replace(ds.segments, position=seg_position.astype(np.int32)),
        synapses=replace(
            syn,
            pre_position=pre.astype(np.int32),
            post_position=post.astype(np.int32),
            syn_position=((pre + post) // 2).astype(np.int32),
        ),
        axons=replace(ds.axons, skeleton=new_sk["axon"]),
        targets=replace(ds.targets, skeleton=new_sk["target"]),
    )
    vessels = _vessels(rng, lo, hi, cube)
    truth = dict(result.truth)
    truth["volumes"] = {
        "cube_size": cube,
        "chunk_edge": chunk_edge(cube),
        "grid": list(grid_range(cube)),
        "segmentation_extent": [[int(v) for v in lo], [int(v) for v in hi]],
        "folders": {kind: k_.folder for kind, k_ in KINDS.items()},
        "blood_vessels": vessels,
        "planted": planted,
    }
    plan = {
        "cube": cube,
        "seg_pos": seg_pos,
        "lut": lut,
        "vessels": vessels,
        "lo": lo,
        "hi": hi,
        "seed": seed,
    }
    return replace(result, dataset=dataset, truth=truth), plan


def _blob(pos: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    vox, keep = _blob_all(pos, lo, hi)
    return vox[keep]


def _vessels(
    rng: np.random.Generator, lo: np.ndarray, hi: np.ndarray, cube: int
) -> list[dict[str, int]]:
    """Two vessels along z: a centre (x, y) and a radius in voxels."""
    radius = max(2, cube // 8)
    out = []
    for _ in range(2):
        c = rng.integers(lo[:2] + radius, hi[:2] - radius + 1)
        out.append({"x": int(c[0]), "y": int(c[1]), "radius": radius})
    return out


def _write_cube(path: Path, data: np.ndarray, chunk: int) -> None:
    with h5py.File(path, "w") as f:
        f.create_dataset(
            "/data",
            data=data,
            chunks=(chunk,) * 3,
            compression="gzip",
            compression_opts=4,
            shuffle=data.dtype.itemsize > 1,
        )


def write_volumes(
    plan: dict[str, Any], outdir: str | os.PathLike[str], *, progress: Progress | None = None
) -> list[str]:
    """Paint and write the four volumes into ``outdir``; returns the folder names."""
    cube = int(plan["cube"])
    chunk = chunk_edge(cube)
    out = Path(outdir)
    folders = {kind: out / k.folder for kind, k in KINDS.items()}
    for f in folders.values():
        f.mkdir(parents=True, exist_ok=True)
    lo, hi, seg_pos, lut = plan["lo"], plan["hi"], plan["seg_pos"], plan["lut"]
    ids = np.arange(1, seg_pos.shape[0] + 1, dtype=np.int64)
    blob, keep = _blob_all(seg_pos, lo, hi)
    blob, blob_ids = blob[keep], np.repeat(ids, 27)[keep]
    gx, gy, gz = grid_range(cube)
    total = gx * gy * gz
    blob_cube = _cube_key(blob, cube, gy, gz)
    centre_cube = _cube_key(seg_pos, cube, gy, gz)
    b_order, c_order = np.argsort(blob_cube, kind="stable"), np.argsort(centre_cube, kind="stable")
    b_sorted, c_sorted = blob_cube[b_order], centre_cube[c_order]
    rng = np.random.default_rng([int(plan["seed"]), cube, 17])
    yy, xx = np.meshgrid(np.arange(cube), np.arange(cube), indexing="ij")
    zs = np.arange(cube)
    done = 0
    for i in range(gx):
        for j in range(gy):
            for k in range(gz):
                key = (i * gy + j) * gz + k
                first = np.array([i, j, k], dtype=np.int64) * cube + 1
                seg = np.zeros((cube,) * 3, dtype=np.uint32)
                for sorted_keys, order, pos, vals in (
                    (b_sorted, b_order, blob, blob_ids),
                    (c_sorted, c_order, seg_pos, ids),
                ):
                    a, b = np.searchsorted(sorted_keys, [key, key + 1])
                    rows = order[a:b]
                    loc = pos[rows] - first
                    seg[loc[:, 2], loc[:, 1], loc[:, 0]] = vals[rows]
                name = cube_name(i, j, k)
                _write_cube(folders["segmentation"] / name, seg, chunk)
                _write_cube(
                    folders["mapped-segmentation"] / name, lut[seg].astype(np.uint32), chunk
                )
                # Vessels run along z: one (y, x) disc per vessel, inside the z extent.
                disc = np.zeros((cube, cube), dtype=bool)
                for v in plan["vessels"]:
                    d2 = (xx + first[0] - v["x"]) ** 2 + (yy + first[1] - v["y"]) ** 2
                    disc |= d2 <= v["radius"] ** 2
                in_z = (zs + first[2] >= lo[2]) & (zs + first[2] <= hi[2])
                vessel = (in_z[:, None, None] & disc[None, :, :]).astype(np.uint8)
                _write_cube(folders["blood-vessels"] / name, vessel, chunk)
                _write_cube(folders["em"] / name, _em(rng, seg, vessel), chunk)
                done += 1
                if progress:
                    progress("volumes", done, total)
    return [k.folder for k in KINDS.values()]


def _blob_all(pos: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The 27 voxels around each position, and which of them lie inside the extent."""
    off = np.stack(np.meshgrid([-1, 0, 1], [-1, 0, 1], [-1, 0, 1], indexing="ij"), -1)
    vox = (pos[:, None, :] + off.reshape(1, 27, 3)).reshape(-1, 3)
    return vox, np.all((vox >= lo) & (vox <= hi), axis=1)


def _cube_key(pos: np.ndarray, cube: int, gy: int, gz: int) -> np.ndarray:
    c = (pos - 1) // cube
    return (c[:, 0] * gy + c[:, 1]) * gz + c[:, 2]


def _em(rng: np.random.Generator, seg: np.ndarray, vessel: np.ndarray) -> np.ndarray:
    """Grey cytoplasm, dark membranes where the label changes, bright vessel lumen."""
    em = np.full(seg.shape, 160, dtype=np.int16)
    em[seg > 0] = 120
    for axis in range(3):
        edge = seg != np.roll(seg, 1, axis=axis)
        em[edge] = 40
    em[vessel > 0] = 230
    em += rng.integers(-12, 13, size=seg.shape, dtype=np.int16)
    return np.clip(em, 0, 255).astype(np.uint8)

"""Synthetic NML tracings consistent with a synthetic dataset, with a known evaluation answer.

``connectem/``: each tree follows the skeleton of one known axon or target (its nodes and
edges). Some have a planted **gap** (a run of nodes set off every segment, as where a tracer
leaves the reconstruction) and some a planted **merger** (a short chain copied from another
neurite's skeleton, attached by one edge). ``typeem/``: small trees labelled with a neurite
type in the tree name or, for some, only in a node comment.

The truth: ``truth.json`` (per tree: the neurite it follows, gap and merger) and
``node_segments.csv`` (file, tree_id, node_id, segment_id: the segment under every node, 0 =
none).

With synthetic volumes (``synth --volumes``, the ``plan`` of
:func:`connectomedb.volumes.synth.place`), the tracings are placed so that the segmentation
volume says the same as ``node_segments.csv``: a node on a segment sits on that segment's own
voxel, a node off every segment (gap nodes included) on the nearest voxel no segment
paints, and a merger chain on one segment voxel of the other neurite (so the merger stays
short). The volume look-up then gives the planted answer.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from connectomedb.etl.frames import SourceDataset
from connectomedb.files import write_folder

#: Voxel size of the L4dense data, nm.
VOXEL_SIZE = (11.24, 11.24, 28.0)
TYPEEM_TYPES = ("axon", "dendrite", "astrocyte", "spine head")


def _webknossos() -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import webknossos

    return webknossos


def _neurites(dataset: SourceDataset, min_nodes: int) -> list[tuple[str, int]]:
    out = []
    for kind, neurites in (("axon", dataset.axons), ("target", dataset.targets)):
        if neurites.skeleton is None:
            continue
        lengths = neurites.skeleton.nodes.lengths
        out += [(kind, int(i) + 1) for i in np.flatnonzero(lengths >= min_nodes)]
    return out


def _skeleton(dataset: SourceDataset, kind: str, id_: int) -> tuple[Any, Any, Any]:
    neurites = dataset.axons if kind == "axon" else dataset.targets
    sk = neurites.skeleton
    assert sk is not None
    edges = sk.edges.element(id_)
    edges = edges[edges[:, 0] != edges[:, 1]]  # the published self-edge of a one-node skeleton
    return sk.nodes.element(id_), sk.seg_ids.element(id_), edges


class _Placement:
    """Voxels on and off the segments of a synthetic segmentation volume."""

    def __init__(self, plan: dict[str, Any]) -> None:
        from connectomedb.volumes.synth import _blob

        self.seg_pos = np.asarray(plan["seg_pos"], dtype=np.int64)
        self.lo = np.asarray(plan["lo"], dtype=np.int64)
        self.hi = np.asarray(plan["hi"], dtype=np.int64)
        self.occupied = np.unique(self._linear(_blob(self.seg_pos, self.lo, self.hi)))
        r = np.arange(-4, 5)
        off = np.stack(np.meshgrid(r, r, r, indexing="ij"), -1).reshape(-1, 3)
        self.offsets = off[np.argsort((off**2).sum(axis=1), kind="stable")]

    def _linear(self, pos: np.ndarray) -> np.ndarray:
        span = self.hi + 2
        return (pos[..., 2] * span[1] + pos[..., 1]) * span[0] + pos[..., 0]

    def place(self, xyz: np.ndarray, segs: np.ndarray) -> np.ndarray:
        """Positions for nodes with segments ``segs``: the segment's voxel, or (0) the
        nearest voxel inside the volume that no segment paints."""
        xyz = np.clip(np.asarray(xyz, dtype=np.int64), self.lo, self.hi)
        out = xyz.copy()
        on = segs > 0
        out[on] = self.seg_pos[segs[on] - 1]
        off = np.flatnonzero(~on)
        if off.shape[0]:
            cand = xyz[off][:, None, :] + self.offsets[None, :, :]
            inside = np.all((cand >= self.lo) & (cand <= self.hi), axis=2)
            free = inside & ~np.isin(self._linear(cand), self.occupied)
            out[off] = cand[np.arange(off.shape[0]), free.argmax(axis=1)]
            crowded = off[~free.any(axis=1)]
            if crowded.shape[0]:  # a dense volume: any free voxel (deterministic draw)
                out[crowded] = self._free_voxels(crowded.shape[0])
        return out

    def _free_voxels(self, n: int) -> np.ndarray:
        rng = np.random.default_rng(n)
        for _ in range(100):
            cand = rng.integers(self.lo, self.hi + 1, size=(max(64, 4 * n), 3))
            cand = cand[~np.isin(self._linear(cand), self.occupied)]
            if cand.shape[0] >= n:
                return cand[:n]
        raise ValueError(
            "no free voxel for the tracing nodes off every segment: choose a larger --cube-size"
        )


def write_connectem(
    dataset: SourceDataset,
    outdir: Path,
    *,
    seed: int = 0,
    per_file: int = 4,
    min_nodes: int = 3,
    volume_plan: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Write the ``connectem`` tracings of ``dataset`` into ``outdir``; return the truth.

    ``volume_plan`` (from :func:`connectomedb.volumes.synth.place`): place the nodes so that
    the synthetic segmentation volume agrees with ``node_segments.csv``."""
    wk = _webknossos()
    placement = None if volume_plan is None else _Placement(volume_plan)
    rng = np.random.default_rng(seed)
    outdir.mkdir(parents=True, exist_ok=True)
    chosen = _neurites(dataset, min_nodes)
    per_file = max(per_file, -(-len(chosen) // 200))  # at most about 200 files
    index = {n: i for i, n in enumerate(chosen)}
    truth: list[dict[str, Any]] = []
    node_rows: list[tuple[str, int, int, int]] = []
    for start in range(0, len(chosen), per_file):
        name = f"tracings-{start // per_file + 1:03d}.nml"
        skeleton = wk.Skeleton(voxel_size=VOXEL_SIZE, dataset_name="synthetic")
        group = skeleton.add_group("followed neurites")
        for kind, id_ in chosen[start : start + per_file]:
            xyz, segs, edges = _skeleton(dataset, kind, id_)
            xyz = np.asarray(xyz, dtype=np.int64)
            segs = segs.astype(np.int64).copy()
            n_own = len(xyz)
            gap: list[int] = []
            if n_own >= 4 and rng.random() < 0.5:
                first = int(rng.integers(1, n_own - 1))
                gap = list(range(first, min(n_own, first + max(1, n_own // 4))))
                segs[gap] = 0
            merger = None
            if rng.random() < 0.5:
                pick = int(rng.integers(len(chosen) - 1))  # any neurite but this one
                other = chosen[pick + (pick >= index[(kind, id_)])]
                oxyz, osegs, _ = _skeleton(dataset, *other)
                k = min(3, len(oxyz))
                # Placed next to the last node (a merger is where two neurites touch); the
                # segments are the other neurite's, which is what makes it a merger.
                end = xyz[-1]
                chain = end + np.arange(1, k + 1)[:, None] * np.array([1, 1, 0])
                xyz = np.concatenate([xyz, chain])
                chain_segs = osegs[:k].astype(np.int64)
                if placement is not None and (osegs > 0).any():
                    # In a volume, the chain stays short on one voxel of the other neurite.
                    chain_segs = np.full(k, int(osegs[np.argmax(osegs > 0)]), dtype=np.int64)
                segs = np.concatenate([segs, chain_segs])
                merger = {"kind": other[0], "id": int(other[1]), "nodes": int(k)}
            if placement is not None:
                xyz = placement.place(xyz, segs)
            tree = group.add_tree(f"{kind} {id_}")
            nodes = [tree.add_node(position=tuple(int(v) for v in p)) for p in xyz]
            nodes[0].comment = "start"
            for a, b in edges:
                tree.add_edge(nodes[a - 1], nodes[b - 1])
            if gap:
                nodes[gap[0]].comment = "gap"
            if merger is not None:
                chain_nodes = nodes[n_own:]
                tree.add_edge(nodes[n_own - 1], chain_nodes[0])
                for a, b in zip(chain_nodes, chain_nodes[1:], strict=False):
                    tree.add_edge(a, b)
                chain_nodes[0].comment = "merger"
                chain_nodes[0].is_branchpoint = True
            for node, seg in zip(nodes, segs, strict=True):
                node_rows.append((name, tree.id, node.id, int(seg)))
            truth.append(
                {
                    "file": name,
                    "tree_id": tree.id,
                    "name": tree.name,
                    "kind": kind,
                    "id": id_,
                    "nodes": len(nodes),
                    "gap_nodes": len(gap),
                    "merger": merger,
                }
            )
        skeleton.save(outdir / name)
    frame = pd.DataFrame(node_rows, columns=["file", "tree_id", "node_id", "segment_id"])
    frame.to_csv(outdir / "node_segments.csv", index=False)
    result = {"tracings": truth, "files": sorted({t["file"] for t in truth})}
    (outdir / "truth.json").write_text(json.dumps(result, indent=1) + "\n")
    return result


def write_typeem(outdir: Path, *, seed: int = 0, trees: int = 12) -> dict[str, Any]:
    """Small labelled trees: the type in the tree name, or (every third) only in a comment."""
    wk = _webknossos()
    rng = np.random.default_rng(seed)
    outdir.mkdir(parents=True, exist_ok=True)
    skeleton = wk.Skeleton(voxel_size=VOXEL_SIZE, dataset_name="synthetic")
    labels = []
    for i in range(trees):
        label = TYPEEM_TYPES[i % len(TYPEEM_TYPES)]
        in_comment = i % 3 == 2
        tree = skeleton.add_tree(f"tree {i + 1}" if in_comment else f"{label} {i + 1}")
        start = rng.integers(200, 2000, size=3)
        previous = None
        for j in range(int(rng.integers(2, 6))):
            node = tree.add_node(position=tuple(int(v) for v in start + j * np.array([3, 2, 1])))
            if previous is not None:
                tree.add_edge(previous, node)
            previous = node
            if j == 0 and in_comment:
                node.comment = f"type: {label}"
        labels.append({"tree_id": tree.id, "name": tree.name, "label": label})
    skeleton.save(outdir / "typeem-1.nml")
    result = {"file": "typeem-1.nml", "trees": labels}
    (outdir / "truth.json").write_text(json.dumps(result, indent=1) + "\n")
    return result


def write_tracing_sets(
    dataset: SourceDataset,
    outdir: Path,
    *,
    seed: int = 0,
    volume_plan: dict[str, Any] | None = None,
) -> None:
    """``outdir/tracings/{connectem,typeem}``, the folder replaced as a whole;
    ``volume_plan``: the tracings agree with the synthetic volumes (see
    :func:`write_connectem`)."""

    def write(folder: Path) -> None:
        write_connectem(dataset, folder / "connectem", seed=seed, volume_plan=volume_plan)
        write_typeem(folder / "typeem", seed=seed)

    write_folder(outdir / "tracings", write)

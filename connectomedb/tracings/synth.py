"""Synthetic NML tracings consistent with a synthetic dataset, with a known evaluation answer.

``connectem/``: each tree follows the skeleton of one known axon or target (its nodes and
edges). Some have a planted **gap** (a run of nodes set off every segment, as where a tracer
leaves the reconstruction) and some a planted **merger** (a short chain copied from another
neurite's skeleton, attached by one edge). ``typeem/``: small trees labelled with a neurite
type in the tree name or, for some, only in a node comment.

The truth: ``truth.json`` (per tree: the neurite it follows, gap and merger) and
``node_segments.csv`` (file, tree_id, node_id, segment_id: the segment under every node, 0 =
none). The segment column of the database is filled from the volume in production; tests fill
it from this file.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from connectomedb.etl.frames import SourceDataset

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


def write_connectem(
    dataset: SourceDataset,
    outdir: Path,
    *,
    seed: int = 0,
    per_file: int = 4,
    min_nodes: int = 3,
) -> dict[str, Any]:
    """Write the ``connectem`` tracings of ``dataset`` into ``outdir``; return the truth."""
    wk = _webknossos()
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
            segs = segs.astype(np.int64).copy()
            tree = group.add_tree(f"{kind} {id_}")
            nodes = [tree.add_node(position=tuple(int(v) for v in p)) for p in xyz]
            nodes[0].comment = "start"
            for a, b in edges:
                tree.add_edge(nodes[a - 1], nodes[b - 1])
            gap: list[int] = []
            if len(nodes) >= 4 and rng.random() < 0.5:
                first = int(rng.integers(1, len(nodes) - 1))
                gap = list(range(first, min(len(nodes), first + max(1, len(nodes) // 4))))
                segs[gap] = 0
                nodes[gap[0]].comment = "gap"
            merger = None
            if rng.random() < 0.5:
                pick = int(rng.integers(len(chosen) - 1))  # any neurite but this one
                other = chosen[pick + (pick >= index[(kind, id_)])]
                oxyz, osegs, _ = _skeleton(dataset, *other)
                k = min(3, len(oxyz))
                # Placed next to the last node (a merger is where two neurites touch); the
                # segments are the other neurite's, which is what makes it a merger.
                end = np.asarray(xyz[-1], dtype=np.int64)
                chain = [
                    tree.add_node(
                        position=tuple(int(v) for v in end + (j + 1) * np.array([1, 1, 0]))
                    )
                    for j in range(k)
                ]
                tree.add_edge(nodes[-1], chain[0])
                for a, b in zip(chain, chain[1:], strict=False):
                    tree.add_edge(a, b)
                chain[0].comment = "merger"
                chain[0].is_branchpoint = True
                nodes += chain
                segs = np.concatenate([segs, osegs[:k].astype(np.int64)])
                merger = {"kind": other[0], "id": int(other[1]), "nodes": int(k)}
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


def write_tracings_and_cubes(dataset: SourceDataset, outdir: Path, *, seed: int = 0) -> None:
    """``outdir/tracings/{connectem,typeem}`` and ``outdir/training/…`` (see
    :mod:`connectomedb.training.synth`), each folder replaced as a whole."""
    import shutil
    import tempfile

    from connectomedb.training.synth import write_training

    for name, write in (
        (
            "tracings",
            lambda d: (
                write_connectem(dataset, d / "connectem", seed=seed),
                write_typeem(d / "typeem", seed=seed),
            ),
        ),
        ("training", lambda d: write_training(d, seed=seed)),
    ):
        staged = Path(tempfile.mkdtemp(prefix=f".{name}.partial-", dir=outdir))
        try:
            write(staged)
            shutil.rmtree(outdir / name, ignore_errors=True)
            staged.chmod(0o755)
            staged.rename(outdir / name)
        except BaseException:
            shutil.rmtree(staged, ignore_errors=True)
            raise

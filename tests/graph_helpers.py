"""Test data and independent oracles for the graph tests.

``handmade_source`` builds a small seeded :class:`SourceDataset` directly (no files), with the
awkward cases on purpose: synapses without axon or target, NaN ASI areas, a code of no
attribute, a repeated and a zero segment ID in sets, a skeleton with the self-edge (1, 1).
``synth_source(scale)`` gives the synthetic generator's datasets.

The oracle functions compute expected answers with pandas straight from the SourceDataset,
without the graph transform.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from connectomedb.etl import class_stats
from connectomedb.etl.frames import (
    Axons,
    CodeTable,
    FileInfo,
    Ragged,
    Segments,
    Skeletons,
    SourceDataset,
    SpineHeads,
    Synapses,
    Targets,
)
from connectomedb.etl.motifs import motif_frames

AXON_CLASSES = [(1, "corticocortical", "Corticocortical"),
                (2, "thalamocortical", "Thalamocortical"),
                (3, "inhibitory", "Inhibitory"), (4, "other", "Other"),
                (7, "unknown", "Unknown")]
TARGET_CLASSES = [(1, "apicaldendrite", "ApicalDendrite"),
                  (2, "axoninitialsegment", "AxonInitialSegment"),
                  (3, "ignore", "Unknown"), (4, "otherdendrite", "OtherDendrite"),
                  (5, "smoothdendrite", "SmoothDendrite"), (8, "soma", "Soma"),
                  (9, "proximaldendrite", "ProximalDendrite"), (12, "unknown", "Unknown"),
                  (6, "unknown", "Unknown")]
SYNAPSE_TYPES = [(1, "primaryspine", "PrimarySpine"), (2, "secondaryspine", "SecondarySpine"),
                 (3, "shaft", "Shaft"), (4, "soma", "Soma")]


def _codes(entries: list[tuple[int, str, str]]) -> CodeTable:
    return CodeTable(pd.DataFrame({
        "code": np.array([e[0] for e in entries], dtype=np.int16),
        "label": [e[1] for e in entries],
        "name": [e[2] for e in entries],
        "source": ["unknown" if e[1] == "unknown" else "file" for e in entries],
    }))


def _sets(rng: np.random.Generator, n: int, n_seg: int, lo: int, hi: int) -> Ragged:
    items = [rng.integers(1, n_seg + 1, rng.integers(lo, hi + 1)) for _ in range(n)]
    return Ragged.from_lists(items)


def _skeletons(rng: np.random.Generator, n: int) -> Skeletons:
    nodes, segs, edges = [], [], []
    for i in range(n):
        k = int(rng.integers(1, 6))
        nodes.append(rng.integers(1, 500, (k, 3)))
        segs.append(rng.integers(0, 50, k))
        if k == 1 or i == 0:
            edges.append(np.array([[1, 1]]))
        else:
            edges.append(np.array([[j, j + 1] for j in range(1, k)]))
    return Skeletons(
        nodes=Ragged.from_lists(nodes, dtype=np.int32, width=3),
        seg_ids=Ragged.from_lists(segs),
        edges=Ragged.from_lists(edges, dtype=np.int32, width=2),
    )


def handmade_source(
    seed: int = 1,
    *,
    n_axons: int = 12,
    n_targets: int = 15,
    n_spines: int = 10,
    n_synapses: int = 80,
    n_segments: int = 60,
    with_segments: bool = True,
    folder: str = "/data/handmade",
    tag: str = "a",
) -> SourceDataset:
    """A small dataset; ``tag`` changes the file checksums (a "different file" of the same
    name)."""
    rng = np.random.default_rng(seed)
    ax_class = rng.integers(1, 5, n_axons).astype(np.int16)
    ax_class[-1] = 7  # a code of no attribute: named Unknown
    tg_class = rng.choice([1, 2, 3, 4, 5, 8, 9, 12], n_targets).astype(np.int16)
    tg_class[-1] = 6  # a code of no attribute: named Unknown
    neuron = rng.choice([0, 0, 3, 7, 11], n_targets).astype(np.int64)
    axon_id = rng.integers(0, n_axons + 1, n_synapses).astype(np.int64)
    target_id = rng.integers(0, n_targets + 1, n_synapses).astype(np.int64)
    axon_id[:3] = [1, 1, 1]
    target_id[:3] = [2, 2, 2]  # one multi-synaptic connection for sure
    spine = rng.integers(0, n_spines + 1, n_synapses).astype(np.int64)
    asi = rng.uniform(0.01, 1.0, n_synapses)
    asi[rng.random(n_synapses) < 0.2] = np.nan
    pre_seg = _sets(rng, n_synapses, n_segments, 1, 3)
    post_seg = _sets(rng, n_synapses, n_segments, 1, 3)
    # A duplicate element and a zero ("none") in sets: neither is an interface.
    pre_vals = pre_seg.values.copy()
    pre_vals[0] = 0
    pre_seg = Ragged(pre_vals, pre_seg.offsets)
    post_seg = Ragged.from_lists([[5, 5, 6]] + post_seg.to_lists()[1:])
    positions = [rng.integers(1, 5000, (n_synapses, 3)).astype(np.int32) for _ in range(3)]
    files = {
        name: FileInfo(Path(folder) / name, f"{tag}{i:063x}", 1000 + i, None)
        for i, name in enumerate(["axons.hdf5", "dendrites.hdf5", "synapses.hdf5"])
    }
    segments = None
    if with_segments:
        segments = Segments(
            n=n_segments,
            position=rng.integers(1, 5000, (n_segments, 3)).astype(np.int32),
            voxel_count=rng.integers(1, 10_000, n_segments).astype(np.int64),
        )
    return SourceDataset(
        folder=Path(folder),
        files=files,
        axons=Axons(
            n=n_axons,
            class_code=ax_class,
            classes=_codes(AXON_CLASSES),
            mapped_seg_id=rng.integers(0, 3, n_axons).astype(np.int64),
            agglomerate=_sets(rng, n_axons, n_segments, 1, 4),
            skeleton=_skeletons(rng, n_axons),
        ),
        targets=Targets(
            n=n_targets,
            class_code=tg_class,
            classes=_codes(TARGET_CLASSES),
            neuron_id=neuron,
            mapped_seg_id=None,
            agglomerate=_sets(rng, n_targets, n_segments + 5, 1, 4),  # some beyond segments.hdf5
            skeleton=_skeletons(rng, n_targets),
        ),
        spine_heads=SpineHeads(
            n=n_spines,
            volume=rng.uniform(0.01, 0.2, n_spines).astype(np.float32),
            agglomerate=_sets(rng, n_spines, n_segments, 1, 2),
        ),
        synapses=Synapses(
            n=n_synapses,
            type_code=rng.integers(1, 5, n_synapses).astype(np.int16),
            types=_codes(SYNAPSE_TYPES),
            pre_position=positions[0],
            syn_position=positions[1],
            post_position=positions[2],
            axon_id=axon_id,
            split_axon_id=rng.integers(0, 4, n_synapses).astype(np.int64),
            target_id=target_id,
            spine_head_id=spine,
            asi_area=asi,
            pre_seg=pre_seg,
            post_seg=post_seg,
        ),
        segments=segments,
    )


def with_fake_files(src: SourceDataset, tag: str) -> SourceDataset:
    """``src`` with made-up file checksums (the generator's in-memory datasets have none)."""
    files = {
        name: FileInfo(src.folder / name, f"{tag}{i:063x}", 1000 + i, None)
        for i, name in enumerate(["axons.hdf5", "dendrites.hdf5", "synapses.hdf5"])
    }
    return replace(src, files=files)


def synth_source(scale: str, tmp_dir: Path | None = None, seed: int = 0) -> SourceDataset:
    """The generator's dataset: written to ``tmp_dir`` and read back with the extractor when a
    folder is given (real files and checksums), else in memory with made-up checksums."""
    from connectomedb.etl.synth import generate, write

    result = generate(scale, seed=seed)
    if tmp_dir is None:
        return with_fake_files(result.dataset, f"{scale}{seed}")
    from connectomedb.etl.extract import read_dataset

    return read_dataset(write(result, tmp_dir))


# --- oracles: pandas on the SourceDataset --------------------------------------------------


def synapse_table(src: SourceDataset) -> pd.DataFrame:
    """One row per synapse: synapse, axon, target (0 = none)."""
    sy = src.synapses
    return pd.DataFrame({
        "synapse": np.arange(1, sy.n + 1),
        "axon": np.asarray(sy.axon_id, dtype=np.int64),
        "target": np.asarray(sy.target_id, dtype=np.int64),
    })


def set_members(sets: Ragged) -> pd.DataFrame:
    """(owner, segment) for every published element but segment 0."""
    df = pd.DataFrame({"owner": sets.owner_ids(), "segment": np.asarray(sets.values).ravel()})
    return df[df.segment != 0].reset_index(drop=True)


def _class_names(neurites: Axons | Targets) -> list[str]:
    names = dict(zip(neurites.classes.frame.code, neurites.classes.frame.name, strict=True))
    return [names.get(int(c), "Unknown") for c in neurites.class_code]


def expected_counts(src: SourceDataset) -> tuple[dict[str, int], dict[str, int]]:
    """Node and relationship counts computed straight from the source."""
    sy, ax, tg, sh = src.synapses, src.axons, src.targets, src.spine_heads
    syn = synapse_table(src)
    conn = syn[(syn.axon > 0) & (syn.target > 0)]
    pre, post = set_members(sy.pre_seg), set_members(sy.post_seg)
    aggs = [set_members(x.agglomerate) for x in (ax, tg, sh)]
    referenced = set(pd.concat([pre.segment, post.segment] + [a.segment for a in aggs]))
    n_seg = src.segments.n if src.segments is not None else 0
    segments = n_seg + len({s for s in referenced if s > n_seg})
    neurons = set() if tg.neuron_id is None else {int(v) for v in tg.neuron_id if v > 0}
    ax_names = dict(zip(ax.classes.frame.code, ax.classes.frame.name, strict=True))
    tg_names = dict(zip(tg.classes.frame.code, tg.classes.frame.name, strict=True))
    pairs = conn[["axon", "target"]].drop_duplicates()
    class_pairs = {
        (ax_names.get(int(ax.class_code[a - 1]), "Unknown"),
         tg_names.get(int(tg.class_code[t - 1]), "Unknown"))
        for a, t in zip(pairs.axon, pairs.target, strict=True)
    }
    nodes = {
        "Dataset": 1,
        "Segment": segments,
        "Axon": ax.n,
        "Target": tg.n,
        "Neuron": len(neurons),
        "SpineHead": sh.n,
        "Synapse": sy.n,
        "AxonClass": len(set(ax.classes.frame.name) | set(_class_names(ax))),
        "TargetClass": len(set(tg.classes.frame.name) | set(_class_names(tg))),
    }
    spine = np.zeros(sy.n) if sy.spine_head_id is None else np.asarray(sy.spine_head_id)
    rels = {
        "PRE": len(pre),
        "POST": len(post),
        "MAKES": int((syn.axon > 0).sum()),
        "ONTO": int((syn.target > 0).sum()),
        "ON_SPINE": int((spine > 0).sum()),
        "OF_NEURON": 0 if tg.neuron_id is None else int((np.asarray(tg.neuron_id) > 0).sum()),
        "HAS_SEGMENT": sum(len(a) for a in aggs),
        "IN_CLASS": ax.n + tg.n,
        "CONNECTS_TO": len(pairs),
        "CLASS_CONNECTS_TO": len(class_pairs),
        "SHARES_TARGETS": _pairs_sharing_two(pairs, tg, tg_names),
        "CLASS_SYNAPSES": _class_type_cells(src, conn, ax_names, tg_names),
        "BIFAN": _bifan_count(pairs, tg, tg_names),
    }
    # The histogram's rows are checked by the motif queries against the oracle.
    nodes["MotifHistogram"] = len(motif_frames(src).histogram)
    # The class aggregates are checked by the per-class queries against the oracle.
    nodes["AxonFraction"] = len(class_stats.axon_fractions(src))
    nodes["AxonDivergence"] = len(class_stats.divergence(src))
    nodes["TargetConvergence"] = len(class_stats.convergence(src))
    rels["CLASS_MULTIPLICITY"] = len(class_pairs)
    return nodes, rels


def _class_type_cells(src: SourceDataset, conn: pd.DataFrame, ax_names: dict[Any, Any],
                      tg_names: dict[Any, Any]) -> int:
    """(axon class, target class) cells plus (axon class, target class, type) cells."""
    ax, tg, sy = src.axons, src.targets, src.synapses
    st_names = dict(zip(sy.types.frame.code, sy.types.frame.name, strict=True))
    cells = {
        (ax_names.get(int(ax.class_code[a - 1]), "Unknown"),
         tg_names.get(int(tg.class_code[t - 1]), "Unknown"),
         st_names.get(int(sy.type_code[s]), "Unknown"))
        for a, t, s in zip(conn.axon, conn.target, conn.index, strict=True)
    }
    return len(cells) + len({c[:2] for c in cells})


def _bifan_count(pairs: pd.DataFrame, tg: Any, tg_names: dict[Any, Any]) -> int:
    """Bi-fans over all targets plus per target class: n (n - 1) / 2 per pair sharing n."""
    frame = pairs.assign(
        cls=[tg_names.get(int(tg.class_code[t - 1]), "Unknown") for t in pairs.target]
    )
    both = frame.merge(frame, on="target")
    both = both[both.axon_x < both.axon_y]
    every = both.groupby(["axon_x", "axon_y"]).size()
    per_class = both.groupby(["cls_x", "axon_x", "axon_y"]).size()
    return int((every * (every - 1) // 2).sum() + (per_class * (per_class - 1) // 2).sum())


def _pairs_sharing_two(pairs: pd.DataFrame, tg: Any, tg_names: dict[Any, Any]) -> int:
    """Axon pairs sharing at least two targets: over all targets plus per target class."""
    frame = pairs.assign(
        cls=[tg_names.get(int(tg.class_code[t - 1]), "Unknown") for t in pairs.target]
    )
    both = frame.merge(frame, on="target")
    both = both[both.axon_x < both.axon_y]
    every = both.groupby(["axon_x", "axon_y"]).size()
    per_class = both.groupby(["cls_x", "axon_x", "axon_y"]).size()
    return int((every >= 2).sum() + (per_class >= 2).sum())


def axon_contacts(src: SourceDataset, axon: int) -> pd.DataFrame:
    """Targets of ``axon`` with their connectome synapse counts: columns target, synapses."""
    syn = synapse_table(src)
    mine = syn[(syn.axon == axon) & (syn.target > 0)]
    out = mine.groupby("target").size().rename("synapses").reset_index()
    return out.sort_values("target").reset_index(drop=True)


def neuron_input_classes(src: SourceDataset, neuron: int) -> pd.DataFrame:
    """Axon classes feeding ``neuron`` (summed over its targets): columns axon_class,
    synapses."""
    syn = synapse_table(src)
    tg, ax = src.targets, src.axons
    neuron_of = np.concatenate([[0], np.asarray(tg.neuron_id)])
    syn = syn[(syn.axon > 0) & (syn.target > 0)]
    syn = syn[neuron_of[syn.target.to_numpy()] == neuron]
    names = dict(zip(ax.classes.frame.code, ax.classes.frame.name, strict=True))
    cls = [names.get(int(ax.class_code[a - 1]), "Unknown") for a in syn.axon]
    out = pd.Series(cls, dtype=object).value_counts().rename_axis("axon_class")
    out = out.rename("synapses").reset_index()
    return out.sort_values("axon_class").reset_index(drop=True)


def synapse_segments(src: SourceDataset, synapse: int) -> tuple[list[int], list[int]]:
    """Pre and post segments of one synapse, one per published element (zeros dropped),
    sorted."""
    pre = sorted(int(s) for s in src.synapses.pre_seg.element(synapse) if s != 0)
    post = sorted(int(s) for s in src.synapses.post_seg.element(synapse) if s != 0)
    return pre, post

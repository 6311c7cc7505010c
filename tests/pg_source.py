"""A small, seeded SourceDataset built in memory for the warehouse tests (no files needed).

It holds every case the loader must map: 0 IDs (→ NULL), NaN measurements (→ NULL), codes
missing from the code tables (``unknown``) and code 0 (``undefined``), flight-path skeleton
nodes (segment 0), self-edge skeletons, repeated segments within a synapse's set, optional
positions, segments and the class connectome.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd

from connectomedb.etl.frames import (
    Axons,
    ClassConnectome,
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

AXON_CODES = [
    (1, "corticocortical", "Corticocortical"),
    (2, "thalamocortical", "Thalamocortical"),
    (3, "inhibitory", "Inhibitory"),
    (4, "other", "Other"),
]
TARGET_CODES = [
    (1, "apicaldendrite", "ApicalDendrite"),
    (2, "axoninitialsegment", "AxonInitialSegment"),
    (3, "ignore", "Unknown"),
    (4, "otherdendrite", "OtherDendrite"),
    (5, "smoothdendrite", "SmoothDendrite"),
    (8, "soma", "Soma"),
    (9, "proximaldendrite", "ProximalDendrite"),
]
SYNAPSE_CODES = [
    (1, "primaryspine", "PrimarySpine"),
    (2, "secondaryspine", "SecondarySpine"),
    (3, "shaft", "Shaft"),
    (4, "soma", "Soma"),
]


def _codes(
    rows: list[tuple[int, str, str]], extra: list[tuple[int, str, str, str]] = ()
) -> CodeTable:
    frame = pd.DataFrame(
        [(c, lab, name, "file") for c, lab, name in rows] + list(extra),
        columns=["code", "label", "name", "source"],
    )
    frame["code"] = frame["code"].astype(np.int16)
    return CodeTable(frame)


def _ragged(rng: np.random.Generator, n: int, low: int, high: int, max_value: int) -> Ragged:
    lengths = rng.integers(low, high + 1, n)
    offsets = np.zeros(n + 1, np.int64)
    np.cumsum(lengths, out=offsets[1:])
    return Ragged(rng.integers(1, max_value + 1, int(offsets[-1])).astype(np.int64), offsets)


def _skeletons(rng: np.random.Generator, n: int, n_segments: int) -> Skeletons:
    node_lists, seg_lists, edge_lists = [], [], []
    for _ in range(n):
        k = int(rng.integers(1, 6))
        start = rng.integers(200, 4000, 3)
        steps = rng.integers(-40, 41, (k, 3))
        steps[0] = 0
        node_lists.append((start + np.cumsum(steps, axis=0)).astype(np.int32))
        segs = rng.integers(1, n_segments + 1, k)
        segs[rng.random(k) < 0.2] = 0  # flight-path nodes
        seg_lists.append(segs)
        if k == 1:
            edge_lists.append(np.array([[1, 1]], np.int32))
        else:
            edge_lists.append(
                np.stack([np.arange(1, k), np.arange(2, k + 1)], axis=1).astype(np.int32)
            )
    return Skeletons(
        nodes=Ragged.from_lists(node_lists, np.int32, width=3),
        seg_ids=Ragged.from_lists(seg_lists, np.int64),
        edges=Ragged.from_lists(edge_lists, np.int32, width=2),
    )


def make_source(
    seed: int = 0,
    *,
    n_axons: int = 40,
    n_targets: int = 30,
    n_spine_heads: int = 25,
    n_synapses: int = 300,
    n_segments: int = 500,
    variant: str = "",
    folder: str = "/data/pg-source",
) -> SourceDataset:
    """A consistent dataset; ``variant`` changes the file checksums (a "different file")."""
    rng = np.random.default_rng(seed)
    axon_class = rng.integers(1, 5, n_axons).astype(np.int16)
    axon_class[0] = 0  # undefined
    axon_codes = _codes(AXON_CODES, [(0, "undefined", "Undefined", "unknown")])
    target_class = rng.choice([1, 2, 3, 4, 5, 8, 9, 7], n_targets).astype(np.int16)
    target_class[-1] = 7  # in no code table → unknown
    target_codes = _codes(TARGET_CODES, [(7, "unknown", "Unknown", "unknown")])
    neuron_id = rng.integers(0, 6, n_targets).astype(np.int64)
    mapped = rng.integers(0, 10_000_000_000, n_targets).astype(np.int64)
    mapped[::4] = 0
    axons = Axons(
        n=n_axons,
        class_code=axon_class,
        classes=axon_codes,
        mapped_seg_id=rng.integers(1, 5_000_000_000, n_axons).astype(np.int64),
        agglomerate=_ragged(rng, n_axons, 1, 6, n_segments),
        skeleton=_skeletons(rng, n_axons, n_segments),
    )
    targets = Targets(
        n=n_targets,
        class_code=target_class,
        classes=target_codes,
        neuron_id=neuron_id,
        mapped_seg_id=mapped,
        agglomerate=_ragged(rng, n_targets, 1, 8, n_segments),
        skeleton=_skeletons(rng, n_targets, n_segments),
    )
    volume = rng.random(n_spine_heads).astype(np.float32)
    volume[::7] = np.nan
    spine_heads = SpineHeads(
        n=n_spine_heads, volume=volume, agglomerate=_ragged(rng, n_spine_heads, 1, 3, n_segments)
    )

    def ids(n_max: int, zero_share: float) -> np.ndarray:
        values = rng.integers(1, n_max + 1, n_synapses).astype(np.int64)
        values[rng.random(n_synapses) < zero_share] = 0
        return values

    asi = rng.random(n_synapses) * 2
    asi[rng.random(n_synapses) < 0.15] = np.nan
    pre_seg = _ragged(rng, n_synapses, 1, 3, n_segments)
    pre_seg.values[: min(2, len(pre_seg.values))] = pre_seg.values[0]  # a repeated segment
    synapses = Synapses(
        n=n_synapses,
        type_code=rng.integers(1, 5, n_synapses).astype(np.int16),
        types=_codes(SYNAPSE_CODES),
        pre_position=rng.integers(129, 5000, (n_synapses, 3)).astype(np.int32),
        syn_position=rng.integers(129, 5000, (n_synapses, 3)).astype(np.int32),
        post_position=rng.integers(129, 5000, (n_synapses, 3)).astype(np.int32),
        axon_id=ids(n_axons, 0.2),
        split_axon_id=ids(3 * n_axons, 0.3),
        target_id=ids(n_targets, 0.2),
        spine_head_id=ids(n_spine_heads, 0.5),
        asi_area=asi,
        pre_seg=pre_seg,
        post_seg=_ragged(rng, n_synapses, 1, 3, n_segments),
    )
    segments = Segments(
        n=n_segments,
        position=rng.integers(1, 9000, (n_segments, 3)).astype(np.int32),
        voxel_count=rng.integers(1, 100_000, n_segments).astype(np.int64),
    )
    rows = ["Corticocortical", "Thalamocortical", "Inhibitory"]
    cols = ["Soma", "ProximalDendrite", "ApicalDendrite"]
    entries = pd.DataFrame(
        [
            (r, c, rows[r], cols[c], int(rng.integers(1, 50)))
            for r in range(3)
            for c in range(3)
            if (r + c) % 2 == 0
        ],
        columns=["row", "col", "axon_class", "target_class", "synapses"],
    )
    entries["row"] = entries["row"].astype(np.int32)
    entries["col"] = entries["col"].astype(np.int32)
    connectome = ClassConnectome(rows, cols, entries)
    root = Path(folder)
    files = {}
    for name in (
        "axons.hdf5",
        "dendrites.hdf5",
        "synapses.hdf5",
        "segments.hdf5",
        "connectome.csv",
    ):
        digest = hashlib.sha256(f"{seed}/{variant}/{name}".encode()).hexdigest()
        files[name] = FileInfo(root / name, digest, 1000 + len(name), f"synthetic {name}")
    return SourceDataset(
        folder=root,
        files=files,
        axons=axons,
        targets=targets,
        spine_heads=spine_heads,
        synapses=synapses,
        segments=segments,
        connectome=connectome,
    )

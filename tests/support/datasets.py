"""The tests' datasets, built by code.

In memory (no files), seeded, each with the awkward cases on purpose:

* :func:`make_source`: the warehouse tests' dataset: 0 IDs (→ NULL), NaN measurements
  (→ NULL), codes missing from the code tables (``unknown``) and code 0 (``undefined``),
  flight-path skeleton nodes (segment 0), self-edge skeletons, repeated segments within a
  synapse's set, positions, segments and the class connectome;
* :func:`handmade_source`: the graph tests' dataset: synapses without axon or target, NaN ASI
  areas, a code of no attribute, a repeated and a zero segment ID in sets, a skeleton with the
  self-edge (1, 1);
* :func:`synth_source`: the generator's datasets (in memory, or written and read back).

As files: :func:`valid_dataset` writes a valid synthetic folder.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
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


def _published(names: str) -> list[tuple[int, str, str]]:
    """A code table of the published files as (code, label, name) rows, from its names in code
    order (codes count from 1); each label is its name in lower case, ``ignore`` for Unknown."""
    return [
        (code, "ignore" if name == "Unknown" else name.lower(), name)
        for code, name in enumerate(names.split(), start=1)
    ]


#: The code tables of the published files.
AXON_CLASSES = _published("Corticocortical Thalamocortical Inhibitory Other")
PUBLISHED_TARGET_CLASSES = _published(
    "ApicalDendrite AxonInitialSegment Unknown OtherDendrite SmoothDendrite Somata WholeCell Soma "
    "ProximalDendrite"
)
SYNAPSE_TYPES = _published("PrimarySpine SecondarySpine Shaft Soma")
#: The target classes of the in-memory datasets: without Somata (6) and WholeCell (7), codes
#: these datasets give to classes their files do not name.
TARGET_CLASSES = [row for row in PUBLISHED_TARGET_CLASSES if row[0] not in (6, 7)]

#: The files of a synthetic folder (``connectomedb synth``, :func:`valid_dataset`).
SYNTH_FILES = {
    "axons.hdf5",
    "dendrites.hdf5",
    "synapses.hdf5",
    "segments.hdf5",
    "connectome.csv",
    "truth.json",
}


def code_table(entries: list[tuple]) -> CodeTable:
    """A code table from (code, label, name[, source]) rows; the source defaults to ``file``,
    or ``unknown`` for the label ``unknown``."""
    rows = [
        (e[0], e[1], e[2], e[3] if len(e) > 3 else "unknown" if e[1] == "unknown" else "file")
        for e in entries
    ]
    frame = pd.DataFrame(rows, columns=["code", "label", "name", "source"])
    frame["code"] = frame["code"].astype(np.int16)
    return CodeTable(frame)


def fake_files(folder: Path, tag: str) -> dict[str, FileInfo]:
    """Made-up FileInfo of the three required files; ``tag`` changes the checksums (a
    "different file" of the same name)."""
    return {
        name: FileInfo(folder / name, f"{tag}{i:063x}", 1000 + i, None)
        for i, name in enumerate(["axons.hdf5", "dendrites.hdf5", "synapses.hdf5"])
    }


# --- the warehouse tests' dataset -----------------------------------------------------------


def _ragged(rng: np.random.Generator, n: int, low: int, high: int, max_value: int) -> Ragged:
    lengths = rng.integers(low, high + 1, n)
    offsets = np.zeros(n + 1, np.int64)
    np.cumsum(lengths, out=offsets[1:])
    return Ragged(rng.integers(1, max_value + 1, int(offsets[-1])).astype(np.int64), offsets)


def _walk_skeletons(rng: np.random.Generator, n: int, n_segments: int) -> Skeletons:
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
    seed: int = 0, *, n_axons: int = 40, n_synapses: int = 300, variant: str = ""
) -> SourceDataset:
    """A consistent dataset (30 targets, 25 spine heads, 500 segments, in /data/pg-source);
    ``variant`` changes the file checksums (a "different file")."""
    n_targets, n_spine_heads, n_segments = 30, 25, 500
    rng = np.random.default_rng(seed)
    axon_class = rng.integers(1, 5, n_axons).astype(np.int16)
    axon_class[0] = 0  # undefined
    axon_codes = code_table([*AXON_CLASSES, (0, "undefined", "Undefined", "unknown")])
    target_class = rng.choice([1, 2, 3, 4, 5, 8, 9, 7], n_targets).astype(np.int16)
    target_class[-1] = 7  # in no code table → unknown
    target_codes = code_table([*TARGET_CLASSES, (7, "unknown", "Unknown")])
    neuron_id = rng.integers(0, 6, n_targets).astype(np.int64)
    mapped = rng.integers(0, 10_000_000_000, n_targets).astype(np.int64)
    mapped[::4] = 0
    axons = Axons(
        n=n_axons,
        class_code=axon_class,
        classes=axon_codes,
        mapped_seg_id=rng.integers(1, 5_000_000_000, n_axons).astype(np.int64),
        agglomerate=_ragged(rng, n_axons, 1, 6, n_segments),
        skeleton=_walk_skeletons(rng, n_axons, n_segments),
    )
    targets = Targets(
        n=n_targets,
        class_code=target_class,
        classes=target_codes,
        neuron_id=neuron_id,
        mapped_seg_id=mapped,
        agglomerate=_ragged(rng, n_targets, 1, 8, n_segments),
        skeleton=_walk_skeletons(rng, n_targets, n_segments),
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
        types=code_table(SYNAPSE_TYPES),
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
    root = Path("/data/pg-source")
    return SourceDataset(
        folder=root,
        files=_checksummed_files(root, f"{seed}/{variant}"),
        segments=Segments(
            n=n_segments,
            position=rng.integers(1, 9000, (n_segments, 3)).astype(np.int32),
            voxel_count=rng.integers(1, 100_000, n_segments).astype(np.int64),
        ),
        connectome=_class_connectome(rng),
        axons=axons,
        targets=targets,
        spine_heads=spine_heads,
        synapses=synapses,
    )


def _class_connectome(rng: np.random.Generator) -> ClassConnectome:
    """Three axon classes by three target classes, every other cell filled."""
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
    return ClassConnectome(rows, cols, entries)


def _checksummed_files(root: Path, key: str) -> dict[str, FileInfo]:
    """FileInfo of the five files of a folder, with checksums made from ``key``."""
    files = {}
    for name in (
        "axons.hdf5",
        "dendrites.hdf5",
        "synapses.hdf5",
        "segments.hdf5",
        "connectome.csv",
    ):
        digest = hashlib.sha256(f"{key}/{name}".encode()).hexdigest()
        files[name] = FileInfo(root / name, digest, 1000 + len(name), f"synthetic {name}")
    return files


# --- the graph tests' dataset ---------------------------------------------------------------


def _sets(rng: np.random.Generator, n: int, n_seg: int, lo: int, hi: int) -> Ragged:
    items = [rng.integers(1, n_seg + 1, rng.integers(lo, hi + 1)) for _ in range(n)]
    return Ragged.from_lists(items)


def _chain_skeletons(rng: np.random.Generator, n: int) -> Skeletons:
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
    n_synapses: int = 80,
    with_segments: bool = True,
    tag: str = "a",
) -> SourceDataset:
    """A small dataset (10 spine heads, 60 segments, in /data/handmade); ``tag`` changes the
    file checksums (a "different file" of the same name)."""
    n_spines, n_segments, folder = 10, 60, "/data/handmade"
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
    files = fake_files(Path(folder), tag)
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
            classes=code_table([*AXON_CLASSES, (7, "unknown", "Unknown")]),
            mapped_seg_id=rng.integers(0, 3, n_axons).astype(np.int64),
            agglomerate=_sets(rng, n_axons, n_segments, 1, 4),
            skeleton=_chain_skeletons(rng, n_axons),
        ),
        targets=Targets(
            n=n_targets,
            class_code=tg_class,
            classes=code_table(
                [*TARGET_CLASSES, (12, "unknown", "Unknown"), (6, "unknown", "Unknown")]
            ),
            neuron_id=neuron,
            mapped_seg_id=None,
            agglomerate=_sets(rng, n_targets, n_segments + 5, 1, 4),  # some beyond segments.hdf5
            skeleton=_chain_skeletons(rng, n_targets),
        ),
        spine_heads=SpineHeads(
            n=n_spines,
            volume=rng.uniform(0.01, 0.2, n_spines).astype(np.float32),
            agglomerate=_sets(rng, n_spines, n_segments, 1, 2),
        ),
        synapses=Synapses(
            n=n_synapses,
            type_code=rng.integers(1, 5, n_synapses).astype(np.int16),
            types=code_table(SYNAPSE_TYPES),
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
    return replace(src, files=fake_files(src.folder, tag))


def synth_source(scale: str, tmp_dir: Path | None = None, seed: int = 0) -> SourceDataset:
    """The generator's dataset: written to ``tmp_dir`` and read back with the extractor when a
    folder is given (real files and checksums), else in memory with made-up checksums."""
    from connectomedb.synth import generate, write

    result = generate(scale, seed=seed)
    if tmp_dir is None:
        return with_fake_files(result.dataset, f"{scale}{seed}")
    from connectomedb.etl.extract import read_dataset

    return read_dataset(write(result, tmp_dir))


def valid_dataset(folder: Path, seed: int = 0, scale: str = "tiny") -> Path:
    """A valid synthetic dataset written to ``folder`` (returned)."""
    from connectomedb.synth import generate, write

    write(generate(scale, seed), folder)
    return folder

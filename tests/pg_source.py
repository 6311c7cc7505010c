"""A small, seeded SourceDataset built in memory for the warehouse tests (no files needed).

It holds every case the loader must map: 0 IDs (→ NULL), NaN measurements (→ NULL), codes
missing from the code tables (``unknown``) and code 0 (``undefined``), flight-path skeleton
nodes (segment 0), self-edge skeletons, repeated segments within a synapse's set, optional
positions, segments and the class connectome.
"""

from __future__ import annotations

import hashlib
import math
from pathlib import Path

import numpy as np
import pandas as pd
import psycopg

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
from connectomedb.schema import DATA_TABLES

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


# --- reading back and comparing ------------------------------------------------------------

VOXEL = np.array([11.24, 11.24, 28.0])


def _query(url: str, text: str, params: tuple = ()) -> pd.DataFrame:
    with psycopg.connect(url) as conn:
        cur = conn.execute(text, params)
        names = [d.name for d in cur.description]
        return pd.DataFrame(cur.fetchall(), columns=names)


def _dataset_id(url: str, name: str) -> int:
    return int(_query(url, "select dataset_id from dataset where name = %s", (name,)).iloc[0, 0])


def _table(url: str, table: str, name: str) -> pd.DataFrame:
    """All rows of a table for one dataset, without dataset_id, in a canonical order."""
    frame = _query(
        url,
        f"select t.* from {table} t join dataset d using (dataset_id) where d.name = %s",
        (name,),
    ).drop(columns=["dataset_id"])
    return frame.sort_values(list(frame.columns)).reset_index(drop=True)


def _none(values: np.ndarray, null: np.ndarray) -> list:
    return [None if n else v for v, n in zip(values.tolist(), null.tolist(), strict=True)]


def _membership(owner: str, ragged) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    rows = [(i, int(s)) for i, items in enumerate(ragged.to_lists(), 1) for s in items]
    return pd.DataFrame(rows, columns=[owner, "segment_id"])


def _path_length(skel) -> list[float]:  # type: ignore[no-untyped-def]
    out = []
    for i in range(1, len(skel.nodes) + 1):
        nodes = skel.nodes.element(i).astype(float)
        out.append(
            sum(
                math.dist(nodes[a - 1] * VOXEL, nodes[b - 1] * VOXEL) / 1000
                for a, b in skel.edges.element(i)
            )
        )
    return out


def expected_tables(src: SourceDataset) -> dict[str, pd.DataFrame]:
    """Every table as the model says it must look, computed straight from the source."""
    ax, tg, sh, sy = src.axons, src.targets, src.spine_heads, src.synapses
    assert ax.skeleton is not None and tg.skeleton is not None and src.segments is not None
    out: dict[str, pd.DataFrame] = {}
    for table, codes in (
        ("axon_class", ax.classes),
        ("target_class", tg.classes),
        ("synapse_type", sy.types),
    ):
        out[table] = codes.frame[["code", "label", "name"]].astype({"code": int})
    seg = src.segments
    out["segment"] = pd.DataFrame(
        {
            "segment_id": np.arange(1, seg.n + 1),
            "x": seg.position[:, 0],
            "y": seg.position[:, 1],
            "z": seg.position[:, 2],
            "voxel_count": seg.voxel_count,
        }
    )
    out["neuron"] = pd.DataFrame({"neuron_id": sorted({int(v) for v in tg.neuron_id if v})})
    out["axon"] = pd.DataFrame(
        {
            "axon_id": np.arange(1, ax.n + 1),
            "class_code": ax.class_code,
            "mapped_seg_id": _none(ax.mapped_seg_id, ax.mapped_seg_id == 0),
            "path_length_um": _path_length(ax.skeleton),
        }
    )
    out["target"] = pd.DataFrame(
        {
            "target_id": np.arange(1, tg.n + 1),
            "class_code": tg.class_code,
            "neuron_id": _none(tg.neuron_id, tg.neuron_id == 0),
            "mapped_seg_id": _none(tg.mapped_seg_id, tg.mapped_seg_id == 0),
            "path_length_um": _path_length(tg.skeleton),
        }
    )
    out["spine_head"] = pd.DataFrame(
        {
            "spine_head_id": np.arange(1, sh.n + 1),
            "volume_um3": _none(sh.volume, np.isnan(sh.volume)),
        }
    )
    out["axon_segment"] = _membership("axon_id", ax.agglomerate)
    out["target_segment"] = _membership("target_id", tg.agglomerate)
    out["spine_head_segment"] = _membership("spine_head_id", sh.agglomerate)
    out["synapse_pre_segment"] = _membership("synapse_id", sy.pre_seg)
    out["synapse_post_segment"] = _membership("synapse_id", sy.post_seg)
    for kind, owner, skel in (
        ("axon", "axon_id", ax.skeleton),
        ("target", "target_id", tg.skeleton),
    ):
        nodes, edges = [], []
        for i in range(1, len(skel.nodes) + 1):
            for k, (xyz, seg_id) in enumerate(
                zip(skel.nodes.element(i), skel.seg_ids.element(i), strict=True), 1
            ):
                nodes.append((i, k, *map(int, xyz), int(seg_id) or None))
            edges += [(i, int(a), int(b)) for a, b in skel.edges.element(i)]
        out[f"{kind}_skeleton_node"] = pd.DataFrame(
            nodes, columns=[owner, "node_index", "x", "y", "z", "segment_id"]
        )
        out[f"{kind}_skeleton_edge"] = pd.DataFrame(
            edges, columns=[owner, "source_index", "target_index"]
        )
    syn = {"synapse_id": np.arange(1, sy.n + 1), "type_code": sy.type_code}
    for prefix, pos in (
        ("pre_", sy.pre_position),
        ("syn_", sy.syn_position),
        ("post_", sy.post_position),
    ):
        for i, a in enumerate("xyz"):
            syn[prefix + a] = pos[:, i]
    for col, values in (
        ("axon_id", sy.axon_id),
        ("split_axon_id", sy.split_axon_id),
        ("target_id", sy.target_id),
        ("spine_head_id", sy.spine_head_id),
    ):
        syn[col] = _none(values, values == 0)
    syn["asi_area"] = _none(sy.asi_area, np.isnan(sy.asi_area))
    out["synapse"] = pd.DataFrame(syn)
    assert src.connectome is not None
    out["class_connectome"] = src.connectome.entries.rename(
        columns={"row": "row_index", "col": "col_index"}
    )
    out.update(_motif_tables(src))
    return out


def _class_key(table: CodeTable, codes: np.ndarray) -> np.ndarray:
    """The smallest code of the table with each code's name."""
    frame = table.frame
    names = dict(zip(frame.code.astype(int), frame.name, strict=True))
    smallest = frame.groupby("name").code.min()
    return np.array([int(smallest[names[int(c)]]) for c in codes])


def _class_stats(src: SourceDataset) -> pd.DataFrame:
    """class_synapse_stat with pandas: per class pair and type, and over every type."""
    sy, ax, tg = src.synapses, src.axons, src.targets

    def names(table: CodeTable, codes: np.ndarray) -> list[str]:
        lookup = dict(zip(table.frame.code.astype(int), table.frame.name, strict=True))
        return [lookup.get(int(c), "Unknown") for c in codes]

    keep = (sy.axon_id > 0) & (sy.target_id > 0)
    syn = pd.DataFrame({
        "axon_class": names(ax.classes, ax.class_code[sy.axon_id[keep] - 1]),
        "target_class": names(tg.classes, tg.class_code[sy.target_id[keep] - 1]),
        "synapse_type": names(sy.types, sy.type_code[keep]),
        "asi": sy.asi_area[keep],
    })
    parts = []
    for keys in (["axon_class", "target_class"], ["axon_class", "target_class", "synapse_type"]):
        g = syn.groupby(keys).asi
        part = pd.DataFrame({
            "synapses": g.size(), "asi_count": g.count(), "asi_mean": g.mean(),
            "asi_median": g.quantile(0.5), "asi_q1": g.quantile(0.25), "asi_q3": g.quantile(0.75),
        }).reset_index()
        if "synapse_type" not in part:
            part["synapse_type"] = None
        parts.append(part)
    out = pd.concat(parts, ignore_index=True).astype(object)
    return out.where(out.notna(), None)


def _motif_tables(src: SourceDataset) -> dict[str, pd.DataFrame]:
    """connection and axon_pair straight from the synapses; motif_histogram as built (its
    contents are checked by the motif queries against the oracle)."""
    from connectomedb.etl import class_stats
    from connectomedb.etl.motifs import motif_frames

    sy, ax, tg = src.synapses, src.axons, src.targets
    syn = pd.DataFrame({"axon_id": sy.axon_id, "target_id": sy.target_id})
    syn = syn[(syn.axon_id > 0) & (syn.target_id > 0)]
    conn = syn.groupby(["axon_id", "target_id"]).size().rename("synapses").reset_index()
    a_key = _class_key(ax.classes, ax.class_code[conn.axon_id - 1])
    t_key = _class_key(tg.classes, tg.class_code[conn.target_id - 1])
    neuron = np.asarray(tg.neuron_id)[conn.target_id - 1]
    connection = pd.DataFrame(
        {
            "axon_id": conn.axon_id,
            "target_id": conn.target_id,
            "axon_class_key": a_key,
            "target_class_key": t_key,
            "neuron_id": _none(neuron, neuron == 0),
            "synapses": conn.synapses,
        }
    )
    both = connection.merge(connection, on="target_id")
    both = both[both.axon_id_x < both.axon_id_y]
    pairs = []
    for scope, rows in [(None, both), *both.groupby("target_class_key_x")]:
        shared = rows.groupby(["axon_id_x", "axon_id_y"]).size()
        shared = shared[shared >= 2].rename("shared").reset_index()
        pairs.append(
            pd.DataFrame(
                {
                    "axon_a": shared.axon_id_x,
                    "axon_b": shared.axon_id_y,
                    "axon_a_class_key": _class_key(ax.classes, ax.class_code[shared.axon_id_x - 1]),
                    "axon_b_class_key": _class_key(ax.classes, ax.class_code[shared.axon_id_y - 1]),
                    "target_class_key": [scope] * len(shared),
                    "shared": shared.shared,
                }
            )
        )
    histogram = motif_frames(src).histogram.astype(object)
    histogram = histogram.where(histogram.notna(), None)
    return {
        "class_synapse_stat": _class_stats(src),
        "connection": connection,
        "axon_pair": pd.concat(pairs, ignore_index=True).astype(object),
        "motif_histogram": histogram,
        # The class aggregates, as connectomedb.etl.class_stats builds them (their values are
        # checked by the per-class queries against the oracle).
        **{f.table: _nulls_as_none(f.to_pandas()) for f in class_stats.table_frames(src)},
    }


def _nulls_as_none(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.astype(object)
    return frame.where(frame.notna(), None)


FLOAT_COLUMNS = {"path_length_um", "asi_area", "volume_um3", "asi_mean", "asi_median", "asi_q1",
                 "asi_q3"}


def _norm(value: object, column: str) -> object:
    """One comparable value: NULL/NaN → None, numbers as float (rounded where computed)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, str):
        return value
    number = float(value)  # type: ignore[arg-type]
    if math.isnan(number):
        return None
    return round(number, 5) if column in FLOAT_COLUMNS else number


def _rows(frame: pd.DataFrame, columns: list[str]) -> list[tuple]:
    rows = [
        tuple(_norm(v, c) for v, c in zip(row, columns, strict=True))
        for row in frame[columns].itertuples(index=False, name=None)
    ]
    return sorted(rows, key=lambda r: tuple((v is None, v if v is not None else 0) for v in r))


def assert_dataset_equals(url: str, name: str, src: SourceDataset) -> None:
    expected = expected_tables(src)
    assert set(expected) == {t.name for t in DATA_TABLES}
    for table, want in expected.items():
        got = _table(url, table, name)
        columns = list(got.columns)
        assert sorted(columns) == sorted(want.columns), table
        assert _rows(got, columns) == _rows(want, columns), table


def snapshot(url: str) -> dict[str, list]:
    """Every row of every table (datasets and data), to show a failed load changed nothing."""
    out = {}
    with psycopg.connect(url) as conn:
        for table in ["dataset"] + [t.name for t in DATA_TABLES]:
            out[table] = sorted(map(repr, conn.execute(f"select * from {table}").fetchall()))
        out["partitions"] = sorted(
            r[0]
            for r in conn.execute(
                "select relname from pg_class c join pg_namespace n on n.oid = c.relnamespace"
                " where n.nspname = 'connectomedb_partitions' and c.relkind = 'r'"
            ).fetchall()
        )
    return out

"""Reading a loaded dataset back from PostgreSQL and comparing it with what the model says
its tables must hold (computed straight from the source)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import psycopg

from connectomedb.etl.frames import CodeTable, SourceDataset
from connectomedb.schema import DATA_TABLES
from support.stores import query_frame

VOXEL = np.array([11.24, 11.24, 28.0])


def read_frame(url: str, text: str, params: tuple = ()) -> pd.DataFrame:
    """The rows of ``text`` run on ``url`` as a DataFrame with the statement's column names."""
    with psycopg.connect(url) as conn:
        return query_frame(conn, text, params)


def fetch_rows(url: str, text: str, params: tuple = ()) -> list[tuple]:
    """The rows of ``text`` run on ``url``."""
    with psycopg.connect(url) as conn:
        return conn.execute(text, params).fetchall()


def dataset_id(url: str, name: str) -> int:
    frame = read_frame(url, "select dataset_id from dataset where name = %s", (name,))
    return int(frame.iloc[0, 0])


def read_table(url: str, table: str, name: str) -> pd.DataFrame:
    """All rows of a table for one dataset, without dataset_id, in a canonical order."""
    frame = read_frame(
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
    syn = pd.DataFrame(
        {
            "axon_class": names(ax.classes, ax.class_code[sy.axon_id[keep] - 1]),
            "target_class": names(tg.classes, tg.class_code[sy.target_id[keep] - 1]),
            "synapse_type": names(sy.types, sy.type_code[keep]),
            "asi": sy.asi_area[keep],
        }
    )
    parts = []
    for keys in (["axon_class", "target_class"], ["axon_class", "target_class", "synapse_type"]):
        g = syn.groupby(keys).asi
        part = pd.DataFrame(
            {
                "synapses": g.size(),
                "asi_count": g.count(),
                "asi_mean": g.mean(),
                "asi_median": g.quantile(0.5),
                "asi_q1": g.quantile(0.25),
                "asi_q3": g.quantile(0.75),
            }
        ).reset_index()
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
        # The rows of connectome_synapse and of the BI views, as connectomedb.etl.bi_tables
        # builds them (test_bi_tables.py checks them against the views' SQL).
        **{f.table: _nulls_as_none(f.to_pandas()) for f in _bi_frames(src)},
    }


def _bi_frames(src: SourceDataset) -> list:
    from connectomedb.etl.bi_tables import bi_table_frames
    from connectomedb.etl.transform import transform

    frames = transform(src)
    return list(
        bi_table_frames(
            src,
            frames["axon"].column("path_length_um"),
            frames["target"].column("path_length_um"),
        )
    )


def _nulls_as_none(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.astype(object)
    return frame.where(frame.notna(), None)


FLOAT_COLUMNS = {
    "path_length_um",
    "asi_area",
    "volume_um3",
    "asi_mean",
    "asi_median",
    "asi_q1",
    "asi_q3",
}


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
        got = read_table(url, table, name)
        columns = list(got.columns)
        assert sorted(columns) == sorted(want.columns), table
        assert _rows(got, columns) == _rows(want, columns), table


def snapshot(url: str) -> dict[str, list]:
    """Every row of every table (datasets and data), to show a failed load changed nothing."""
    out = {}
    with psycopg.connect(url) as conn:
        for table in ["dataset"] + [t.name for t in DATA_TABLES]:
            out[table] = sorted(map(repr, conn.execute(f"select * from {table}").fetchall()))
        for key, schema in (
            ("partitions", "connectomedb_partitions"),
            ("staged", "connectomedb_staging"),
        ):
            out[key] = sorted(
                r[0]
                for r in conn.execute(
                    "select relname from pg_class c join pg_namespace n on n.oid = c.relnamespace"
                    " where n.nspname = %s and c.relkind = 'r'",
                    (schema,),
                ).fetchall()
            )
    return out

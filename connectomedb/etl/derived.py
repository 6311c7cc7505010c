"""The frames of the tables derived at load time from the source (``connection``,
``axon_pair``, ``motif_histogram``, ``class_synapse_stat``), and their row counts."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

from connectomedb.etl import class_stats
from connectomedb.etl.bi_tables import bi_row_counts
from connectomedb.etl.frames import CodeTable, SourceDataset
from connectomedb.etl.tables import Column, TableFrame, zero_is_null


def class_keys(table: CodeTable, names: pd.Series) -> np.ndarray:
    """The class key of each name: the smallest code of the table with that name."""
    frame = table.frame
    smallest = frame.groupby(frame["name"].astype(str))["code"].min()
    # The few distinct names are looked up, not every row's (names are Arrow strings here).
    codes, distinct = pd.factorize(names)
    found = smallest.reindex(pd.Index(distinct).astype(str))
    if found.isna().any():  # pragma: no cover - every code of the data is in its table
        raise ValueError(f"class names without a code: {sorted(found.index[found.isna()])}")
    return found.to_numpy(np.int16)[codes]


def class_key_column(name: str, table: CodeTable, names: pd.Series) -> Column:
    """The column ``<name>_key`` of the class keys of ``names``; a missing name (every class)
    is NULL."""
    null = names.isna().to_numpy()
    keys = np.zeros(len(names), dtype=np.int16)
    if (~null).any():
        keys[~null] = class_keys(table, names[~null])
    return Column(f"{name}_key", keys, null if null.any() else None)


def _int32(frame: pd.DataFrame, *names: str) -> list[Column]:
    return [Column(name, frame[name].to_numpy(np.int32)) for name in names]


def motif_table_frames(source: SourceDataset) -> Iterator[TableFrame]:
    """The derived tables ``connection``, ``axon_pair`` and ``motif_histogram``
    (:mod:`connectomedb.etl.motifs`)."""
    from connectomedb.etl.motifs import motif_frames

    m = motif_frames(source)
    ac, tc = source.axons.classes, source.targets.classes
    c = m.connections
    neuron = c["neuron_id"].to_numpy(np.int64, na_value=0)
    yield TableFrame(
        "connection",
        len(c),
        (
            *_int32(c, "axon_id", "target_id"),
            class_key_column("axon_class", ac, c["axon_class"]),
            class_key_column("target_class", tc, c["target_class"]),
            zero_is_null("neuron_id", neuron.astype(np.int32), len(c), np.int32),
            *_int32(c, "synapses"),
        ),
    )
    p = m.pairs
    pair_keys = [
        class_key_column(name, table, p[name])
        for name, table in (("axon_a_class", ac), ("axon_b_class", ac), ("target_class", tc))
    ]
    yield TableFrame(
        "axon_pair", len(p), (*_int32(p, "axon_a", "axon_b"), *pair_keys, *_int32(p, "shared"))
    )
    h = m.histogram
    yield TableFrame(
        "motif_histogram",
        len(h),
        (
            Column("motif", h["motif"].to_numpy(object)),
            *(
                Column(name, h[name].to_numpy(object), h[name].isna().to_numpy())
                for name in ("axon_class", "target_class")
            ),
            Column("value", h["value"].to_numpy(np.int32)),
            Column("instances", h["instances"].to_numpy(np.int64)),
        ),
    )


def class_stat_frame(source: SourceDataset) -> TableFrame:
    """``class_synapse_stat`` (:mod:`connectomedb.etl.class_stats`)."""
    from connectomedb.etl.class_stats import class_synapse_stats

    f = class_synapse_stats(source)
    columns = []
    for name in f.columns:
        series = f[name]
        null = series.isna().to_numpy()
        if name in ("axon_class", "target_class", "synapse_type"):
            values = series.to_numpy(object)
        elif name in ("synapses", "asi_count"):
            values = series.to_numpy(np.int64)
        else:
            values = series.to_numpy(np.float64)
        columns.append(Column(name, values, null if null.any() else None))
    return TableFrame("class_synapse_stat", len(f), tuple(columns))


def derived_row_counts(source: SourceDataset) -> dict[str, int]:
    from connectomedb.etl.motifs import motif_frames

    m = motif_frames(source)
    return {
        "connection": len(m.connections),
        "axon_pair": len(m.pairs),
        "motif_histogram": len(m.histogram),
        "class_synapse_stat": class_stat_frame(source).n,
        **class_stats.table_row_counts(source),
        **bi_row_counts(source),
    }

"""The rows of ``connectome_synapse`` and of the BI views of one dataset (pure, no I/O).

The load writes them in its transaction like every derived table (migration 0011), so that
nothing is recomputed over the datasets already loaded. They are computed here, from the
frames the load already holds, rather than by ``INSERT ... SELECT`` over the new partitions:
at full scale the views' queries for one dataset take about 10 s inside PostgreSQL, these
frames about 2 s before the load starts, plus about 3 s to COPY and index them.

Each frame holds what the view of the same name showed for the dataset (migrations 0002,
0003 and 0010 define them in SQL):

``connectome_synapse``
    per connectome synapse: its neurites, type and classes (code, class key: the smallest
    code of the class table with the class's name, name), ASI area, the connectome synapses of
    its axon, of its target and of its axon onto its target's class, and flags marking the
    first row (by synapse ID) per axon and target class and per axon (by target class key,
    a code in no table last, then synapse ID).
``bi_class_matrix_data``
    per axon class x target class with a connectome synapse: synapses, connections, distinct
    axons and targets, and the fraction of the axon class's synapses.
``bi_axon_summary_data`` / ``bi_target_summary_data``
    per axon / target (also those without a synapse): class, synapses, distinct targets and
    neurons / axons, path length, synapses per micrometre (path length > 0) and mean ASI area.
``bi_neuron_inputs_data``
    per neuron and axon class with a connectome synapse between them: synapses, distinct
    targets and axons, and the fraction of the neuron's input synapses.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

from connectomedb.etl.frames import CodeTable, SourceDataset
from connectomedb.etl.motifs import classified_synapses, motif_frames
from connectomedb.etl.per_source import per_source
from connectomedb.etl.tables import Column, TableFrame

#: Sorts a class key after every smallint (a code in no table: NULL, last in SQL's order).
_NO_KEY = 1 << 16


def _code_keys(table: CodeTable, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per code: the smallest code of ``table`` with its name, and whether it has none."""
    frame = table.frame
    names = dict(zip(frame["code"].astype(int).tolist(), frame["name"].astype(str), strict=True))
    smallest = frame.groupby(frame["name"].astype(str))["code"].min().astype(int).to_dict()
    uniq, inverse = np.unique(np.asarray(codes, dtype=np.int64), return_inverse=True)
    keys = np.array([smallest.get(names.get(int(c), ""), _NO_KEY) for c in uniq], np.int64)
    per_code = keys[inverse] if len(codes) else np.zeros(0, np.int64)
    return per_code, per_code == _NO_KEY


def _firsts(groups: np.ndarray, order: np.ndarray) -> np.ndarray:
    """True at the first row of each group of ``groups`` in the row order ``order``."""
    first = np.zeros(len(groups), dtype=bool)
    if len(groups):
        g = groups[order]
        starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
        first[order[starts]] = True
    return first


def _counts(ids: np.ndarray, n: int) -> np.ndarray:
    return np.bincount(ids, minlength=n + 1)[1:].astype(np.int64)


@per_source
def connectome_synapse(source: SourceDataset) -> pd.DataFrame:
    """The rows of ``connectome_synapse`` (module docstring), by synapse ID."""
    ax, tg, sy = source.axons, source.targets, source.synapses
    cs = classified_synapses(source)
    rows = np.flatnonzero(cs.keep)
    axon, target = cs.axon_id[rows], cs.target_id[rows]
    axon_code = np.asarray(ax.class_code, np.int64)[axon - 1]
    target_code = np.asarray(tg.class_code, np.int64)[target - 1]
    axon_key, axon_no_key = _code_keys(ax.classes, axon_code)
    target_key, target_no_key = _code_keys(tg.classes, target_code)
    neuron = (
        np.zeros(len(rows), np.int64)
        if tg.neuron_id is None
        else np.asarray(tg.neuron_id, np.int64)[target - 1]
    )
    # One group per axon and target class key (NULL keys together, as SQL's PARTITION BY).
    group = axon * (_NO_KEY + 1) + target_key
    _, inverse, sizes = np.unique(group, return_inverse=True, return_counts=True)
    synapse_id = rows + 1
    return pd.DataFrame(
        {
            "synapse_id": synapse_id,
            "axon_id": axon,
            "target_id": target,
            "neuron_id": neuron,
            "type_code": np.asarray(sy.type_code, np.int64)[rows],
            "synapse_type": cs.type_names[cs.type_index[rows]],
            "axon_code": axon_code,
            "axon_class_key": np.where(axon_no_key, 0, axon_key),
            "axon_class_key_null": axon_no_key,
            "axon_class": cs.axon_names[cs.axon_class[axon - 1]],
            "target_code": target_code,
            "target_class_key": np.where(target_no_key, 0, target_key),
            "target_class_key_null": target_no_key,
            "target_class": cs.target_names[cs.target_class[target - 1]],
            "asi_area": cs.asi[rows],
            "axon_synapses": _counts(axon, ax.n)[axon - 1],
            "target_synapses": _counts(target, tg.n)[target - 1],
            "axon_target_class_synapses": sizes[inverse].astype(np.int64),
            # rows are in synapse ID order: a stable sort keeps it within each group
            "first_of_axon_target_class": _firsts(group, np.argsort(group, kind="stable")),
            "first_of_axon": _firsts(axon, np.lexsort((synapse_id, target_key, axon))),
        }
    )


def _mean_asi(ids: np.ndarray, asi: np.ndarray, n: int) -> np.ndarray:
    """Per ID 1..n the mean of its non-NULL ASI areas (NaN when it has none), summed in row
    order as PostgreSQL's avg() does."""
    known = ~np.isnan(asi)
    total = np.bincount(ids[known], weights=asi[known], minlength=n + 1)[1:]
    count = np.bincount(ids[known], minlength=n + 1)[1:]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def _per_um(synapses: np.ndarray, path_length: np.ndarray, null: np.ndarray | None) -> Column:
    """synapses / path length where the length is known and > 0, else NULL."""
    missing = ~(path_length > 0) if null is None else (null | ~(path_length > 0))
    with np.errstate(invalid="ignore", divide="ignore"):
        values = np.where(missing, 0.0, synapses / np.where(missing, 1.0, path_length))
    return Column("synapses_per_um", values, missing if missing.any() else None)


def _nan_null(name: str, values: np.ndarray) -> Column:
    null = np.isnan(values)
    return Column(name, np.where(null, 0.0, values), null if null.any() else None)


def _text(name: str, values: np.ndarray) -> Column:
    return Column(name, np.asarray(values, dtype=object))


def _int(name: str, values: object, dtype: type = np.int64) -> Column:
    return Column(name, np.asarray(values).astype(dtype))


def _with_fraction(out: pd.DataFrame, whole: str) -> pd.DataFrame:
    """``out`` with ``fraction``: each row's synapses over those of its ``whole`` column's
    value (its axon class, its neuron)."""
    total = out.groupby(whole)["synapses"].transform("sum")
    out["fraction"] = out["synapses"].to_numpy(np.float64) / total.to_numpy(np.float64)
    return out


@per_source
def class_matrix(source: SourceDataset) -> pd.DataFrame:
    """The rows of ``bi_class_matrix_data``, by axon class and target class."""
    c = motif_frames(source).connections
    out = (
        c.groupby(["axon_class", "target_class"], sort=True)
        .agg(
            synapses=("synapses", "sum"),
            connections=("synapses", "size"),
            axons=("axon_id", "nunique"),
            targets=("target_id", "nunique"),
        )
        .reset_index()
    )
    return _with_fraction(out, "axon_class")


@per_source
def neuron_inputs(source: SourceDataset) -> pd.DataFrame:
    """The rows of ``bi_neuron_inputs_data``, by neuron and axon class."""
    c = motif_frames(source).connections
    c = c[c["neuron_id"].notna()]
    out = (
        c.groupby(["neuron_id", "axon_class"], sort=True)
        .agg(
            synapses=("synapses", "sum"),
            targets=("target_id", "nunique"),
            axons=("axon_id", "nunique"),
        )
        .reset_index()
    )
    return _with_fraction(out, "neuron_id").astype(
        {"neuron_id": np.int64, "synapses": np.int64, "targets": np.int64, "axons": np.int64}
    )


def _distinct_per(ids: np.ndarray, others: np.ndarray, n: int) -> np.ndarray:
    """Per ID 1..n, the distinct values of ``others`` paired with it."""
    if not len(ids):
        return np.zeros(n, np.int64)
    pairs = np.unique(np.stack([ids, others], axis=1), axis=0)
    return _counts(pairs[:, 0], n)


def bi_table_frames(
    source: SourceDataset, axon_length: Column, target_length: Column
) -> Iterator[TableFrame]:
    """The frames of the module docstring's tables; ``axon_length`` and ``target_length`` are
    the ``path_length_um`` columns of the ``axon`` and ``target`` frames."""
    cs = classified_synapses(source)
    s = connectome_synapse(source)
    yield TableFrame(
        "connectome_synapse",
        len(s),
        (
            *(_int(n, s[n], np.int32) for n in ("synapse_id", "axon_id", "target_id")),
            Column("neuron_id", s["neuron_id"].to_numpy(np.int32), _some(s["neuron_id"] == 0)),
            _int("type_code", s["type_code"], np.int16),
            _text("synapse_type", s["synapse_type"]),
            _int("axon_code", s["axon_code"], np.int16),
            _key(s, "axon_class_key"),
            _text("axon_class", s["axon_class"]),
            _int("target_code", s["target_code"], np.int16),
            _key(s, "target_class_key"),
            _text("target_class", s["target_class"]),
            _nan_null("asi_area", s["asi_area"].to_numpy(np.float64)),
            *(
                _int(n, s[n])
                for n in ("axon_synapses", "target_synapses", "axon_target_class_synapses")
            ),
            Column("first_of_axon_target_class", s["first_of_axon_target_class"].to_numpy()),
            Column("first_of_axon", s["first_of_axon"].to_numpy()),
        ),
    )
    m = class_matrix(source)
    yield TableFrame(
        "bi_class_matrix_data",
        len(m),
        (
            _text("axon_class", m["axon_class"]),
            _text("target_class", m["target_class"]),
            *(_int(n, m[n]) for n in ("synapses", "connections", "axons", "targets")),
            Column("fraction", m["fraction"].to_numpy(np.float64)),
        ),
    )
    c = motif_frames(source).connections
    ax, tg = source.axons, source.targets
    axon_ids = np.asarray(s["axon_id"].to_numpy(), np.int64)
    target_ids = np.asarray(s["target_id"].to_numpy(), np.int64)
    asi = s["asi_area"].to_numpy(np.float64)
    conn_axon = c["axon_id"].to_numpy(np.int64)
    conn_target = c["target_id"].to_numpy(np.int64)
    with_neuron = c["neuron_id"].notna().to_numpy()
    axon_synapses = _counts(axon_ids, ax.n)
    yield TableFrame(
        "bi_axon_summary_data",
        ax.n,
        (
            _int("axon_id", np.arange(1, ax.n + 1), np.int32),
            _text("axon_class", cs.axon_names[cs.axon_class]),
            _int("synapses", axon_synapses),
            _int("targets", _counts(conn_axon, ax.n)),
            _int(
                "neurons",
                _distinct_per(
                    conn_axon[with_neuron],
                    c["neuron_id"][with_neuron].to_numpy(np.int64),
                    ax.n,
                ),
            ),
            axon_length,
            _per_um(axon_synapses, axon_length.values, axon_length.null),
            _nan_null("asi_area_mean", _mean_asi(axon_ids, asi, ax.n)),
        ),
    )
    target_synapses = _counts(target_ids, tg.n)
    neuron = np.zeros(tg.n, np.int64) if tg.neuron_id is None else np.asarray(tg.neuron_id)
    yield TableFrame(
        "bi_target_summary_data",
        tg.n,
        (
            _int("target_id", np.arange(1, tg.n + 1), np.int32),
            _text("target_class", cs.target_names[cs.target_class]),
            Column("neuron_id", neuron.astype(np.int32), _some(neuron == 0)),
            _int("synapses", target_synapses),
            _int("axons", _counts(conn_target, tg.n)),
            target_length,
            _per_um(target_synapses, target_length.values, target_length.null),
            _nan_null("asi_area_mean", _mean_asi(target_ids, asi, tg.n)),
        ),
    )
    i = neuron_inputs(source)
    yield TableFrame(
        "bi_neuron_inputs_data",
        len(i),
        (
            _int("neuron_id", i["neuron_id"], np.int32),
            _text("axon_class", i["axon_class"]),
            *(_int(n, i[n]) for n in ("synapses", "targets", "axons")),
            Column("fraction", i["fraction"].to_numpy(np.float64)),
        ),
    )


def _some(null: object) -> np.ndarray | None:
    mask = np.asarray(null, dtype=bool)
    return mask if mask.any() else None


def _key(frame: pd.DataFrame, name: str) -> Column:
    return Column(name, frame[name].to_numpy(np.int16), _some(frame[f"{name}_null"]))


def bi_row_counts(source: SourceDataset) -> dict[str, int]:
    """Rows each table of the module docstring holds for ``source``."""
    return {
        "connectome_synapse": len(connectome_synapse(source)),
        "bi_class_matrix_data": len(class_matrix(source)),
        "bi_axon_summary_data": source.axons.n,
        "bi_target_summary_data": source.targets.n,
        "bi_neuron_inputs_data": len(neuron_inputs(source)),
    }

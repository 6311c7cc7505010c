"""Per-class synapse statistics both stores keep beside the data, computed once per load
(pure).

One row per (axon class, target class, synapse type) with a connectome synapse (counting rule
2), plus one per (axon class, target class) over every type (``synapse_type`` missing):
``synapses``, ``asi_count`` (how many have an ASI area), ``asi_mean``, ``asi_median``,
``asi_q1``, ``asi_q3`` (linear interpolation, as PostgreSQL's ``percentile_cont``; missing
without an area). ``asi_by_class`` and ``synapse_type_mix`` read these rows instead of every
synapse. Class and type names are the canonical ones (``Unknown`` for a code in no table).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from connectomedb.etl.class_thresholds import THRESHOLD_TABLES
from connectomedb.etl.frames import SourceDataset
from connectomedb.etl.motifs import class_names, classified_synapses, motif_frames
from connectomedb.etl.pair_cv import pair_cv_stats
from connectomedb.etl.path_length import path_lengths_or
from connectomedb.etl.per_source import per_source
from connectomedb.etl.specificity import specificity_targets

if TYPE_CHECKING:
    from connectomedb.etl.tables import TableFrame

COLUMNS = (
    "axon_class",
    "target_class",
    "synapse_type",
    "synapses",
    "asi_count",
    "asi_mean",
    "asi_median",
    "asi_q1",
    "asi_q3",
)


def class_synapse_stats(source: SourceDataset) -> pd.DataFrame:
    """The rows of the module docstring, sorted by the three names (every type first)."""
    cs = classified_synapses(source)
    keep, axon_id, target_id = cs.keep, cs.axon_id, cs.target_id
    axon_names, axon_class = cs.axon_names, cs.axon_class
    target_names, target_class = cs.target_names, cs.target_class
    type_names, type_class, asi = cs.type_names, cs.type_index, cs.asi
    frame = pd.DataFrame(
        {
            "ac": axon_class[axon_id[keep] - 1] if keep.any() else np.zeros(0, np.int64),
            "tc": target_class[target_id[keep] - 1] if keep.any() else np.zeros(0, np.int64),
            "st": type_class[keep],
            "asi": asi[keep],
        }
    )
    rows = []
    for by_type in (False, True):
        keys = ["ac", "tc", "st"] if by_type else ["ac", "tc"]
        for key, group in frame.groupby(keys, sort=True):
            values = group["asi"].to_numpy()
            values = values[~np.isnan(values)]
            has = len(values) > 0
            q1, median, q3 = np.percentile(values, [25, 50, 75]) if has else (None,) * 3
            rows.append(
                {
                    "axon_class": axon_names[key[0]],
                    "target_class": target_names[key[1]],
                    "synapse_type": type_names[key[2]] if by_type else None,
                    "synapses": len(group),
                    "asi_count": len(values),
                    "asi_mean": float(values.mean()) if has else None,
                    "asi_median": None if median is None else float(median),
                    "asi_q1": None if q1 is None else float(q1),
                    "asi_q3": None if q3 is None else float(q3),
                }
            )
    out = pd.DataFrame(rows, columns=list(COLUMNS))
    return out.sort_values(
        ["axon_class", "target_class", "synapse_type"], na_position="first", ignore_index=True
    )


# --- the per-class statistics with thresholds, and those without parameters ----------------
#
# ``degree_cells``: the kept synapses of ``class_matrix`` (counting rules 3 and 6) depend on
# two thresholds compared with each axon's and each target's connectome synapse count, so the
# connections are summed per (axon class, target class, axon count, target count): a threshold
# is then a filter on these rows. Per row: ``synapses`` of the connections whose axon and
# target have exactly these counts; ``axons``, the axons of the class (with that count) whose
# largest target count onto the target class is ``target_synapses`` (an axon has a kept
# synapse in the cell exactly when that largest count passes); ``targets``, the targets (with
# that count) whose largest axon count from the axon class is ``axon_synapses``.
#
# ``axon_fractions``: for ``target_specificity`` without a target threshold (every target
# kept), per (axon class, target class, axon's synapses, its synapses onto the target class)
# how many axons; a row with ``target_class`` missing per (axon class, axon's synapses) counts
# the class's axons (each with all its synapses).
#
# ``neurite_stats``: ``degree_by_class`` and ``synapse_density`` (no parameters), per side
# ('axon', 'target') and class, computed once: connectome synapses per neurite over every
# neurite of the file, and synapses per µm of path length over those with a path length.

DEGREE_CELL_COLUMNS = (
    "axon_class",
    "target_class",
    "axon_synapses",
    "target_synapses",
    "synapses",
    "axons",
    "targets",
)
FRACTION_COLUMNS = ("axon_class", "target_class", "axon_synapses", "synapses", "axons")
NEURITE_COLUMNS = (
    "side",
    "class",
    "neurites",
    "synapses",
    "degree_mean",
    "degree_median",
    "degree_q1",
    "degree_q3",
    "degree_max",
    "skeleton_neurites",
    "path_length_um",
    "skeleton_synapses",
    "density_median",
    "density_q1",
    "density_q3",
)


def _connections(source: SourceDataset) -> pd.DataFrame:
    """The connections with their axon's (``a``) and target's (``t``) connectome synapses."""
    c = motif_frames(source).connections
    return c.assign(
        a=c.groupby("axon_id")["synapses"].transform("sum"),
        t=c.groupby("target_id")["synapses"].transform("sum"),
    )


@per_source
def degree_cells(source: SourceDataset) -> pd.DataFrame:
    """The ``degree_cells`` rows of the comment above, sorted by their four keys."""
    c = _connections(source)
    cell = ["axon_class", "target_class"]
    synapses = c.groupby([*cell, "a", "t"])["synapses"].sum()
    axons = (
        c.groupby([*cell, "axon_id"])
        .agg(a=("a", "first"), t=("t", "max"))
        .groupby([*cell, "a", "t"])
        .size()
    )
    targets = (
        c.groupby([*cell, "target_id"])
        .agg(a=("a", "max"), t=("t", "first"))
        .groupby([*cell, "a", "t"])
        .size()
    )
    out = pd.concat({"synapses": synapses, "axons": axons, "targets": targets}, axis=1)
    out = out.fillna(0).astype(np.int64).reset_index()
    out = out.rename(columns={"a": "axon_synapses", "t": "target_synapses"})
    return out[list(DEGREE_CELL_COLUMNS)]


@per_source
def axon_fractions(source: SourceDataset) -> pd.DataFrame:
    """The ``axon_fractions`` rows of the comment above (``target_class`` missing first)."""
    c = _connections(source)
    per_class = (
        c.groupby(["axon_id", "axon_class", "target_class"])
        .agg(axon_synapses=("a", "first"), synapses=("synapses", "sum"))
        .groupby(["axon_class", "target_class", "axon_synapses", "synapses"])
        .size()
        .rename("axons")
        .reset_index()
    )
    per_axon = (
        c.groupby("axon_id")
        .agg(axon_class=("axon_class", "first"), axon_synapses=("a", "first"))
        .groupby(["axon_class", "axon_synapses"])
        .size()
        .rename("axons")
        .reset_index()
    )
    every = per_axon.assign(target_class=None, synapses=per_axon["axon_synapses"])
    out = pd.concat(
        [every[list(FRACTION_COLUMNS)], per_class[list(FRACTION_COLUMNS)]], ignore_index=True
    )
    return out.astype({"axon_synapses": np.int64, "synapses": np.int64, "axons": np.int64})


def _quartiles(values: np.ndarray) -> tuple[float, float, float]:
    """(median, q1, q3) by linear interpolation, as PostgreSQL's ``percentile_cont``."""
    q1, median, q3 = np.percentile(values, [25, 50, 75])
    return float(median), float(q1), float(q3)


@per_source
def neurite_stats(source: SourceDataset) -> pd.DataFrame:
    """The ``neurite_stats`` rows of the comment above, sorted by side and class."""
    c = motif_frames(source).connections
    rows = []
    for side, neurites, id_column in (
        ("axon", source.axons, "axon_id"),
        ("target", source.targets, "target_id"),
    ):
        n = neurites.n
        degree = np.bincount(
            c[id_column].to_numpy(np.int64) - 1,
            weights=c["synapses"].to_numpy(np.float64),
            minlength=n,
        )[:n].astype(np.int64)
        length = path_lengths_or(neurites, 0.0)
        names, index = class_names(neurites.classes, neurites.class_code)
        for k, name in enumerate(names):
            mine = index == k
            if not mine.any():
                continue
            d = degree[mine]
            skeletal = length[mine] > 0
            s, p = d[skeletal], length[mine][skeletal]
            density = _quartiles(s / p) if skeletal.any() else (None,) * 3
            rows.append(
                (
                    side,
                    str(name),
                    int(mine.sum()),
                    int(d.sum()),
                    float(d.mean()),
                    *_quartiles(d),
                    int(d.max()),
                    int(skeletal.sum()),
                    float(p.sum()) if skeletal.any() else None,
                    int(s.sum()),
                    *density,
                )
            )
    out = pd.DataFrame(rows, columns=list(NEURITE_COLUMNS))
    return out.sort_values(["side", "class"], ignore_index=True)


MULTIPLICITY_COLUMNS = (
    "axon_class",
    "target_class",
    "connections",
    "synapses",
    "multiplicity_mean",
    "multiplicity_median",
    "multiplicity_q1",
    "multiplicity_q3",
    "multiplicity_max",
    "multi_synaptic",
)


@per_source
def multiplicity_stats(source: SourceDataset) -> pd.DataFrame:
    """``multiplicity_by_class`` (no parameters) per (axon class, target class) with a
    connection (rule 4): connections, synapses, mean, median and quartiles (linear
    interpolation), maximum and how many have two or more synapses."""
    c = motif_frames(source).connections
    rows = []
    for (axon_class, target_class), m in c.groupby(["axon_class", "target_class"], sort=True):
        values = m["synapses"].to_numpy(np.int64)
        rows.append(
            (
                axon_class,
                target_class,
                len(values),
                int(values.sum()),
                float(values.mean()),
                *_quartiles(values),
                int(values.max()),
                int((values >= 2).sum()),
            )
        )
    return pd.DataFrame(rows, columns=list(MULTIPLICITY_COLUMNS))


@per_source
def divergence(source: SourceDataset) -> pd.DataFrame:
    """Per axon, over every target class (``target_class`` missing) and per target class it
    connects to: ``targets``, ``neurons`` (distinct, of the targets with one) and
    ``synapses`` (the ``divergent_axons`` listing without its thresholds)."""
    c = motif_frames(source).connections
    agg = {
        "targets": ("target_id", "size"),
        "neurons": ("neuron_id", "nunique"),
        "synapses": ("synapses", "sum"),
    }
    every = c.groupby(["axon_id", "axon_class"]).agg(**agg).reset_index()
    per_class = c.groupby(["axon_id", "axon_class", "target_class"]).agg(**agg).reset_index()
    return pd.concat([every.assign(target_class=None), per_class], ignore_index=True)[
        ["axon_id", "axon_class", "target_class", "targets", "neurons", "synapses"]
    ]


@per_source
def convergence(source: SourceDataset) -> pd.DataFrame:
    """Per target, from every axon class (``axon_class`` missing) and per axon class that
    connects to it: ``axons`` and ``synapses`` (the ``convergent_targets`` listing without its
    threshold)."""
    c = motif_frames(source).connections
    keys = ["target_id", "target_class"]
    agg = {
        "neuron_id": ("neuron_id", "first"),
        "axons": ("axon_id", "size"),
        "synapses": ("synapses", "sum"),
    }
    every = c.groupby(keys).agg(**agg).reset_index()
    per_class = c.groupby([*keys, "axon_class"]).agg(**agg).reset_index()
    return pd.concat([every.assign(axon_class=None), per_class], ignore_index=True)[
        ["target_id", "target_class", "neuron_id", "axon_class", "axons", "synapses"]
    ]


#: The PostgreSQL tables of these rows (migrations 0008, 0009, 0012, 0014), with the function
#: that builds each (``class_pair_cv``: :mod:`connectomedb.etl.pair_cv`; the last three:
#: :data:`~connectomedb.etl.class_thresholds.THRESHOLD_TABLES`).
TABLES = {
    "class_degree_cell": degree_cells,
    "class_axon_fraction": axon_fractions,
    "neurite_class_stat": neurite_stats,
    "class_multiplicity_stat": multiplicity_stats,
    "axon_divergence": divergence,
    "target_convergence": convergence,
    "class_pair_cv": pair_cv_stats,
    **THRESHOLD_TABLES,
    "class_specificity_target": specificity_targets,
}


_KEYED = (
    "class_degree_cell",
    "class_axon_fraction",
    "class_specificity",
    "class_degree_suffix",
    "class_specificity_target",
    "axon_divergence",
    "target_convergence",
)
_FLOATS = {
    "fraction",
    "axon_fraction_mean",
    "axon_fraction_median",
    "axon_fraction_q1",
    "axon_fraction_q3",
    "cv_mean",
    "cv_median",
    "random_cv_mean",
    "random_cv_median",
    "multiplicity_mean",
    "multiplicity_median",
    "multiplicity_q1",
    "multiplicity_q3",
    "degree_mean",
    "degree_median",
    "degree_q1",
    "degree_q3",
    "path_length_um",
    "density_median",
    "density_q1",
    "density_q3",
}


def table_frames(source: SourceDataset) -> Iterator[TableFrame]:
    """The frames of :data:`TABLES` (classes as class keys where the table has keys)."""
    from connectomedb.etl.derived import class_key_column
    from connectomedb.etl.tables import Column, TableFrame

    keyed = {"axon_class": source.axons.classes, "target_class": source.targets.classes}
    for table, build in TABLES.items():
        f = build(source)
        columns = []
        for name in f.columns:
            series = f[name]
            null = series.isna().to_numpy()
            if table in _KEYED and name in keyed:
                columns.append(class_key_column(name, keyed[name], series))
                continue
            if series.dtype.kind in "OU" or name in ("side", "class") or name in keyed:
                values = series.to_numpy(object)
            elif name in _FLOATS:
                values = series.to_numpy(np.float64, na_value=np.nan)
            else:
                values = series.to_numpy(np.int64, na_value=0)
            columns.append(Column(name, values, null if null.any() else None))
        yield TableFrame(table, len(f), tuple(columns))


def table_row_counts(source: SourceDataset) -> dict[str, int]:
    """Rows each table of :data:`TABLES` holds for ``source``."""
    return {table: len(build(source)) for table, build in TABLES.items()}

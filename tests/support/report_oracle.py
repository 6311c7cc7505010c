"""An independent pandas computation of every frame of the report, from a ``SourceDataset``.

The report tests compare what the report shows (the query library's results read back from the
database) with these frames computed straight from the source data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pandas.core.groupby import SeriesGroupBy

from connectomedb.etl.frames import SourceDataset

CV_BIN_WIDTH = 0.05


def connectome_synapses(src: SourceDataset) -> pd.DataFrame:
    """One row per connectome synapse: ``synapse_id``, ``axon_id``, ``target_id``,
    ``axon_class``, ``target_class``, ``synapse_type`` (str), ``asi_area`` (float, NaN = none)."""
    syn = src.synapses
    keep = (syn.axon_id > 0) & (syn.target_id > 0)
    axon_id = syn.axon_id[keep]
    target_id = syn.target_id[keep]
    asi = syn.asi_area[keep] if syn.asi_area is not None else np.full(int(keep.sum()), np.nan)
    return pd.DataFrame(
        {
            "synapse_id": np.flatnonzero(keep) + 1,
            "axon_id": axon_id,
            "target_id": target_id,
            "axon_class": src.axons.classes.name_of(src.axons.class_code[axon_id - 1]),
            "target_class": src.targets.classes.name_of(src.targets.class_code[target_id - 1]),
            "synapse_type": syn.types.name_of(syn.type_code[keep]),
            "asi_area": asi,
        }
    )


def class_matrix(src: SourceDataset, min_axon: int = 1, min_target: int = 1) -> pd.DataFrame:
    """Columns of the ``class_matrix_vs_csv`` query: connectome synapses of axons with at least
    ``min_axon`` and targets with at least ``min_target`` of them (axon initial segments always
    kept), next to the summed cells of ``connectome.csv``."""
    syn = connectome_synapses(src)
    axon_total = syn.groupby("axon_id")["synapse_id"].transform("size")
    target_total = syn.groupby("target_id")["synapse_id"].transform("size")
    kept = syn[
        (axon_total >= min_axon)
        & ((target_total >= min_target) | (syn["target_class"] == "AxonInitialSegment"))
    ]
    db = kept.groupby(["axon_class", "target_class"]).size().rename("synapses")
    if src.connectome is not None:
        csv = src.connectome.entries.groupby(["axon_class", "target_class"])["synapses"].sum()
    else:
        csv = pd.Series(dtype="int64")
    out = pd.concat([db, csv.rename("csv_synapses")], axis=1).fillna(0).astype("int64")
    out.index = out.index.set_names(["axon_class", "target_class"])
    out = out.reset_index()
    out["difference"] = out["synapses"] - out["csv_synapses"]
    return out


def specificity(src: SourceDataset) -> pd.DataFrame:
    """Columns of the ``target_specificity`` query (no thresholds)."""
    syn = connectome_synapses(src)
    per_axon = syn.groupby(["axon_id", "target_class"]).size().unstack(fill_value=0)
    fractions = per_axon.div(per_axon.sum(axis=1), axis=0)
    axon_class = syn.groupby("axon_id")["axon_class"].first()
    rows = []
    for name, axons in axon_class.groupby(axon_class):
        part = fractions.loc[axons.index]
        total = per_axon.loc[axons.index].to_numpy().sum()
        for target in fractions.columns:
            values = part[target]
            synapses = int(per_axon.loc[axons.index, target].sum())
            rows.append(
                {
                    "axon_class": name,
                    "target_class": target,
                    "axons": len(values),
                    "synapses": synapses,
                    "fraction": synapses / total,
                    "axon_fraction_mean": values.mean(),
                    "axon_fraction_median": values.quantile(0.5),
                    "axon_fraction_q1": values.quantile(0.25),
                    "axon_fraction_q3": values.quantile(0.75),
                }
            )
    return pd.DataFrame(rows)


def type_mix(src: SourceDataset) -> pd.DataFrame:
    """Columns of the ``synapse_type_mix`` query."""
    syn = connectome_synapses(src)
    frames = []
    for side in ("axon", "target"):
        counts = syn.groupby([f"{side}_class", "synapse_type"]).size().rename("synapses")
        counts = counts.reset_index().rename(columns={f"{side}_class": "class"})
        counts["fraction"] = counts["synapses"] / counts.groupby("class")["synapses"].transform(
            "sum"
        )
        frames.append(counts.assign(side=side))
    return pd.concat(frames, ignore_index=True)[
        ["side", "class", "synapse_type", "synapses", "fraction"]
    ]


def _spread(prefix: str, values: pd.Series | SeriesGroupBy) -> dict:
    """``{prefix}_mean``, ``_median``, ``_q1`` and ``_q3`` of ``values`` (or of each group);
    NaN where there is no value."""
    spread = {f"{prefix}_mean": values.mean()}
    for name, q in (("median", 0.5), ("q1", 0.25), ("q3", 0.75)):
        spread[f"{prefix}_{name}"] = values.quantile(q)
    return spread


def asi(src: SourceDataset) -> pd.DataFrame:
    """Columns of the ``asi_by_class`` query."""
    syn = connectome_synapses(src)
    rows = []
    for (axon_class, target_class), part in syn.groupby(["axon_class", "target_class"]):
        a = part["asi_area"].dropna()
        rows.append(
            {
                "axon_class": axon_class,
                "target_class": target_class,
                "synapses": len(part),
                "asi_count": len(a),
                "asi_missing": len(part) - len(a),
                **_spread("asi", a),
            }
        )
    return pd.DataFrame(rows)


def axon_degree(src: SourceDataset) -> pd.DataFrame:
    """Per axon with a connectome synapse: ``axon_id``, ``axon_class``, ``synapses``."""
    syn = connectome_synapses(src)
    return syn.groupby(["axon_id", "axon_class"]).size().rename("synapses").reset_index()


def target_degree(src: SourceDataset) -> pd.DataFrame:
    """Per target with a connectome synapse: ``target_id``, ``target_class``, ``synapses``."""
    syn = connectome_synapses(src)
    return syn.groupby(["target_id", "target_class"]).size().rename("synapses").reset_index()


def connections(src: SourceDataset) -> pd.DataFrame:
    """Per connection: ``axon_id``, ``target_id``, ``axon_class``, ``target_class``,
    ``synapses``."""
    syn = connectome_synapses(src)
    keys = ["axon_id", "target_id", "axon_class", "target_class"]
    return syn.groupby(keys).size().rename("synapses").reset_index()


def multiplicity(src: SourceDataset) -> pd.DataFrame:
    """Columns of the ``multiplicity_by_class`` query."""
    pairs = connections(src)
    grouped = pairs.groupby(["axon_class", "target_class"])["synapses"]
    return pd.DataFrame(
        {
            "connections": grouped.size(),
            "synapses": grouped.sum(),
            **_spread("multiplicity", grouped),
            "multiplicity_max": grouped.max(),
            "multi_synaptic": grouped.apply(lambda s: int((s >= 2).sum())),
        }
    ).reset_index()


def _cv(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Sample standard deviation / mean of two values, elementwise."""
    pair = np.stack([x, y], axis=1)
    return pair.std(axis=1, ddof=1) / pair.mean(axis=1)


def asi_pair_cv(src: SourceDataset) -> pd.DataFrame:
    """Columns of the ``asi_pair_cv`` query: connections with exactly two connectome synapses
    that both have an ASI area > 0; the random control pairs the same synapses, per class pair,
    in the order of ``(synapse_id * 2654435761) mod 2**32``."""
    syn = connectome_synapses(src)
    keys = ["axon_id", "target_id"]
    size = syn.groupby(keys)["synapse_id"].transform("size")
    with_area = (syn["asi_area"] > 0).groupby([syn["axon_id"], syn["target_id"]]).transform("sum")
    members = syn[(size == 2) & (with_area == 2)]
    rows = []
    for (axon_class, target_class), part in members.groupby(["axon_class", "target_class"]):
        by_connection = part.groupby(keys)["asi_area"]
        observed = pd.Series(_cv(by_connection.min().to_numpy(), by_connection.max().to_numpy()))
        order = (part["synapse_id"].to_numpy().astype(np.uint64) * np.uint64(2654435761)) % (
            np.uint64(2) ** np.uint64(32)
        )
        shuffled = part.assign(_h=order).sort_values(["_h", "synapse_id"])["asi_area"].to_numpy()
        n = len(shuffled) // 2 * 2
        control = pd.Series(_cv(shuffled[0:n:2], shuffled[1:n:2]))
        rows.append(
            {
                "axon_class": axon_class,
                "target_class": target_class,
                "pairs": len(observed),
                "cv_mean": observed.mean(),
                "cv_median": observed.quantile(0.5),
                "random_pairs": len(control),
                "random_cv_mean": control.mean() if len(control) else np.nan,
                "random_cv_median": control.quantile(0.5) if len(control) else np.nan,
            }
        )
    return pd.DataFrame(rows)

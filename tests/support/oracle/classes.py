"""Oracle answers of the per-class queries: class matrices, specificity, types, ASI, degrees,
multiplicity, density, neuron inputs."""

from __future__ import annotations

import numpy as np
import pandas as pd
from pandas.core.groupby import SeriesGroupBy

from connectomedb.etl.frames import SourceDataset
from support.oracle.frames import (
    Frames,
    finish,
    frames,
    kept_synapses,
    quartile_columns,
    quartiles,
)


def class_matrix(
    source: SourceDataset, min_axon_synapses: int = 1, min_target_synapses: int = 1
) -> pd.DataFrame:
    kept = kept_synapses(frames(source), min_axon_synapses, min_target_synapses)
    g = kept.groupby(["axon_class", "target_class"])
    df = pd.DataFrame(
        {"synapses": g.size(), "axons": g.axon_id.nunique(), "targets": g.target_id.nunique()}
    ).reset_index()
    df["fraction"] = df.synapses / df.groupby("axon_class").synapses.transform("sum")
    cols = ["axon_class", "target_class", "synapses", "axons", "targets", "fraction"]
    return finish(df, cols, ["axon_class", "target_class"])


def class_matrix_vs_csv(
    source: SourceDataset, min_axon_synapses: int = 1, min_target_synapses: int = 1
) -> pd.DataFrame:
    ours = class_matrix(source, min_axon_synapses, min_target_synapses)[
        ["axon_class", "target_class", "synapses"]
    ]
    if source.connectome is None:
        csv = pd.DataFrame(columns=["axon_class", "target_class", "csv_synapses"])
    else:
        csv = (
            source.connectome.entries.groupby(["axon_class", "target_class"])
            .synapses.sum()
            .rename("csv_synapses")
            .reset_index()
        )
    df = ours.merge(csv, on=["axon_class", "target_class"], how="outer")
    df["synapses"] = df.synapses.fillna(0).astype(int)
    df["csv_synapses"] = df.csv_synapses.fillna(0).astype(int)
    df["difference"] = df.synapses - df.csv_synapses
    cols = ["axon_class", "target_class", "synapses", "csv_synapses", "difference"]
    return finish(df, cols, ["axon_class", "target_class"])


def target_specificity(
    source: SourceDataset,
    min_axon_synapses: int = 1,
    min_target_synapses: int = 1,
    axon_class: str | None = None,
) -> pd.DataFrame:
    kept = kept_synapses(frames(source), min_axon_synapses, min_target_synapses)
    target_classes = sorted(set(kept.target_class))
    per_axon = kept.groupby(["axon_id", "axon_class"]).size().rename("total").reset_index()
    if axon_class is not None:
        per_axon = per_axon[per_axon.axon_class == axon_class]
    counts = kept.groupby(["axon_id", "target_class"]).size()
    rows = []
    for cls, axons in per_axon.groupby("axon_class"):
        class_total = 0
        cells = []
        for tc in target_classes:
            n = np.array([counts.get((a, tc), 0) for a in axons.axon_id])
            frac = n / axons.total.to_numpy()
            cells.append((tc, n, frac))
            class_total += n.sum()
        for tc, n, frac in cells:
            rows.append(
                {
                    "axon_class": cls,
                    "target_class": tc,
                    "axons": len(n),
                    "synapses": int(n.sum()),
                    "fraction": n.sum() / class_total,
                    "axon_fraction_mean": frac.mean(),
                    **quartiles("axon_fraction", frac),
                }
            )
    cols = ["axon_class", "target_class", "axons", "synapses", "fraction"]
    cols += ["axon_fraction_mean", *quartile_columns("axon_fraction")]
    return finish(rows, cols, ["axon_class", "target_class"])


def synapse_type_mix(source: SourceDataset) -> pd.DataFrame:
    syn = frames(source).syn
    parts = []
    for side, col in (("axon", "axon_class"), ("target", "target_class")):
        df = syn.groupby([col, "synapse_type"]).size().rename("synapses").reset_index()
        df = df.rename(columns={col: "class"})
        df["side"] = side
        df["fraction"] = df.synapses / df.groupby("class").synapses.transform("sum")
        parts.append(df)
    cols = ["side", "class", "synapse_type", "synapses", "fraction"]
    return finish(pd.concat(parts), cols, ["side", "class", "synapse_type"])


def asi_by_class(source: SourceDataset, synapse_type: str | None = None) -> pd.DataFrame:
    syn = frames(source).syn
    if synapse_type is not None:
        syn = syn[syn.synapse_type == synapse_type]
    rows = []
    for (ac, tc), g in syn.groupby(["axon_class", "target_class"]):
        a = g.asi_area.to_numpy()
        ok = a[~np.isnan(a)]
        rows.append(
            {
                "axon_class": ac,
                "target_class": tc,
                "synapses": len(a),
                "asi_count": len(ok),
                "asi_missing": len(a) - len(ok),
                "asi_mean": ok.mean() if len(ok) else np.nan,
                **quartiles("asi", ok),
            }
        )
    cols = [
        "axon_class",
        "target_class",
        "synapses",
        "asi_count",
        "asi_missing",
        "asi_mean",
        *quartile_columns("asi"),
    ]
    return finish(rows, cols, ["axon_class", "target_class"])


def _degrees(f: Frames) -> list[tuple[str, pd.DataFrame]]:
    """(side, frame with class, degree, path_length_um) for every axon and every target."""
    out = []
    for side, neurites, id_col, cls_col in (
        ("axon", f.axons, "axon_id", "axon_class"),
        ("target", f.targets, "target_id", "target_class"),
    ):
        deg = f.syn.groupby(id_col).size()
        df = pd.DataFrame(
            {
                "class": neurites[cls_col],
                "degree": neurites[id_col].map(deg).fillna(0).astype(int),
                "path_length_um": neurites.path_length_um,
            }
        )
        out.append((side, df))
    return out


#: The quartiles of a statistic: linear interpolation, as PostgreSQL's ``percentile_cont``.
QUARTILES = {"median": 0.5, "q1": 0.25, "q3": 0.75}


def _summary(values: SeriesGroupBy, count: str, prefix: str) -> pd.DataFrame:
    """Per group: how many values (``count``), their sum (``synapses``), mean, quartiles and
    maximum (``<prefix>_mean`` ...)."""
    return pd.concat(
        [
            values.size().rename(count),
            values.sum().rename("synapses"),
            values.mean().rename(f"{prefix}_mean"),
            *(values.quantile(q).rename(f"{prefix}_{name}") for name, q in QUARTILES.items()),
            values.max().rename(f"{prefix}_max"),
        ],
        axis=1,
    )


def degree_by_class(source: SourceDataset) -> pd.DataFrame:
    neurites = pd.concat(dict(_degrees(frames(source))), names=["side"]).reset_index(level=0)
    df = _summary(neurites.groupby(["side", "class"]).degree, "neurites", "degree").reset_index()
    return finish(df, list(df.columns), ["side", "class"])


def multiplicity_by_class(source: SourceDataset) -> pd.DataFrame:
    pairs = frames(source).pairs
    keys = ["axon_class", "target_class"]
    df = pd.concat(
        [
            _summary(pairs.groupby(keys).synapses, "connections", "multiplicity"),
            pairs.assign(multi_synaptic=pairs.synapses >= 2).groupby(keys).multi_synaptic.sum(),
        ],
        axis=1,
    ).reset_index()
    return finish(df, list(df.columns), keys)


def synapse_density(source: SourceDataset) -> pd.DataFrame:
    rows = []
    for side, df in _degrees(frames(source)):
        df = df[df.path_length_um > 0]
        for cls, g in df.groupby("class"):
            density = g.degree / g.path_length_um
            rows.append(
                {
                    "side": side,
                    "class": cls,
                    "neurites": len(g),
                    "path_length_um": g.path_length_um.sum(),
                    "synapses": int(g.degree.sum()),
                    "synapses_per_um": g.degree.sum() / g.path_length_um.sum(),
                    **quartiles("density", density),
                }
            )
    cols = ["side", "class", "neurites", "path_length_um", "synapses", "synapses_per_um"]
    cols += quartile_columns("density")
    return finish(rows, cols, ["side", "class"])


def neuron_inputs(source: SourceDataset, neuron_id: int | None = None) -> pd.DataFrame:
    syn = frames(source).syn
    syn = syn[syn.neuron_id > 0]
    if neuron_id is not None:
        syn = syn[syn.neuron_id == neuron_id]
    g = syn.groupby(["neuron_id", "axon_class"])
    df = pd.DataFrame({"targets": g.target_id.nunique(), "synapses": g.size()}).reset_index()
    df["fraction"] = df.synapses / df.groupby("neuron_id").synapses.transform("sum")
    cols = ["neuron_id", "axon_class", "targets", "synapses", "fraction"]
    return finish(df, cols, ["neuron_id", "axon_class"])


# --- motifs ----------------------------------------------------------------------------------

"""The source reduced to the frames the oracle reads, and the helpers its answers share."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from connectomedb.etl.frames import CodeTable, Skeletons, SourceDataset

VOXEL_UM = np.array([11.24, 11.24, 28.0]) / 1000.0
AIS = "AxonInitialSegment"
HASH_MULTIPLIER = 2654435761
HASH_MODULUS = 2**32


# --- the source as frames --------------------------------------------------------------------


def class_names(table: CodeTable, codes: np.ndarray) -> list[str]:
    frame = table.frame
    lookup = {int(c): str(n) for c, n in zip(frame["code"], frame["name"], strict=True)}
    return [lookup.get(int(c), "Unknown") for c in codes]


def path_length(skeleton: Skeletons | None, n: int) -> np.ndarray:
    """Per neurite: sum over its skeleton edges of the Euclidean edge length in µm."""
    out = np.full(n, np.nan)
    if skeleton is None:
        return out
    for i in range(1, n + 1):
        nodes = skeleton.nodes.element(i).astype(float).reshape(-1, 3)
        edges = skeleton.edges.element(i).astype(int).reshape(-1, 2)
        total = 0.0
        for u, v in edges:
            total += float(np.linalg.norm((nodes[u - 1] - nodes[v - 1]) * VOXEL_UM))
        out[i - 1] = total
    return out


class Frames:
    """The source reduced to what the queries read.

    ``axons``: axon_id, axon_class, path_length_um. ``targets``: target_id, target_class,
    neuron_id (0 = none), path_length_um. ``syn``: the connectome synapses with synapse_id,
    axon_id, target_id, synapse_type, asi_area (NaN = none), axon_class, target_class, neuron_id.
    ``pairs``: one row per connection with axon_id, target_id, axon_class, target_class,
    neuron_id, synapses.
    """

    def __init__(self, source: SourceDataset) -> None:
        ax, tg, sy = source.axons, source.targets, source.synapses
        self.axons = pd.DataFrame(
            {
                "axon_id": np.arange(1, ax.n + 1),
                "axon_class": class_names(ax.classes, ax.class_code),
                "path_length_um": path_length(ax.skeleton, ax.n),
            }
        )
        neuron = np.zeros(tg.n, dtype=np.int64) if tg.neuron_id is None else tg.neuron_id
        self.targets = pd.DataFrame(
            {
                "target_id": np.arange(1, tg.n + 1),
                "target_class": class_names(tg.classes, tg.class_code),
                "neuron_id": np.asarray(neuron, dtype=np.int64),
                "path_length_um": path_length(tg.skeleton, tg.n),
            }
        )
        asi = np.full(sy.n, np.nan) if sy.asi_area is None else sy.asi_area.astype(float)
        all_syn = pd.DataFrame(
            {
                "synapse_id": np.arange(1, sy.n + 1),
                "axon_id": np.asarray(sy.axon_id, dtype=np.int64),
                "target_id": np.asarray(sy.target_id, dtype=np.int64),
                "synapse_type": class_names(sy.types, sy.type_code),
                "asi_area": asi,
            }
        )
        syn = all_syn[(all_syn.axon_id > 0) & (all_syn.target_id > 0)]
        syn = syn.merge(self.axons[["axon_id", "axon_class"]], on="axon_id")
        syn = syn.merge(self.targets[["target_id", "target_class", "neuron_id"]], on="target_id")
        self.syn = syn.sort_values("synapse_id").reset_index(drop=True)
        self.pairs = (
            self.syn.groupby(
                ["axon_id", "target_id", "axon_class", "target_class", "neuron_id"], as_index=False
            )
            .size()
            .rename(columns={"size": "synapses"})
        )


_CACHE: dict[int, tuple[SourceDataset, Frames]] = {}


def frames(source: SourceDataset) -> Frames:
    hit = _CACHE.get(id(source))
    if hit is None or hit[0] is not source:
        hit = (source, Frames(source))
        _CACHE[id(source)] = hit
    return hit[1]


def pct(values: Any, q: float) -> float:
    arr = np.asarray(values, dtype=float)
    arr = arr[~np.isnan(arr)]
    return float(np.percentile(arr, q * 100)) if len(arr) else np.nan


#: The quartiles the class statistics report: (column suffix, quantile).
QUARTILES = (("median", 0.5), ("q1", 0.25), ("q3", 0.75))


def quartile_columns(prefix: str) -> list[str]:
    """``{prefix}_median``, ``{prefix}_q1``, ``{prefix}_q3``."""
    return [f"{prefix}_{suffix}" for suffix, _ in QUARTILES]


def quartiles(prefix: str, values: Any) -> dict[str, float]:
    """The :func:`quartile_columns` of ``values`` (NaN left out; NaN when none is left)."""
    return {f"{prefix}_{suffix}": pct(values, q) for suffix, q in QUARTILES}


def by_class(df: pd.DataFrame, axon_class: str | None, target_class: str | None) -> pd.DataFrame:
    if axon_class is not None:
        df = df[df.axon_class == axon_class]
    if target_class is not None:
        df = df[df.target_class == target_class]
    return df


def kept_synapses(f: Frames, min_axon: int, min_target: int) -> pd.DataFrame:
    """Connectome synapses of axons with >= min_axon and targets with >= min_target synapses
    (axon initial segments always kept)."""
    syn = f.syn
    axon_n = syn.groupby("axon_id").size()
    target_n = syn.groupby("target_id").size()
    keep = (syn.axon_id.map(axon_n) >= min_axon) & (
        (syn.target_id.map(target_n) >= min_target) | (syn.target_class == AIS)
    )
    return syn[keep]


def finish(
    rows: list[dict] | pd.DataFrame,
    columns: list[str],
    order: list[str],
    descending: tuple[str, ...] = (),
    limit: int | None = None,
) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=columns) if isinstance(rows, list) else rows[columns]
    if len(df):
        df = df.sort_values(order, ascending=[c not in descending for c in order], kind="mergesort")
    if limit is not None:
        df = df.head(limit)
    return df.reset_index(drop=True)

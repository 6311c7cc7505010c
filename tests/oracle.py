"""Independent answers to every named query, computed with pandas/NumPy/NetworkX straight from a
:class:`~connectomedb.etl.frames.SourceDataset` (no SQL, no Cypher, no loader code).

``answer(name, source, **params)`` returns a DataFrame with the query's columns in the query's
row order; the tests compare it row by row with what PostgreSQL and LadybugDB return.
Percentiles use linear interpolation (NumPy's default), as ``percentile_cont``/``percentileCont``.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import combinations
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from connectomedb.etl.frames import CodeTable, Skeletons, SourceDataset

VOXEL_UM = np.array([11.24, 11.24, 28.0]) / 1000.0
AIS = "AxonInitialSegment"
HASH_MULTIPLIER = 2654435761
HASH_MODULUS = 2**32


# --- the source as frames --------------------------------------------------------------------


def _names(table: CodeTable, codes: np.ndarray) -> list[str]:
    frame = table.frame
    lookup = {int(c): str(n) for c, n in zip(frame["code"], frame["name"], strict=True)}
    return [lookup.get(int(c), "Unknown") for c in codes]


def _path_length(skeleton: Skeletons | None, n: int) -> np.ndarray:
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
                "axon_class": _names(ax.classes, ax.class_code),
                "path_length_um": _path_length(ax.skeleton, ax.n),
            }
        )
        neuron = np.zeros(tg.n, dtype=np.int64) if tg.neuron_id is None else tg.neuron_id
        self.targets = pd.DataFrame(
            {
                "target_id": np.arange(1, tg.n + 1),
                "target_class": _names(tg.classes, tg.class_code),
                "neuron_id": np.asarray(neuron, dtype=np.int64),
                "path_length_um": _path_length(tg.skeleton, tg.n),
            }
        )
        asi = np.full(sy.n, np.nan) if sy.asi_area is None else sy.asi_area.astype(float)
        all_syn = pd.DataFrame(
            {
                "synapse_id": np.arange(1, sy.n + 1),
                "axon_id": np.asarray(sy.axon_id, dtype=np.int64),
                "target_id": np.asarray(sy.target_id, dtype=np.int64),
                "synapse_type": _names(sy.types, sy.type_code),
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


def _pct(values: Any, q: float) -> float:
    arr = np.asarray(values, dtype=float)
    arr = arr[~np.isnan(arr)]
    return float(np.percentile(arr, q * 100)) if len(arr) else np.nan


def _filter(df: pd.DataFrame, axon_class: str | None, target_class: str | None) -> pd.DataFrame:
    if axon_class is not None:
        df = df[df.axon_class == axon_class]
    if target_class is not None:
        df = df[df.target_class == target_class]
    return df


def _kept(f: Frames, min_axon: int, min_target: int) -> pd.DataFrame:
    """Connectome synapses of axons with >= min_axon and targets with >= min_target synapses
    (axon initial segments always kept)."""
    syn = f.syn
    axon_n = syn.groupby("axon_id").size()
    target_n = syn.groupby("target_id").size()
    keep = (syn.axon_id.map(axon_n) >= min_axon) & (
        (syn.target_id.map(target_n) >= min_target) | (syn.target_class == AIS)
    )
    return syn[keep]


def _finish(rows: list[dict] | pd.DataFrame, columns: list[str], order: list[str],
            descending: tuple[str, ...] = (), limit: int | None = None) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=columns) if isinstance(rows, list) else rows[columns]
    if len(df):
        df = df.sort_values(order, ascending=[c not in descending for c in order], kind="mergesort")
    if limit is not None:
        df = df.head(limit)
    return df.reset_index(drop=True)


# --- per-class statistics --------------------------------------------------------------------


def class_matrix(source: SourceDataset, min_axon_synapses: int = 1,
                 min_target_synapses: int = 1) -> pd.DataFrame:
    kept = _kept(frames(source), min_axon_synapses, min_target_synapses)
    g = kept.groupby(["axon_class", "target_class"])
    df = pd.DataFrame(
        {"synapses": g.size(), "axons": g.axon_id.nunique(), "targets": g.target_id.nunique()}
    ).reset_index()
    df["fraction"] = df.synapses / df.groupby("axon_class").synapses.transform("sum")
    cols = ["axon_class", "target_class", "synapses", "axons", "targets", "fraction"]
    return _finish(df, cols, ["axon_class", "target_class"])


def class_matrix_vs_csv(source: SourceDataset, min_axon_synapses: int = 1,
                        min_target_synapses: int = 1) -> pd.DataFrame:
    ours = class_matrix(source, min_axon_synapses, min_target_synapses)[
        ["axon_class", "target_class", "synapses"]
    ]
    if source.connectome is None:
        csv = pd.DataFrame(columns=["axon_class", "target_class", "csv_synapses"])
    else:
        csv = (
            source.connectome.entries.groupby(["axon_class", "target_class"]).synapses.sum()
            .rename("csv_synapses").reset_index()
        )
    df = ours.merge(csv, on=["axon_class", "target_class"], how="outer")
    df["synapses"] = df.synapses.fillna(0).astype(int)
    df["csv_synapses"] = df.csv_synapses.fillna(0).astype(int)
    df["difference"] = df.synapses - df.csv_synapses
    cols = ["axon_class", "target_class", "synapses", "csv_synapses", "difference"]
    return _finish(df, cols, ["axon_class", "target_class"])


def target_specificity(source: SourceDataset, min_axon_synapses: int = 1,
                       min_target_synapses: int = 1,
                       axon_class: str | None = None) -> pd.DataFrame:
    kept = _kept(frames(source), min_axon_synapses, min_target_synapses)
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
            rows.append({
                "axon_class": cls, "target_class": tc, "axons": len(n),
                "synapses": int(n.sum()), "fraction": n.sum() / class_total,
                "axon_fraction_mean": frac.mean(), "axon_fraction_median": _pct(frac, 0.5),
                "axon_fraction_q1": _pct(frac, 0.25), "axon_fraction_q3": _pct(frac, 0.75),
            })
    cols = ["axon_class", "target_class", "axons", "synapses", "fraction", "axon_fraction_mean",
            "axon_fraction_median", "axon_fraction_q1", "axon_fraction_q3"]
    return _finish(rows, cols, ["axon_class", "target_class"])


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
    return _finish(pd.concat(parts), cols, ["side", "class", "synapse_type"])


def asi_by_class(source: SourceDataset, synapse_type: str | None = None) -> pd.DataFrame:
    syn = frames(source).syn
    if synapse_type is not None:
        syn = syn[syn.synapse_type == synapse_type]
    rows = []
    for (ac, tc), g in syn.groupby(["axon_class", "target_class"]):
        a = g.asi_area.to_numpy()
        ok = a[~np.isnan(a)]
        rows.append({
            "axon_class": ac, "target_class": tc, "synapses": len(a), "asi_count": len(ok),
            "asi_missing": len(a) - len(ok), "asi_mean": ok.mean() if len(ok) else np.nan,
            "asi_median": _pct(ok, 0.5), "asi_q1": _pct(ok, 0.25), "asi_q3": _pct(ok, 0.75),
        })
    cols = ["axon_class", "target_class", "synapses", "asi_count", "asi_missing", "asi_mean",
            "asi_median", "asi_q1", "asi_q3"]
    return _finish(rows, cols, ["axon_class", "target_class"])


def _degrees(f: Frames) -> list[tuple[str, pd.DataFrame]]:
    """(side, frame with class, degree, path_length_um) for every axon and every target."""
    out = []
    for side, neurites, id_col, cls_col in (
        ("axon", f.axons, "axon_id", "axon_class"),
        ("target", f.targets, "target_id", "target_class"),
    ):
        deg = f.syn.groupby(id_col).size()
        df = pd.DataFrame({
            "class": neurites[cls_col],
            "degree": neurites[id_col].map(deg).fillna(0).astype(int),
            "path_length_um": neurites.path_length_um,
        })
        out.append((side, df))
    return out


def degree_by_class(source: SourceDataset) -> pd.DataFrame:
    rows = []
    for side, df in _degrees(frames(source)):
        for cls, g in df.groupby("class"):
            d = g.degree.to_numpy()
            rows.append({
                "side": side, "class": cls, "neurites": len(d), "synapses": int(d.sum()),
                "degree_mean": d.mean(), "degree_median": _pct(d, 0.5),
                "degree_q1": _pct(d, 0.25), "degree_q3": _pct(d, 0.75), "degree_max": d.max(),
            })
    cols = ["side", "class", "neurites", "synapses", "degree_mean", "degree_median", "degree_q1",
            "degree_q3", "degree_max"]
    return _finish(rows, cols, ["side", "class"])


def multiplicity_by_class(source: SourceDataset) -> pd.DataFrame:
    rows = []
    for (ac, tc), g in frames(source).pairs.groupby(["axon_class", "target_class"]):
        m = g.synapses.to_numpy()
        rows.append({
            "axon_class": ac, "target_class": tc, "connections": len(m), "synapses": m.sum(),
            "multiplicity_mean": m.mean(), "multiplicity_median": _pct(m, 0.5),
            "multiplicity_q1": _pct(m, 0.25), "multiplicity_q3": _pct(m, 0.75),
            "multiplicity_max": m.max(), "multi_synaptic": int((m >= 2).sum()),
        })
    cols = ["axon_class", "target_class", "connections", "synapses", "multiplicity_mean",
            "multiplicity_median", "multiplicity_q1", "multiplicity_q3", "multiplicity_max",
            "multi_synaptic"]
    return _finish(rows, cols, ["axon_class", "target_class"])


def synapse_density(source: SourceDataset) -> pd.DataFrame:
    rows = []
    for side, df in _degrees(frames(source)):
        df = df[df.path_length_um > 0]
        for cls, g in df.groupby("class"):
            density = g.degree / g.path_length_um
            rows.append({
                "side": side, "class": cls, "neurites": len(g),
                "path_length_um": g.path_length_um.sum(), "synapses": int(g.degree.sum()),
                "synapses_per_um": g.degree.sum() / g.path_length_um.sum(),
                "density_median": _pct(density, 0.5), "density_q1": _pct(density, 0.25),
                "density_q3": _pct(density, 0.75),
            })
    cols = ["side", "class", "neurites", "path_length_um", "synapses", "synapses_per_um",
            "density_median", "density_q1", "density_q3"]
    return _finish(rows, cols, ["side", "class"])


def neuron_inputs(source: SourceDataset, neuron_id: int | None = None) -> pd.DataFrame:
    syn = frames(source).syn
    syn = syn[syn.neuron_id > 0]
    if neuron_id is not None:
        syn = syn[syn.neuron_id == neuron_id]
    g = syn.groupby(["neuron_id", "axon_class"])
    df = pd.DataFrame({"targets": g.target_id.nunique(), "synapses": g.size()}).reset_index()
    df["fraction"] = df.synapses / df.groupby("neuron_id").synapses.transform("sum")
    cols = ["neuron_id", "axon_class", "targets", "synapses", "fraction"]
    return _finish(df, cols, ["neuron_id", "axon_class"])


# --- motifs ----------------------------------------------------------------------------------


def multi_synaptic_connections(source: SourceDataset, min_synapses: int = 2,
                               axon_class: str | None = None, target_class: str | None = None,
                               limit: int | None = 1000) -> pd.DataFrame:
    p = _filter(frames(source).pairs, axon_class, target_class)
    p = p[p.synapses >= min_synapses]
    cols = ["axon_id", "target_id", "axon_class", "target_class", "synapses"]
    return _finish(p, cols, ["synapses", "axon_id", "target_id"], ("synapses",), limit)


def _cv(x: float, y: float) -> float:
    # Sample standard deviation of {x, y} over their mean.
    return float(np.std([x, y], ddof=1) / np.mean([x, y]))


def asi_pair_cv(source: SourceDataset, synapse_type: str | None = None,
                axon_class: str | None = None, target_class: str | None = None) -> pd.DataFrame:
    syn = frames(source).syn
    rows = []
    for (ac, tc), group in _filter(syn, axon_class, target_class).groupby(
        ["axon_class", "target_class"]
    ):
        members = []
        observed = []
        for _, pair in group.groupby(["axon_id", "target_id"]):
            if len(pair) != 2:
                continue
            ok = (pair.asi_area > 0).all()
            if synapse_type is not None:
                ok = ok and (pair.synapse_type == synapse_type).all()
            if ok:
                x, y = pair.asi_area.tolist()
                observed.append(_cv(x, y))
                members.extend(zip(pair.synapse_id.tolist(), pair.asi_area.tolist(), strict=False))
        if not observed:
            continue
        members.sort(key=lambda m: ((m[0] * HASH_MULTIPLIER) % HASH_MODULUS, m[0]))
        shuffled = [
            _cv(members[i][1], members[i + 1][1]) for i in range(0, len(members) - 1, 2)
        ]
        rows.append({
            "axon_class": ac, "target_class": tc, "pairs": len(observed),
            "cv_mean": np.mean(observed), "cv_median": _pct(observed, 0.5),
            "random_pairs": len(shuffled),
            "random_cv_mean": np.mean(shuffled) if shuffled else np.nan,
            "random_cv_median": _pct(shuffled, 0.5),
        })
    cols = ["axon_class", "target_class", "pairs", "cv_mean", "cv_median", "random_pairs",
            "random_cv_mean", "random_cv_median"]
    return _finish(rows, cols, ["axon_class", "target_class"])


def _bipartite(pairs: pd.DataFrame) -> nx.Graph:
    g = nx.Graph()
    for a, t in zip(pairs.axon_id, pairs.target_id, strict=False):
        g.add_edge(("a", int(a)), ("t", int(t)))
    return g


def convergent_targets(source: SourceDataset, min_axons: int = 2, axon_class: str | None = None,
                       target_class: str | None = None, limit: int | None = 1000) -> pd.DataFrame:
    p = _filter(frames(source).pairs, axon_class, target_class)
    g = p.groupby("target_id")
    df = pd.DataFrame({
        "target_class": g.target_class.first(), "neuron_id": g.neuron_id.first(),
        "axons": g.size(), "synapses": g.synapses.sum(),
    }).reset_index()
    df = df[df.axons >= min_axons]
    df["neuron_id"] = df.neuron_id.astype("Int64").where(df.neuron_id > 0, pd.NA)
    cols = ["target_id", "target_class", "neuron_id", "axons", "synapses"]
    return _finish(df, cols, ["axons", "target_id"], ("axons",), limit)


def convergent_neurons(source: SourceDataset, min_axons: int = 2, axon_class: str | None = None,
                       limit: int | None = 1000) -> pd.DataFrame:
    p = _filter(frames(source).pairs, axon_class, None)
    p = p[p.neuron_id > 0]
    g = p.groupby("neuron_id")
    df = pd.DataFrame({
        "axons": g.axon_id.nunique(), "targets": g.target_id.nunique(),
        "synapses": g.synapses.sum(),
    }).reset_index()
    df = df[df.axons >= min_axons]
    cols = ["neuron_id", "axons", "targets", "synapses"]
    return _finish(df, cols, ["axons", "neuron_id"], ("axons",), limit)


def _shared_counts(p: pd.DataFrame) -> dict[tuple[int, int], int]:
    """Axon pair (a < b) -> number of shared targets, by walking the bipartite graph."""
    g = _bipartite(p)
    counts: dict[tuple[int, int], int] = {}
    for node in g:
        if node[0] != "t":
            continue
        axons = sorted(n[1] for n in g.neighbors(node))
        for a, b in combinations(axons, 2):
            counts[(a, b)] = counts.get((a, b), 0) + 1
    return counts


def shared_target_axon_pairs(source: SourceDataset, min_shared: int = 2,
                             axon_class: str | None = None, target_class: str | None = None,
                             limit: int | None = 1000) -> pd.DataFrame:
    f = frames(source)
    p = _filter(f.pairs, axon_class, target_class)
    cls = dict(zip(f.axons.axon_id, f.axons.axon_class, strict=False))
    rows = [
        {"axon_a": a, "axon_b": b, "axon_a_class": cls[a], "axon_b_class": cls[b],
         "shared_targets": n}
        for (a, b), n in _shared_counts(p).items() if n >= min_shared
    ]
    cols = ["axon_a", "axon_b", "axon_a_class", "axon_b_class", "shared_targets"]
    return _finish(rows, cols, ["shared_targets", "axon_a", "axon_b"], ("shared_targets",), limit)


def divergent_axons(source: SourceDataset, min_targets: int = 2, min_neurons: int = 0,
                    axon_class: str | None = None, target_class: str | None = None,
                    limit: int | None = 1000) -> pd.DataFrame:
    p = _filter(frames(source).pairs, axon_class, target_class)
    g = p.groupby("axon_id")
    df = pd.DataFrame({
        "axon_class": g.axon_class.first(), "targets": g.size(),
        "neurons": g.neuron_id.agg(lambda s: s[s > 0].nunique()), "synapses": g.synapses.sum(),
    }).reset_index()
    df = df[(df.targets >= min_targets) & (df.neurons >= min_neurons)]
    cols = ["axon_id", "axon_class", "targets", "neurons", "synapses"]
    return _finish(df, cols, ["targets", "axon_id"], ("targets",), limit)


def axon_neuron_multi_target(source: SourceDataset, min_targets: int = 2,
                             axon_class: str | None = None,
                             limit: int | None = 1000) -> pd.DataFrame:
    p = _filter(frames(source).pairs, axon_class, None)
    p = p[p.neuron_id > 0]
    g = p.groupby(["axon_id", "neuron_id"])
    df = pd.DataFrame({
        "axon_class": g.axon_class.first(), "targets": g.size(), "synapses": g.synapses.sum(),
    }).reset_index()
    df = df[df.targets >= min_targets]
    cols = ["axon_id", "neuron_id", "axon_class", "targets", "synapses"]
    return _finish(df, cols, ["targets", "axon_id", "neuron_id"], ("targets",), limit)


def _bifans(p: pd.DataFrame) -> list[tuple[int, int, int, int]]:
    """Every (a1 < a2, t1 < t2) with all four edges, from the bipartite graph's neighbourhoods."""
    g = _bipartite(p)
    found = []
    axons = sorted(n[1] for n in g if n[0] == "a")
    targets_of = {a: {n[1] for n in g.neighbors(("a", a))} for a in axons}
    for a, b in combinations(axons, 2):
        for t1, t2 in combinations(sorted(targets_of[a] & targets_of[b]), 2):
            found.append((a, b, t1, t2))
    return found


def bifans(source: SourceDataset, axon_class: str | None = None,
           target_class: str | None = None, limit: int | None = 1000) -> pd.DataFrame:
    p = _filter(frames(source).pairs, axon_class, target_class)
    keys = ("axon_a", "axon_b", "target_a", "target_b")
    rows = [dict(zip(keys, x, strict=True)) for x in _bifans(p)]
    cols = ["axon_a", "axon_b", "target_a", "target_b"]
    return _finish(rows, cols, cols, (), limit)


def common_targets(source: SourceDataset, axon_ids: list[int] | None = None,
                   limit: int | None = 1000) -> pd.DataFrame:
    want = set(axon_ids or [])
    p = frames(source).pairs
    p = p[p.axon_id.isin(want)]
    g = p.groupby("target_id")
    df = pd.DataFrame({
        "target_class": g.target_class.first(), "neuron_id": g.neuron_id.first(),
        "n": g.axon_id.nunique(), "synapses": g.synapses.sum(),
    }).reset_index()
    df = df[df.n == len(want)] if want else df.iloc[0:0]
    df["neuron_id"] = df.neuron_id.astype("Int64").where(df.neuron_id > 0, pd.NA)
    cols = ["target_id", "target_class", "neuron_id", "synapses"]
    return _finish(df, cols, ["target_id"], (), limit)


def common_axons(source: SourceDataset, target_ids: list[int] | None = None,
                 limit: int | None = 1000) -> pd.DataFrame:
    want = set(target_ids or [])
    p = frames(source).pairs
    p = p[p.target_id.isin(want)]
    g = p.groupby("axon_id")
    df = pd.DataFrame({
        "axon_class": g.axon_class.first(), "n": g.target_id.nunique(),
        "synapses": g.synapses.sum(),
    }).reset_index()
    df = df[df.n == len(want)] if want else df.iloc[0:0]
    cols = ["axon_id", "axon_class", "synapses"]
    return _finish(df, cols, ["axon_id"], (), limit)


def motif_counts(source: SourceDataset, min_synapses: int = 2, min_axons: int = 2,
                 min_targets: int = 2, min_neuron_targets: int = 2, min_shared: int = 2,
                 axon_class: str | None = None,
                 target_class: str | None = None) -> pd.DataFrame:
    kw = {"axon_class": axon_class, "limit": None}
    both = {**kw, "target_class": target_class}
    counts = {
        "multi_synaptic_connections": len(multi_synaptic_connections(source, min_synapses, **both)),
        "convergent_targets": len(convergent_targets(source, min_axons, **both)),
        "convergent_neurons": len(convergent_neurons(source, min_axons, **kw)),
        "divergent_axons": len(divergent_axons(source, min_targets, 0, **both)),
        "axon_neuron_multi_target": len(
            axon_neuron_multi_target(source, min_neuron_targets, **kw)
        ),
        "shared_target_axon_pairs": len(shared_target_axon_pairs(source, min_shared, **both)),
        "bifans": len(bifans(source, **both)),
    }
    rows = [{"motif": k, "instances": v} for k, v in counts.items()]
    return _finish(rows, ["motif", "instances"], ["motif"])


ORACLES: dict[str, Callable[..., pd.DataFrame]] = {
    f.__name__: f
    for f in (
        class_matrix, class_matrix_vs_csv, target_specificity, synapse_type_mix, asi_by_class,
        degree_by_class, multiplicity_by_class, synapse_density, neuron_inputs,
        multi_synaptic_connections, asi_pair_cv, convergent_targets, convergent_neurons,
        shared_target_axon_pairs, divergent_axons, axon_neuron_multi_target, bifans,
        common_targets, common_axons, motif_counts,
    )
}


def _no_tracings(name: str) -> Callable[..., pd.DataFrame]:
    """The tracing queries on a source dataset, which has no tracings: no rows. (On datasets
    with tracings their oracle is tests/tracing_env.py.)"""

    def oracle(source: SourceDataset, **params: Any) -> pd.DataFrame:
        from connectomedb.queries import get_query

        return pd.DataFrame(columns=list(get_query(name).columns))

    return oracle


ORACLES.update({name: _no_tracings(name) for name in ("tracing_evaluation", "tracing_overlaps")})


def answer(name: str, source: SourceDataset, **params: Any) -> pd.DataFrame:
    """The oracle's answer to the named query (parameters as the query's, minus ``dataset``)."""
    return ORACLES[name](source, **params)

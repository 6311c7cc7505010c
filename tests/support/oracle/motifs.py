"""Oracle answers of the motif queries: multi-synaptic connections, ASI pair CVs, convergence,
divergence, shared targets, bi-fans, common partners, motif counts."""

from __future__ import annotations

from collections.abc import Callable
from itertools import combinations

import networkx as nx
import numpy as np
import pandas as pd

from connectomedb.etl.frames import SourceDataset
from support.oracle.frames import (
    HASH_MODULUS,
    HASH_MULTIPLIER,
    by_class,
    finish,
    frames,
    pct,
)


def _most_first(
    rows: list[dict] | pd.DataFrame, cols: list[str], count: str, keys: list[str], limit: int | None
) -> pd.DataFrame:
    """The rows with the largest ``count`` first, then by ``keys``; at most ``limit``."""
    return finish(rows, cols, [count, *keys], (count,), limit)


def _neuron_pairs(source: SourceDataset, axon_class: str | None) -> pd.DataFrame:
    """The connections (of axons of ``axon_class``) onto targets of a known neuron."""
    p = by_class(frames(source).pairs, axon_class, None)
    return p[p.neuron_id > 0]


def multi_synaptic_connections(
    source: SourceDataset,
    min_synapses: int = 2,
    axon_class: str | None = None,
    target_class: str | None = None,
    limit: int | None = 1000,
) -> pd.DataFrame:
    p = by_class(frames(source).pairs, axon_class, target_class)
    p = p[p.synapses >= min_synapses]
    cols = ["axon_id", "target_id", "axon_class", "target_class", "synapses"]
    return _most_first(p, cols, "synapses", ["axon_id", "target_id"], limit)


def _cv(x: float, y: float) -> float:
    # Sample standard deviation of {x, y} over their mean.
    return float(np.std([x, y], ddof=1) / np.mean([x, y]))


def asi_pair_cv(
    source: SourceDataset,
    synapse_type: str | None = None,
    axon_class: str | None = None,
    target_class: str | None = None,
) -> pd.DataFrame:
    syn = frames(source).syn
    rows = []
    for (ac, tc), group in by_class(syn, axon_class, target_class).groupby(
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
        shuffled = [_cv(members[i][1], members[i + 1][1]) for i in range(0, len(members) - 1, 2)]
        rows.append(
            {
                "axon_class": ac,
                "target_class": tc,
                "pairs": len(observed),
                "cv_mean": np.mean(observed),
                "cv_median": pct(observed, 0.5),
                "random_pairs": len(shuffled),
                "random_cv_mean": np.mean(shuffled) if shuffled else np.nan,
                "random_cv_median": pct(shuffled, 0.5),
            }
        )
    cols = "axon_class target_class pairs cv_mean cv_median random_pairs".split()
    cols += ["random_cv_mean", "random_cv_median"]
    return finish(rows, cols, ["axon_class", "target_class"])


def _bipartite(pairs: pd.DataFrame) -> nx.Graph:
    g = nx.Graph()
    for a, t in zip(pairs.axon_id, pairs.target_id, strict=False):
        g.add_edge(("a", int(a)), ("t", int(t)))
    return g


def convergent_targets(
    source: SourceDataset,
    min_axons: int = 2,
    axon_class: str | None = None,
    target_class: str | None = None,
    limit: int | None = 1000,
) -> pd.DataFrame:
    p = by_class(frames(source).pairs, axon_class, target_class)
    g = p.groupby("target_id")
    df = pd.DataFrame(
        {
            "target_class": g.target_class.first(),
            "neuron_id": g.neuron_id.first(),
            "axons": g.size(),
            "synapses": g.synapses.sum(),
        }
    ).reset_index()
    df = df[df.axons >= min_axons]
    df["neuron_id"] = df.neuron_id.astype("Int64").where(df.neuron_id > 0, pd.NA)
    cols = ["target_id", "target_class", "neuron_id", "axons", "synapses"]
    return _most_first(df, cols, "axons", ["target_id"], limit)


def convergent_neurons(
    source: SourceDataset,
    min_axons: int = 2,
    axon_class: str | None = None,
    limit: int | None = 1000,
) -> pd.DataFrame:
    g = _neuron_pairs(source, axon_class).groupby("neuron_id")
    df = pd.DataFrame(
        {
            "axons": g.axon_id.nunique(),
            "targets": g.target_id.nunique(),
            "synapses": g.synapses.sum(),
        }
    ).reset_index()
    df = df[df.axons >= min_axons]
    cols = ["neuron_id", "axons", "targets", "synapses"]
    return _most_first(df, cols, "axons", ["neuron_id"], limit)


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


def shared_target_axon_pairs(
    source: SourceDataset,
    min_shared: int = 2,
    axon_class: str | None = None,
    target_class: str | None = None,
    limit: int | None = 1000,
) -> pd.DataFrame:
    f = frames(source)
    p = by_class(f.pairs, axon_class, target_class)
    cls = dict(zip(f.axons.axon_id, f.axons.axon_class, strict=False))
    rows = [
        {
            "axon_a": a,
            "axon_b": b,
            "axon_a_class": cls[a],
            "axon_b_class": cls[b],
            "shared_targets": n,
        }
        for (a, b), n in _shared_counts(p).items()
        if n >= min_shared
    ]
    cols = ["axon_a", "axon_b", "axon_a_class", "axon_b_class", "shared_targets"]
    return _most_first(rows, cols, "shared_targets", ["axon_a", "axon_b"], limit)


def divergent_axons(
    source: SourceDataset,
    min_targets: int = 2,
    min_neurons: int = 0,
    axon_class: str | None = None,
    target_class: str | None = None,
    limit: int | None = 1000,
) -> pd.DataFrame:
    p = by_class(frames(source).pairs, axon_class, target_class)
    g = p.groupby("axon_id")
    df = pd.DataFrame(
        {
            "axon_class": g.axon_class.first(),
            "targets": g.size(),
            "neurons": g.neuron_id.agg(lambda s: s[s > 0].nunique()),
            "synapses": g.synapses.sum(),
        }
    ).reset_index()
    df = df[(df.targets >= min_targets) & (df.neurons >= min_neurons)]
    cols = ["axon_id", "axon_class", "targets", "neurons", "synapses"]
    return _most_first(df, cols, "targets", ["axon_id"], limit)


def axon_neuron_multi_target(
    source: SourceDataset,
    min_targets: int = 2,
    axon_class: str | None = None,
    limit: int | None = 1000,
) -> pd.DataFrame:
    g = _neuron_pairs(source, axon_class).groupby(["axon_id", "neuron_id"])
    df = pd.DataFrame(
        {
            "axon_class": g.axon_class.first(),
            "targets": g.size(),
            "synapses": g.synapses.sum(),
        }
    ).reset_index()
    df = df[df.targets >= min_targets]
    cols = ["axon_id", "neuron_id", "axon_class", "targets", "synapses"]
    return _most_first(df, cols, "targets", ["axon_id", "neuron_id"], limit)


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


def bifans(
    source: SourceDataset,
    axon_class: str | None = None,
    target_class: str | None = None,
    limit: int | None = 1000,
) -> pd.DataFrame:
    p = by_class(frames(source).pairs, axon_class, target_class)
    keys = ("axon_a", "axon_b", "target_a", "target_b")
    rows = [dict(zip(keys, x, strict=True)) for x in _bifans(p)]
    cols = ["axon_a", "axon_b", "target_a", "target_b"]
    return finish(rows, cols, cols, (), limit)


def _common(
    p: pd.DataFrame, key: str, member: str, want: set[int], first: tuple[str, ...]
) -> pd.DataFrame:
    """Per ``key``: the ``first`` columns, synapses summed, kept when linked to every ``want``
    ``member`` (none when ``want`` is empty)."""
    p = p[p[member].isin(want)]
    g = p.groupby(key)
    df = pd.DataFrame(
        {
            **{c: g[c].first() for c in first},
            "n": g[member].nunique(),
            "synapses": g.synapses.sum(),
        }
    ).reset_index()
    return df[df.n == len(want)] if want else df.iloc[0:0]


def common_targets(
    source: SourceDataset, axon_ids: list[int] | None = None, limit: int | None = 1000
) -> pd.DataFrame:
    df = _common(
        frames(source).pairs,
        "target_id",
        "axon_id",
        set(axon_ids or []),
        ("target_class", "neuron_id"),
    )
    df["neuron_id"] = df.neuron_id.astype("Int64").where(df.neuron_id > 0, pd.NA)
    cols = ["target_id", "target_class", "neuron_id", "synapses"]
    return finish(df, cols, ["target_id"], (), limit)


def common_axons(
    source: SourceDataset, target_ids: list[int] | None = None, limit: int | None = 1000
) -> pd.DataFrame:
    df = _common(
        frames(source).pairs, "axon_id", "target_id", set(target_ids or []), ("axon_class",)
    )
    cols = ["axon_id", "axon_class", "synapses"]
    return finish(df, cols, ["axon_id"], (), limit)


#: Each motif of ``motif_counts``: its listing, the ``motif_counts`` parameter that is the
#: listing's threshold (its first parameter; None: it has none), and whether the listing
#: filters by target class (the neuron-level ones do not).
_COUNTED: dict[str, tuple[Callable[..., pd.DataFrame], str | None, bool]] = {
    "multi_synaptic_connections": (multi_synaptic_connections, "min_synapses", True),
    "convergent_targets": (convergent_targets, "min_axons", True),
    "convergent_neurons": (convergent_neurons, "min_axons", False),
    "divergent_axons": (divergent_axons, "min_targets", True),
    "axon_neuron_multi_target": (axon_neuron_multi_target, "min_neuron_targets", False),
    "shared_target_axon_pairs": (shared_target_axon_pairs, "min_shared", True),
    "bifans": (bifans, None, True),
}


def motif_counts(
    source: SourceDataset,
    axon_class: str | None = None,
    target_class: str | None = None,
    **thresholds: int,
) -> pd.DataFrame:
    """The rows of every motif's listing, without a limit; a threshold not given keeps the
    listing's own default."""
    known = {threshold for _, threshold, _ in _COUNTED.values()}
    unknown = sorted(set(thresholds) - known)
    if unknown:
        raise TypeError(f"motif_counts has no parameter {unknown[0]!r}")
    rows = []
    for motif, (listing, threshold, by_target) in _COUNTED.items():
        first = (thresholds[threshold],) if threshold in thresholds else ()
        classes = {"axon_class": axon_class}
        if by_target:
            classes["target_class"] = target_class
        rows.append(
            {"motif": motif, "instances": len(listing(source, *first, **classes, limit=None))}
        )
    return finish(rows, ["motif", "instances"], ["motif"])

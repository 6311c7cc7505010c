"""A :class:`~connectomedb.motifs.model.Motif` counted in memory, on pandas frames.

The third executor of the same semantics as the SQL and Cypher compilations, for graphs that
live only in memory: the random connectomes of the significance test. It joins one frame per
motif edge on the shared nodes, filters by the constraints, drops the mappings that have a
forbidden edge, keeps distinct nodes and, unless every mapping is wanted, one mapping per
instance.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from connectomedb.motifs.model import AXON, Motif

_OPS = {
    "=": lambda x, y: x == y,
    "!=": lambda x, y: x != y,
    "<": lambda x, y: x < y,
    "<=": lambda x, y: x <= y,
    ">": lambda x, y: x > y,
    ">=": lambda x, y: x >= y,
}


def _compare(left, op: str, right) -> np.ndarray:
    """Missing values compare false, except that they differ (!=) from any given value."""
    values = pd.Series(np.asarray(left, dtype=object))
    missing = values.isna().to_numpy()
    out = np.zeros(len(values), bool)
    present = ~missing
    if present.any():
        v = values[present]
        v = v.astype(str) if isinstance(right, str) else pd.to_numeric(v)
        out[present] = np.asarray(_OPS[op](v, right), dtype=bool)
    if op == "!=":
        out[missing] = True
    return out


def count_frames(
    motif: Motif,
    edges: pd.DataFrame,
    axons: pd.DataFrame,
    targets: pd.DataFrame,
    *,
    all_mappings: bool = False,
) -> int:
    """Instances of ``motif`` in the graph of ``edges`` (a, t, synapses, asi_area_sum,
    asi_area_count), ``axons`` (id, class, synapses), ``targets`` (id, class, synapses,
    neuron_id)."""
    frame = mappings(motif, edges, axons, targets, all_mappings=all_mappings)
    order = None if all_mappings else motif.order_pairs()
    if order is None and not all_mappings:
        return len(frame) // len(motif.automorphisms)
    return len(frame)


def mappings(
    motif: Motif,
    edges: pd.DataFrame,
    axons: pd.DataFrame,
    targets: pd.DataFrame,
    *,
    all_mappings: bool = False,
) -> pd.DataFrame:
    """One row per mapping (columns: the motif's node names, IDs); one per instance unless
    ``all_mappings`` (or when the motif's symmetry cannot be broken by ordering)."""
    names = motif.names
    nodes = {AXON: axons.set_index("id"), "target": targets.set_index("id")}
    edge_attrs = [c for c in ("synapses", "asi_area_sum", "asi_area_count") if c in edges]
    frame: pd.DataFrame | None = None
    for idx, (u, v) in enumerate(motif.edges):
        part = edges[["a", "t", *edge_attrs]].rename(
            columns={"a": u, "t": v, **{c: f"{c}#{idx}" for c in edge_attrs}}
        )
        for c in motif.constraints:
            if c.edge == (u, v):
                part = part[_compare(part[f"{c.attr}#{idx}"], c.op, c.value)]
        if frame is None:
            frame = part
        else:
            shared = [n for n in (u, v) if n in frame.columns]
            frame = frame.merge(part, on=shared) if shared else frame.merge(part, how="cross")
    for name in names:
        if frame is not None and name in frame.columns:
            continue
        ids = nodes[motif.nodes[name]].index.to_frame(name=name).reset_index(drop=True)
        frame = ids if frame is None else frame.merge(ids, how="cross")
    assert frame is not None
    for name in names:
        table = nodes[motif.nodes[name]]
        for c in motif.constraints:
            if c.node == name:
                values = frame[name] if c.attr == "id" else table[c.attr].reindex(frame[name])
                frame = frame[_compare(values, c.op, c.value)]
    for link in motif.links:
        left = _values(frame, link.left, motif, nodes, names)
        right = _values(frame, link.right, motif, nodes, names)
        both = ~(pd.isna(left) | pd.isna(right))
        ok = np.zeros(len(frame), bool)
        ok[both] = np.asarray(_OPS[link.op](left[both], right[both]), dtype=bool)
        frame = frame[ok]
    if motif.forbidden and len(frame):
        width = np.int64(max(int(targets["id"].max()), 0) + 1)
        existing = np.sort(edges["a"].to_numpy(np.int64) * width + edges["t"].to_numpy(np.int64))
        for u, v in motif.forbidden:
            keys = frame[u].to_numpy(np.int64) * width + frame[v].to_numpy(np.int64)
            pos = np.clip(np.searchsorted(existing, keys), 0, max(len(existing) - 1, 0))
            present = existing[pos] == keys if len(existing) else np.zeros(len(keys), bool)
            frame = frame[~present]
    order = None if all_mappings else motif.order_pairs()
    ordered = {frozenset(p) for p in order or []}
    for i, x in enumerate(names):
        for y in names[i + 1 :]:
            if motif.nodes[x] != motif.nodes[y]:
                continue
            if frozenset((x, y)) in ordered:
                frame = frame[frame[x].to_numpy() < frame[y].to_numpy()]
            else:
                frame = frame[frame[x].to_numpy() != frame[y].to_numpy()]
    return frame[names].reset_index(drop=True)


def _values(frame, side, motif, nodes, names) -> pd.Series:
    node, edge, attr = side
    if edge is not None:
        idx = motif.edges.index(edge)
        return frame[f"{attr}#{idx}"].reset_index(drop=True)
    if attr == "id":
        return frame[node].reset_index(drop=True)
    table = nodes[motif.nodes[node]]
    return pd.Series(np.asarray(table[attr].reindex(frame[node]), dtype=object))

"""Expected graph answers computed with pandas straight from a :class:`SourceDataset`, without
the graph transform: node and relationship counts, an axon's contacts, a neuron's inputs."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from connectomedb.etl import class_stats
from connectomedb.etl.class_thresholds import specificity_levels
from connectomedb.etl.frames import Axons, Ragged, SourceDataset, Targets
from connectomedb.etl.motifs import motif_frames
from connectomedb.etl.pair_cv import pair_cv_stats
from connectomedb.etl.specificity import specificity_targets


def synapse_table(src: SourceDataset) -> pd.DataFrame:
    """One row per synapse: synapse, axon, target (0 = none)."""
    sy = src.synapses
    return pd.DataFrame(
        {
            "synapse": np.arange(1, sy.n + 1),
            "axon": np.asarray(sy.axon_id, dtype=np.int64),
            "target": np.asarray(sy.target_id, dtype=np.int64),
        }
    )


def set_members(sets: Ragged) -> pd.DataFrame:
    """(owner, segment) for every published element but segment 0."""
    df = pd.DataFrame({"owner": sets.owner_ids(), "segment": np.asarray(sets.values).ravel()})
    return df[df.segment != 0].reset_index(drop=True)


def _class_names(neurites: Axons | Targets) -> list[str]:
    names = dict(zip(neurites.classes.frame.code, neurites.classes.frame.name, strict=True))
    return [names.get(int(c), "Unknown") for c in neurites.class_code]


def expected_counts(src: SourceDataset) -> tuple[dict[str, int], dict[str, int]]:
    """Node and relationship counts computed straight from the source."""
    sy, ax, tg, sh = src.synapses, src.axons, src.targets, src.spine_heads
    syn = synapse_table(src)
    conn = syn[(syn.axon > 0) & (syn.target > 0)]
    pre, post = set_members(sy.pre_seg), set_members(sy.post_seg)
    aggs = [set_members(x.agglomerate) for x in (ax, tg, sh)]
    referenced = set(pd.concat([pre.segment, post.segment] + [a.segment for a in aggs]))
    segments = len(referenced - {0})
    neurons = set() if tg.neuron_id is None else {int(v) for v in tg.neuron_id if v > 0}
    ax_names = dict(zip(ax.classes.frame.code, ax.classes.frame.name, strict=True))
    tg_names = dict(zip(tg.classes.frame.code, tg.classes.frame.name, strict=True))
    pairs = conn[["axon", "target"]].drop_duplicates()
    class_pairs = {
        (
            ax_names.get(int(ax.class_code[a - 1]), "Unknown"),
            tg_names.get(int(tg.class_code[t - 1]), "Unknown"),
        )
        for a, t in zip(pairs.axon, pairs.target, strict=True)
    }
    nodes = {
        "Dataset": 1,
        "Segment": segments,
        "Axon": ax.n,
        "Target": tg.n,
        "Neuron": len(neurons),
        "SpineHead": sh.n,
        "Synapse": sy.n,
        "AxonClass": len(set(ax.classes.frame.name) | set(_class_names(ax))),
        "TargetClass": len(set(tg.classes.frame.name) | set(_class_names(tg))),
    }
    spine = np.zeros(sy.n) if sy.spine_head_id is None else np.asarray(sy.spine_head_id)
    rels = {
        "PRE": len(pre),
        "POST": len(post),
        "MAKES": int((syn.axon > 0).sum()),
        "ONTO": int((syn.target > 0).sum()),
        "ON_SPINE": int((spine > 0).sum()),
        "OF_NEURON": 0 if tg.neuron_id is None else int((np.asarray(tg.neuron_id) > 0).sum()),
        "HAS_SEGMENT": sum(len(a) for a in aggs),
        "IN_CLASS": ax.n + tg.n,
        "CONNECTS_TO": len(pairs),
        "CLASS_CONNECTS_TO": len(class_pairs),
        "SHARES_TARGETS": _pairs_sharing_two(pairs, tg, tg_names),
        "CLASS_SYNAPSES": _class_type_cells(src, conn, ax_names, tg_names),
        "BIFAN": _bifan_count(pairs, tg, tg_names),
    }
    # The histogram's rows are checked by the motif queries against the oracle.
    nodes["MotifHistogram"] = len(motif_frames(src).histogram)
    # The class aggregates are checked by the per-class queries against the oracle.
    nodes["AxonFraction"] = len(class_stats.axon_fractions(src))
    nodes["AxonDivergence"] = len(class_stats.divergence(src))
    nodes["TargetConvergence"] = len(class_stats.convergence(src))
    rels["CLASS_MULTIPLICITY"] = len(class_pairs)
    nodes["NeuriteClassStat"] = len(class_stats.neurite_stats(src))
    nodes["ClassSpecificity"] = len(specificity_levels(src))
    nodes["ClassSpecificityTarget"] = len(specificity_targets(src))
    rels["CLASS_DEGREE_CELL"] = len(class_stats.degree_cells(src))
    rels["CLASS_PAIR_CV"] = len(pair_cv_stats(src))
    neuron_of = np.zeros(tg.n + 1, dtype=np.int64)
    if tg.neuron_id is not None:
        neuron_of[1:] = np.asarray(tg.neuron_id, dtype=np.int64)
    rels["NEURON_INPUT"] = len(
        {
            (int(neuron_of[t]), ax_names.get(int(ax.class_code[a - 1]), "Unknown"))
            for a, t in zip(pairs.axon, pairs.target, strict=True)
            if neuron_of[t] > 0
        }
    )
    return nodes, rels


def _class_type_cells(
    src: SourceDataset, conn: pd.DataFrame, ax_names: dict[Any, Any], tg_names: dict[Any, Any]
) -> int:
    """(axon class, target class) cells plus (axon class, target class, type) cells."""
    ax, tg, sy = src.axons, src.targets, src.synapses
    st_names = dict(zip(sy.types.frame.code, sy.types.frame.name, strict=True))
    cells = {
        (
            ax_names.get(int(ax.class_code[a - 1]), "Unknown"),
            tg_names.get(int(tg.class_code[t - 1]), "Unknown"),
            st_names.get(int(sy.type_code[s]), "Unknown"),
        )
        for a, t, s in zip(conn.axon, conn.target, conn.index, strict=True)
    }
    return len(cells) + len({c[:2] for c in cells})


def _shared_targets(
    pairs: pd.DataFrame, tg: Any, tg_names: dict[Any, Any]
) -> tuple[pd.Series, pd.Series]:
    """Targets shared by each axon pair: over all targets, and per target class."""
    frame = pairs.assign(
        cls=[tg_names.get(int(tg.class_code[t - 1]), "Unknown") for t in pairs.target]
    )
    both = frame.merge(frame, on="target")
    both = both[both.axon_x < both.axon_y]
    return both.groupby(["axon_x", "axon_y"]).size(), both.groupby(
        ["cls_x", "axon_x", "axon_y"]
    ).size()


def _bifan_count(pairs: pd.DataFrame, tg: Any, tg_names: dict[Any, Any]) -> int:
    """Bi-fans over all targets plus per target class: n (n - 1) / 2 per pair sharing n."""
    every, per_class = _shared_targets(pairs, tg, tg_names)
    return int((every * (every - 1) // 2).sum() + (per_class * (per_class - 1) // 2).sum())


def _pairs_sharing_two(pairs: pd.DataFrame, tg: Any, tg_names: dict[Any, Any]) -> int:
    """Axon pairs sharing at least two targets: over all targets plus per target class."""
    every, per_class = _shared_targets(pairs, tg, tg_names)
    return int((every >= 2).sum() + (per_class >= 2).sum())


def axon_contacts(src: SourceDataset, axon: int) -> pd.DataFrame:
    """Targets of ``axon`` with their connectome synapse counts: columns target, synapses."""
    syn = synapse_table(src)
    mine = syn[(syn.axon == axon) & (syn.target > 0)]
    out = mine.groupby("target").size().rename("synapses").reset_index()
    return out.sort_values("target").reset_index(drop=True)


def neuron_input_classes(src: SourceDataset, neuron: int) -> pd.DataFrame:
    """Axon classes feeding ``neuron`` (summed over its targets): columns axon_class,
    synapses."""
    syn = synapse_table(src)
    tg, ax = src.targets, src.axons
    neuron_of = np.concatenate([[0], np.asarray(tg.neuron_id)])
    syn = syn[(syn.axon > 0) & (syn.target > 0)]
    syn = syn[neuron_of[syn.target.to_numpy()] == neuron]
    names = dict(zip(ax.classes.frame.code, ax.classes.frame.name, strict=True))
    cls = [names.get(int(ax.class_code[a - 1]), "Unknown") for a in syn.axon]
    out = pd.Series(cls, dtype=object).value_counts().rename_axis("axon_class")
    out = out.rename("synapses").reset_index()
    return out.sort_values("axon_class").reset_index(drop=True)


def synapse_segments(src: SourceDataset, synapse: int) -> tuple[list[int], list[int]]:
    """Pre and post segments of one synapse, one per published element (zeros dropped),
    sorted."""
    pre = sorted(int(s) for s in src.synapses.pre_seg.element(synapse) if s != 0)
    post = sorted(int(s) for s in src.synapses.post_seg.element(synapse) if s != 0)
    return pre, post

"""The ground truth of a generated dataset: counts, class totals and motifs, JSON-able."""

from __future__ import annotations

import numpy as np

from connectomedb.etl.frames import ClassConnectome
from connectomedb.synth import codes as C
from connectomedb.synth.geometry import Geometry
from connectomedb.synth.motifs import connectome_synapses, motifs
from connectomedb.synth.params import ScaleParams
from connectomedb.synth.wiring import Wiring

GENERATOR_VERSION = 1


def _count_by(codes: np.ndarray, entries: tuple[tuple[int, str, str], ...]) -> dict[str, int]:
    counts = np.bincount(codes.astype(np.int64), minlength=len(entries) + 1)
    return {name: int(counts[c]) for c, _, name in entries}


def ground_truth(
    p: ScaleParams,
    seed: int,
    w: Wiring,
    geo: Geometry,
    axon_class: np.ndarray,
    asi: np.ndarray,
    connectome: ClassConnectome,
) -> dict:
    """What the generated data holds, counted on the wiring (the tests' and docs' reference)."""
    conn = (w.syn_axon > 0) & (w.syn_target > 0)
    syn = connectome_synapses(w.syn_axon, w.syn_target, w.syn_type, asi)
    ax_n = np.bincount(w.syn_axon[conn], minlength=w.n_axons + 1)[1:]
    tg_n = np.bincount(w.syn_target[conn], minlength=w.n_targets + 1)[1:]
    classified = ax_n >= C.MIN_SYNAPSES
    e = connectome.entries
    totals = e.groupby(["axon_class", "target_class"])["synapses"].sum()
    class_totals: dict[str, dict[str, int]] = {
        a: {t: 0 for t in C.CSV_COLUMN_ORDER} for a in C.CSV_ROW_ORDER
    }
    for (a, t), n in totals.items():
        class_totals[a][t] = int(n)
    tiny = p.name == "tiny"
    common = [1, 2, 6] if tiny else [int(a) + 1 for a in np.argsort(-ax_n, kind="stable")[:3]]
    truth = {
        "generator": "connectomedb.synth",
        "generator_version": GENERATOR_VERSION,
        "scale": p.name,
        "seed": seed,
        "counts": {
            "segments": int(geo.seg_position.shape[0]),
            "free_segments": int(geo.free_segments),
            "axons": w.n_axons,
            "targets": w.n_targets,
            "spine_heads": int(w.spine_target.shape[0]),
            "synapses": int(w.syn_axon.shape[0]),
            "neurons": int(np.unique(w.neuron_id[w.neuron_id > 0]).shape[0]),
            "connectome_synapses": int(conn.sum()),
            "synapses_without_axon": int((w.syn_axon == 0).sum()),
            "synapses_without_target": int((w.syn_target == 0).sum()),
            "synapses_with_split_axon": int((w.syn_split > 0).sum()),
            "synapses_on_spine_heads": int((w.syn_spine > 0).sum()),
            "synapses_with_asi": int(np.isfinite(asi).sum()),
            "axon_skeleton_nodes": int(geo.axon_skeleton.nodes.values.shape[0]),
            "target_skeleton_nodes": int(geo.target_skeleton.nodes.values.shape[0]),
            "axon_skeleton_edges": int(geo.axon_skeleton.edges.values.shape[0]),
            "target_skeleton_edges": int(geo.target_skeleton.edges.values.shape[0]),
            "flight_path_nodes": int(
                (geo.axon_skeleton.seg_ids.values == 0).sum()
                + (geo.target_skeleton.seg_ids.values == 0).sum()
            ),
            "axon_agglomerate_segments": int(geo.axon_agglomerate.values.shape[0]),
            "target_agglomerate_segments": int(geo.target_agglomerate.values.shape[0]),
            "spine_head_agglomerate_segments": int(geo.spine_agglomerate.values.shape[0]),
            "pre_segment_interfaces": int(geo.pre_seg.values.shape[0]),
            "post_segment_interfaces": int(geo.post_seg.values.shape[0]),
        },
        "axon_classes": _count_by(axon_class, C.AXON_CLASSES),
        "target_classes": _count_by(w.target_class, C.TARGET_CLASSES),
        "synapse_types": _count_by(w.syn_type, C.SYNAPSE_TYPES),
        "connectome_synapse_types": _count_by(w.syn_type[conn], C.SYNAPSE_TYPES),
        "classified_axons": {
            "min_synapses": C.MIN_SYNAPSES,
            "count": int(classified.sum()),
            "by_class": _count_by(axon_class[classified], C.AXON_CLASSES),
        },
        "targets_with_min_synapses": int((tg_n >= C.MIN_SYNAPSES).sum()),
        "connectome_csv": {
            "rows": len(connectome.row_classes),
            "columns": len(connectome.col_classes),
            "synapses": int(e["synapses"].sum()),
            "nonzero_cells": int(len(e)),
            "row_classes": {c: connectome.row_classes.count(c) for c in C.CSV_ROW_ORDER},
            "column_classes": {c: connectome.col_classes.count(c) for c in C.CSV_COLUMN_ORDER},
            "class_totals": class_totals,
        },
        "motifs": motifs(
            syn,
            w.neuron_id,
            detail=p.name != "full",
            k=5 if tiny else 20,
            common_axons=common,
            bifan_list=tiny,
        ),
    }
    if tiny:
        truth["planted"] = w.planted
        _check_planted(truth)
    return truth


def _check_planted(truth: dict) -> None:
    """The hand-counted answers of the tiny plan must be what the generated data says."""
    m = truth["motifs"]
    for item in truth["planted"]:
        kind = item["kind"]
        if kind == "multi_synaptic_pair":
            ok = [item["axon"], item["target"], item["synapses"]] in m["multi_synaptic"]["list"]
        elif kind == "convergence":
            ok = m["convergence"]["target_axons"].get(str(item["target"])) == len(item["axons"])
        elif kind == "convergence_neuron":
            ok = m["convergence"]["neuron_axons"].get(str(item["neuron"])) == len(item["axons"])
        elif kind == "divergence":
            ok = m["divergence"]["axon_targets"].get(str(item["axon"])) == len(item["targets"])
        elif kind == "bifan":
            ok = item["axons"] + item["targets"] in m["bifans"]["list"]
        elif kind == "axon_neuron_multi_target":
            ok = {k: item[k] for k in ("axon", "neuron", "targets")} in m[
                "axon_neuron_multi_target"
            ]["list"]
        elif kind == "common_partners":
            ok = m["common_partners"] == {"axons": item["axons"], "targets": item["targets"]}
        else:
            ok = False
        if not ok:
            raise AssertionError(f"planted motif not in the generated data: {item}")

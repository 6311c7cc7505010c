"""``generate``: a complete synthetic dataset in memory, plus its ground truth."""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from connectomedb import __version__
from connectomedb.etl.frames import (
    Axons,
    ClassConnectome,
    Segments,
    SourceDataset,
    SpineHeads,
    Synapses,
    Targets,
)
from connectomedb.etl.synth import codes as C
from connectomedb.etl.synth.geometry import Geometry, build_geometry
from connectomedb.etl.synth.motifs import connectome_synapses, motifs
from connectomedb.etl.synth.params import SCALES, ScaleParams
from connectomedb.etl.synth.random_wiring import random_wiring
from connectomedb.etl.synth.tiny import UNUSED_SPINE_HEADS, tiny_wiring
from connectomedb.etl.synth.wiring import (
    Wiring,
    assign_split_ids,
    attach_spine_heads,
    shuffle_synapses,
)

GENERATOR_VERSION = 1


@dataclass(frozen=True)
class SynthResult:
    """A generated dataset: the frames a reader would extract from the written files, the
    ground truth (JSON-able), the root ``info`` text, and the axon / target IDs of the rows /
    columns of ``connectome.csv`` in file order."""

    scale: str
    seed: int
    dataset: SourceDataset
    truth: dict
    info: str
    csv_axons: np.ndarray
    csv_targets: np.ndarray


def classify_axons(w: Wiring) -> np.ndarray:
    """The paper's rule on connectome synapses: axons with fewer than 10 are ``other``;
    primary-spine fraction >= 0.5 excitatory (thalamocortical when the classifier says >= 0.6),
    < 0.2 inhibitory, in between ``other``."""
    conn = (w.syn_axon > 0) & (w.syn_target > 0)
    total = np.bincount(w.syn_axon[conn], minlength=w.n_axons + 1)[1:]
    spine = np.bincount(w.syn_axon[conn & (w.syn_type == C.PRIMARY)], minlength=w.n_axons + 1)[1:]
    frac = spine / np.maximum(total, 1)
    big = total >= C.MIN_SYNAPSES
    code = np.full(w.n_axons, C.OTHER, dtype=np.int16)
    exc = big & (frac >= C.EXCITATORY_MIN_SPINE_FRACTION)
    tc = w.tc_probability >= C.THALAMOCORTICAL_MIN_PROBABILITY
    code[exc & tc] = C.TC
    code[exc & ~tc] = C.CC
    code[big & (frac < C.INHIBITORY_MAX_SPINE_FRACTION)] = C.INH
    return code


def asi_areas(rng: np.random.Generator, w: Wiring, correlated: float) -> np.ndarray:
    """ASI in µm² on spine synapses, NaN on shaft and soma synapses. For a share ``correlated``
    of the axon-target pairs joined by exactly two spine synapses, the second ASI is the first
    within ~10 % (the paper's same-axon same-dendrite pairs)."""
    asi = np.full(w.syn_type.shape[0], np.nan)
    spine = np.isin(w.syn_type, [C.PRIMARY, C.SECONDARY])
    asi[spine] = rng.lognormal(np.log(0.15), 0.7, int(spine.sum()))
    conn = np.flatnonzero((w.syn_axon > 0) & (w.syn_target > 0))
    frame = pd.DataFrame(
        {"s": conn, "a": w.syn_axon[conn], "t": w.syn_target[conn], "sp": spine[conn]}
    )
    g = frame.groupby(["a", "t"])
    frame["n"] = g["s"].transform("size")
    frame["all_spine"] = g["sp"].transform("all")
    two = frame[(frame["n"] == 2) & frame["all_spine"]].sort_values(["a", "t", "s"])
    firsts = two["s"].to_numpy()[0::2]
    seconds = two["s"].to_numpy()[1::2]
    pick = rng.random(firsts.shape[0]) < correlated
    asi[seconds[pick]] = asi[firsts[pick]] * np.exp(rng.normal(0.0, 0.08, int(pick.sum())))
    return asi


def _csv_layout(
    rng: np.random.Generator, w: Wiring, axon_class: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Axon IDs of the CSV rows and target IDs of its columns, grouped and shuffled."""
    conn = (w.syn_axon > 0) & (w.syn_target > 0)
    ax_n = np.bincount(w.syn_axon[conn], minlength=w.n_axons + 1)[1:]
    tg_n = np.bincount(w.syn_target[conn], minlength=w.n_targets + 1)[1:]
    ax_names = C.names(C.AXON_CLASSES)
    tg_names = C.names(C.TARGET_CLASSES)
    rows = []
    for name in C.CSV_ROW_ORDER:
        code = next(c for c, n in ax_names.items() if n == name)
        keep = (ax_n >= C.MIN_SYNAPSES) & (axon_class == code)
        rows.append(rng.permutation(np.flatnonzero(keep) + 1))
    cols = []
    for name in C.CSV_COLUMN_ORDER:
        code = next(c for c, n in tg_names.items() if n == name)
        keep = (w.target_class == code) & ((tg_n >= C.MIN_SYNAPSES) | (w.target_class == C.AIS))
        cols.append(rng.permutation(np.flatnonzero(keep) + 1))
    return np.concatenate(rows).astype(np.int64), np.concatenate(cols).astype(np.int64)


def _class_connectome(
    w: Wiring, axon_class: np.ndarray, rows: np.ndarray, cols: np.ndarray
) -> ClassConnectome:
    row_of = np.full(w.n_axons + 1, -1, dtype=np.int64)
    row_of[rows] = np.arange(rows.shape[0])
    col_of = np.full(w.n_targets + 1, -1, dtype=np.int64)
    col_of[cols] = np.arange(cols.shape[0])
    r = row_of[w.syn_axon]
    c = col_of[w.syn_target]
    keep = (r >= 0) & (c >= 0) & (w.syn_axon > 0) & (w.syn_target > 0)
    cells = pd.DataFrame({"row": r[keep], "col": c[keep]}).value_counts().rename("synapses")
    cells = cells.reset_index().sort_values(["row", "col"], ignore_index=True)
    ax_names = C.names(C.AXON_CLASSES)
    tg_names = C.names(C.TARGET_CLASSES)
    row_classes = [ax_names[int(x)] for x in axon_class[rows - 1]]
    col_classes = [tg_names[int(x)] for x in w.target_class[cols - 1]]
    entries = pd.DataFrame(
        {
            "row": cells["row"].to_numpy(np.int32),
            "col": cells["col"].to_numpy(np.int32),
            "axon_class": np.array(row_classes, dtype=object)[cells["row"].to_numpy()],
            "target_class": np.array(col_classes, dtype=object)[cells["col"].to_numpy()],
            "synapses": cells["synapses"].to_numpy(np.int64),
        }
    )
    return ClassConnectome(row_classes=row_classes, col_classes=col_classes, entries=entries)


def info_text(scale: str, seed: int, file: str) -> str:
    """The root ``info`` attribute: provenance lines in the style of the published export,
    fixed for a given scale and seed."""
    stamp = pd.Timestamp("2019-06-01 09:00:00") + pd.Timedelta(seconds=(seed * 7919) % 86400)
    return (
        f"Generated by connectomedb.etl.synth.write ({file})\n"
        f"connectomedb revision: {__version__} (generator {GENERATOR_VERSION})\n"
        f"Synthetic dataset: scale {scale}, seed {seed}\n"
        f"User: synth@connectomedb\n"
        f"MATLAB version: none (layout of the MATLAB export)\n"
        f"Time: {stamp:%d-%b-%Y %H:%M:%S}\n"
    )


def _wiring(rng: np.random.Generator, p: ScaleParams) -> tuple[Wiring, int]:
    if p.name == "tiny":
        w = tiny_wiring()
        return w, int((w.syn_type == C.PRIMARY).sum()) + UNUSED_SPINE_HEADS
    return random_wiring(rng, p), p.spine_heads


def generate(scale: str = "tiny", seed: int = 0) -> SynthResult:
    """A synthetic L4dense dataset of the given scale (``tiny``, ``demo`` or ``full``), the same
    for the same seed. Pure: nothing is written (see :func:`write`)."""
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; choose one of {', '.join(SCALES)}")
    p = SCALES[scale]
    rng = np.random.default_rng([seed, zlib.crc32(scale.encode())])
    w, n_spine = _wiring(rng, p)
    shuffle_synapses(rng, w)
    attach_spine_heads(rng, w, n_spine)
    assign_split_ids(rng, w)
    tiny = scale == "tiny"
    geo = build_geometry(
        rng,
        w,
        n_segments=p.segments,
        free_segments=p.free_segments,
        axon_nodes_mean=p.axon_nodes_mean,
        target_nodes_mean=p.target_nodes_mean,
        extra_segments_per_node=p.extra_segments_per_node,
        # Tiny shows the self-edge rule on the synapse-less axon and the ignored target.
        single_node_axons=[13] if tiny else [],
        single_node_targets=[18] if tiny else [],
        flight_fraction=0.08 if tiny else 0.02,
    )
    axon_class = classify_axons(w)
    asi = asi_areas(rng, w, correlated=1.0 if tiny else 0.5)
    mapped = rng.permutation(w.n_axons + w.n_targets).astype(np.int64) + 1
    ax_mapped = mapped[: w.n_axons]
    tg_mapped = mapped[w.n_axons :]
    tg_mapped[rng.random(w.n_targets) < 0.05] = 0
    rows, cols = _csv_layout(rng, w, axon_class)
    connectome = _class_connectome(w, axon_class, rows, cols)
    dataset = _dataset(w, geo, axon_class, asi, ax_mapped, tg_mapped, connectome)
    truth = _truth(p, seed, w, geo, axon_class, asi, connectome)
    return SynthResult(
        scale=scale,
        seed=seed,
        dataset=dataset,
        truth=truth,
        info=info_text(scale, seed, "{file}"),
        csv_axons=rows,
        csv_targets=cols,
    )


def _dataset(
    w: Wiring,
    geo: Geometry,
    axon_class: np.ndarray,
    asi: np.ndarray,
    ax_mapped: np.ndarray,
    tg_mapped: np.ndarray,
    connectome: ClassConnectome,
) -> SourceDataset:
    n_sh = int(w.spine_target.shape[0])
    return SourceDataset(
        folder=Path("."),
        files={},
        axons=Axons(
            n=w.n_axons,
            class_code=axon_class,
            classes=C.code_table(C.AXON_CLASSES),
            mapped_seg_id=ax_mapped,
            agglomerate=geo.axon_agglomerate,
            skeleton=geo.axon_skeleton,
        ),
        targets=Targets(
            n=w.n_targets,
            class_code=w.target_class.astype(np.int16),
            classes=C.code_table(C.TARGET_CLASSES),
            neuron_id=w.neuron_id.astype(np.int64),
            mapped_seg_id=tg_mapped,
            agglomerate=geo.target_agglomerate,
            skeleton=geo.target_skeleton,
        ),
        spine_heads=SpineHeads(
            n=n_sh,
            volume=_spine_volumes(w, asi),
            agglomerate=geo.spine_agglomerate,
        ),
        synapses=Synapses(
            n=int(w.syn_axon.shape[0]),
            type_code=w.syn_type.astype(np.int16),
            types=C.code_table(C.SYNAPSE_TYPES),
            pre_position=geo.pre_position,
            syn_position=geo.syn_position,
            post_position=geo.post_position,
            axon_id=w.syn_axon,
            split_axon_id=w.syn_split,
            target_id=w.syn_target,
            spine_head_id=w.syn_spine,
            asi_area=asi,
            pre_seg=geo.pre_seg,
            post_seg=geo.post_seg,
        ),
        segments=Segments(
            n=int(geo.seg_position.shape[0]),
            position=geo.seg_position,
            voxel_count=geo.seg_voxels,
        ),
        connectome=connectome,
    )


def _spine_volumes(w: Wiring, asi: np.ndarray) -> np.ndarray:
    """Spine-head volume in µm³: grows with the ASI of its primary synapse (as in the paper);
    deterministic given the ASI, with a floor for spine heads without synapses."""
    n_sh = int(w.spine_target.shape[0])
    vol = np.full(n_sh, 0.02, dtype=np.float64)
    prim = (w.syn_type == C.PRIMARY) & (w.syn_spine > 0)
    vol[w.syn_spine[prim] - 1] = 0.01 + 0.12 * asi[prim] ** 1.3
    # Spine heads without a synapse: a spread derived from their ID, no extra randomness needed.
    unused = np.ones(n_sh, dtype=bool)
    unused[w.syn_spine[prim] - 1] = False
    ids = np.flatnonzero(unused)
    vol[ids] = 0.005 + 0.03 * ((ids * 2654435761) % 1000) / 1000.0
    return vol.astype(np.float32)


def _count_by(codes: np.ndarray, entries: tuple[tuple[int, str, str], ...]) -> dict[str, int]:
    counts = np.bincount(codes.astype(np.int64), minlength=len(entries) + 1)
    return {name: int(counts[c]) for c, _, name in entries}


def _truth(
    p: ScaleParams,
    seed: int,
    w: Wiring,
    geo: Geometry,
    axon_class: np.ndarray,
    asi: np.ndarray,
    connectome: ClassConnectome,
) -> dict:
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
        "generator": "connectomedb.etl.synth",
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

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
from connectomedb.synth import codes as C
from connectomedb.synth.geometry import Geometry, build_geometry
from connectomedb.synth.params import SCALES, ScaleParams
from connectomedb.synth.random_wiring import random_wiring
from connectomedb.synth.tiny import UNUSED_SPINE_HEADS, tiny_wiring
from connectomedb.synth.truth import GENERATOR_VERSION, ground_truth
from connectomedb.synth.wiring import (
    Wiring,
    assign_split_ids,
    attach_spine_heads,
    shuffle_synapses,
)


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
        f"Generated by connectomedb.synth.write ({file})\n"
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
    truth = ground_truth(p, seed, w, geo, axon_class, asi, connectome)
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

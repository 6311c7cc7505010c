"""Axon pairs that share targets, and their bi-fans: the pair part of the motif structure
(:mod:`connectomedb.etl.motifs`), and the pair enumeration the in-memory motif counts share
(:func:`run_pairs`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Pairs sharing fewer targets are counted in the histogram but not stored one by one.
MIN_STORED_SHARED = 2


def pair_structure(
    conn_axon: np.ndarray,
    conn_target: np.ndarray,
    axon_class: np.ndarray,
    conn_tc: np.ndarray,
    axon_names: np.ndarray,
    target_names: np.ndarray,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The stored pairs, the pair histogram and the bi-fans, from connections sorted by
    (target, axon)."""
    n = len(conn_axon)
    # Every (i, j), i < j, of connections onto the same target.
    left, right = run_pairs(conn_target)
    a = conn_axon[left].astype(np.int64)
    b = conn_axon[right].astype(np.int64)
    tc = conn_tc[left]
    target = conn_target[left].astype(np.int64)
    del left, right
    width = int(conn_axon.max()) + 1 if n else 1
    n_tc = max(len(target_names), 1)
    pair_key = a * width + b
    del a, b
    all_keys, all_shared = np.unique(pair_key, return_counts=True)
    tc_keys, tc_shared = np.unique(pair_key * n_tc + tc, return_counts=True)
    bifan_parts = [
        _bifans(pair_key, target, all_shared, width, np.full(len(pair_key), -1)),
        _bifans(pair_key * n_tc + tc, target, tc_shared, width * n_tc, tc),
    ]
    del pair_key, tc, target

    def split(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return keys // width, keys % width

    ka, kb = split(all_keys)
    ta, tb = split(tc_keys // n_tc)
    t_class = tc_keys % n_tc

    def pair_class(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        cx, cy = axon_class[x - 1], axon_class[y - 1]
        return np.where(cx == cy, cx, -1)

    parts = []
    for ac, tcls, shared in (
        (pair_class(ka, kb), np.full(len(ka), -1), all_shared),
        (pair_class(ta, tb), t_class, tc_shared),
    ):
        frame = pd.DataFrame({"ac": ac, "tc": tcls, "value": shared})
        for by_axon in (True, False):
            scope = ["ac", "tc"] if by_axon else ["tc"]
            sub = frame[frame["ac"] >= 0] if by_axon else frame
            counts = sub.groupby([*scope, "value"], sort=False).size().rename("instances")
            part = counts.reset_index()
            parts.append(
                pd.DataFrame(
                    {
                        "motif": "shared_target_axon_pairs",
                        "ac": part["ac"].to_numpy(np.int64) if by_axon else -1,
                        "tc": part["tc"].to_numpy(np.int64),
                        "value": part["value"].to_numpy(np.int64),
                        "instances": part["instances"].to_numpy(np.int64),
                    },
                    index=pd.RangeIndex(len(part)),
                )
            )
    shared_histogram = pd.concat(parts, ignore_index=True)
    # A pair sharing n targets makes n (n - 1) / 2 bi-fans.
    bifans = shared_histogram[shared_histogram["value"] >= 2].copy()
    bifans["motif"] = "bifans"
    v = bifans["value"].to_numpy(np.int64)
    bifans["instances"] = bifans["instances"].to_numpy(np.int64) * (v * (v - 1) // 2)
    histogram = pd.concat([shared_histogram, bifans], ignore_index=True)

    stored_all = all_shared >= MIN_STORED_SHARED
    stored_tc = tc_shared >= MIN_STORED_SHARED
    pa_ = np.r_[ka[stored_all], ta[stored_tc]].astype(np.int64)
    pb_ = np.r_[kb[stored_all], tb[stored_tc]].astype(np.int64)
    scope_tc = np.r_[np.full(int(stored_all.sum()), -1), t_class[stored_tc]].astype(np.int64)
    target_class = (
        np.where(
            scope_tc >= 0,
            target_names[np.maximum(scope_tc, 0)] if len(target_names) else None,
            None,
        )
        if len(scope_tc)
        else np.zeros(0, object)
    )
    pairs = pd.DataFrame(
        {
            "axon_a": pa_,
            "axon_b": pb_,
            "axon_a_class": axon_names[axon_class[pa_ - 1]] if len(pa_) else np.zeros(0, object),
            "axon_b_class": axon_names[axon_class[pb_ - 1]] if len(pb_) else np.zeros(0, object),
            "target_class": np.asarray(target_class, dtype=object),
            "shared": np.r_[all_shared[stored_all], tc_shared[stored_tc]].astype(np.int64),
        }
    )
    pairs["axon_class"] = _pair_class_names(pairs)
    pairs = _ranked(pairs, ["shared", "axon_a", "axon_b"], [False, True, True])
    bifans_frame = _bifan_frame(bifan_parts, width, n_tc, axon_class, axon_names, target_names)
    return pairs, histogram, bifans_frame


def _pair_class_names(frame: pd.DataFrame) -> np.ndarray:
    a = frame["axon_a_class"].to_numpy(object)
    b = frame["axon_b_class"].to_numpy(object)
    same = a.copy()
    same[a != b] = None
    return same


def _ranked(frame: pd.DataFrame, order: list[str], ascending: list[bool]) -> pd.DataFrame:
    """Add ``rank`` (0-based position in ``order`` within the target class scope) and
    ``class_rank`` (the same among the rows of the same pair class; -1 when the axons' classes
    differ): a listing's first ``limit`` rows are those ranked below ``limit``."""
    scope = frame["target_class"].fillna("\x00")
    sort = frame.assign(_scope=scope).sort_values(["_scope", *order], ascending=[True, *ascending])
    rank = sort.groupby("_scope", sort=False).cumcount()
    pair_class = sort["axon_class"].fillna("\x00")
    class_rank = sort.assign(_pc=pair_class).groupby(["_scope", "_pc"], sort=False).cumcount()
    class_rank = class_rank.where(sort["axon_class"].notna(), -1)
    out = sort.drop(columns="_scope").assign(
        rank=rank.to_numpy(np.int64), class_rank=class_rank.to_numpy(np.int64)
    )
    return out.reset_index(drop=True)


def _bifans(
    keys: np.ndarray, target: np.ndarray, shared: np.ndarray, width: int, scope: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(pair key, target_a, target_b, scope) of every bi-fan: two targets shared by a pair,
    over the combinations grouped by ``keys`` (``shared`` = their counts, sorted by key)."""
    order = np.argsort(keys, kind="stable")  # targets stay ascending within a key
    keep = np.repeat(shared >= 2, shared)
    k, t, sc = keys[order][keep], target[order][keep], scope[order][keep]
    left, right = run_pairs(k)
    return k[left], t[left], t[right], sc[left]


def run_pairs(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every (i, j), i < j, of positions in the same run of equal ``values`` (sorted), grouped
    by run, then by ``i``: the pairs of axons onto one target, of targets of one axon, ..."""
    n = len(values)
    if n == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    starts = np.flatnonzero(np.r_[True, values[1:] != values[:-1]])
    run_end = np.repeat(np.r_[starts[1:], n], np.diff(np.r_[starts, n]))
    partners = (run_end - np.arange(n)).astype(np.int64) - 1
    left = np.repeat(np.arange(n, dtype=np.int64), partners)
    first = np.cumsum(partners) - partners
    right = left + 1 + (np.arange(len(left), dtype=np.int64) - np.repeat(first, partners))
    return left, right


def _bifan_frame(
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]],
    width: int,
    n_tc: int,
    axon_class: np.ndarray,
    axon_names: np.ndarray,
    target_names: np.ndarray,
) -> pd.DataFrame:
    """The bi-fans, per scope (all classes, or one), ranked in listing order."""
    frames = []
    for i, (key, ta, tb, scope) in enumerate(parts):
        pair = key if i == 0 else key // n_tc
        a, b = pair // width, pair % width
        ca = axon_class[a - 1] if len(a) else np.zeros(0, np.int64)
        cb = axon_class[b - 1] if len(b) else np.zeros(0, np.int64)
        frames.append(
            pd.DataFrame(
                {
                    "axon_a": a,
                    "axon_b": b,
                    "target_a": ta,
                    "target_b": tb,
                    "target_class": np.where(scope >= 0, target_names[np.maximum(scope, 0)], None)
                    if len(scope) and len(target_names)
                    else np.full(len(scope), None),
                    "axon_class": np.where(ca == cb, axon_names[ca], None)
                    if len(ca)
                    else np.zeros(0, object),
                }
            )
        )
    out = pd.concat(frames, ignore_index=True)
    order = ["axon_a", "axon_b", "target_a", "target_b"]
    return _ranked(out, order, [True] * 4)

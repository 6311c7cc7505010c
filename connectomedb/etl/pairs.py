"""Axon pairs that share targets, and their bi-fans: the pair part of the motif structure
(:mod:`connectomedb.etl.motifs`), and the pair enumeration the in-memory motif counts share
(:func:`run_pairs`)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

#: Pairs sharing fewer targets are counted in the histogram but not stored one by one.
MIN_STORED_SHARED = 2

#: Pairs of connections onto a common target enumerated at a time. Each costs some twenty
#: 8-byte values while its chunk is counted: at full scale the 4.6 million of them enumerated
#: at once made a peak of 690 MB, in chunks of half a million one of 170 MB (the frames of the
#: result, mostly), in the same time.
CHUNK_PAIRS = 1 << 19

#: Bi-fans of one scope: (pair key, target_a, target_b, target class or -1), one per row.
Bifans = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]
#: Stored pairs of one scope: (axon_a, axon_b, target class or -1, shared), one per row.
Stored = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


@dataclass
class _Tally:
    """What the chunks of pairs add up to, per scope (all target classes, or one): the
    histogram counts, the stored pairs and the bi-fans."""

    counts: list[pd.DataFrame] = field(default_factory=list)
    stored: tuple[list[Stored], list[Stored]] = field(default_factory=lambda: ([], []))
    bifans: tuple[list[Bifans], list[Bifans]] = field(default_factory=lambda: ([], []))


def pair_structure(
    conn_axon: np.ndarray,
    conn_target: np.ndarray,
    axon_class: np.ndarray,
    conn_tc: np.ndarray,
    axon_names: np.ndarray,
    target_names: np.ndarray,
    *,
    chunk_pairs: int = CHUNK_PAIRS,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The stored pairs, the pair histogram and the bi-fans, from connections sorted by
    (target, axon).

    The pairs of connections onto a common target are enumerated about ``chunk_pairs`` at a
    time, each chunk those of a range of first axons: an axon pair (``axon_a`` < ``axon_b``)
    has all its shared targets in the chunk of ``axon_a``, so a chunk counts its pairs
    completely and the chunks' results only add up."""
    n = len(conn_axon)
    width = int(conn_axon.max()) + 1 if n else 1
    n_tc = max(len(target_names), 1)
    tally = _Tally()
    for left, right in _pair_chunks(conn_target, conn_axon, chunk_pairs):
        _count(tally, left, right, conn_axon, conn_target, conn_tc, axon_class, width, n_tc)
        del left, right

    shared_histogram = _histogram(tally.counts)
    # A pair sharing n targets makes n (n - 1) / 2 bi-fans.
    bifans = shared_histogram[shared_histogram["value"] >= 2].copy()
    bifans["motif"] = "bifans"
    v = bifans["value"].to_numpy(np.int64)
    bifans["instances"] = bifans["instances"].to_numpy(np.int64) * (v * (v - 1) // 2)
    histogram = pd.concat([shared_histogram, bifans], ignore_index=True)

    pa_, pb_, scope_tc, shared = _joined([*tally.stored[0], *tally.stored[1]])
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
            "shared": shared,
        }
    )
    pairs["axon_class"] = _pair_class_names(pairs)
    pairs = _ranked(pairs, ["shared", "axon_a", "axon_b"], [False, True, True])
    bifan_parts = [_joined(parts) for parts in tally.bifans]
    bifans_frame = _bifan_frame(bifan_parts, width, n_tc, axon_class, axon_names, target_names)
    return pairs, histogram, bifans_frame


def _count(
    tally: _Tally,
    left: np.ndarray,
    right: np.ndarray,
    conn_axon: np.ndarray,
    conn_target: np.ndarray,
    conn_tc: np.ndarray,
    axon_class: np.ndarray,
    width: int,
    n_tc: int,
) -> None:
    """Add to ``tally`` the axon pairs of the connection pairs (``left``, ``right``): every
    pair of connections onto a common target of the pairs' first axons."""
    pair_key = conn_axon[left].astype(np.int64) * width + conn_axon[right]
    tc = conn_tc[left].astype(np.int64)
    target = conn_target[left].astype(np.int64)
    tc_key = pair_key * n_tc + tc
    all_keys, all_shared = np.unique(pair_key, return_counts=True)
    tc_keys, tc_shared = np.unique(tc_key, return_counts=True)
    tally.bifans[0].append(_bifans(pair_key, target, all_shared, np.full(len(pair_key), -1)))
    tally.bifans[1].append(_bifans(tc_key, target, tc_shared, tc))
    del pair_key, tc_key, tc, target
    tc_pair = tc_keys // n_tc
    for i, (a, b, tcls, shared) in enumerate(
        (
            (all_keys // width, all_keys % width, np.full(len(all_keys), -1), all_shared),
            (tc_pair // width, tc_pair % width, tc_keys % n_tc, tc_shared),
        )
    ):
        ca, cb = axon_class[a - 1], axon_class[b - 1]
        tally.counts.append(_counts(np.where(ca == cb, ca, -1), tcls, shared))
        kept = shared >= MIN_STORED_SHARED
        tally.stored[i].append((a[kept], b[kept], tcls[kept], shared[kept]))


def _counts(ac: np.ndarray, tc: np.ndarray, shared: np.ndarray) -> pd.DataFrame:
    """Pairs per (axon class or -1, target class or -1, targets shared) of one scope's pairs
    with their pair class ``ac`` (-1: the axons' classes differ), once per axon class and
    once over all (``ac`` -1)."""
    frame = pd.DataFrame({"ac": ac, "tc": tc, "value": shared})
    by_class = frame[frame["ac"] >= 0].groupby(["ac", "tc", "value"], sort=False).size()
    over_all = frame.groupby(["tc", "value"], sort=False).size()
    parts = [by_class.reset_index(), over_all.reset_index().assign(ac=-1)]
    return pd.concat(parts, ignore_index=True).rename(columns={0: "instances"})


def _histogram(counts: list[pd.DataFrame]) -> pd.DataFrame:
    """The ``shared_target_axon_pairs`` rows of the histogram from the chunks' counts."""
    columns = ["ac", "tc", "value", "instances"]
    whole = pd.concat([c[columns] for c in counts], ignore_index=True) if counts else None
    if whole is None or whole.empty:
        summed = pd.DataFrame({c: np.zeros(0, np.int64) for c in columns})
    else:
        summed = whole.groupby(columns[:3], sort=True)["instances"].sum().reset_index()
    return pd.DataFrame(
        {
            "motif": "shared_target_axon_pairs",
            **{c: summed[c].to_numpy(np.int64) for c in columns},
        },
        index=pd.RangeIndex(len(summed)),
    )


def _joined(
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]],
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The chunks' arrays, column by column, as ``int64`` (four empty ones for no chunk)."""
    columns = zip(*parts, strict=True) if parts else ([np.zeros(0, np.int64)],) * 4
    a, b, c, d = (np.concatenate(column).astype(np.int64, copy=False) for column in columns)
    return a, b, c, d


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


def _bifans(keys: np.ndarray, target: np.ndarray, shared: np.ndarray, scope: np.ndarray) -> Bifans:
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
    return _pairs_from(np.arange(n, dtype=np.int64), _partners(values))


def _partners(values: np.ndarray) -> np.ndarray:
    """For each position of ``values`` (sorted), how many positions after it hold the same
    value."""
    n = len(values)
    if n == 0:
        return np.zeros(0, np.int64)
    starts = np.flatnonzero(np.r_[True, values[1:] != values[:-1]])
    run_end = np.repeat(np.r_[starts[1:], n], np.diff(np.r_[starts, n]))
    return (run_end - np.arange(n)).astype(np.int64) - 1


def _pairs_from(first: np.ndarray, partners: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every (i, j) with ``i`` of ``first`` (ascending) and ``j`` one of the ``partners[i]``
    positions right after ``i``; by ``i``, then by ``j``."""
    count = partners[first]
    left = np.repeat(first, count)
    start = np.cumsum(count) - count
    right = left + 1 + (np.arange(len(left), dtype=np.int64) - np.repeat(start, count))
    return left, right


def _pair_chunks(
    conn_target: np.ndarray, conn_axon: np.ndarray, chunk_pairs: int
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """:func:`run_pairs` of ``conn_target`` (connections sorted by target, then axon) in
    chunks of about ``chunk_pairs`` pairs: each chunk the pairs whose first connection's axon
    is in a range of axons (more pairs when one axon alone has more)."""
    partners = _partners(conn_target)
    if not len(partners):
        return
    upto = np.cumsum(np.bincount(conn_axon, weights=partners).astype(np.int64))
    total = int(upto[-1])
    cuts = np.searchsorted(upto, np.arange(chunk_pairs, total, max(chunk_pairs, 1)), "right")
    bounds = np.unique(np.r_[0, cuts, len(upto)])
    for low, high in zip(bounds[:-1], bounds[1:], strict=True):
        first = np.flatnonzero((conn_axon >= low) & (conn_axon < high))
        if len(first):
            yield _pairs_from(first, partners)


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

"""``target_specificity`` with a target threshold, for every pair of thresholds that keeps a
different set of synapses, computed once per load (pure).

``class_specificity_target`` holds the answer of ``target_specificity`` for ``min_axon_synapses``
``axon_synapses`` and ``min_target_synapses`` ``target_synapses`` (above 1), one block of rows
per pair:

- ``axon_synapses`` is an axon synapse count of the data (one of its distinct axon counts): the
  block answers every axon threshold from the previous count + 1 up to it.
- ``target_synapses`` is a target synapse count of the data above 1 that one of the block's
  axons (those with at least ``axon_synapses`` synapses) reaches through a synapse onto a
  target of another class than ``AxonInitialSegment``, or :data:`ONLY_AIS` (every such
  synapse dropped: only those onto axon initial segments kept). The block answers every
  target threshold from the previous count of the same axon threshold + 1 up to it: between
  two counts that none of its axons' targets has, the same synapses are kept.

A threshold pair reads the block of the first axon count at or above its axon threshold, then
the first target count of that axon count at or above its target threshold; no block means
that no synapse is kept. The rows of a block are those of the answer: per axon class with a
kept axon and per target class of a kept synapse, the class's kept axons, their synapses onto
the target class, the fraction of the class's kept synapses, and the mean, median and
quartiles of the axons' own fractions (linear interpolation, as ``percentile_cont``, 0 for an
axon without a synapse onto the target class).

How it is counted (vectorised over the data, one pass per axon class): an axon's kept
synapses change only at its targets' synapse counts, so each axon is split into *pieces*,
ranges of target counts over which its kept synapses onto each target class are the same, and
the pieces are summed, for every target count at once, into the histogram of (target count,
target class, the axon's fraction onto it, axon count). The percentiles of every pair of
thresholds then come from the cumulative counts of that histogram ordered by the fractions,
the histograms of many (target count, target class) laid side by side in one grid (no
sorting and no loop per block), the sums of synapses and fractions from exact counts (a zero
stays 0.0).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from connectomedb.etl.class_thresholds import SPECIFICITY_COLUMNS
from connectomedb.etl.frames import SourceDataset
from connectomedb.etl.per_source import per_source

#: The ``target_synapses`` of the blocks that keep only the synapses onto axon initial segments.
ONLY_AIS = 2**31 - 1

AIS = "AxonInitialSegment"

#: The columns of ``class_specificity``'s rows, with the target threshold after the axon one.
COLUMNS = ("axon_synapses", "target_synapses", *SPECIFICITY_COLUMNS[1:])

_QUANTILES = np.array([0.5, 0.25, 0.75])

#: Cells of the percentile grids (module docstring) laid out at once, about.
_GRID_CELLS = 1 << 16


def _empty() -> pd.DataFrame:
    ints = ("axon_synapses", "target_synapses", "axons", "synapses")
    return pd.DataFrame(
        {
            c: pd.Series(dtype=np.int64 if c in ints else object if "class" in c else np.float64)
            for c in COLUMNS
        }
    )


def specificity_target_nodes(source: SourceDataset) -> pd.DataFrame:
    """The rows of :func:`specificity_targets` with ``block_rows``, the rows of their block: the
    graph numbers them from 1 in this order, so a block's rows are the ``block_rows``
    consecutive IDs from its first, which the Cypher query reads by primary key."""
    frame = specificity_targets(source)
    rows = frame.groupby(["axon_synapses", "target_synapses"])["axons"].transform("size")
    return frame.assign(block_rows=rows.to_numpy(np.int64))


def _pieces(
    axon: np.ndarray, level: np.ndarray, tclass: np.ndarray, synapses: np.ndarray, n_tc: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per piece: its axon, its first and last target level, and its kept synapses per target
    class (a row of ``n_tc`` counts). ``level`` is each connection's target level (its last
    level kept)."""
    # One group per (axon, level), levels descending within the axon.
    order = np.lexsort((-level, axon))
    axon, level, tclass, synapses = axon[order], level[order], tclass[order], synapses[order]
    start = np.ones(len(axon), dtype=bool)
    start[1:] = (axon[1:] != axon[:-1]) | (level[1:] != level[:-1])
    group = np.cumsum(start) - 1
    n = int(group[-1]) + 1 if len(group) else 0
    counts = np.zeros((n, n_tc), dtype=np.int64)
    np.add.at(counts, (group, tclass), synapses)
    g_axon, g_level = axon[start], level[start]
    first = np.ones(n, dtype=bool)
    first[1:] = g_axon[1:] != g_axon[:-1]
    # Kept counts at a group's level: every group of the axon at or above it (cumulative).
    kept = np.cumsum(counts, axis=0)
    starts = np.flatnonzero(first)
    runs = np.diff(np.append(starts, n))
    base = np.zeros_like(kept)
    base[starts[1:]] = kept[starts[1:] - 1]
    kept = kept - np.repeat(base[starts], runs, axis=0)
    # A piece covers the levels from the next lower group's level + 1 up to its own.
    low = np.zeros(n, dtype=np.int64)
    nxt = np.append(~first[1:], False)
    low[nxt] = g_level[1:][~first[1:]] + 1
    return g_axon, low, g_level, kept


@per_source
def specificity_targets(source: SourceDataset) -> pd.DataFrame:
    """The ``class_specificity_target`` rows of the module docstring, by thresholds and
    classes."""
    from connectomedb.etl.motifs import motif_frames

    c = motif_frames(source).connections
    return target_blocks(
        c["axon_id"].to_numpy(np.int64),
        c["target_id"].to_numpy(np.int64),
        c["axon_class"].to_numpy(object),
        c["target_class"].to_numpy(object),
        c["synapses"].to_numpy(np.int64),
    )


def _suffix(x: np.ndarray, axis: int) -> np.ndarray:
    """Sums from each index of ``axis`` to its end."""
    return np.flip(np.cumsum(np.flip(x, axis), axis=axis), axis)


def _over_levels(
    index: tuple[np.ndarray, ...],
    low: np.ndarray,
    high: np.ndarray,
    weight: np.ndarray,
    shape: tuple[int, ...],
) -> np.ndarray:
    """Dense sums of ``weight`` over the target levels from ``low`` to ``high`` (the last
    axis, of length ``shape[-1]``), at ``index`` on the other axes."""
    full = (*shape[:-1], shape[-1] + 1)
    size = int(np.prod(full))
    w = weight.astype(np.float64)
    d = np.bincount(np.ravel_multi_index((*index, low), full), w, minlength=size)
    d -= np.bincount(np.ravel_multi_index((*index, high + 1), full), w, minlength=size)
    # Whole numbers stay exact in float64; the sums are cast back to the weights' type.
    out = np.cumsum(d.reshape(full), axis=-1)[..., :-1]
    return out if weight.dtype.kind == "f" else np.rint(out).astype(weight.dtype)


def _class_blocks(
    n_i: int,
    n_j: int,
    n_tc: int,
    piece_ai: np.ndarray,
    piece_low: np.ndarray,
    piece_high: np.ndarray,
    cell_t: np.ndarray,
    cell_ai: np.ndarray,
    cell_s: np.ndarray,
    cell_k: np.ndarray,
    cell_low: np.ndarray,
    cell_high: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """One axon class: per (axon level, target level) its kept axons ``n`` (``(I, J)``), and
    per (axon level, target level, target class) the synapses, the sum of the axons' fractions
    (``(I, J, C)``) and their three percentiles (``(I, J, C, 3)``)."""
    ones = np.ones(len(piece_ai), dtype=np.int64)
    n = _suffix(_over_levels((piece_ai,), piece_low, piece_high, ones, (n_i, n_j)), 0)
    f = cell_s / cell_k
    syn = _over_levels(
        (cell_ai, cell_t), cell_low, cell_high, cell_s.astype(np.float64), (n_i, n_tc, n_j)
    )
    syn = np.moveaxis(_suffix(syn, 0), 2, 1)
    if not len(cell_t):
        return n, syn, np.zeros((n_i, n_j, n_tc)), np.zeros((n_i, n_j, n_tc, 3))
    # Distinct (target class, fraction), ascending; then (that, axon level) keys.
    order = np.lexsort((f, cell_t))
    new = np.ones(len(f), dtype=bool)
    new[1:] = (cell_t[order][1:] != cell_t[order][:-1]) | (f[order][1:] != f[order][:-1])
    tf_index = np.empty(len(f), dtype=np.int64)
    tf_index[order] = np.cumsum(new) - 1
    fraction = f[order][new]
    keys, key_index = np.unique(tf_index * n_i + cell_ai, return_inverse=True)
    key_tf, key_ai = keys // n_i, keys % n_i
    key_t = cell_t[order][new][key_tf]
    # The histogram of every target level at once: the (target level, key) pairs with kept
    # axons, by target level, target class, fraction and axon level.
    jj, kk, axons = _coverage(key_index.ravel(), cell_low, cell_high, n_j)
    e_t, e_tf, e_ai = key_t[kk], key_tf[kk], key_ai[kk]
    # Sums of fractions per target level from the exact counts (no float differences).
    cell = np.bincount(
        (jj * n_tc + e_t) * n_i + e_ai, fraction[e_tf] * axons, minlength=n_j * n_tc * n_i
    )
    fsum = np.moveaxis(_suffix(cell.reshape(n_j, n_tc, n_i), 2), 2, 0)
    pct = _percentiles(n, n_tc, jj, e_t, e_tf, e_ai, axons, fraction)
    return n, syn, fsum, pct


def _coverage(
    key: np.ndarray, low: np.ndarray, high: np.ndarray, n_j: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(level, key, cells) of each (target level, key) that some of the cells (``key``, from
    the level ``low`` up to ``high``) cover, by level, then key: ``cells`` of them cover it."""
    span = n_j + 1
    at = np.concatenate([key * span + low, key * span + high + 1])
    order = np.argsort(at)
    at = at[order]
    # The cells covering each run from one change to the next (none after a key's last).
    last = np.append(at[1:] != at[:-1], True)
    count = np.cumsum(np.where(order < len(key), 1, -1))[last]
    at = at[last]
    length = np.append(np.diff(at), 0)
    on = count > 0
    at, count, length = at[on], count[on], length[on]
    covered = np.repeat(at - (np.cumsum(length) - length), length) + np.arange(length.sum())
    level = covered % span
    by_level = np.argsort(level.astype(np.uint16) if span <= 1 << 16 else level, kind="stable")
    return level[by_level], covered[by_level] // span, np.repeat(count, length)[by_level]


def _percentiles(
    n: np.ndarray,
    n_tc: int,
    j: np.ndarray,
    t: np.ndarray,
    tf: np.ndarray,
    ai: np.ndarray,
    axons: np.ndarray,
    fraction: np.ndarray,
) -> np.ndarray:
    """The percentiles ``(I, J, C, 3)`` of one axon class from its histogram: ``axons[e]``
    kept axons of axon level ``ai[e]`` have the fraction ``fraction[tf[e]]`` onto the target
    class ``t[e]`` at the target level ``j[e]`` (ordered by ``j``, ``t``, ``tf``, ``ai``); of
    the ``n`` kept axons per (axon level, target level), the others have the fraction 0.

    Each (target level, target class) *group* is a grid of axon levels by its distinct
    fractions (*columns*). The columns of many groups lie side by side in one grid: summed
    from the top axon level down, so that a cell counts the axons at or above its level, then
    cumulated row after row, so that a percentile's rank is one search in it."""
    n_i, n_j = n.shape
    pct = np.zeros((n_i, n_j, n_tc, 3))
    first = np.ones(len(j), dtype=bool)
    first[1:] = (j[1:] != j[:-1]) | (t[1:] != t[:-1])
    new = first.copy()
    new[1:] |= tf[1:] != tf[:-1]
    group, column = np.cumsum(first) - 1, np.cumsum(new) - 1
    g_j, g_t, g_col = j[first], t[first], column[first]
    g_r = np.diff(np.append(g_col, column[-1] + 1))
    g_m = (n > 0).sum(axis=0)[g_j]  # n falls with the axon level: the first m are kept
    col_group, col_value = group[new], fraction[tf[new]]
    # Whole groups at a time, about _GRID_CELLS cells.
    part = (np.cumsum(g_r) - g_r) * n_i // _GRID_CELLS
    bounds = np.concatenate([[0], np.flatnonzero(np.diff(part)) + 1, [len(g_r)]])
    e_at, c_at = np.searchsorted(group, bounds), np.searchsorted(col_group, bounds)
    for b in range(len(bounds) - 1):
        gs, es = slice(bounds[b], bounds[b + 1]), slice(e_at[b], e_at[b + 1])
        gm, gr, gc = g_m[gs], g_r[gs], g_col[gs] - c_at[b]
        m, width = int(gm.max()), c_at[b + 1] - c_at[b]
        # Row m - 1 - i: axon level i; then the axons at or above the level.
        grid = np.zeros((m, width), dtype=np.int64)
        grid[m - 1 - ai[es], column[es] - c_at[b]] = axons[es]
        np.cumsum(grid, axis=0, out=grid)
        cum = np.zeros(m * width + 1, dtype=np.int64)
        np.cumsum(grid, out=cum[1:])
        # One row per (group, axon level with a kept axon).
        rg = np.repeat(np.arange(len(gm)), gm)
        ri = np.arange(len(rg)) - np.repeat(np.cumsum(gm) - gm, gm)
        start = (m - 1 - ri) * width + gc[rg]
        before = cum[start]
        rj = g_j[gs][rg]
        nn = n[ri, rj]
        h = _QUANTILES[None, :] * (nn - 1)[:, None]
        lo = np.floor(h)
        # The ranks below and above each percentile (columns 0-2 and 3-5), past the zeros.
        zeros = nn - (cum[start + gr[rg]] - before)
        p = np.concatenate([lo, np.ceil(h)], axis=1).astype(np.int64) - zeros[:, None]
        # A rank among the zeros is 0; the others are searched in the row's cumulative counts.
        found = p >= 0
        at = np.broadcast_to(start[:, None], p.shape)[found]
        x = np.searchsorted(cum[1:], (p + before[:, None])[found], side="right") - at
        v = np.zeros(p.shape)
        v[found] = col_value[np.broadcast_to(g_col[gs][rg][:, None], p.shape)[found] + x]
        pct[ri, rj, g_t[gs][rg]] = v[:, :3] + (h - lo) * (v[:, 3:] - v[:, :3])
    return pct


def target_blocks(
    axon_id: np.ndarray,
    target_id: np.ndarray,
    axon_class: np.ndarray,
    target_class: np.ndarray,
    synapses: np.ndarray,
) -> pd.DataFrame:
    """The rows of the module docstring from the connections (one row per axon and target with
    its connectome synapses and their classes)."""
    if not len(axon_id):
        return _empty()
    a = np.bincount(axon_id, weights=synapses).astype(np.int64)[axon_id]
    tau = np.bincount(target_id, weights=synapses).astype(np.int64)[target_id]
    ais = target_class == AIS
    keep = ais | (tau >= 2)
    axon_id, axon_class, target_class = axon_id[keep], axon_class[keep], target_class[keep]
    synapses, a, tau, ais = synapses[keep], a[keep], tau[keep], ais[keep]
    if not len(axon_id):
        return _empty()
    tau = np.where(ais, ONLY_AIS, tau)
    t_levels, level = np.unique(tau, return_inverse=True)
    if t_levels[-1] != ONLY_AIS:
        t_levels = np.append(t_levels, ONLY_AIS)
    n_j = len(t_levels)
    a_levels, a_index = np.unique(a, return_inverse=True)
    n_i = len(a_levels)
    ac, ac_names = pd.factorize(axon_class, sort=True)
    tc, tc_names = pd.factorize(target_class, sort=True)
    n_tc = len(tc_names)
    p_axon, p_low, p_high, p_kept = _pieces(axon_id, level, tc, synapses, n_tc)
    axon_ac = np.zeros(int(axon_id.max()) + 1, dtype=np.int64)
    axon_ai = np.zeros_like(axon_ac)
    axon_ac[axon_id], axon_ai[axon_id] = ac, a_index
    p_ac, p_ai = axon_ac[p_axon], axon_ai[p_axon]
    p_k = p_kept.sum(axis=1)
    cp, ct = np.nonzero(p_kept)
    results = []
    for k in range(len(ac_names)):
        pm = p_ac == k
        cm = pm[cp]
        cpk = cp[cm]
        results.append(
            _class_blocks(
                n_i,
                n_j,
                n_tc,
                p_ai[pm],
                p_low[pm],
                p_high[pm],
                ct[cm],
                p_ai[cpk],
                p_kept[cpk, ct[cm]],
                p_k[cpk],
                p_low[cpk],
                p_high[cpk],
            )
        )
    # The stored blocks: (axon level, target level) pairs whose axons reach the target level.
    reach = np.full(n_j, -1, dtype=np.int64)
    np.maximum.at(reach, level, a_index)
    reach[-1] = n_i - 1
    stored = np.arange(n_i)[:, None] <= reach[None, :]
    present = np.zeros((n_i, n_j, n_tc), dtype=bool)
    for _, syn, _, _ in results:
        present |= syn > 0
    # Axis order (axon level, target level, axon class, target class): the rows come out of
    # np.nonzero in the order of the table (the names are sorted as their indices).
    n = np.stack([r[0] for r in results], axis=2)
    syn, fsum, pct = (np.stack([r[x] for r in results], axis=2) for x in (1, 2, 3))
    keep = present[:, :, None, :] & (stored[..., None] & (n > 0))[..., None]
    ii, jj, kk, tt = np.nonzero(keep)
    if not len(ii):
        return _empty()
    total = syn.sum(axis=3)
    frame = pd.DataFrame(
        {
            "axon_synapses": a_levels[ii],
            "target_synapses": t_levels[jj],
            "axon_class": ac_names[kk],
            "target_class": tc_names[tt],
            "axons": n[ii, jj, kk],
            "synapses": np.rint(syn[ii, jj, kk, tt]).astype(np.int64),
            "fraction": syn[ii, jj, kk, tt] / total[ii, jj, kk],
            "axon_fraction_mean": fsum[ii, jj, kk, tt] / n[ii, jj, kk],
            "axon_fraction_median": pct[ii, jj, kk, tt, 0],
            "axon_fraction_q1": pct[ii, jj, kk, tt, 1],
            "axon_fraction_q3": pct[ii, jj, kk, tt, 2],
        }
    )
    return frame.astype({"axon_synapses": np.int64, "target_synapses": np.int64})

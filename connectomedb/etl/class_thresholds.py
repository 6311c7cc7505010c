"""Per-class answers at every axon threshold, and the class sums of ``connectome.csv``, computed
once per load (pure).

``class_specificity``
    the rows of ``target_specificity`` without a target threshold, for every axon threshold
    that keeps a different set of axons: one block of rows per distinct axon synapse count
    ``axon_synapses`` of :func:`~connectomedb.etl.class_stats.axon_fractions`, the answer for
    ``min_axon_synapses`` from the previous count + 1 up to this one. Per (axon class, target
    class): the class's kept axons, their synapses onto the target class, the fraction of the
    class's synapses, and the mean, median and quartiles of the axons' own fractions (linear
    interpolation, as ``percentile_cont``, over every kept axon of the class, 0 for an axon
    without a synapse onto the target class). The target classes of a block are those of any
    kept synapse.
``class_connectome_sum``
    the non-zero cells of ``connectome.csv`` summed per (axon class, target class), as
    ``class_matrix_vs_csv`` compares them.
``class_degree_suffix``
    the rows of ``class_degree_cell`` summed over every axon synapse count from an anchor up,
    per (anchor, axon class, target class, target synapse count). The anchors are axon
    synapse counts chosen from the largest down so that fewer than a :data:`SUFFIX_PARTS`-th
    of the rows of ``class_degree_cell`` (at least 64) lie strictly between two of them or
    below the smallest: an axon threshold reads the rows of the first anchor at or above it
    and the rows of ``class_degree_cell`` below that anchor, a few thousand rows at full scale
    instead of every one (44,599).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from connectomedb.etl.frames import SourceDataset
from connectomedb.etl.per_source import per_source

#: ``class_degree_suffix`` splits the rows of ``class_degree_cell`` into about this many runs
#: of axon synapse counts (module docstring).
SUFFIX_PARTS = 10

SUFFIX_COLUMNS = (
    "axon_synapses",
    "axon_class",
    "target_class",
    "target_synapses",
    "synapses",
    "axons",
    "targets",
)

SPECIFICITY_COLUMNS = (
    "axon_synapses",
    "axon_class",
    "target_class",
    "axons",
    "synapses",
    "fraction",
    "axon_fraction_mean",
    "axon_fraction_median",
    "axon_fraction_q1",
    "axon_fraction_q3",
)

_QUANTILES = (0.5, 0.25, 0.75)


def _percentiles(n: int, f: np.ndarray, m: np.ndarray) -> list[float]:
    """``percentile_cont`` at :data:`_QUANTILES` of ``n`` values: ``n - m.sum()`` zeros and each
    fraction ``f`` (ascending, > 0) ``m`` times."""
    upto = np.cumsum(m)
    zeros = n - int(upto[-1]) if len(upto) else n

    def at(i: int) -> float:
        p = i - zeros
        return 0.0 if p < 0 else float(f[np.searchsorted(upto, p, side="right")])

    out = []
    for q in _QUANTILES:
        h = q * (n - 1)
        lo, hi = at(int(np.floor(h))), at(int(np.ceil(h)))
        out.append(lo + (h - np.floor(h)) * (hi - lo))
    return out


@per_source
def specificity_levels(source: SourceDataset) -> pd.DataFrame:
    """The ``class_specificity`` rows of the module docstring, by threshold and classes."""
    from connectomedb.etl.class_stats import axon_fractions  # it lists this module's tables

    fr = axon_fractions(source)
    a = fr["axon_synapses"].to_numpy(np.int64)
    s = fr["synapses"].to_numpy(np.int64)
    m = fr["axons"].to_numpy(np.int64)
    ac = fr["axon_class"].to_numpy(object)
    tc = fr["target_class"].to_numpy(object)
    every = pd.isna(fr["target_class"]).to_numpy()
    axon_classes = sorted(set(ac[every]))
    target_classes = sorted(set(tc[~every]))
    # Per target class, the largest axon synapse count of its rows: kept below or at it.
    reach = {t: int(a[~every & (tc == t)].max()) for t in target_classes}
    # Per cell, its rows ordered by the axon's fraction onto the target class.
    cells = {}
    for c in axon_classes:
        for t in target_classes:
            rows = np.flatnonzero(~every & (ac == c) & (tc == t))
            x = s[rows] / a[rows].astype(np.float64)
            order = np.argsort(x, kind="stable")
            rows, x = rows[order], x[order]
            cells[c, t] = (a[rows], s[rows], m[rows], x)
    out: list[tuple[object, ...]] = []
    for level in np.unique(a).tolist():
        targets = [t for t in target_classes if reach[t] >= level]
        for c in axon_classes:
            n = int(m[every & (ac == c) & (a >= level)].sum())
            if n == 0:
                continue
            found = []
            for t in targets:
                ca, cs, cm, cx = cells[c, t]
                kept = np.where(ca >= level, cm, 0)
                median, q1, q3 = _percentiles(n, cx, kept)
                found.append((t, int((kept * cs).sum()), float((kept * cx).sum()), median, q1, q3))
            total = sum(f[1] for f in found)
            for t, synapses, f_sum, median, q1, q3 in found:
                fraction = synapses / total if total else None
                out.append((level, c, t, n, synapses, fraction, f_sum / n, median, q1, q3))
    frame = pd.DataFrame(out, columns=list(SPECIFICITY_COLUMNS))
    return frame.astype({"axon_synapses": np.int64, "axons": np.int64, "synapses": np.int64})


@per_source
def connectome_sums(source: SourceDataset) -> pd.DataFrame:
    """The ``class_connectome_sum`` rows of the module docstring, by classes."""
    cc = source.connectome
    if cc is None or not len(cc.entries):
        return pd.DataFrame(
            {
                "axon_class": pd.Series(dtype=object),
                "target_class": pd.Series(dtype=object),
                "synapses": pd.Series(dtype=np.int64),
            }
        )
    e = cc.entries
    out = (
        pd.DataFrame(
            {
                "axon_class": e["axon_class"].astype(str).to_numpy(object),
                "target_class": e["target_class"].astype(str).to_numpy(object),
                "synapses": e["synapses"].to_numpy(np.int64),
            }
        )
        .groupby(["axon_class", "target_class"], sort=True)["synapses"]
        .sum()
        .reset_index()
    )
    return out.astype({"synapses": np.int64})


def suffix_anchors(axon_synapses: np.ndarray, span: int) -> list[int]:
    """The anchors of ``class_degree_suffix`` for the rows' axon synapse counts, descending:
    the largest count, then each count at which the rows since the previous anchor reach
    ``span``."""
    levels, counts = np.unique(axon_synapses, return_counts=True)
    anchors: list[int] = []
    run = 0
    for level, n in zip(levels[::-1].tolist(), counts[::-1].tolist(), strict=True):
        run += n
        if not anchors or run >= span:
            anchors.append(int(level))
            run = 0
    return anchors


def suffix_rows(cells: pd.DataFrame, span: int) -> pd.DataFrame:
    """The ``class_degree_suffix`` rows of the ``class_degree_cell`` rows ``cells`` with
    anchors ``span`` rows apart, by anchor (descending) and classes."""
    keys = ["axon_class", "target_class", "target_synapses"]
    blocks = [
        cells[cells["axon_synapses"] >= anchor]
        .groupby(keys, sort=True)[["synapses", "axons", "targets"]]
        .sum()
        .reset_index()
        .assign(axon_synapses=anchor)
        for anchor in suffix_anchors(cells["axon_synapses"].to_numpy(np.int64), span)
    ]
    if not blocks:
        return pd.DataFrame({c: pd.Series(dtype=np.int64) for c in SUFFIX_COLUMNS})
    out = pd.concat(blocks, ignore_index=True)[list(SUFFIX_COLUMNS)]
    ints = ("axon_synapses", "target_synapses", "synapses", "axons", "targets")
    return out.astype({c: np.int64 for c in ints})


@per_source
def degree_suffixes(source: SourceDataset) -> pd.DataFrame:
    """The ``class_degree_suffix`` rows of the module docstring, by anchor and classes."""
    from connectomedb.etl.class_stats import degree_cells  # it lists this module's tables

    cells = degree_cells(source)
    return suffix_rows(cells, max(64, len(cells) // SUFFIX_PARTS))


#: The tables of this module, with the function that builds each.
THRESHOLD_TABLES = {
    "class_specificity": specificity_levels,
    "class_connectome_sum": connectome_sums,
    "class_degree_suffix": degree_suffixes,
}

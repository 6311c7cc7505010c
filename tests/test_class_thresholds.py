"""The per-threshold tables of the load (connectomedb/etl/class_thresholds.py) against direct
computations on their source rows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from connectomedb.etl.class_thresholds import suffix_anchors, suffix_rows

SUMS = ["synapses", "axons", "targets"]


def _cells(seed: int, rows: int) -> pd.DataFrame:
    """Rows shaped like ``class_degree_cell``, unique per (classes, counts)."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "axon_class": rng.integers(1, 4, rows),
            "target_class": rng.integers(1, 5, rows),
            "axon_synapses": rng.geometric(0.2, rows),
            "target_synapses": rng.geometric(0.3, rows),
            "synapses": rng.integers(1, 50, rows),
            "axons": rng.integers(0, 5, rows),
            "targets": rng.integers(0, 5, rows),
        }
    )
    keys = ["axon_class", "target_class", "axon_synapses", "target_synapses"]
    return frame.groupby(keys, as_index=False)[SUMS].sum()


@pytest.mark.parametrize(("seed", "span"), [(1, 1), (2, 7), (3, 64), (4, 10_000)])
def test_anchor_and_the_rows_below_it_sum_every_row_at_or_above_a_threshold(
    seed: int, span: int
) -> None:
    cells = _cells(seed, 300)
    suffix = suffix_rows(cells, span)
    anchors = sorted(set(suffix["axon_synapses"]))
    counts = cells["axon_synapses"]
    for a in range(0, int(counts.max()) + 3):
        above = [x for x in anchors if x >= a]
        anchor = above[0] if above else None
        below = cells[(counts >= a) & (counts < (anchor if anchor is not None else 2**31))]
        if anchor is not None:
            # Between the threshold and its anchor lie fewer than span rows (one count's rows
            # may come on top).
            largest_level = int(cells.groupby("axon_synapses").size().max())
            assert len(below) < span + largest_level
        for t in (1, 3):
            read = pd.concat(
                [
                    suffix[suffix["axon_synapses"] == anchor] if anchor is not None else None,
                    below,
                ]
            )
            read = read[read["target_synapses"] >= t]
            got = read.groupby(["axon_class", "target_class"])[SUMS].sum()
            direct = cells[(counts >= a) & (cells["target_synapses"] >= t)]
            want = direct.groupby(["axon_class", "target_class"])[SUMS].sum()
            pd.testing.assert_frame_equal(got, want, check_dtype=False)


def test_anchors_start_at_the_largest_count_and_descend() -> None:
    counts = np.array([1, 1, 1, 2, 2, 5, 9, 9, 9, 9])
    assert suffix_anchors(counts, 3) == [9, 2, 1]
    assert suffix_anchors(counts, 100) == [9]
    assert suffix_anchors(np.zeros(0, np.int64), 3) == []
    assert suffix_rows(pd.DataFrame(columns=["axon_synapses"]), 3).empty

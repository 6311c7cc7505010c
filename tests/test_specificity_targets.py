"""``class_specificity_target`` (connectomedb/etl/specificity.py) against an independent pandas
computation: the block a pair of thresholds reads is the answer of ``target_specificity`` from
the kept synapses, for threshold pairs at, between and above the data's counts."""

from __future__ import annotations

import pandas as pd
import pytest
from support import oracle
from support.datasets import handmade_source
from support.frames import assert_same
from support.oracle.frames import frames

from connectomedb.etl import specificity
from connectomedb.etl.frames import SourceDataset
from connectomedb.etl.specificity import ONLY_AIS, specificity_targets
from connectomedb.synth.generate import generate

#: The answer columns of a block (the thresholds are the block's key).
COLUMNS = list(specificity.COLUMNS[2:])


def _read(
    blocks: pd.DataFrame, min_axon: int, min_target: int, axon_class: str | None
) -> pd.DataFrame:
    """What the queries read: the first axon count at or above ``min_axon``, then its first
    target count at or above ``min_target``."""
    axon_levels = blocks.axon_synapses[blocks.axon_synapses >= min_axon]
    if not len(axon_levels):
        return blocks.iloc[:0][COLUMNS]
    mine = blocks[blocks.axon_synapses == axon_levels.min()]
    target_levels = mine.target_synapses[mine.target_synapses >= min(min_target, ONLY_AIS)]
    if not len(target_levels):
        return mine.iloc[:0][COLUMNS]
    rows = mine[mine.target_synapses == target_levels.min()]
    if axon_class is not None:
        rows = rows[rows.axon_class == axon_class]
    return rows.sort_values(["axon_class", "target_class"])[COLUMNS]


def _sources() -> dict[str, SourceDataset]:
    return {
        "tiny": generate("tiny", 0).dataset,
        "demo": generate("demo", 0).dataset,
        "handmade": handmade_source(3, n_axons=30, n_targets=25, n_synapses=400),
    }


@pytest.mark.parametrize("name", ["tiny", "demo", "handmade"])
def test_every_block_is_the_answer_from_the_kept_synapses(name: str) -> None:
    source = _sources()[name]
    blocks = specificity_targets(source)
    syn = frames(source).syn
    axon_counts = sorted(set(syn.groupby("axon_id").size()))
    target_counts = sorted(set(syn.groupby("target_id").size()))
    top_a, top_t = axon_counts[-1], target_counts[-1]
    # At each count, between two counts and above every count, on both sides.
    axon_thresholds = sorted(
        {1, 2, 3, *axon_counts[:: max(1, len(axon_counts) // 3)], top_a, top_a + 1}
    )
    target_thresholds = sorted(
        {
            2,
            3,
            4,
            7,
            *target_counts[:: max(1, len(target_counts) // 3)],
            top_t,
            top_t + 1,
            10**9,
            2**40,
        }
    )
    checked = 0
    for min_axon in axon_thresholds:
        for min_target in target_thresholds:
            if min_target < 2:
                continue
            for axon_class in (None, "Corticocortical"):
                expected = oracle.answer(
                    "target_specificity",
                    source,
                    min_axon_synapses=min_axon,
                    min_target_synapses=min_target,
                    axon_class=axon_class,
                )
                got = _read(blocks, min_axon, min_target, axon_class)
                assert_same(
                    got.reset_index(drop=True),
                    expected.reset_index(drop=True),
                    f"{name} {min_axon} {min_target} {axon_class}",
                )
                checked += len(expected) > 0
    assert checked > 10


def test_above_every_target_count_only_axon_initial_segments_are_kept() -> None:
    source = _sources()["demo"]
    blocks = specificity_targets(source)
    only = blocks[blocks.target_synapses == ONLY_AIS]
    assert len(only) and set(only.target_class) == {"AxonInitialSegment"}
    assert (only.fraction == 1.0).all()

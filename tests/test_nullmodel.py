"""The random connectomes: exact degree and class preservation, mixing after the configured
rounds, reproducibility from the seed whatever the number of worker processes, and the named
counts of random connectomes against a pandas computation of their own."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from connectomedb.analyses.connectome import Connectome, from_source
from connectomedb.analyses.named_counts import NAMED, named_counts
from connectomedb.analyses.null_counts import null_named_counts, worker_count
from connectomedb.analyses.nullmodel import (
    DEFAULT_ROUNDS,
    _collisions,
    null_connectomes,
    swap_targets,
)
from connectomedb.analyses.significance import named_significance_of
from connectomedb.errors import QueryError
from connectomedb.synth.generate import generate


@pytest.fixture(scope="module")
def demo() -> Connectome:
    return from_source(generate("demo", 0).dataset)


def _per_axon_and_class(c: Connectome) -> pd.Series:
    frame = pd.DataFrame({"a": c.edge_axon, "tc": c.target_class[c.edge_target]})
    return frame.value_counts().sort_index()


@pytest.mark.parametrize("keep_class_pairs", [False, True])
def test_every_degree_and_class_is_kept_exactly(demo, keep_class_pairs):
    c = demo
    n_ax, n_tg = len(c.axon_id), len(c.target_id)
    axon_synapses = np.bincount(c.edge_axon, weights=c.synapses, minlength=n_ax)
    per_class = _per_axon_and_class(c)
    for r in null_connectomes(c, 3, seed=2, keep_class_pairs=keep_class_pairs):
        # The connections keep their axons (so their axon classes) and synapse counts, in order.
        assert np.array_equal(r.edge_axon, c.edge_axon)
        assert np.array_equal(r.synapses, c.synapses)
        assert np.array_equal(
            np.bincount(r.edge_axon, minlength=n_ax), np.bincount(c.edge_axon, minlength=n_ax)
        )
        assert np.array_equal(
            np.bincount(r.edge_target, minlength=n_tg), np.bincount(c.edge_target, minlength=n_tg)
        )
        assert np.array_equal(
            np.bincount(r.edge_axon, weights=r.synapses, minlength=n_ax), axon_synapses
        )
        keys = r.edge_axon * n_tg + r.edge_target
        assert np.unique(keys).size == keys.size
        if keep_class_pairs:
            # Every connection's target class, so every axon's connections per target class.
            assert np.array_equal(r.target_class[r.edge_target], c.target_class[c.edge_target])
            assert _per_axon_and_class(r).equals(per_class)
        else:
            assert not _per_axon_and_class(r).equals(per_class)


def test_a_swap_that_would_repeat_a_connection_is_rejected():
    existing = np.array([10, 11, 20, 21], np.int64)
    # Proposals: (12, 22) new; (11, 23) makes 11 again; (13, 24) and (13, 25) both make 13.
    new1 = np.array([12, 11, 13, 30], np.int64)
    new2 = np.array([22, 23, 24, 13], np.int64)
    assert _collisions(existing, new1, new2).tolist() == [False, True, True, True]
    # Keys too wide to carry their origin in the low bits take the argsort path.
    wide = np.int64(1) << 60
    assert _collisions(existing + wide, new1 + wide, new2 + wide).tolist() == [
        False,
        True,
        True,
        True,
    ]


def test_one_axon_onto_one_target_and_two_connections_stay(demo):
    rng = np.random.default_rng(0)
    one = swap_targets(np.array([0]), np.array([3]), 5, rng)
    assert one.tolist() == [3]
    # A complete bipartite graph has no other arrangement: every swap is rejected.
    axon, target = np.repeat(np.arange(3), 4), np.tile(np.arange(4), 3)
    assert np.array_equal(swap_targets(axon, target, 4, rng), target)


def _changed(c: Connectome, r: Connectome) -> float:
    n_tg = len(c.target_id)
    return 1 - float(
        np.isin(r.edge_axon * n_tg + r.edge_target, c.edge_axon * n_tg + c.edge_target).mean()
    )


def test_the_chain_has_mixed_after_the_configured_rounds(demo):
    """The share of connections that differ from the observed graph, and the mean bi-fan
    count, are the same after DEFAULT_ROUNDS as after four times as many; a single round is
    visibly short of both (so the comparison can tell)."""
    c, k = demo, 12

    def sample(rounds: int) -> tuple[float, np.ndarray]:
        graphs = list(null_connectomes(c, k, seed=5, rounds=rounds))
        changed = float(np.mean([_changed(c, r) for r in graphs]))
        return changed, np.array([named_counts(r)["bifans"] for r in graphs], float)

    def apart(x: np.ndarray, y: np.ndarray) -> float:
        """Difference of the means in standard errors."""
        se = np.sqrt(x.var(ddof=1) / x.size + y.var(ddof=1) / y.size)
        return abs(x.mean() - y.mean()) / se

    changed, bifans = sample(DEFAULT_ROUNDS)
    changed_long, bifans_long = sample(4 * DEFAULT_ROUNDS)
    changed_one, bifans_one = sample(1)
    assert changed > 0.9
    assert abs(changed - changed_long) < 0.01
    assert apart(bifans, bifans_long) < 3
    assert changed_long - changed_one > 0.05
    assert apart(bifans_one, bifans_long) > 3


def test_the_kth_connectome_does_not_depend_on_k_or_on_the_workers(demo):
    c = demo
    counts = np.array(
        [[named_counts(r)[name] for name in NAMED] for r in null_connectomes(c, 5, seed=9)]
    )
    one = null_named_counts(c, 5, 9, rounds=DEFAULT_ROUNDS, keep_class_pairs=False, workers=1)
    assert np.array_equal(one, counts)
    more = null_named_counts(c, 7, 9, rounds=DEFAULT_ROUNDS, keep_class_pairs=False, workers=1)
    assert np.array_equal(more[:5], counts)
    two = null_named_counts(c, 7, 9, rounds=DEFAULT_ROUNDS, keep_class_pairs=False, workers=2)
    assert np.array_equal(two, more)
    for keep in (False, True):
        frames = [
            named_significance_of(c, k=6, seed=4, keep_class_pairs=keep, workers=w) for w in (1, 2)
        ]
        pd.testing.assert_frame_equal(*frames)


def test_worker_counts():
    assert worker_count(1, 100, 10**6) == 1
    assert worker_count(8, 3, 10**6) == 3
    assert worker_count(None, 100, 5_000) == 1  # too little work for a pool
    assert worker_count(None, 100, 300_000) >= 1
    for bad in (0, -2, 1.5, True):
        with pytest.raises(QueryError, match="worker processes"):
            worker_count(bad, 10, 100)


def _pandas_counts(c: Connectome, min_shared: int) -> dict[str, int]:
    """All seven counts with pandas joins and group sizes (no shared code with named_counts)."""
    e = pd.DataFrame(
        {"a": c.edge_axon, "t": c.edge_target, "w": c.synapses, "n": c.target_neuron[c.edge_target]}
    )
    pairs = e.merge(e, on="t")
    pairs = pairs[pairs["a_x"] < pairs["a_y"]]
    shared = pairs.groupby(["a_x", "a_y"]).size()
    neuron = e[e["n"] > 0]
    per_axon_neuron = neuron.groupby(["a", "n"]).size()
    return {
        "axon_neuron_multi_target": int((per_axon_neuron >= 2).sum()),
        "bifans": int((shared * (shared - 1) // 2).sum()),
        "convergent_neurons": int((neuron.groupby("n")["a"].nunique() >= 2).sum()),
        "convergent_targets": int((e.groupby("t").size() >= 2).sum()),
        "divergent_axons": int((e.groupby("a").size() >= 2).sum()),
        "multi_synaptic_connections": int((e["w"] >= 2).sum()),
        "shared_target_axon_pairs": int((shared >= min_shared).sum()),
    }


@pytest.mark.parametrize("min_shared", [1, 2, 3])
def test_counts_of_random_connectomes_equal_a_pandas_computation(demo, min_shared):
    graphs = [demo, *null_connectomes(demo, 2, seed=min_shared)]
    for r in graphs:
        assert named_counts(r, min_shared=min_shared) == _pandas_counts(r, min_shared)

"""Degree-preserving random connectomes: bipartite edge swaps, vectorized in NumPy.

A swap takes two connections (a1, t1) and (a2, t2) and makes them (a1, t2) and (a2, t1). Every
axon keeps its number of connections and every target its number of connections (its axons),
and every node keeps its class. A swap that would create a connection that already exists
(or the same one twice) is rejected, so the result is again a simple graph. Each connection
keeps its synapse count and ASI sums, so each axon also keeps its synapse count.

One round pairs the connections at random (a random half with a random permutation of the
other half) and tries every pair at once; ``rounds`` rounds try about ``rounds / 2`` swaps per
connection. With ``keep_class_pairs`` two connections are only
swapped when their targets have the same class, so each axon also keeps its number of
connections onto every target class (and the class-to-class connection counts stay exact).

Each random connectome has its own seed, derived from ``seed`` and its index
(``numpy.random.SeedSequence(seed).spawn``): the K-th one is the same whatever K is.
"""

from __future__ import annotations

import numpy as np

from connectomedb.analyses.connectome import Connectome

#: Rounds of random pairings per null graph: 10 rounds try 5 swaps per connection.
DEFAULT_ROUNDS = 10


def swap_targets(edge_axon: np.ndarray, edge_target: np.ndarray, n_targets: int,
                 rng: np.random.Generator, *, rounds: int = DEFAULT_ROUNDS,
                 strata: np.ndarray | None = None) -> np.ndarray:
    """New targets for the connections (same axons, same degrees), after ``rounds`` rounds.

    ``strata`` (one integer per connection): only connections of the same stratum swap.
    """
    n = edge_axon.shape[0]
    if n < 2:
        return edge_target.astype(np.int64).copy()
    # Work on the connections ordered by axon: the keys of one side of each round's pairs
    # are then nearly sorted, which makes the membership tests several times faster.
    by_axon = np.argsort(edge_axon, kind="stable")
    axon = edge_axon[by_axon].astype(np.int64)
    targets = edge_target[by_axon].astype(np.int64)
    stratum = None if strata is None else strata[by_axon]
    width = np.int64(max(n_targets, 1))
    keys = np.sort(axon * width + targets)
    for _ in range(rounds):
        i, j = _pairs(n, rng, stratum)
        ok = (axon[i] != axon[j]) & (targets[i] != targets[j])
        ok &= ~_member(axon[i] * width + targets[j], keys)
        ok &= ~_member(axon[j] * width + targets[i], keys)
        si, sj = i[ok], j[ok]
        targets[si], targets[sj] = targets[sj], targets[si].copy()
        keys = np.sort(axon * width + targets)
        clash = keys[1:][keys[1:] == keys[:-1]]
        if clash.size:
            # Two swaps made the same new connection: undo both.
            undo = _member(axon[si] * width + targets[si], clash) | _member(
                axon[sj] * width + targets[sj], clash)
            ui, uj = si[undo], sj[undo]
            targets[ui], targets[uj] = targets[uj], targets[ui].copy()
            keys = np.sort(axon * width + targets)
    out = np.empty_like(targets)
    out[by_axon] = targets
    return out


def _pairs(n: int, rng: np.random.Generator,
           stratum: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """A uniformly random pairing of (most of) the connections: ``i`` ascending."""
    if stratum is None:
        left = rng.random(n) < 0.5
        i = np.flatnonzero(left)
        j = rng.permutation(np.flatnonzero(~left))
        m = min(i.shape[0], j.shape[0])
        return i[:m], j[:m]
    order = np.lexsort((rng.random(n), stratum))
    half = n // 2
    i, j = order[0:2 * half:2], order[1:2 * half:2]
    same = stratum[i] == stratum[j]
    i, j = i[same], j[same]
    first = np.argsort(i, kind="stable")
    return i[first], j[first]


def _member(values: np.ndarray, sorted_keys: np.ndarray) -> np.ndarray:
    """Which ``values`` are in ``sorted_keys`` (searched in sorted order: cache-friendly)."""
    if not sorted_keys.shape[0] or not values.shape[0]:
        return np.zeros(values.shape, bool)
    order = np.argsort(values, kind="stable")
    pos = np.searchsorted(sorted_keys, values[order])
    pos[pos == sorted_keys.shape[0]] = 0
    found = np.empty(values.shape, bool)
    found[order] = sorted_keys[pos] == values[order]
    return found


def null_connectomes(connectome: Connectome, k: int, seed: int = 0, *,
                     rounds: int = DEFAULT_ROUNDS, keep_class_pairs: bool = False):
    """Yield ``k`` randomized copies of ``connectome`` (reproducible from ``seed``)."""
    strata = None
    if keep_class_pairs:
        _, codes = np.unique(connectome.target_class[connectome.edge_target].astype(str),
                             return_inverse=True)
        strata = codes.astype(np.int64)
    for child in np.random.SeedSequence(seed).spawn(k):
        rng = np.random.default_rng(child)
        targets = swap_targets(connectome.edge_axon, connectome.edge_target,
                               len(connectome.target_id), rng, rounds=rounds, strata=strata)
        yield connectome.with_targets(targets)

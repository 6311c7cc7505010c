"""Degree-preserving random connectomes: bipartite edge swaps, vectorized in NumPy.

A swap takes two connections (a1, t1) and (a2, t2) and makes them (a1, t2) and (a2, t1). Every
axon keeps its number of connections and every target its number of connections (its axons),
and every node keeps its class. Each connection keeps its synapse count and ASI sums, so each
axon also keeps its synapse count.

One round pairs the connections at random (a random half with a random permutation of the
other half) and tries every pair at once. A swap is rejected when a connection it would make
exists already, or another swap of the round would make it too (a swap of two connections of
one axon or onto one target is rejected by the same rule): the result is again a simple graph.
Both tests are one sort of the existing and the proposed connections, as integer keys.
``rounds`` rounds try every connection ``rounds`` times. With ``keep_class_pairs`` two
connections are only swapped when their targets have the same class, so each axon also keeps
its number of connections onto every target class (and the class-to-class connection counts
stay exact).

Each random connectome has its own seed, derived from ``seed`` and its index
(``numpy.random.SeedSequence(seed).spawn``): the K-th one is the same whatever K is, and
whichever process makes it.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from connectomedb.analyses.connectome import Connectome

#: Rounds of random pairings per null graph. After 5 rounds the share of connections that
#: differ from the observed graph and the bi-fan count have reached their long-run values
#: (docs/motifs.md, tests/test_nullmodel.py).
DEFAULT_ROUNDS = 5

_INT63 = (1 << 63) - 1


def swap_targets(
    edge_axon: np.ndarray,
    edge_target: np.ndarray,
    n_targets: int,
    rng: np.random.Generator,
    *,
    rounds: int = DEFAULT_ROUNDS,
    strata: np.ndarray | None = None,
) -> np.ndarray:
    """New targets for the connections (same axons, same degrees), after ``rounds`` rounds.

    ``strata`` (one integer per connection): only connections of the same stratum swap.
    """
    n = edge_axon.shape[0]
    targets = edge_target.astype(np.int64).copy()
    if n < 2:
        return targets
    axon = edge_axon.astype(np.int64)
    stratum = None if strata is None else np.asarray(strata, np.int64)
    width = np.int64(max(n_targets, int(targets.max()) + 1))
    for _ in range(rounds):
        i, j = _pairs(n, rng, stratum)
        bad = _collisions(
            axon * width + targets, axon[i] * width + targets[j], axon[j] * width + targets[i]
        )
        si, sj = i[~bad], j[~bad]
        targets[si], targets[sj] = targets[sj], targets[si].copy()
    return targets


def _pairs(
    n: int, rng: np.random.Generator, stratum: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray]:
    """A uniformly random pairing of (most of) the connections."""
    if stratum is None:
        left = rng.random(n) < 0.5
        i = np.flatnonzero(left)
        j = rng.permutation(np.flatnonzero(~left))
        m = min(i.shape[0], j.shape[0])
        return i[:m], j[:m]
    order = np.argsort(stratum + rng.random(n))  # strata in turn, each in a random order
    half = n // 2
    i, j = order[0 : 2 * half : 2], order[1 : 2 * half : 2]
    same = stratum[i] == stratum[j]
    return i[same], j[same]


def _collisions(existing: np.ndarray, new1: np.ndarray, new2: np.ndarray) -> np.ndarray:
    """Per proposed swap, whether ``new1`` or ``new2`` (its new connections' keys) equals an
    existing key or another proposed key. One sort: each key carries its origin in its low
    bits (0: existing; 1 .. 2P: the proposals)."""
    p = new1.shape[0]
    bad = np.zeros(p, bool)
    if p == 0:
        return bad
    bits = (2 * p + 1).bit_length()
    top = int(max(existing.max(), new1.max(), new2.max()))
    origin = np.arange(1, 2 * p + 1, dtype=np.int64)
    if (top + 1) << bits <= _INT63:
        packed = np.concatenate([existing << bits, np.concatenate([new1, new2]) << bits | origin])
        packed.sort()
        key, tag = packed >> bits, packed & ((1 << bits) - 1)
    else:  # keys too wide to carry their origin: sort the keys, then the tags along
        keys = np.concatenate([existing, new1, new2])
        by_key = np.argsort(keys, kind="stable")
        key = keys[by_key]
        tag = np.concatenate([np.zeros(existing.shape[0], np.int64), origin])[by_key]
    same = key[1:] == key[:-1]
    shared = np.zeros(key.shape[0], bool)
    shared[1:] |= same
    shared[:-1] |= same
    hit = tag[shared & (tag > 0)] - 1
    bad[hit % p] = True
    return bad


def connection_strata(connectome: Connectome, keep_class_pairs: bool) -> np.ndarray | None:
    """One stratum per connection (its target's class) when class pairs are kept."""
    if not keep_class_pairs:
        return None
    _, codes = np.unique(connectome.target_class.astype(str), return_inverse=True)
    return codes.astype(np.int64)[connectome.edge_target]


def seeds(seed: int, k: int) -> list[np.random.SeedSequence]:
    """The seeds of random connectomes 0 .. k - 1 (the i-th the same whatever k is)."""
    return np.random.SeedSequence(seed).spawn(k)


def null_targets(
    connectome: Connectome,
    seed_sequence: np.random.SeedSequence,
    *,
    rounds: int = DEFAULT_ROUNDS,
    strata: np.ndarray | None = None,
) -> np.ndarray:
    """The connections' targets in the random connectome of ``seed_sequence``."""
    return swap_targets(
        connectome.edge_axon,
        connectome.edge_target,
        len(connectome.target_id),
        np.random.default_rng(seed_sequence),
        rounds=rounds,
        strata=strata,
    )


def null_connectomes(
    connectome: Connectome,
    k: int,
    seed: int = 0,
    *,
    rounds: int = DEFAULT_ROUNDS,
    keep_class_pairs: bool = False,
) -> Iterator[Connectome]:
    """Yield ``k`` randomized copies of ``connectome`` (reproducible from ``seed``)."""
    strata = connection_strata(connectome, keep_class_pairs)
    for child in seeds(seed, k):
        yield connectome.with_targets(null_targets(connectome, child, rounds=rounds, strata=strata))

"""The named motifs of ``motif_counts``, counted in memory from a :class:`Connectome`.

The same definitions and parameters as the query ``motif_counts`` (docs/queries.md), computed
from sorted integer keys, never by listing the axon pairs that share a target (4.7 million at
full scale, 18 of every 19 sharing one target only). Per axon, every pair of its targets is one
key (1.7 million at full scale); sorted, a pair of targets shared by ``s`` axons is a run of
``s`` keys and holds ``s (s - 1) / 2`` bi-fans. Each bi-fan is a pair of axons with two shared
targets, so listing the bi-fans (tens of thousands in a random connectome) lists every axon
pair sharing ``n >= 2`` targets, ``n (n - 1) / 2`` times each; the pairs sharing one target are
the rest of the ``sum over targets of d (d - 1) / 2`` axon pairs the targets' degrees ``d`` make.
"""

from __future__ import annotations

import numpy as np

from connectomedb.analyses.connectome import Connectome
from connectomedb.etl.motifs import MOTIFS
from connectomedb.etl.pairs import run_pairs

#: The motifs, in the order of ``motif_counts``'s rows (alphabetical).
NAMED = MOTIFS

_INT63 = (1 << 63) - 1


def named_counts(
    c: Connectome,
    *,
    min_synapses: int = 2,
    min_axons: int = 2,
    min_targets: int = 2,
    min_neuron_targets: int = 2,
    min_shared: int = 2,
    axon_class: str | None = None,
    target_class: str | None = None,
) -> dict[str, int]:
    """Instances of every named motif, as ``motif_counts`` with the same parameters."""
    ax_ok = (
        np.ones(c.n_edges, bool)
        if axon_class is None
        else (c.axon_class[c.edge_axon] == axon_class)
    )
    tg_ok = (
        np.ones(c.n_edges, bool)
        if target_class is None
        else (c.target_class[c.edge_target] == target_class)
    )
    both = ax_ok & tg_ok
    a, t, w = c.edge_axon[both], c.edge_target[both], c.synapses[both]
    n_ax, n_tg = len(c.axon_id), len(c.target_id)
    out: dict[str, int] = {}
    out["multi_synaptic_connections"] = int((w >= min_synapses).sum())
    per_target = np.bincount(t, minlength=n_tg)
    out["convergent_targets"] = int((per_target >= min_axons).sum())
    out["divergent_axons"] = int((np.bincount(a, minlength=n_ax) >= min_targets).sum())
    # Neuron-level motifs ignore target_class (as motif_counts does).
    an, tn = c.edge_axon[ax_ok], c.target_neuron[c.edge_target[ax_ok]]
    keep = tn > 0
    width = np.int64(c.target_neuron.max() + 1) if c.target_neuron.size else np.int64(1)
    pair_keys, per_pair = np.unique(an[keep] * width + tn[keep], return_counts=True)
    out["axon_neuron_multi_target"] = int((per_pair >= min_neuron_targets).sum())
    axons_per_neuron = np.bincount(pair_keys % width) if pair_keys.size else np.zeros(0, int)
    out["convergent_neurons"] = int((axons_per_neuron >= min_axons).sum())
    bifans, shared = shared_targets(a, t, n_ax, n_tg)
    out["bifans"] = bifans
    if min_shared >= 2:
        out["shared_target_axon_pairs"] = int((shared >= min_shared).sum())
    else:  # every sharing pair: the axon pairs of the targets, less the repeats
        wedges = int((per_target * (per_target - 1) // 2).sum())
        out["shared_target_axon_pairs"] = wedges - int((shared - 1).sum())
    return {name: out[name] for name in NAMED}


def shared_targets(
    axon: np.ndarray, target: np.ndarray, n_axons: int, n_targets: int
) -> tuple[int, np.ndarray]:
    """(bi-fans, targets shared by every axon pair sharing at least two): from connections
    ``axon``/``target`` (indices below ``n_axons``/``n_targets``, no duplicates)."""
    width = np.int64(max(n_targets, 1))
    # A target of one axon is in no bi-fan: leave it out.
    per_target = np.bincount(target, minlength=n_targets)
    keep = per_target[target] >= 2
    key = np.sort(axon[keep].astype(np.int64) * width + target[keep])
    ax = key // width
    tg = key - ax * width
    starts = np.flatnonzero(np.r_[True, ax[1:] != ax[:-1]]) if key.size else key
    degree = np.diff(np.r_[starts, key.size])
    bits = int(n_axons).bit_length()
    if (int(width) ** 2) << bits > _INT63:
        raise ValueError("too many axons and targets for 63-bit pair keys")
    # Every pair of targets (t1 < t2) of one axon, as t1 * width + t2, with the axon in the
    # low bits; sorted, a run per target pair, its axons ascending.
    parts = [np.zeros(0, np.int64)]
    for d in np.unique(degree[degree >= 2]).tolist():
        rows = starts[degree == d]
        block = tg[rows[:, None] + np.arange(d)]
        i, j = np.triu_indices(d, 1)
        pairs = block[:, i] * width
        pairs += block[:, j]
        pairs <<= bits
        pairs |= ax[rows][:, None]
        parts.append(pairs.ravel())
    packed = np.concatenate(parts)
    packed.sort()
    target_pair = packed >> bits
    same = target_pair[1:] == target_pair[:-1]
    in_run = np.zeros(packed.size, bool)
    in_run[1:] = same
    in_run[:-1] |= same
    shared_pair = packed[in_run]
    # Each pair of axons in a run is a bi-fan; an axon pair sharing n targets is in
    # n (n - 1) / 2 runs.
    first, second = run_pairs(shared_pair >> bits)
    owner = shared_pair & ((1 << bits) - 1)
    axon_pair = np.sort(owner[first] * np.int64(n_axons) + owner[second])
    if not axon_pair.size:
        return 0, np.zeros(0, np.int64)
    bounds = np.flatnonzero(np.r_[True, axon_pair[1:] != axon_pair[:-1], True])
    repeats = np.diff(bounds)
    shared = ((1 + np.rint(np.sqrt(1 + 8 * repeats))) // 2).astype(np.int64)
    return int(first.size), shared

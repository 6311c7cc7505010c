"""The named motifs of ``motif_counts``, counted in memory from a :class:`Connectome`.

The same definitions and parameters as the query ``motif_counts`` (docs/queries.md), computed
with sorted integer keys instead of enumeration. Bi-fans: every pair of targets of one axon is
listed once per axon (as one integer); a pair of targets shared by ``s`` axons holds
``s (s - 1) / 2`` bi-fans. Axon pairs sharing targets: every pair of axons of one target, and
how often each pair occurs (the co-innervation counts, without a sparse matrix product, which
is several times slower here).
"""

from __future__ import annotations

import numpy as np

from connectomedb.analyses.connectome import Connectome

#: The motifs, in the order of ``motif_counts``'s rows (alphabetical).
NAMED = (
    "axon_neuron_multi_target",
    "bifans",
    "convergent_neurons",
    "convergent_targets",
    "divergent_axons",
    "multi_synaptic_connections",
    "shared_target_axon_pairs",
)


def named_counts(c: Connectome, *, min_synapses: int = 2, min_axons: int = 2,
                 min_targets: int = 2, min_neuron_targets: int = 2, min_shared: int = 2,
                 axon_class: str | None = None,
                 target_class: str | None = None) -> dict[str, int]:
    """Instances of every named motif, as ``motif_counts`` with the same parameters."""
    ax_ok = np.ones(c.n_edges, bool) if axon_class is None else (
        c.axon_class[c.edge_axon] == axon_class)
    tg_ok = np.ones(c.n_edges, bool) if target_class is None else (
        c.target_class[c.edge_target] == target_class)
    both = ax_ok & tg_ok
    a, t, w = c.edge_axon[both], c.edge_target[both], c.synapses[both]
    n_ax, n_tg = len(c.axon_id), len(c.target_id)
    out: dict[str, int] = {}
    out["multi_synaptic_connections"] = int((w >= min_synapses).sum())
    out["convergent_targets"] = int((np.bincount(t, minlength=n_tg) >= min_axons).sum())
    out["divergent_axons"] = int((np.bincount(a, minlength=n_ax) >= min_targets).sum())
    # Neuron-level motifs ignore target_class (as motif_counts does).
    an, tn = c.edge_axon[ax_ok], c.target_neuron[c.edge_target[ax_ok]]
    keep = tn > 0
    pair_keys, per_pair = np.unique(an[keep] * np.int64(c.target_neuron.max() + 1) + tn[keep],
                                    return_counts=True)
    out["axon_neuron_multi_target"] = int((per_pair >= min_neuron_targets).sum())
    neurons = pair_keys % np.int64(c.target_neuron.max() + 1) if pair_keys.size else pair_keys
    axons_per_neuron = np.bincount(neurons) if neurons.size else np.zeros(0, np.int64)
    out["convergent_neurons"] = int((axons_per_neuron >= min_axons).sum())
    shared = pair_counts(t, a, n_ax)  # axon pairs, per target
    out["shared_target_axon_pairs"] = int((shared >= min_shared).sum())
    together = pair_counts(a, t, n_tg)  # target pairs, per axon
    out["bifans"] = int((together * (together - 1) // 2).sum())
    return {name: out[name] for name in NAMED}


def pair_counts(owner: np.ndarray, member: np.ndarray, n_member: int) -> np.ndarray:
    """For every pair of members (m1 < m2) that share at least one owner, how many they
    share. ``owner``/``member``: one entry per connection (no duplicates)."""
    if owner.size == 0:
        return np.zeros(0, np.int64)
    width = np.int64(n_member)
    both = np.sort(owner.astype(np.int64) * width + member)
    o, m = both // width, both % width
    starts = np.flatnonzero(np.r_[True, o[1:] != o[:-1]])
    degree = np.diff(np.r_[starts, o.shape[0]])
    keys = []
    for d in np.unique(degree[degree >= 2]).tolist():
        block = m[starts[degree == d][:, None] + np.arange(d)]
        i, j = np.triu_indices(d, 1)
        keys.append((block[:, i] * width + block[:, j]).ravel())
    if not keys:
        return np.zeros(0, np.int64)
    flat = np.concatenate(keys)
    flat.sort()
    edges = np.flatnonzero(np.r_[True, flat[1:] != flat[:-1], True])
    return np.diff(edges).astype(np.int64)

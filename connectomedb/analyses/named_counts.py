"""The named motifs of ``motif_counts``, counted in memory from a :class:`Connectome`.

The same definitions and parameters as the query ``motif_counts`` (docs/queries.md), computed
with sparse matrices so that a hundred random connectomes take seconds: bi-fans and axon
pairs sharing targets come from the co-innervation matrix ``C = M M^T`` (``M`` the axon x
target connection matrix): a pair of axons sharing ``c`` targets holds ``c (c - 1) / 2``
bi-fans.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

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
    shared = co_innervation(a, t, n_ax, n_tg)
    out["shared_target_axon_pairs"] = int((shared >= min_shared).sum())
    out["bifans"] = int((shared * (shared - 1) // 2).sum())
    return {name: out[name] for name in NAMED}


def co_innervation(a: np.ndarray, t: np.ndarray, n_ax: int, n_tg: int) -> np.ndarray:
    """For every pair of axons (a < b) sharing at least one target, the number they share."""
    if a.size == 0:
        return np.zeros(0, np.int64)
    m = sp.csr_matrix((np.ones(a.size, np.int64), (a, t)), shape=(n_ax, n_tg))
    product = sp.triu(m @ m.T, k=1).tocoo()
    return product.data.astype(np.int64)

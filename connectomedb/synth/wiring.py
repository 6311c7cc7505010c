"""Who synapses onto whom: targets, neurons, axons and the synapse table, before geometry.

The wiring is built from a plan (the hand-made ``tiny`` plan, or the random plan of the larger
scales); spine heads and split-axon IDs are then attached the same way for every scale.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from connectomedb.synth import codes as C


@dataclass
class Wiring:
    """Every array is indexed by 1-based ID - 1; IDs are ``int64`` with 0 = none.

    ``syn_*`` arrays have one entry per synapse; ``spine_target`` gives the target each spine
    head sits on (0 = a spine head attached to no target).
    """

    target_class: np.ndarray  # int16 (n_targets,)
    neuron_id: np.ndarray  # int64 (n_targets,)
    tc_probability: np.ndarray  # float64 (n_axons,): thalamocortical classifier output
    syn_axon: np.ndarray  # int64 (n_syn,)
    syn_target: np.ndarray  # int64
    syn_type: np.ndarray  # int16
    syn_spine: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    syn_split: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    spine_target: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    planted: list[dict] = field(default_factory=list)

    @property
    def n_axons(self) -> int:
        return int(self.tc_probability.shape[0])

    @property
    def n_targets(self) -> int:
        return int(self.target_class.shape[0])


SPINY = np.array([C.AD, C.OD, C.PD, C.IGNORE], dtype=np.int16)


def attach_spine_heads(rng: np.random.Generator, w: Wiring, n_spine: int) -> None:
    """Give every primary-spine synapse its own spine head (on the synapse's target, or on no
    target when the synapse has none); put every secondary-spine synapse onto a spine head of
    its target that already has a primary synapse (a shaft synapse when there is none); attach
    the unused spine heads to random spiny targets (a few to none)."""
    n_syn = w.syn_type.shape[0]
    primary = np.flatnonzero(w.syn_type == C.PRIMARY)
    n_spine = max(n_spine, primary.shape[0])
    ids = rng.permutation(n_spine).astype(np.int64) + 1
    syn_spine = np.zeros(n_syn, dtype=np.int64)
    syn_spine[primary] = ids[: primary.shape[0]]
    spine_target = np.zeros(n_spine, dtype=np.int64)
    spine_target[syn_spine[primary] - 1] = w.syn_target[primary]
    unused = ids[primary.shape[0] :]
    spiny = np.flatnonzero(np.isin(w.target_class, SPINY)) + 1
    if unused.shape[0] and spiny.shape[0]:
        owner = spiny[rng.integers(0, spiny.shape[0], unused.shape[0])]
        owner[rng.random(unused.shape[0]) < 0.05] = 0
        spine_target[unused - 1] = owner

    secondary = np.flatnonzero(w.syn_type == C.SECONDARY)
    if secondary.shape[0]:
        # Primary spine heads grouped by target, to draw one on the secondary synapse's target.
        on_target = primary[w.syn_target[primary] > 0]
        order = np.argsort(w.syn_target[on_target], kind="stable")
        sorted_targets = w.syn_target[on_target][order]
        sorted_heads = syn_spine[on_target][order]
        t = w.syn_target[secondary]
        lo = np.searchsorted(sorted_targets, t, side="left")
        hi = np.searchsorted(sorted_targets, t, side="right")
        count = hi - lo
        has = (count > 0) & (t > 0)
        pick = lo + np.floor(rng.random(secondary.shape[0]) * np.maximum(count, 1)).astype(np.int64)
        syn_spine[secondary[has]] = sorted_heads[pick[has]]
        w.syn_type[secondary[~has]] = C.SHAFT
    w.syn_spine = syn_spine
    w.spine_target = spine_target


def assign_split_ids(rng: np.random.Generator, w: Wiring, fraction: float = 0.3) -> None:
    """Give the synapses of a random ``fraction`` of the axons a split-axon ID: each chosen axon
    is split into 1-3 pieces of the linearised reconstruction, numbered consecutively."""
    chosen = rng.random(w.n_axons + 1) < fraction
    chosen[0] = False
    pieces = np.where(chosen, rng.integers(1, 4, w.n_axons + 1), 0)
    base = np.concatenate([[0], np.cumsum(pieces)[:-1]])
    n_syn = w.syn_axon.shape[0]
    piece = np.floor(rng.random(n_syn) * np.maximum(pieces[w.syn_axon], 1)).astype(np.int64)
    w.syn_split = np.where(chosen[w.syn_axon], base[w.syn_axon] + piece + 1, 0).astype(np.int64)


def shuffle_synapses(rng: np.random.Generator, w: Wiring) -> None:
    """Synapse IDs in the files follow detection order, not axons: permute them."""
    order = rng.permutation(w.syn_axon.shape[0])
    w.syn_axon = w.syn_axon[order]
    w.syn_target = w.syn_target[order]
    w.syn_type = w.syn_type[order]

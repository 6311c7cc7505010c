"""The random wiring of the ``demo`` and ``full`` scales.

Shaped after the paper: neurons own a soma, an axon initial segment and proximal (or, for
interneurons, smooth) dendrites; a few thousand "hub" targets receive most synapses of the few
thousand axons that reach the 10-synapse threshold, so that the connectome matrix comes out near
its published size; each axon kind prefers its target classes (inhibitory axons somata, AIS and
shafts; excitatory axons spines); some synapses repeat the previous target of their axon
(multi-synaptic pairs); some have no axon or sit on a spine head attached to no target.
"""

from __future__ import annotations

import numpy as np

from connectomedb.synth import codes as C
from connectomedb.synth.params import ScaleParams
from connectomedb.synth.wiring import Wiring

#: Intended classes of the axons meant to pass the threshold (paper: 5,894 excitatory,
#: 893 inhibitory, ~192 other of 6,979); the final class is re-derived from the synapses.
BIG_AXON_MIX = {C.CC: 0.62, C.TC: 0.225, C.INH: 0.128, C.OTHER: 0.027}

#: Target-class preference of each axon kind.
AFFINITY: dict[int, dict[int, float]] = {
    C.CC: {C.OD: 0.70, C.AD: 0.12, C.PD: 0.08, C.SD: 0.06, C.SOMA: 0.02, C.AIS: 0.02},
    C.TC: {C.OD: 0.75, C.PD: 0.12, C.AD: 0.05, C.SD: 0.06, C.SOMA: 0.02},
    C.OTHER: {C.OD: 0.50, C.SD: 0.25, C.AD: 0.10, C.PD: 0.10, C.SOMA: 0.05},
    C.INH: {C.SOMA: 0.20, C.AIS: 0.06, C.SD: 0.20, C.OD: 0.40, C.AD: 0.08, C.PD: 0.06},
}
#: P(primary spine), P(secondary spine) of a synapse onto a spiny target, by axon kind.
SPINE_P = {C.CC: (0.80, 0.0), C.TC: (0.90, 0.0), C.OTHER: (0.40, 0.05), C.INH: (0.0, 0.25)}

P_HUB_BIG = 0.95  # share of a big axon's synapses onto hub targets
P_HUB_SMALL = 0.15
P_REPEAT = 0.12  # a synapse onto the same target as the axon's previous one
SHARE_NO_AXON = 0.12  # synapses of no reconstructed axon


def _targets(rng: np.random.Generator, p: ScaleParams) -> tuple[np.ndarray, np.ndarray]:
    """Target classes and neuron IDs, in random ID order."""
    n_int = max(1, round(0.15 * p.neurons))
    classes: list[np.ndarray] = []
    neurons: list[np.ndarray] = []
    for neuron in range(1, p.neurons + 1):
        inter = neuron <= n_int
        k = int(rng.integers(2, 5)) if inter else int(rng.integers(2, 6))
        dend = C.SD if inter else C.PD
        classes.append(np.array([C.SOMA, C.AIS] + [dend] * k, dtype=np.int16))
        neurons.append(np.full(k + 2, neuron, dtype=np.int64))
    owned = np.concatenate(classes)
    rest = p.targets - owned.shape[0]
    rest_classes = rng.choice(
        np.array([C.AD, C.SD, C.OD, C.IGNORE], dtype=np.int16), size=rest, p=[0.04, 0.06, 0.8, 0.1]
    )
    cls = np.concatenate([owned, rest_classes])
    nid = np.concatenate(neurons + [np.zeros(rest, dtype=np.int64)])
    order = rng.permutation(p.targets)
    return cls[order], nid[order]


def _hubs(rng: np.random.Generator, cls: np.ndarray, nid: np.ndarray, n_hub: int) -> np.ndarray:
    """Boolean mask of hub targets: every neuron's soma and dendrites, then apical, smooth and
    other dendrites in proportion to what the axons ask for, until ``n_hub``. Axon initial
    segments are drawn from separately."""
    hub = (nid > 0) & (cls != C.AIS)
    rest = max(n_hub - int(hub.sum()), 0)
    quota = {C.AD: round(0.15 * rest), C.SD: round(0.12 * rest)}
    quota[C.OD] = rest - quota[C.AD] - quota[C.SD]
    for c, q in quota.items():
        cand = np.flatnonzero((cls == c) & ~hub)
        hub[rng.choice(cand, min(q, cand.shape[0]), replace=False)] = True
    return hub


class _Pools:
    """Per target class, weighted pools of hub targets and of the other targets."""

    def __init__(self, rng: np.random.Generator, cls: np.ndarray, hub: np.ndarray):
        weight = np.asarray(rng.lognormal(0.0, 0.5, cls.shape[0]))
        self.hub: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self.rest: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        for c in (C.AD, C.AIS, C.IGNORE, C.OD, C.SD, C.SOMA, C.PD):
            in_cls = cls == c
            pool = hub | (cls == C.AIS)
            for store, mask in ((self.hub, in_cls & pool), (self.rest, in_cls & ~pool)):
                ids = np.flatnonzero(mask)
                store[c] = (ids + 1, np.cumsum(weight[ids]))
        self.all_rest = np.flatnonzero(~(hub | (cls == C.AIS))) + 1

    def draw(self, rng: np.random.Generator, tclass: np.ndarray, to_hub: np.ndarray) -> np.ndarray:
        out = np.zeros(tclass.shape[0], dtype=np.int64)
        for c in np.unique(tclass):
            for store, sel in ((self.hub, to_hub), (self.rest, ~to_hub)):
                idx = np.flatnonzero((tclass == c) & sel)
                ids, cum = store.get(int(c), (np.zeros(0, np.int64), np.zeros(0)))
                if not idx.shape[0]:
                    continue
                if not ids.shape[0]:  # no such target: any non-hub target instead
                    out[idx] = self.all_rest[rng.integers(0, self.all_rest.shape[0], idx.shape[0])]
                    continue
                pick = np.searchsorted(cum, rng.random(idx.shape[0]) * cum[-1], side="right")
                out[idx] = ids[np.minimum(pick, ids.shape[0] - 1)]
        return out


def _repeat_targets(rng: np.random.Generator, axon: np.ndarray, target: np.ndarray) -> np.ndarray:
    """With probability P_REPEAT a synapse takes the target of its axon's previous synapse
    (``axon`` is sorted); chains of repeats make pairs of 3 and more synapses."""
    n = axon.shape[0]
    new = np.asarray(rng.random(n)) >= P_REPEAT
    new[0] = True
    np.logical_or(new[1:], axon[1:] != axon[:-1], out=new[1:])
    last_new = np.maximum.accumulate(np.where(new, np.arange(n), 0))
    return target[last_new]


def _types(rng: np.random.Generator, kind: np.ndarray, tclass: np.ndarray) -> np.ndarray:
    """Synapse types consistent with the target: soma synapses onto somata, shaft synapses onto
    axon initial segments and smooth dendrites, spine synapses by the axon kind elsewhere."""
    p_primary = np.zeros(kind.shape[0])
    p_secondary = np.zeros(kind.shape[0])
    for k, (pp, ps) in SPINE_P.items():
        p_primary[kind == k] = pp
        p_secondary[kind == k] = ps
    r = rng.random(kind.shape[0])
    out = np.where(
        r < p_primary, C.PRIMARY, np.where(r < p_primary + p_secondary, C.SECONDARY, C.SHAFT)
    ).astype(np.int16)
    out[np.isin(tclass, [C.AIS, C.SD])] = C.SHAFT
    out[tclass == C.SOMA] = C.SOMA_SYN
    return out


def _class_draw(rng: np.random.Generator, kind: np.ndarray) -> np.ndarray:
    """A target class for each synapse from its axon kind's preferences."""
    out = np.zeros(kind.shape[0], dtype=np.int16)
    for k, prefs in AFFINITY.items():
        idx = np.flatnonzero(kind == k)
        classes = np.array(list(prefs), dtype=np.int16)
        probs = np.array(list(prefs.values()))
        out[idx] = rng.choice(classes, size=idx.shape[0], p=probs / probs.sum())
    return out


def random_wiring(rng: np.random.Generator, p: ScaleParams) -> Wiring:
    cls, nid = _targets(rng, p)
    hub = _hubs(rng, cls, nid, p.hub_targets)
    pools = _Pools(rng, cls, hub)

    # Axon kinds: the big ones by the paper's mix, the small ones mostly excitatory.
    kind = np.where(rng.random(p.axons) < 0.8, C.CC, C.INH).astype(np.int16)
    big_ids = rng.choice(p.axons, p.big_axons, replace=False)
    mix = np.array(list(BIG_AXON_MIX.values()))
    kind[big_ids] = rng.choice(np.array(list(BIG_AXON_MIX), dtype=np.int16), p.big_axons, p=mix)
    big = np.zeros(p.axons, dtype=bool)
    big[big_ids] = True
    tc = rng.beta(2.0, 5.0, p.axons)
    tc[big & (kind == C.TC)] = rng.beta(8.0, 2.0, int((big & (kind == C.TC)).sum()))
    tc[big & (kind == C.CC)] = rng.beta(2.0, 8.0, int((big & (kind == C.CC)).sum()))

    # Connectome synapses per axon; synapses onto spine heads of no target; no-axon synapses.
    extra = p.big_axon_extra_mean
    n_conn = np.zeros(p.axons, dtype=np.int64)
    n_conn[big_ids] = 10 + rng.negative_binomial(2, 2.0 / (2.0 + extra), p.big_axons)
    n_orphan = rng.poisson(np.where(big, 0.8, 0.1))
    n_no_axon = int(SHARE_NO_AXON * p.synapses)
    budget = p.synapses - int(n_conn.sum()) - int(n_orphan.sum()) - n_no_axon
    lam = max(budget, 0) / max(int((~big).sum()), 1)
    n_conn[~big] = np.minimum(rng.poisson(lam, int((~big).sum())), C.MIN_SYNAPSES - 1)
    n_no_axon = p.synapses - int(n_conn.sum()) - int(n_orphan.sum())
    if n_no_axon < 0:
        raise ValueError(f"scale {p.name}: the axons need more than {p.synapses} synapses")

    axon = np.repeat(np.arange(1, p.axons + 1, dtype=np.int64), n_conn)
    s_kind = kind[axon - 1]
    tclass = _class_draw(rng, s_kind)
    is_big = big[axon - 1]
    to_hub = rng.random(axon.shape[0]) < np.where(is_big, P_HUB_BIG, P_HUB_SMALL)
    # Small axons hit non-hub targets of any class.
    tclass[~is_big & ~to_hub] = cls[pools.all_rest[0] - 1]  # placeholder class, replaced below
    target = pools.draw(rng, tclass, to_hub)
    small_rest = ~is_big & ~to_hub
    target[small_rest] = pools.all_rest[
        rng.integers(0, pools.all_rest.shape[0], int(small_rest.sum()))
    ]
    target = _repeat_targets(rng, axon, target)
    types = _types(rng, s_kind, cls[target - 1])

    orphan_axon = np.repeat(np.arange(1, p.axons + 1, dtype=np.int64), n_orphan)
    no_axon_target = rng.integers(1, p.targets + 1, n_no_axon).astype(np.int64)
    no_axon_kind = np.where(rng.random(n_no_axon) < 0.7, C.CC, C.INH).astype(np.int16)
    return Wiring(
        target_class=cls,
        neuron_id=nid,
        tc_probability=tc,
        syn_axon=np.concatenate([axon, orphan_axon, np.zeros(n_no_axon, dtype=np.int64)]),
        syn_target=np.concatenate(
            [target, np.zeros(orphan_axon.shape[0], dtype=np.int64), no_axon_target]
        ),
        syn_type=np.concatenate(
            [
                types,
                np.full(orphan_axon.shape[0], C.PRIMARY, dtype=np.int16),
                _types(rng, no_axon_kind, cls[no_axon_target - 1]),
            ]
        ),
    )

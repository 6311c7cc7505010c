"""The hand-made ``tiny`` wiring: a few dozen objects with motifs planted on purpose.

Every answer listed in :data:`PLANTED` can be counted by hand from :data:`PLAN`.
"""

from __future__ import annotations

import numpy as np

from connectomedb.synth import codes as C
from connectomedb.synth.wiring import Wiring

# Targets, ID = position + 1: (class, neuron).
TARGETS: tuple[tuple[int, int], ...] = (
    (C.SOMA, 1),  # 1  neuron 1 (excitatory)
    (C.PD, 1),  # 2
    (C.PD, 1),  # 3
    (C.AIS, 1),  # 4
    (C.SOMA, 2),  # 5  neuron 2 (excitatory)
    (C.PD, 2),  # 6
    (C.AIS, 2),  # 7
    (C.SOMA, 3),  # 8  neuron 3 (interneuron)
    (C.SD, 3),  # 9
    (C.AIS, 3),  # 10
    (C.AD, 0),  # 11
    (C.AD, 0),  # 12
    (C.SD, 0),  # 13
    (C.OD, 0),  # 14
    (C.OD, 0),  # 15
    (C.OD, 0),  # 16
    (C.OD, 0),  # 17
    (C.IGNORE, 0),  # 18
)

# Thalamocortical classifier output per axon (ID = position + 1).
TC_PROBABILITY = (
    0.15, 0.85, 0.4, 0.05, 0.1, 0.3, 0.7, 0.2, 0.5, 0.9, 0.1, 0.3, 0.6, 0.2, 0.8, 0.35,
)  # fmt: skip

P, S, H, M = C.PRIMARY, C.SECONDARY, C.SHAFT, C.SOMA_SYN

# (axon, target, type, number of synapses); axon or target 0 = not in the connectome.
# fmt: off
PLAN: tuple[tuple[int, int, int, int], ...] = (
    # Axon 1, meant corticocortical: 12 synapses onto 8 targets, 10 on spines.
    (1, 2, P, 2), (1, 3, P, 1), (1, 11, P, 2), (1, 14, P, 2), (1, 15, P, 1), (1, 16, P, 2),
    (1, 17, H, 1), (1, 13, H, 1),
    # Axon 2, meant thalamocortical: 12 synapses, 11 on spines.
    (2, 15, P, 3), (2, 14, P, 2), (2, 2, P, 1), (2, 12, P, 2), (2, 16, P, 1), (2, 6, P, 2),
    (2, 17, H, 1),
    # Axon 3, meant other: 12 synapses, 4 on spines (fraction 1/3).
    (3, 14, P, 1), (3, 16, P, 2), (3, 12, H, 2), (3, 13, H, 2), (3, 9, H, 1), (3, 17, H, 3),
    (3, 11, P, 1),
    # Axon 4, meant inhibitory: somata, AIS, shafts, one secondary spine.
    (4, 1, M, 3), (4, 4, H, 2), (4, 5, M, 2), (4, 7, H, 1), (4, 13, H, 2), (4, 16, S, 1),
    # Axon 5, meant inhibitory: with axon 4 a bi-fan onto somata 1 and 5.
    (5, 1, M, 2), (5, 5, M, 2), (5, 8, M, 1), (5, 10, H, 2), (5, 9, H, 2), (5, 14, S, 1),
    (5, 13, H, 1),
    # Axon 6, meant corticocortical.
    (6, 2, P, 2), (6, 14, P, 1), (6, 15, P, 1), (6, 11, P, 1), (6, 6, P, 2), (6, 12, P, 1),
    (6, 3, H, 1), (6, 17, P, 2),
    # Small axons (fewer than 10 synapses): class other.
    (7, 14, P, 1), (7, 18, H, 1), (7, 0, P, 1), (7, 2, P, 1),
    (8, 14, P, 1), (8, 6, P, 1), (8, 15, P, 1), (8, 11, P, 1),
    (9, 1, M, 2), (9, 17, P, 2),
    (10, 11, P, 2), (10, 16, P, 1),
    (11, 5, M, 1), (11, 8, M, 1), (11, 13, H, 1), (11, 1, M, 1),
    (12, 0, P, 2),
    # Axon 13 makes no synapse at all.
    (14, 16, P, 1), (14, 2, P, 1), (14, 3, P, 1), (14, 15, P, 2),
    (15, 14, P, 1), (15, 17, P, 1), (15, 13, H, 2), (15, 1, M, 1), (15, 2, P, 1), (15, 11, P, 1),
    (16, 15, P, 2), (16, 11, P, 2), (16, 2, P, 2), (16, 1, M, 1), (16, 13, H, 1),
    # Synapses of no reconstructed axon.
    (0, 14, P, 1), (0, 1, M, 1), (0, 9, H, 1), (0, 17, S, 1),
)
# fmt: on

#: Motifs planted on purpose, with the answers one counts by hand from PLAN (connectome
#: synapses only). The generated truth is checked to contain them.
PLANTED: tuple[dict, ...] = (
    {"kind": "multi_synaptic_pair", "axon": 2, "target": 15, "synapses": 3},
    {"kind": "multi_synaptic_pair", "axon": 1, "target": 14, "synapses": 2},
    {"kind": "convergence", "target": 14, "axons": [1, 2, 3, 5, 6, 7, 8, 15]},
    {
        "kind": "convergence_neuron",
        "neuron": 1,
        "axons": [1, 2, 4, 5, 6, 7, 9, 11, 14, 15, 16],
    },
    {"kind": "divergence", "axon": 1, "targets": [2, 3, 11, 13, 14, 15, 16, 17]},
    {"kind": "bifan", "axons": [4, 5], "targets": [1, 5]},
    {"kind": "axon_neuron_multi_target", "axon": 4, "neuron": 1, "targets": [1, 4]},
    {"kind": "axon_neuron_multi_target", "axon": 1, "neuron": 1, "targets": [2, 3]},
    {"kind": "common_partners", "axons": [1, 2, 6], "targets": [2, 14, 15, 17]},
)

#: Spine heads with no synapse, on top of one per primary-spine synapse.
UNUSED_SPINE_HEADS = 4


def tiny_wiring() -> Wiring:
    """The planned synapses (in plan order; the caller shuffles them)."""
    axon = np.repeat([p[0] for p in PLAN], [p[3] for p in PLAN]).astype(np.int64)
    target = np.repeat([p[1] for p in PLAN], [p[3] for p in PLAN]).astype(np.int64)
    type_ = np.repeat([p[2] for p in PLAN], [p[3] for p in PLAN]).astype(np.int16)
    return Wiring(
        target_class=np.array([t[0] for t in TARGETS], dtype=np.int16),
        neuron_id=np.array([t[1] for t in TARGETS], dtype=np.int64),
        tc_probability=np.array(TC_PROBABILITY, dtype=np.float64),
        syn_axon=axon,
        syn_target=target,
        syn_type=type_,
        planted=[dict(p) for p in PLANTED],
    )

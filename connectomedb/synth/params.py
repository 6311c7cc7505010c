"""Size and mix parameters of each scale."""

from __future__ import annotations

from dataclasses import dataclass

#: The reconstructed box of the real data, global voxels, 1-based, inclusive (x, y, z).
BOX_MIN = (129, 129, 129)
BOX_MAX = (5574, 8509, 3414)
#: Voxel size in nm (x, y, z); used to make random walks isotropic in nm.
VOXEL_NM = (11.24, 11.24, 28.0)


@dataclass(frozen=True)
class ScaleParams:
    """How big a synthetic dataset is. ``None`` segment count: as many as the objects need plus
    ``free_segments``."""

    name: str
    segments: int | None
    synapses: int
    axons: int
    targets: int
    spine_heads: int
    neurons: int
    big_axons: int  # axons meant to reach the 10-synapse threshold
    hub_targets: int  # targets meant to reach the 10-synapse threshold
    big_axon_extra_mean: float  # mean connectome synapses above 10 of a big axon
    axon_nodes_mean: float  # mean skeleton nodes per axon
    target_nodes_mean: float
    extra_segments_per_node: float  # agglomerate segments beside the one under each node
    free_segments: int = 0  # segments in no agglomerate (only when ``segments`` is None)


#: Per scale, the object counts: segments (None: as many as the objects need plus the free
#: ones), synapses, axons, targets, spine heads, neurons, big axons, hub targets. "tiny" takes
#: its synapses, axons, targets and spine heads from its hand-made plan; "demo" and "full" are
#: random, "full" at the paper's sizes.
_COUNTS: dict[str, tuple[int | None, int, int, int, int, int, int, int]] = {
    "tiny": (None, 0, 0, 0, 0, 3, 6, 0),
    "demo": (300_000, 8_000, 2_400, 1_600, 6_000, 12, 140, 74),
    "full": (15_030_572, 400_000, 120_000, 80_000, 300_000, 89, 6_979, 3_700),
}
#: Per scale, the shapes: big axons' mean extra synapses, mean skeleton nodes per axon and per
#: target, extra segments per node, free segments.
_SHAPES: dict[str, tuple[float, float, float, float, int]] = {
    "tiny": (0.0, 4.0, 5.0, 0.5, 60),
    "demo": (13.0, 12.0, 18.0, 1.0, 0),
    "full": (13.0, 12.5, 19.0, 1.0, 0),
}
SCALES: dict[str, ScaleParams] = {
    name: ScaleParams(name, *counts, *_SHAPES[name]) for name, counts in _COUNTS.items()
}

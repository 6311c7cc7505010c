"""Size and mix parameters of each scale."""

from __future__ import annotations

from dataclasses import dataclass, replace

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


SCALES: dict[str, ScaleParams] = {
    "tiny": ScaleParams(
        name="tiny",
        segments=None,
        synapses=0,  # from the hand-made plan
        axons=0,
        targets=0,
        spine_heads=0,
        neurons=3,
        big_axons=6,
        hub_targets=0,
        big_axon_extra_mean=0.0,
        axon_nodes_mean=4.0,
        target_nodes_mean=5.0,
        extra_segments_per_node=0.5,
        free_segments=60,
    ),
}
#: The random scales: the demo one, and the full one at the paper's sizes.
SCALES["demo"] = ScaleParams(
    name="demo",
    segments=300_000,
    synapses=8_000,
    axons=2_400,
    targets=1_600,
    spine_heads=6_000,
    neurons=12,
    big_axons=140,
    hub_targets=74,
    big_axon_extra_mean=13.0,
    axon_nodes_mean=12.0,
    target_nodes_mean=18.0,
    extra_segments_per_node=1.0,
)
SCALES["full"] = replace(
    SCALES["demo"],
    name="full",
    segments=15_030_572,
    synapses=400_000,
    axons=120_000,
    targets=80_000,
    spine_heads=300_000,
    neurons=89,
    big_axons=6_979,
    hub_targets=3_700,
    axon_nodes_mean=12.5,
    target_nodes_mean=19.0,
)

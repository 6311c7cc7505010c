"""Where things are: skeletons, segments, agglomerates, spine heads and synapse positions.

Every neurite gets a skeleton tree that random-walks through the box; each skeleton node (but
the few nodes of manual flight paths) sits on a segment of the neurite's agglomerate, which
also holds a few more segments around the node. Spine heads are small agglomerates next to a
node of their target. A synapse sits next to a post-synaptic node or spine head; its
pre-synaptic segments are bouton segments of the axon's agglomerate placed across the cleft.

All work is vectorised over whole arrays so that the full scale (15 million segments) stays
within a few GB and a few minutes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from connectomedb.etl.frames import Ragged, Skeletons
from connectomedb.synth.params import BOX_MAX, BOX_MIN, VOXEL_NM
from connectomedb.synth.wiring import Wiring

_LO = np.array(BOX_MIN, dtype=np.int64)
_HI = np.array(BOX_MAX, dtype=np.int64)
_NM = np.array(VOXEL_NM, dtype=np.float64)


@dataclass
class Geometry:
    seg_position: np.ndarray  # int32 (n_seg, 3)
    seg_voxels: np.ndarray  # int64 (n_seg,)
    axon_agglomerate: Ragged
    target_agglomerate: Ragged
    spine_agglomerate: Ragged
    axon_skeleton: Skeletons
    target_skeleton: Skeletons
    pre_position: np.ndarray  # int32 (n_syn, 3)
    syn_position: np.ndarray
    post_position: np.ndarray
    pre_seg: Ragged
    post_seg: Ragged
    free_segments: int


def _offsets(lengths: np.ndarray) -> np.ndarray:
    out = np.zeros(lengths.shape[0] + 1, dtype=np.int64)
    np.cumsum(lengths, out=out[1:])
    return out


def _local_index(offsets: np.ndarray) -> np.ndarray:
    """For every flat item, its 0-based index within its owner."""
    lengths = np.diff(offsets)
    return np.arange(int(offsets[-1]), dtype=np.int64) - np.repeat(offsets[:-1], lengths)


def _clip(pos: np.ndarray) -> np.ndarray:
    return np.clip(np.rint(pos), _LO, _HI).astype(np.int64)


def _uniform_in_box(rng: np.random.Generator, n: int) -> np.ndarray:
    return rng.integers(_LO, _HI + 1, size=(n, 3), dtype=np.int64)


def _unit_vectors(rng: np.random.Generator, n: int) -> np.ndarray:
    v = rng.normal(size=(n, 3))
    v /= np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-9)
    return v


def _jitter(rng: np.random.Generator, n: int, nm: float) -> np.ndarray:
    """Random offsets of about ``nm`` nanometres, in voxels."""
    return rng.normal(scale=nm, size=(n, 3)) / _NM


@dataclass
class _Trees:
    offsets: np.ndarray  # int64 (n+1,)
    parent: np.ndarray  # int64 local parent index per node (-1 for roots)
    position: np.ndarray  # int64 (total, 3)
    flight: np.ndarray  # bool (total,)


def _trees(rng: np.random.Generator, n_nodes: np.ndarray, flight_fraction: float) -> _Trees:
    """Random trees: node j's parent is j-1 mostly, otherwise a random earlier node (a branch);
    node positions walk from the parent with a per-tree drift, ~0.9 µm per edge."""
    offsets = _offsets(n_nodes)
    total = int(offsets[-1])
    local = _local_index(offsets)
    branch = rng.random(total) < 0.15
    parent = np.where(branch, np.floor(rng.random(total) * local).astype(np.int64), local - 1)
    parent[local == 0] = -1
    drift = np.repeat(_unit_vectors(rng, n_nodes.shape[0]) * 700.0, n_nodes, axis=0)
    step = (drift + rng.normal(scale=400.0, size=(total, 3))) / _NM
    pos = np.empty((total, 3), dtype=np.float64)
    pos[offsets[:-1][n_nodes > 0]] = _uniform_in_box(rng, int((n_nodes > 0).sum()))
    # Walk node index j = 1, 2, ... over every tree that is that long (longest trees first).
    order = np.argsort(-n_nodes, kind="stable")
    starts = offsets[:-1][order]
    lengths = n_nodes[order]
    for j in range(1, int(n_nodes.max(initial=0))):
        active = int(np.searchsorted(-lengths, -j, side="left"))  # trees with length > j
        idx = starts[:active] + j
        pos[idx] = pos[starts[:active] + parent[idx]] + step[idx]
    flight = (rng.random(total) < flight_fraction) & (local > 0)
    return _Trees(offsets=offsets, parent=parent, position=_clip(pos), flight=flight)


def _node_counts(rng: np.random.Generator, n: int, mean: float, single: list[int]) -> np.ndarray:
    counts = 2 + rng.poisson(max(mean - 2.0, 0.1), n)
    counts[rng.random(n) < 0.02] = 1
    for id_ in single:
        counts[id_ - 1] = 1
    return counts.astype(np.int64)


def _ragged_by_owner(owner: np.ndarray, values: np.ndarray, n: int) -> Ragged:
    """Group ``values`` by 1-based ``owner`` (1..n); values ascending within each owner."""
    order = np.lexsort((values, owner))
    offsets = _offsets(np.bincount(owner, minlength=n + 1)[1:])
    return Ragged(values=values[order].astype(np.int64), offsets=offsets)


def _gather(source: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> Ragged:
    """Ragged of ``source[starts[i] : starts[i] + lengths[i]]`` for every i."""
    offsets = _offsets(lengths)
    idx = np.repeat(starts, lengths) + _local_index(offsets)
    return Ragged(values=source[idx].astype(np.int64), offsets=offsets)


@dataclass
class _Neurites:
    """Skeleton trees plus the node segments (each non-flight node: its own segment first, then
    extras), as creation indices ``first_seg .. first_seg + n_created``."""

    trees: _Trees
    node_seg_count: np.ndarray  # int64 per node
    node_seg_start: np.ndarray  # int64 per node: creation index of its first segment
    positions: np.ndarray  # int64 (n_created, 3)
    owner: np.ndarray  # int64 (n_created,)
    nonflight_offsets: np.ndarray  # per neurite, into nonflight_nodes
    nonflight_nodes: np.ndarray  # global node indices


def _neurites(
    rng: np.random.Generator, n_nodes: np.ndarray, extra_mean: float, flight: float, first_seg: int
) -> _Neurites:
    trees = _trees(rng, n_nodes, flight)
    total = trees.position.shape[0]
    count = np.where(trees.flight, 0, 1 + rng.poisson(extra_mean, total)).astype(np.int64)
    seg_offsets = _offsets(count)
    node_of_seg = np.repeat(np.arange(total, dtype=np.int64), count)
    is_first = _local_index(seg_offsets) == 0
    positions = trees.position[node_of_seg].astype(np.float64)
    positions[~is_first] += _jitter(rng, int((~is_first).sum()), 250.0)
    node_owner = np.repeat(np.arange(1, n_nodes.shape[0] + 1, dtype=np.int64), n_nodes)
    nonflight = np.flatnonzero(~trees.flight)
    nf_count = np.bincount(node_owner[nonflight], minlength=n_nodes.shape[0] + 1)[1:]
    return _Neurites(
        trees=trees,
        node_seg_count=count,
        node_seg_start=first_seg + seg_offsets[:-1],
        positions=_clip(positions),
        owner=node_owner[node_of_seg],
        nonflight_offsets=_offsets(nf_count),
        nonflight_nodes=nonflight,
    )


def _pick_nodes(rng: np.random.Generator, nr: _Neurites, owners: np.ndarray) -> np.ndarray:
    """A random non-flight node (global index) of each 1-based neurite in ``owners``."""
    lo = nr.nonflight_offsets[owners - 1]
    cnt = nr.nonflight_offsets[owners] - lo
    return nr.nonflight_nodes[lo + np.floor(rng.random(owners.shape[0]) * cnt).astype(np.int64)]


def _skeletons(nr: _Neurites, seg_id_of_creation: np.ndarray) -> Skeletons:
    trees = nr.trees
    n_nodes = np.diff(trees.offsets)
    last = seg_id_of_creation.shape[0] - 1
    seg_ids = np.where(trees.flight, 0, seg_id_of_creation[np.minimum(nr.node_seg_start, last)])
    local = _local_index(trees.offsets)
    non_root = local > 0
    edges_multi = np.stack([trees.parent[non_root] + 1, local[non_root] + 1], axis=1)
    edge_counts = np.maximum(n_nodes - 1, 1)
    edge_offsets = _offsets(edge_counts)
    edges = np.ones((int(edge_offsets[-1]), 2), dtype=np.int32)  # single nodes: self-edge (1, 1)
    multi_owner = n_nodes > 1
    dest = np.repeat(edge_offsets[:-1][multi_owner], n_nodes[multi_owner] - 1) + _local_index(
        _offsets(n_nodes[multi_owner] - 1)
    )
    edges[dest] = edges_multi
    return Skeletons(
        nodes=Ragged(values=trees.position.astype(np.int32), offsets=trees.offsets),
        seg_ids=Ragged(values=seg_ids.astype(np.int64), offsets=trees.offsets),
        edges=Ragged(values=edges, offsets=edge_offsets),
    )


def build_geometry(
    rng: np.random.Generator,
    w: Wiring,
    *,
    n_segments: int | None,
    free_segments: int,
    axon_nodes_mean: float,
    target_nodes_mean: float,
    extra_segments_per_node: float,
    single_node_axons: list[int] = (),  # type: ignore[assignment]
    single_node_targets: list[int] = (),  # type: ignore[assignment]
    flight_fraction: float = 0.02,
) -> Geometry:
    n_ax, n_tg, n_sh = w.n_axons, w.n_targets, w.spine_target.shape[0]
    n_syn = w.syn_axon.shape[0]

    ax = _neurites(
        rng,
        _node_counts(rng, n_ax, axon_nodes_mean, list(single_node_axons)),
        extra_segments_per_node,
        flight_fraction,
        0,
    )
    tg = _neurites(
        rng,
        _node_counts(rng, n_tg, target_nodes_mean, list(single_node_targets)),
        extra_segments_per_node,
        flight_fraction,
        ax.owner.shape[0],
    )
    created = ax.owner.shape[0] + tg.owner.shape[0]

    # Spine heads: 1-3 segments about 1 µm off a node of their target.
    sh_count = np.asarray(1 + rng.binomial(2, 0.3, n_sh), dtype=np.int64)
    sh_offsets = _offsets(sh_count)
    anchor = _uniform_in_box(rng, n_sh).astype(np.float64)
    on_target = np.flatnonzero(w.spine_target > 0)
    anchor[on_target] = tg.trees.position[_pick_nodes(rng, tg, w.spine_target[on_target])]
    anchor += _unit_vectors(rng, n_sh) * 1000.0 / _NM
    sh_pos = np.repeat(anchor, sh_count, axis=0)
    sh_pos[_local_index(sh_offsets) > 0] += _jitter(rng, int(sh_count.sum() - n_sh), 150.0)
    sh_pos = _clip(sh_pos)
    sh_first = created
    created += int(sh_offsets[-1])

    # Post-synaptic side: the spine head's segments, or the segments of a node of the target.
    post_start = np.zeros(n_syn, dtype=np.int64)
    post_avail = np.ones(n_syn, dtype=np.int64)
    post_pos = np.zeros((n_syn, 3), dtype=np.float64)
    spine = w.syn_spine > 0
    s_idx = w.syn_spine[spine] - 1
    post_start[spine] = sh_first + sh_offsets[s_idx]
    post_avail[spine] = sh_count[s_idx]
    post_pos[spine] = sh_pos[sh_offsets[s_idx]]
    shaft = (~spine) & (w.syn_target > 0)
    node = _pick_nodes(rng, tg, w.syn_target[shaft])
    post_start[shaft] = tg.node_seg_start[node]
    post_avail[shaft] = tg.node_seg_count[node]
    post_pos[shaft] = tg.trees.position[node]
    loose = (~spine) & (w.syn_target == 0)  # onto no reconstructed target: a free segment
    n_loose = int(loose.sum())
    post_len = 1 + np.floor(rng.random(n_syn) * np.minimum(post_avail, 4)).astype(np.int64)
    post_len[loose] = 1

    # Across the cleft: ~150 nm to the synapse, ~300 nm to the pre-synaptic bouton.
    u = _unit_vectors(rng, n_syn)
    free_post_pos = _uniform_in_box(rng, n_loose)
    post_pos[loose] = free_post_pos
    syn_pos = _clip(post_pos + u * 150.0 / _NM)
    pre_pos = _clip(post_pos + u * 300.0 / _NM)
    pre_len = rng.choice(np.arange(1, 5), size=n_syn, p=[0.55, 0.25, 0.12, 0.08]).astype(np.int64)
    pre_offsets = _offsets(pre_len)
    bouton_pos = np.repeat(pre_pos, pre_len, axis=0).astype(np.float64)
    bouton_pos[_local_index(pre_offsets) > 0] += _jitter(rng, int(pre_len.sum() - n_syn), 120.0)
    bouton_pos = _clip(bouton_pos)
    bouton_first = created
    created += int(pre_offsets[-1])
    bouton_owner = np.repeat(w.syn_axon, pre_len)

    # Segment IDs: every created segment and the free ones get a random ID in 1..n_seg.
    n_seg = created + free_segments if n_segments is None else n_segments
    if n_seg < created + n_loose:
        raise ValueError(f"{n_seg} segments are too few: the objects need {created + n_loose}")
    n_free = n_seg - created
    seg_id = (rng.permutation(n_seg) + 1).astype(np.int64)
    position = np.empty((n_seg, 3), dtype=np.int32)
    position[seg_id[: ax.owner.shape[0]] - 1] = ax.positions
    position[seg_id[ax.owner.shape[0] : sh_first] - 1] = tg.positions
    position[seg_id[sh_first:bouton_first] - 1] = sh_pos
    position[seg_id[bouton_first:created] - 1] = bouton_pos
    free_pos = _uniform_in_box(rng, n_free)
    # The free segments that loose synapses land on sit where those synapses are.
    free_pos[:n_loose] = free_post_pos
    post_start[loose] = created + np.arange(n_loose)
    position[seg_id[created:] - 1] = free_pos
    del free_pos
    voxels = np.empty(n_seg, dtype=np.int64)
    voxels[seg_id[:created] - 1] = np.maximum(rng.lognormal(8.0, 0.9, created), 20).astype(np.int64)
    voxels[seg_id[created:] - 1] = np.maximum(rng.lognormal(6.5, 1.4, n_free), 1).astype(np.int64)

    axon_agg = _ragged_by_owner(
        np.concatenate([ax.owner, bouton_owner[bouton_owner > 0]]),
        np.concatenate(
            [seg_id[: ax.owner.shape[0]], seg_id[bouton_first:created][bouton_owner > 0]]
        ),
        n_ax,
    )
    target_agg = _ragged_by_owner(tg.owner, seg_id[ax.owner.shape[0] : sh_first], n_tg)
    spine_owner = np.repeat(np.arange(1, n_sh + 1, dtype=np.int64), sh_count)
    spine_agg = _ragged_by_owner(spine_owner, seg_id[sh_first:bouton_first], n_sh)

    return Geometry(
        seg_position=position,
        seg_voxels=voxels,
        axon_agglomerate=axon_agg,
        target_agglomerate=target_agg,
        spine_agglomerate=spine_agg,
        axon_skeleton=_skeletons(ax, seg_id),
        target_skeleton=_skeletons(tg, seg_id),
        pre_position=pre_pos.astype(np.int32),
        syn_position=syn_pos.astype(np.int32),
        post_position=_clip(post_pos).astype(np.int32),
        pre_seg=_gather(seg_id, bouton_first + pre_offsets[:-1], pre_len),
        post_seg=_gather(seg_id, post_start, post_len),
        free_segments=n_free,
    )

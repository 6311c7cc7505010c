"""The set-valued part of the graph (pure, no I/O): the ``Segment`` nodes and the ``PRE``,
``POST`` and ``HAS_SEGMENT`` relationships, the largest frames of a dataset.

Each is a :class:`~connectomedb.etl.graph_plan.LazyFrame`: only the IDs of the segments are
computed up front (their count is the number of ``Segment`` nodes); the rows are built from
the source's arrays when the frame is asked for.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from connectomedb.etl.frames import Ragged, SourceDataset, distinct_ids
from connectomedb.etl.graph_aggregates import rel_frame
from connectomedb.etl.graph_plan import LazyFrame, RelKey, node_frame

#: A bitmap of the IDs finds the distinct ones without a sort while it is at most this many
#: times larger than the IDs themselves (8 million segment IDs: 0.04 s against 0.5 s).
_BITMAP_FACTOR = 8


def set_pairs(sets: Ragged) -> tuple[np.ndarray, np.ndarray]:
    """(owner ID, segment ID) for every published element of every set, as PostgreSQL keeps
    them (a segment repeated in a synapse's set is one interface each); only segment 0
    ("none") is dropped: there is no segment 0 to point at."""
    owners = sets.owner_ids()
    segs = np.asarray(sets.values, dtype=np.int64).ravel()
    keep = segs != 0
    if keep.all():
        return owners, segs
    return owners[keep], segs[keep]


def _set_rel(sets: Ragged, segment_first: bool) -> LazyFrame:
    """The relationships of ``sets``: owner to segment, or segment to owner."""

    def make() -> pd.DataFrame:
        owners, segs = set_pairs(sets)
        return rel_frame(segs, owners) if segment_first else rel_frame(owners, segs)

    return LazyFrame.whole(int(np.count_nonzero(np.asarray(sets.values))), make)


def segment_ids(referenced: list[np.ndarray]) -> np.ndarray:
    """The sorted distinct positive IDs of ``referenced``."""
    arrays = [np.asarray(r).ravel() for r in referenced if np.asarray(r).size]
    if not arrays:
        return np.zeros(0, dtype=np.int64)
    low = min(int(a.min()) for a in arrays)
    high = max(int(a.max()) for a in arrays)
    if low >= 0 and high <= _BITMAP_FACTOR * sum(a.size for a in arrays):
        seen = np.zeros(high + 1, dtype=bool)
        for a in arrays:
            seen[a] = True
        seen[0] = False
        return np.flatnonzero(seen).astype(np.int64)
    ids = distinct_ids(np.concatenate([a.astype(np.int64, copy=False) for a in arrays]))
    return ids[ids > 0]


def segment_nodes(source: SourceDataset, ids: np.ndarray) -> LazyFrame:
    """The ``Segment`` nodes of ``ids`` (sorted): position and voxel count come from
    ``segments.hdf5`` when it holds the segment; every segment, named or not, is in
    PostgreSQL's ``segment``."""
    seg = source.segments
    if seg is not None and seg.released and len(ids):
        raise RuntimeError("the segments' positions were released before the graph read them")
    n = 0 if seg is None else seg.n
    # The IDs are sorted: those in segments.hdf5 come first.
    known = int(np.searchsorted(ids, n, side="right"))

    def build(start: int, stop: int) -> pd.DataFrame:
        part = ids[start:stop]
        k = min(max(known - start, 0), len(part))
        rows = part[:k] - 1
        missing = np.ones(len(part), dtype=bool)
        missing[:k] = False
        positions = None if seg is None else np.asarray(seg.position)[rows]

        def coordinate(axis: int) -> pd.arrays.IntegerArray:
            values = np.zeros(len(part), dtype=np.int32)
            if positions is not None:
                values[:k] = positions[:, axis]
            return pd.arrays.IntegerArray(values, missing.copy())

        voxels = np.zeros(len(part), dtype=np.int64)
        voxel_missing = np.ones(len(part), dtype=bool)
        if seg is not None and seg.voxel_count is not None:
            voxels[:k] = np.asarray(seg.voxel_count)[rows]
            voxel_missing[:k] = False
        return node_frame(
            "Segment",
            {
                "id": part,
                "x": coordinate(0),
                "y": coordinate(1),
                "z": coordinate(2),
                "voxel_count": pd.arrays.IntegerArray(voxels, voxel_missing),
            },
        )

    return LazyFrame(len(ids), build)


def set_frames(source: SourceDataset) -> tuple[LazyFrame, dict[RelKey, LazyFrame]]:
    """The ``Segment`` nodes that something in the graph names (an agglomerate or a synapse's
    segment set; segment 0, "none", is not one), and the relationships to them."""
    sy, ax, tg, sh = source.synapses, source.axons, source.targets, source.spine_heads
    sets = (sy.pre_seg, sy.post_seg, ax.agglomerate, tg.agglomerate, sh.agglomerate)
    nodes = segment_nodes(source, segment_ids([s.values for s in sets]))
    rels = {
        ("PRE", "Segment", "Synapse"): _set_rel(sy.pre_seg, segment_first=True),
        ("POST", "Synapse", "Segment"): _set_rel(sy.post_seg, segment_first=False),
        ("HAS_SEGMENT", "Axon", "Segment"): _set_rel(ax.agglomerate, segment_first=False),
        ("HAS_SEGMENT", "Target", "Segment"): _set_rel(tg.agglomerate, segment_first=False),
        ("HAS_SEGMENT", "SpineHead", "Segment"): _set_rel(sh.agglomerate, segment_first=False),
    }
    return nodes, rels


def no_set_frames(source: SourceDataset) -> tuple[LazyFrame, dict[RelKey, LazyFrame]]:
    """:func:`set_frames` of a graph loaded without its segment layer: the same labels and
    relationship types, every frame empty, and nothing computed from the source's sets."""
    nodes = segment_nodes(source, np.zeros(0, dtype=np.int64))
    none = np.zeros(0, dtype=np.int64)
    rels = {
        key: LazyFrame.whole(0, lambda: rel_frame(none, none))
        for key in (
            ("PRE", "Segment", "Synapse"),
            ("POST", "Synapse", "Segment"),
            ("HAS_SEGMENT", "Axon", "Segment"),
            ("HAS_SEGMENT", "Target", "Segment"),
            ("HAS_SEGMENT", "SpineHead", "Segment"),
        )
    }
    return nodes, rels

"""SourceDataset → one columnar frame per PostgreSQL table. Pure functions, no I/O.

The column names are those of ``docs/model.md``; ``dataset_id`` is not part of a frame (the
loader adds it). Published 0 IDs and NaN measurements become NULL (a ``null`` mask).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

from connectomedb.errors import InputError
from connectomedb.etl import class_stats
from connectomedb.etl.bi_tables import bi_table_frames
from connectomedb.etl.derived import class_stat_frame, derived_row_counts, motif_table_frames
from connectomedb.etl.frames import (
    CodeTable,
    Neurites,
    Ragged,
    Segments,
    Skeletons,
    SourceDataset,
    distinct_ids,
)
from connectomedb.etl.incoming import IncomingSource
from connectomedb.etl.path_length import path_length_um
from connectomedb.etl.tables import Column, TableFrame, nan_is_null, zero_is_null

__all__ = [
    "iter_frames",
    "segment_frame",
    "skeleton_path_length_um",
    "source_row_counts",
    "source_table_counts",
    "transform",
]

#: Voxel size in nm (x, y, z).
VOXEL_SIZE_NM = np.array([11.24, 11.24, 28.0])


def _ids(n: int) -> np.ndarray:
    return np.arange(1, n + 1, dtype=np.int32)


def _xyz(prefix: str, positions: np.ndarray | None, n: int) -> list[Column]:
    """The columns x, y and z of ``positions`` (n, 3): views of it, not copies (the COPY
    reads them a chunk of rows at a time; at full scale a copy of the segments' is 170 MB)."""
    if positions is None:
        missing = np.ones(n, dtype=bool)
        return [Column(f"{prefix}{a}", np.zeros(n, np.int32), missing) for a in "xyz"]
    return [Column(f"{prefix}{a}", positions[:, i]) for i, a in enumerate("xyz")]


def code_table_frame(table: str, codes: CodeTable) -> TableFrame:
    frame = codes.frame.sort_values("code")
    return TableFrame(
        table,
        len(frame),
        (
            Column("code", frame["code"].to_numpy(np.int16)),
            Column("label", frame["label"].astype(str).to_numpy(object)),
            Column("name", frame["name"].astype(str).to_numpy(object)),
        ),
    )


def membership_frame(table: str, owner: str, sets: Ragged) -> TableFrame:
    return TableFrame(
        table,
        int(sets.values.shape[0]),
        (
            Column(owner, sets.owner_ids().astype(np.int32)),
            Column("segment_id", sets.values.astype(np.int64, copy=False)),
        ),
    )


def skeleton_path_length_um(skeletons: Skeletons, *, file: str = "", group: str = "") -> np.ndarray:
    """Total edge length of each skeleton in µm (voxel 11.24 × 11.24 × 28 nm), ``float64 (n,)``.

    Edges are 1-based node indices within each skeleton; a self-edge has length 0.
    """
    n = len(skeletons.nodes)
    edges = skeletons.edges.values
    if edges.shape[0] == 0:
        return np.zeros(n, dtype=np.float64)
    owner = skeletons.edges.owner_ids() - 1
    start = skeletons.nodes.offsets[owner]
    count = skeletons.nodes.lengths[owner]
    local = edges.astype(np.int64)
    bad = (local < 1) | (local > count[:, None])
    if bad.any():
        row = int(np.flatnonzero(bad.any(axis=1))[0])
        raise InputError(
            file or "skeleton",
            f"{group}/skeleton/{owner[row] + 1}/edges" if group else "skeleton edges",
            f"node indices between 1 and {int(count[row])}",
            f"{local[row].tolist()}",
            element=int(owner[row] + 1),
        )
    nodes = skeletons.nodes.values
    a = nodes[start + local[:, 0] - 1].astype(np.float64)
    b = nodes[start + local[:, 1] - 1].astype(np.float64)
    lengths = np.sqrt((((a - b) * VOXEL_SIZE_NM) ** 2).sum(axis=1)) / 1000.0
    return np.bincount(owner, weights=lengths, minlength=n)


def _skeleton_frames(kind: str, owner: str, skeletons: Skeletons | None) -> list[TableFrame]:
    if skeletons is None:
        empty = np.zeros(0, np.int32)
        nodes = TableFrame(
            f"{kind}_skeleton_node",
            0,
            tuple(Column(c, empty) for c in (owner, "node_index", "x", "y", "z"))
            + (Column("segment_id", np.zeros(0, np.int64)),),
        )
        edges = TableFrame(
            f"{kind}_skeleton_edge",
            0,
            tuple(Column(c, empty) for c in (owner, "source_index", "target_index")),
        )
        return [nodes, edges]
    node_owner = skeletons.nodes.owner_ids()
    node_index = (
        np.arange(node_owner.shape[0], dtype=np.int64) - skeletons.nodes.offsets[node_owner - 1] + 1
    )
    xyz = skeletons.nodes.values
    node_cols = [
        Column(owner, node_owner.astype(np.int32)),
        Column("node_index", node_index.astype(np.int32)),
        *(Column(a, np.ascontiguousarray(xyz[:, i])) for i, a in enumerate("xyz")),
        zero_is_null("segment_id", skeletons.seg_ids.values, node_owner.shape[0], np.int64),
    ]
    edge_values = skeletons.edges.values
    edge_cols = [
        Column(owner, skeletons.edges.owner_ids().astype(np.int32)),
        Column("source_index", np.ascontiguousarray(edge_values[:, 0]).astype(np.int32)),
        Column("target_index", np.ascontiguousarray(edge_values[:, 1]).astype(np.int32)),
    ]
    return [
        TableFrame(f"{kind}_skeleton_node", node_owner.shape[0], tuple(node_cols)),
        TableFrame(f"{kind}_skeleton_edge", edge_values.shape[0], tuple(edge_cols)),
    ]


def _path_length(neurites: Neurites, n: int) -> Column:
    lengths = path_length_um(neurites)
    if lengths is None:
        return Column("path_length_um", np.zeros(n), np.ones(n, dtype=bool))
    return Column("path_length_um", lengths)


def _neurite_frame(table: str, neurites: Neurites, *extra: Column) -> TableFrame:
    """``axon`` or ``target``: ID, class, the ``extra`` columns, mapped segment and the path
    length of the skeletons (:mod:`connectomedb.etl.path_length`)."""
    n = neurites.n
    return TableFrame(
        table,
        n,
        (
            Column(f"{table}_id", _ids(n)),
            Column("class_code", neurites.class_code.astype(np.int16, copy=False)),
            *extra,
            zero_is_null("mapped_seg_id", neurites.mapped_seg_id, n, np.int64),
            _path_length(neurites, n),
        ),
    )


def iter_frames(source: SourceDataset | IncomingSource) -> Iterator[TableFrame]:
    """The frame of every data table: the segments first, then the dimension tables, the
    derived tables and the rest (any order works for the loader, which builds each one when it
    needs it). The segments need only ``segments.hdf5``, the file read first: of an
    :class:`IncomingSource` their frame is yielded as soon as they are read, the others once
    the whole source is."""
    if isinstance(source, IncomingSource):
        yield segment_frame(source.segments())
        source.segments_taken()
        yield from _frames_after_segments(source.result())
    else:
        yield segment_frame(source.segments)
        yield from _frames_after_segments(source)


def segment_frame(seg: Segments | None) -> TableFrame:
    """The ``segment`` table's frame (no rows without ``segments.hdf5``)."""
    if seg is None:
        return TableFrame(
            "segment",
            0,
            (Column("segment_id", np.zeros(0, np.int64)),)
            + tuple(Column(a, np.zeros(0, np.int32)) for a in "xyz")
            + (Column("voxel_count", np.zeros(0, np.int64)),),
        )
    return TableFrame(
        "segment",
        seg.n,
        (
            Column("segment_id", np.arange(1, seg.n + 1, dtype=np.int64)),
            *_xyz("", seg.position, seg.n),
            Column("voxel_count", np.zeros(seg.n, np.int64), np.ones(seg.n, dtype=bool))
            if seg.voxel_count is None
            else Column("voxel_count", seg.voxel_count.astype(np.int64, copy=False)),
        ),
    )


def _frames_after_segments(source: SourceDataset) -> Iterator[TableFrame]:
    ax, tg, sh, sy = source.axons, source.targets, source.spine_heads, source.synapses

    yield code_table_frame("axon_class", ax.classes)
    yield code_table_frame("target_class", tg.classes)
    yield code_table_frame("synapse_type", sy.types)

    # The derived tables next: a load builds them while the segments, its largest table and
    # one that needs almost no building, are copied (once the files are read).
    yield from motif_table_frames(source)
    yield class_stat_frame(source)
    yield from class_stats.table_frames(source)

    neuron_ids = np.zeros(0, np.int64) if tg.neuron_id is None else tg.neuron_id
    distinct = distinct_ids(neuron_ids[neuron_ids > 0])
    yield TableFrame("neuron", distinct.shape[0], (Column("neuron_id", distinct),))

    axon = _neurite_frame("axon", ax)
    yield axon
    target = _neurite_frame("target", tg, zero_is_null("neuron_id", tg.neuron_id, tg.n, np.int32))
    yield target
    yield TableFrame(
        "spine_head",
        sh.n,
        (
            Column("spine_head_id", _ids(sh.n)),
            nan_is_null("volume_um3", sh.volume, sh.n, np.float32),
        ),
    )
    yield membership_frame("axon_segment", "axon_id", ax.agglomerate)
    yield membership_frame("target_segment", "target_id", tg.agglomerate)
    yield membership_frame("spine_head_segment", "spine_head_id", sh.agglomerate)
    yield from _skeleton_frames("axon", "axon_id", ax.skeleton)
    yield from _skeleton_frames("target", "target_id", tg.skeleton)

    yield TableFrame(
        "synapse",
        sy.n,
        (
            Column("synapse_id", _ids(sy.n)),
            Column("type_code", sy.type_code.astype(np.int16, copy=False)),
            *_xyz("pre_", sy.pre_position, sy.n),
            *_xyz("syn_", sy.syn_position, sy.n),
            *_xyz("post_", sy.post_position, sy.n),
            zero_is_null("axon_id", sy.axon_id, sy.n, np.int32),
            zero_is_null("split_axon_id", sy.split_axon_id, sy.n, np.int32),
            zero_is_null("target_id", sy.target_id, sy.n, np.int32),
            zero_is_null("spine_head_id", sy.spine_head_id, sy.n, np.int32),
            nan_is_null("asi_area", sy.asi_area, sy.n, np.float64),
        ),
    )
    yield membership_frame("synapse_pre_segment", "synapse_id", sy.pre_seg)
    yield membership_frame("synapse_post_segment", "synapse_id", sy.post_seg)

    cc = source.connectome
    entries = (
        cc.entries
        if cc is not None
        else pd.DataFrame(
            {"row": [], "col": [], "axon_class": [], "target_class": [], "synapses": []}
        )
    )
    yield TableFrame(
        "class_connectome",
        len(entries),
        (
            Column("row_index", entries["row"].to_numpy(np.int32)),
            Column("col_index", entries["col"].to_numpy(np.int32)),
            Column("axon_class", entries["axon_class"].astype(str).to_numpy(object)),
            Column("target_class", entries["target_class"].astype(str).to_numpy(object)),
            Column("synapses", entries["synapses"].to_numpy(np.int64)),
        ),
    )
    yield from bi_table_frames(
        source, axon.column("path_length_um"), target.column("path_length_um")
    )


def transform(source: SourceDataset) -> dict[str, TableFrame]:
    """Every data table's frame, keyed by table name."""
    return {frame.table: frame for frame in iter_frames(source)}


def source_row_counts(source: SourceDataset) -> dict[str, int]:
    """Rows each table must hold for ``source``, counted on the source itself (not the frames),
    so a load can check what reached the database against what was read."""
    return {**source_table_counts(source), **derived_row_counts(source)}


def source_table_counts(source: SourceDataset) -> dict[str, int]:
    """:func:`source_row_counts` of the tables read from the files (none derived: cheap)."""

    def skel(s: Skeletons | None) -> tuple[int, int]:
        return (0, 0) if s is None else (len(s.nodes.values), len(s.edges.values))

    ax_nodes, ax_edges = skel(source.axons.skeleton)
    tg_nodes, tg_edges = skel(source.targets.skeleton)
    neuron = source.targets.neuron_id
    return {
        "axon_class": len(source.axons.classes.frame),
        "target_class": len(source.targets.classes.frame),
        "synapse_type": len(source.synapses.types.frame),
        "segment": 0 if source.segments is None else source.segments.n,
        "neuron": 0 if neuron is None else len(set(neuron[neuron > 0].tolist())),
        "axon": source.axons.n,
        "target": source.targets.n,
        "spine_head": source.spine_heads.n,
        "axon_segment": len(source.axons.agglomerate.values),
        "target_segment": len(source.targets.agglomerate.values),
        "spine_head_segment": len(source.spine_heads.agglomerate.values),
        "axon_skeleton_node": ax_nodes,
        "axon_skeleton_edge": ax_edges,
        "target_skeleton_node": tg_nodes,
        "target_skeleton_edge": tg_edges,
        "synapse": source.synapses.n,
        "synapse_pre_segment": len(source.synapses.pre_seg.values),
        "synapse_post_segment": len(source.synapses.post_seg.values),
        "class_connectome": 0 if source.connectome is None else len(source.connectome.entries),
    }

"""SourceDataset → the node and relationship frames of the graph model (pure, no I/O).

Both graph loaders, the ``neo4j-admin`` export and the tests use these frames, so the two
engines hold the same graph. Frames carry no ``dataset`` column: each writer adds the dataset
key its own way (a constant Arrow column, a ``$dataset`` parameter, a CSV column).

Nullable columns use pandas' nullable dtypes (``Int16``/``Int32``/``Int64``, ``boolean``) or
NaN in ``float64``, and ``None`` in ``object`` string columns; a missing value is a missing
property in the graph.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd

from connectomedb.etl.class_level import add_class_level
from connectomedb.etl.frames import (
    Axons,
    CodeTable,
    Ragged,
    Skeletons,
    SourceDataset,
    Targets,
    distinct_ids,
)
from connectomedb.etl.graph_aggregates import (
    class_connections,
    class_synapses,
    connections,
    motif_structure,
    rel_frame,
)
from connectomedb.etl.transform import skeleton_path_length_um
from connectomedb.schema.graph import GRAPH_MODEL_VERSION, NODES, REL_PAIRS

RelKey = tuple[str, str, str]  # (type, from label, to label)


@dataclass(frozen=True)
class GraphFrames:
    """The graph of one dataset.

    ``nodes[label]``: one row per node, columns = the label's properties without ``dataset``
    in model order (``connectomedb.schema.graph.NODES[label].data_props``).
    ``rels[(type, from, to)]``: one row per relationship, columns ``from`` and ``to`` (the key
    of the start and end node: ``id`` int64, or ``name`` str for the class nodes), then the
    type's properties in model order. Every label and every (type, from, to) of the model has
    a frame, possibly empty. The ``Dataset`` node is not here (see :func:`dataset_node`).
    """

    nodes: dict[str, pd.DataFrame]
    rels: dict[RelKey, pd.DataFrame]

    def node_counts(self) -> dict[str, int]:
        return {label: len(df) for label, df in self.nodes.items()}

    def rel_counts(self) -> dict[str, int]:
        """Relationships per type, summed over its endpoint pairs."""
        counts: dict[str, int] = {}
        for (rtype, _, _), df in self.rels.items():
            counts[rtype] = counts.get(rtype, 0) + len(df)
        return counts

    @property
    def total_rows(self) -> int:
        return sum(len(d) for d in self.nodes.values()) + sum(len(d) for d in self.rels.values())


def dataset_node(
    source: SourceDataset, *, name: str, key: str, version: str, loaded_at: datetime
) -> dict[str, object]:
    """The properties of the ``Dataset`` node (``loaded_at`` should be timezone-aware UTC)."""
    files = sorted(source.files.items())
    return {
        "dataset": key,
        "name": name,
        "version": version,
        "current": True,
        "graph_model_version": GRAPH_MODEL_VERSION,
        "loaded_at": loaded_at,
        "source": str(source.folder),
        "file_names": [f for f, _ in files],
        "file_sha256": [info.sha256 for _, info in files],
    }


# --- helpers -------------------------------------------------------------------------------


def _nullable_id(values: np.ndarray | None, n: int) -> pd.arrays.IntegerArray:
    """IDs with 0 ("none") as missing; all missing when the field is absent."""
    if values is None:
        return pd.arrays.IntegerArray(np.zeros(n, dtype=np.int64), np.ones(n, dtype=bool))
    v = np.asarray(values, dtype=np.int64)
    return pd.arrays.IntegerArray(v, v == 0)


def _optional_ints(values: np.ndarray | None, n: int, dtype: type) -> pd.arrays.IntegerArray:
    if values is None:
        return pd.arrays.IntegerArray(np.zeros(n, dtype=dtype), np.ones(n, dtype=bool))
    return pd.arrays.IntegerArray(np.asarray(values, dtype=dtype), np.zeros(n, dtype=bool))


def _optional_floats(values: np.ndarray | None, n: int) -> np.ndarray:
    if values is None:
        return np.full(n, np.nan)
    return np.asarray(values, dtype=np.float64)


def _ids(n: int) -> np.ndarray:
    return np.arange(1, n + 1, dtype=np.int64)


def _names(table: CodeTable, codes: np.ndarray) -> np.ndarray:
    frame = table.frame
    lookup = dict(zip(frame["code"].astype(int).tolist(), frame["name"].tolist(), strict=True))
    uniq, inverse = np.unique(np.asarray(codes, dtype=np.int64), return_inverse=True)
    names = np.array([lookup.get(int(c), "Unknown") for c in uniq], dtype=object)
    return names[inverse] if len(codes) else np.array([], dtype=object)


def _set_pairs(sets: Ragged) -> tuple[np.ndarray, np.ndarray]:
    """(owner ID, segment ID) for every published element of every set, as PostgreSQL keeps
    them (a segment repeated in a synapse's set is one interface each); only segment 0
    ("none") is dropped: there is no segment 0 to point at."""
    owners = sets.owner_ids()
    segs = np.asarray(sets.values, dtype=np.int64).ravel()
    keep = segs != 0
    if keep.all():
        return owners, segs
    return owners[keep], segs[keep]


def path_lengths_um(skeletons: Skeletons | None, n: int) -> np.ndarray:
    """Skeleton path length in µm of each of ``n`` neurites (NaN without skeletons), computed
    by the same function as PostgreSQL's ``path_length_um``."""
    if skeletons is None:
        return np.full(n, np.nan)
    return skeleton_path_length_um(skeletons)[:n]


def _frame(label: str, columns: dict[str, object]) -> pd.DataFrame:
    """A node frame with its columns in model order (every model property must be given)."""
    order = [p.name for p in NODES[label].data_props]
    missing = set(order) ^ set(columns)
    if missing:
        raise ValueError(f"{label}: columns do not match the model: {sorted(missing)}")
    return pd.DataFrame({c: columns[c] for c in order})


def _neurite_nodes(
    label: str, part: Axons | Targets, classes: np.ndarray, synapses: np.ndarray, **extra: object
) -> pd.DataFrame:
    """``Axon`` or ``Target`` nodes: the columns both have, and ``extra``."""
    return _frame(
        label,
        {
            "id": _ids(part.n),
            "class": classes,
            "class_code": np.asarray(part.class_code, dtype=np.int16),
            "mapped_seg_id": _nullable_id(part.mapped_seg_id, part.n),
            "path_length_um": path_lengths_um(part.skeleton, part.n),
            "synapses": synapses.astype(np.int64),
            **extra,
        },
    )


def _class_nodes(table: CodeTable, codes: np.ndarray, names: np.ndarray) -> pd.DataFrame:
    """One node per canonical class name of the code table or of the data (a code in no table
    is named ``Unknown``); ``code`` is the smallest code with that name."""
    f = table.frame
    both = pd.DataFrame(
        {
            "name": np.concatenate([f["name"].astype(str).to_numpy(dtype=object), names]),
            "code": np.concatenate(
                [f["code"].to_numpy(dtype=np.int16), np.asarray(codes, dtype=np.int16)]
            ),
        }
    )
    grouped = both.groupby("name", as_index=False, sort=True)["code"].min()
    return pd.DataFrame(
        {"name": grouped["name"].astype(object), "code": grouped["code"].astype(np.int16)}
    )


# --- the transform -------------------------------------------------------------------------


def graph_frames(source: SourceDataset) -> GraphFrames:
    """The node and relationship frames of ``source`` (see :class:`GraphFrames`)."""
    ax, tg, sh, sy = source.axons, source.targets, source.spine_heads, source.synapses

    axon_id = np.asarray(sy.axon_id, dtype=np.int64)
    target_id = np.asarray(sy.target_id, dtype=np.int64)
    in_connectome = (axon_id > 0) & (target_id > 0)

    # Connectome synapses per axon / target (counting rule 3).
    axon_syn = np.bincount(axon_id[in_connectome], minlength=ax.n + 1)[1 : ax.n + 1]
    target_syn = np.bincount(target_id[in_connectome], minlength=tg.n + 1)[1 : tg.n + 1]

    axon_classes = _names(ax.classes, ax.class_code)
    target_classes = _names(tg.classes, tg.class_code)

    nodes: dict[str, pd.DataFrame] = {}
    nodes["Axon"] = _neurite_nodes("Axon", ax, axon_classes, axon_syn)
    nodes["Target"] = _neurite_nodes(
        "Target", tg, target_classes, target_syn, neuron_id=_nullable_id(tg.neuron_id, tg.n)
    )
    neuron_of_target = (
        np.zeros(tg.n, dtype=np.int64)
        if tg.neuron_id is None
        else np.asarray(tg.neuron_id, dtype=np.int64)
    )
    nodes["Neuron"] = _frame("Neuron", {"id": distinct_ids(neuron_of_target[neuron_of_target > 0])})
    nodes["SpineHead"] = _frame(
        "SpineHead", {"id": _ids(sh.n), "volume_um3": _optional_floats(sh.volume, sh.n)}
    )

    positions: dict[str, object] = {}
    for where, arr in (
        ("pre", sy.pre_position),
        ("syn", sy.syn_position),
        ("post", sy.post_position),
    ):
        for axis_index, axis in enumerate("xyz"):
            column = None if arr is None else np.asarray(arr)[:, axis_index]
            positions[f"{where}_{axis}"] = _optional_ints(column, sy.n, np.int32)
    nodes["Synapse"] = _frame(
        "Synapse",
        {
            "id": _ids(sy.n),
            "type": _names(sy.types, sy.type_code),
            "type_code": np.asarray(sy.type_code, dtype=np.int16),
            "asi_area": _optional_floats(sy.asi_area, sy.n),
            **positions,
            "split_axon_id": _nullable_id(sy.split_axon_id, sy.n),
            "in_connectome": in_connectome,
        },
    )
    axon_class_nodes = _class_nodes(ax.classes, ax.class_code, axon_classes)
    nodes["AxonClass"] = _frame("AxonClass", dict(axon_class_nodes.items()))
    target_class_nodes = _class_nodes(tg.classes, tg.class_code, target_classes)
    nodes["TargetClass"] = _frame("TargetClass", dict(target_class_nodes.items()))

    # Set-valued fields.
    pre_syn, pre_seg = _set_pairs(sy.pre_seg)
    post_syn, post_seg = _set_pairs(sy.post_seg)
    ax_own, ax_seg = _set_pairs(ax.agglomerate)
    tg_own, tg_seg = _set_pairs(tg.agglomerate)
    sh_own, sh_seg = _set_pairs(sh.agglomerate)
    nodes["Segment"] = _segment_nodes(source, (pre_seg, post_seg, ax_seg, tg_seg, sh_seg))

    rels: dict[RelKey, pd.DataFrame] = {}
    rels[("PRE", "Segment", "Synapse")] = rel_frame(pre_seg, pre_syn)
    rels[("POST", "Synapse", "Segment")] = rel_frame(post_syn, post_seg)
    syn_ids = _ids(sy.n)
    has_axon = axon_id > 0
    rels[("MAKES", "Axon", "Synapse")] = rel_frame(axon_id[has_axon], syn_ids[has_axon])
    has_target = target_id > 0
    rels[("ONTO", "Synapse", "Target")] = rel_frame(syn_ids[has_target], target_id[has_target])
    spine = (
        np.zeros(sy.n, dtype=np.int64)
        if sy.spine_head_id is None
        else np.asarray(sy.spine_head_id, dtype=np.int64)
    )
    rels[("ON_SPINE", "Synapse", "SpineHead")] = rel_frame(syn_ids[spine > 0], spine[spine > 0])
    has_neuron = neuron_of_target > 0
    rels[("OF_NEURON", "Target", "Neuron")] = rel_frame(
        _ids(tg.n)[has_neuron], neuron_of_target[has_neuron]
    )
    rels[("HAS_SEGMENT", "Axon", "Segment")] = rel_frame(ax_own, ax_seg)
    rels[("HAS_SEGMENT", "Target", "Segment")] = rel_frame(tg_own, tg_seg)
    rels[("HAS_SEGMENT", "SpineHead", "Segment")] = rel_frame(sh_own, sh_seg)
    rels[("IN_CLASS", "Axon", "AxonClass")] = rel_frame(_ids(ax.n), axon_classes)
    rels[("IN_CLASS", "Target", "TargetClass")] = rel_frame(_ids(tg.n), target_classes)

    connects = connections(axon_id, target_id, in_connectome, sy.asi_area)
    rels[("CONNECTS_TO", "Axon", "Target")] = connects
    rels[("CLASS_CONNECTS_TO", "AxonClass", "TargetClass")] = class_connections(
        connects, axon_classes, target_classes
    )
    histogram, shares, bifan = motif_structure(source)
    nodes["MotifHistogram"] = _frame("MotifHistogram", histogram)
    rels[("SHARES_TARGETS", "Axon", "Axon")] = shares
    rels[("BIFAN", "Axon", "Axon")] = bifan
    rels[("CLASS_SYNAPSES", "AxonClass", "TargetClass")] = class_synapses(source)
    _add_class_aggregates(source, nodes, rels)
    add_class_level(source, nodes, rels)
    missing = set(REL_PAIRS) ^ set(rels)
    if missing:  # pragma: no cover - guards the model and this function staying in step
        raise ValueError(f"relationship frames do not match the model: {sorted(missing)}")
    return GraphFrames(nodes=nodes, rels={k: rels[k] for k in REL_PAIRS})


def _segment_nodes(source: SourceDataset, referenced: tuple[np.ndarray, ...]) -> pd.DataFrame:
    """The segments that something in the graph names: an agglomerate or a synapse's segment
    set (segment 0, "none", is not one). Position and voxel count come from ``segments.hdf5``
    when it holds the segment; every segment, named or not, is in PostgreSQL's ``segment``."""
    seg = source.segments
    n = 0 if seg is None else seg.n
    ids = distinct_ids(np.concatenate([np.asarray(r, dtype=np.int64) for r in referenced]))
    ids = ids[ids > 0]
    # The unique IDs are sorted: those in segments.hdf5 come first.
    known = int(np.searchsorted(ids, n, side="right"))
    mask = np.ones(len(ids), dtype=bool)
    mask[:known] = False
    rows = ids[:known] - 1

    def coordinate(axis: int) -> pd.arrays.IntegerArray:
        values = np.zeros(len(ids), dtype=np.int32)
        if seg is not None:
            values[:known] = np.asarray(seg.position)[rows, axis]
        return pd.arrays.IntegerArray(values, mask.copy())

    voxels = np.zeros(len(ids), dtype=np.int64)
    voxel_mask = np.ones(len(ids), dtype=bool)
    if seg is not None and seg.voxel_count is not None:
        voxels[:known] = np.asarray(seg.voxel_count)[rows]
        voxel_mask[:known] = False
    return _frame(
        "Segment",
        {
            "id": ids,
            "x": coordinate(0),
            "y": coordinate(1),
            "z": coordinate(2),
            "voxel_count": pd.arrays.IntegerArray(voxels, voxel_mask),
        },
    )


def _add_class_aggregates(
    source: SourceDataset, nodes: dict[str, pd.DataFrame], rels: dict[RelKey, pd.DataFrame]
) -> None:
    """``AxonFraction``, ``AxonDivergence`` and ``TargetConvergence`` nodes and
    ``CLASS_MULTIPLICITY`` relationships (:mod:`connectomedb.etl.class_stats`)."""
    from connectomedb.etl.class_stats import (
        axon_fractions,
        convergence,
        divergence,
        multiplicity_stats,
    )

    f = axon_fractions(source)
    nodes["AxonFraction"] = _frame(
        "AxonFraction",
        {
            "id": np.arange(1, len(f) + 1, dtype=np.int64),
            "axon_class": f["axon_class"].to_numpy(object),
            "target_class": f["target_class"].to_numpy(object),
            **{c: f[c].to_numpy(np.int64) for c in ("axon_synapses", "synapses", "axons")},
        },
    )
    for label, frame in (
        ("AxonDivergence", divergence(source)),
        ("TargetConvergence", convergence(source)),
    ):
        columns: dict[str, object] = {"id": np.arange(1, len(frame) + 1, dtype=np.int64)}
        for name in frame.columns:
            if name.endswith("_class"):
                columns[name] = frame[name].to_numpy(object)
            elif name == "neuron_id":
                columns[name] = frame[name].astype("Int64").array
            else:
                columns[name] = frame[name].to_numpy(np.int64)
        nodes[label] = _frame(label, columns)
    m = multiplicity_stats(source)
    rels[("CLASS_MULTIPLICITY", "AxonClass", "TargetClass")] = rel_frame(
        m["axon_class"].to_numpy(object),
        m["target_class"].to_numpy(object),
        **{
            c: m[c].to_numpy(np.float64 if m[c].dtype.kind == "f" else np.int64)
            for c in m.columns[2:]
        },
    )

"""SourceDataset → the node and relationship frames of the graph model (pure, no I/O).

Both graph loaders, the ``neo4j-admin`` export and the tests use these frames, so the two
engines hold the same graph. Frames carry no ``dataset`` column: each writer adds the dataset
key its own way (a constant Arrow column, a ``$dataset`` parameter, a CSV column).

Nullable columns use pandas' nullable dtypes (``Int16``/``Int32``/``Int64``, ``boolean``) or
NaN in ``float64``, and ``None`` in ``object`` string columns; a missing value is a missing
property in the graph.
"""

from __future__ import annotations

import functools
from datetime import datetime

import numpy as np
import pandas as pd

from connectomedb.etl.class_level import add_class_level
from connectomedb.etl.frames import (
    Axons,
    CodeTable,
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
from connectomedb.etl.graph_plan import GraphFrames, GraphPlan, LazyFrame, RelKey, node_frame
from connectomedb.etl.graph_segments import no_set_frames, set_frames
from connectomedb.etl.path_length import path_lengths_or
from connectomedb.schema.graph import GRAPH_MODEL_VERSION, REL_PAIRS


def dataset_node(
    source: SourceDataset,
    *,
    name: str,
    key: str,
    version: str,
    loaded_at: datetime,
    segments: bool = False,
) -> dict[str, object]:
    """The properties of the ``Dataset`` node (``loaded_at`` should be timezone-aware UTC;
    ``segments``: whether the graph holds its segment layer, see :func:`graph_plan`)."""
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
        "segments": segments,
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


_frame = node_frame


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
            "path_length_um": path_lengths_or(part, np.nan),
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


def graph_frames(source: SourceDataset, *, segments: bool = False) -> GraphFrames:
    """The node and relationship frames of ``source`` (see :class:`GraphFrames`)."""
    return graph_plan(source, segments=segments).build()


def graph_plan(source: SourceDataset, *, segments: bool = False) -> GraphPlan:
    """The frames of :func:`graph_frames`, the large ones built only when asked for.

    ``segments``: with the segment layer (``Segment`` nodes, ``PRE``, ``POST`` and
    ``HAS_SEGMENT``; ``Settings.graph_segments``). Without it those frames are empty and
    nothing of them is computed: at full scale the layer is four fifths of the graph's rows."""
    ax, tg, sh, sy = source.axons, source.targets, source.spine_heads, source.synapses

    axon_id = np.asarray(sy.axon_id, dtype=np.int64)
    target_id = np.asarray(sy.target_id, dtype=np.int64)
    in_connectome = (axon_id > 0) & (target_id > 0)

    # Connectome synapses per axon / target (counting rule 3).
    axon_syn = np.bincount(axon_id[in_connectome], minlength=ax.n + 1)[1 : ax.n + 1]
    target_syn = np.bincount(target_id[in_connectome], minlength=tg.n + 1)[1 : tg.n + 1]

    axon_classes = _names(ax.classes, ax.class_code)
    target_classes = _names(tg.classes, tg.class_code)

    nodes: dict[str, LazyFrame] = {}
    nodes["Axon"] = LazyFrame.of(_neurite_nodes("Axon", ax, axon_classes, axon_syn))
    nodes["Target"] = LazyFrame.of(
        _neurite_nodes(
            "Target", tg, target_classes, target_syn, neuron_id=_nullable_id(tg.neuron_id, tg.n)
        )
    )
    neuron_of_target = (
        np.zeros(tg.n, dtype=np.int64)
        if tg.neuron_id is None
        else np.asarray(tg.neuron_id, dtype=np.int64)
    )
    neurons = distinct_ids(neuron_of_target[neuron_of_target > 0])
    nodes["Neuron"] = LazyFrame.of(_frame("Neuron", {"id": neurons}))
    nodes["SpineHead"] = LazyFrame.of(
        _frame("SpineHead", {"id": _ids(sh.n), "volume_um3": _optional_floats(sh.volume, sh.n)})
    )
    nodes["Synapse"] = LazyFrame.whole(sy.n, lambda: _synapse_nodes(source, in_connectome))
    axon_class_nodes = _class_nodes(ax.classes, ax.class_code, axon_classes)
    nodes["AxonClass"] = LazyFrame.of(_frame("AxonClass", dict(axon_class_nodes.items())))
    target_class_nodes = _class_nodes(tg.classes, tg.class_code, target_classes)
    nodes["TargetClass"] = LazyFrame.of(_frame("TargetClass", dict(target_class_nodes.items())))
    nodes["Segment"], set_rels = set_frames(source) if segments else no_set_frames(source)

    rels: dict[RelKey, LazyFrame] = dict(set_rels)
    syn_ids = _ids(sy.n)

    def rel(frm: np.ndarray, to: np.ndarray, keep: np.ndarray) -> LazyFrame:
        return LazyFrame.whole(int(keep.sum()), lambda: rel_frame(frm[keep], to[keep]))

    rels[("MAKES", "Axon", "Synapse")] = rel(axon_id, syn_ids, axon_id > 0)
    rels[("ONTO", "Synapse", "Target")] = rel(syn_ids, target_id, target_id > 0)
    spine = (
        np.zeros(sy.n, dtype=np.int64)
        if sy.spine_head_id is None
        else np.asarray(sy.spine_head_id, dtype=np.int64)
    )
    rels[("ON_SPINE", "Synapse", "SpineHead")] = rel(syn_ids, spine, spine > 0)
    rels[("OF_NEURON", "Target", "Neuron")] = rel(
        _ids(tg.n), neuron_of_target, neuron_of_target > 0
    )
    rels[("IN_CLASS", "Axon", "AxonClass")] = LazyFrame.of(rel_frame(_ids(ax.n), axon_classes))
    rels[("IN_CLASS", "Target", "TargetClass")] = LazyFrame.of(
        rel_frame(_ids(tg.n), target_classes)
    )

    connects = connections(axon_id, target_id, in_connectome, sy.asi_area)
    rels[("CONNECTS_TO", "Axon", "Target")] = LazyFrame.of(connects)
    rels[("CLASS_CONNECTS_TO", "AxonClass", "TargetClass")] = LazyFrame.of(
        class_connections(connects, axon_classes, target_classes)
    )
    histogram, shares, bifan = motif_structure(source)
    nodes["MotifHistogram"] = LazyFrame.of(_frame("MotifHistogram", histogram))
    rels[("SHARES_TARGETS", "Axon", "Axon")] = shares
    rels[("BIFAN", "Axon", "Axon")] = bifan
    rels[("CLASS_SYNAPSES", "AxonClass", "TargetClass")] = LazyFrame.of(class_synapses(source))
    _add_class_aggregates(source, nodes, rels)
    add_class_level(source, nodes, rels)
    missing = set(REL_PAIRS) ^ set(rels)
    if missing:  # pragma: no cover - guards the model and this function staying in step
        raise ValueError(f"relationship frames do not match the model: {sorted(missing)}")
    return GraphPlan(nodes=nodes, rels={k: rels[k] for k in REL_PAIRS})


def _synapse_nodes(source: SourceDataset, in_connectome: np.ndarray) -> pd.DataFrame:
    sy = source.synapses
    positions: dict[str, object] = {}
    for where, arr in (
        ("pre", sy.pre_position),
        ("syn", sy.syn_position),
        ("post", sy.post_position),
    ):
        for axis_index, axis in enumerate("xyz"):
            column = None if arr is None else np.asarray(arr)[:, axis_index]
            positions[f"{where}_{axis}"] = _optional_ints(column, sy.n, np.int32)
    return _frame(
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


def _add_class_aggregates(
    source: SourceDataset, nodes: dict[str, LazyFrame], rels: dict[RelKey, LazyFrame]
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
    nodes["AxonFraction"] = LazyFrame.of(
        _frame(
            "AxonFraction",
            {
                "id": np.arange(1, len(f) + 1, dtype=np.int64),
                "axon_class": f["axon_class"].to_numpy(object),
                "target_class": f["target_class"].to_numpy(object),
                **{c: f[c].to_numpy(np.int64) for c in ("axon_synapses", "synapses", "axons")},
            },
        )
    )
    for label, frame in (
        ("AxonDivergence", divergence(source)),
        ("TargetConvergence", convergence(source)),
    ):
        nodes[label] = LazyFrame.whole(len(frame), functools.partial(_stat_nodes, label, frame))
    m = multiplicity_stats(source)
    rels[("CLASS_MULTIPLICITY", "AxonClass", "TargetClass")] = LazyFrame.of(
        rel_frame(
            m["axon_class"].to_numpy(object),
            m["target_class"].to_numpy(object),
            **{
                c: m[c].to_numpy(np.float64 if m[c].dtype.kind == "f" else np.int64)
                for c in m.columns[2:]
            },
        )
    )


def _stat_nodes(label: str, frame: pd.DataFrame) -> pd.DataFrame:
    """``AxonDivergence`` or ``TargetConvergence`` nodes from their rows, numbered from 1."""
    columns: dict[str, object] = {"id": np.arange(1, len(frame) + 1, dtype=np.int64)}
    for name in frame.columns:
        if name.endswith("_class"):
            columns[name] = frame[name].to_numpy(object)
        elif name == "neuron_id":
            columns[name] = frame[name].astype("Int64").array
        else:
            columns[name] = frame[name].to_numpy(np.int64)
    return _frame(label, columns)

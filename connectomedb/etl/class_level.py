"""The graph's counterparts of the per-class tables of PostgreSQL (pure, no I/O), so that the
per-class statistics read a few class-level rows on both engines:

``NeuriteClassStat`` nodes
    the rows of ``neurite_class_stat`` (``degree_by_class``, ``synapse_density``).
``ClassSpecificity`` nodes
    the rows of ``class_specificity`` (``target_specificity`` without a target threshold;
    :mod:`connectomedb.etl.class_thresholds`).
``ClassSpecificityTarget`` nodes
    the rows of ``class_specificity_target`` (``target_specificity`` with a target threshold;
    :mod:`connectomedb.etl.specificity`).
``CLASS_DEGREE_CELL`` relationships (axon class to target class)
    the rows of ``class_degree_cell`` (``class_matrix``: its thresholds filter them).
``CLASS_PAIR_CV`` relationships (axon class to target class)
    the rows of ``class_pair_cv`` (``asi_pair_cv``; :mod:`connectomedb.etl.pair_cv`).
``NEURON_INPUT`` relationships (axon class to neuron)
    the rows of ``bi_neuron_inputs`` (``neuron_inputs``, :mod:`connectomedb.etl.bi_tables`):
    per neuron and axon class with a connectome synapse between them, the neuron's
    ``targets`` receiving one, the ``synapses`` and their ``fraction`` of every input synapse
    of the neuron.

:func:`add_class_level` puts them into the graph's frames.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from connectomedb.etl.bi_tables import neuron_inputs
from connectomedb.etl.class_stats import degree_cells, neurite_stats
from connectomedb.etl.class_thresholds import specificity_levels
from connectomedb.etl.frames import SourceDataset
from connectomedb.etl.graph_aggregates import rel_frame
from connectomedb.etl.graph_plan import LazyFrame, RelKey
from connectomedb.etl.pair_cv import pair_cv_stats
from connectomedb.etl.specificity import specificity_target_nodes
from connectomedb.schema.graph import NODES
from connectomedb.schema.graph_types import PropType


def _node_frame(label: str, frame: pd.DataFrame) -> pd.DataFrame:
    """``frame``'s columns as the node properties of ``label``, numbered from 1 as ``id``."""
    columns: dict[str, np.ndarray] = {"id": np.arange(1, len(frame) + 1, dtype=np.int64)}
    for prop in NODES[label].data_props:
        if prop.name == "id":
            continue
        series = frame[prop.name]
        if prop.type is PropType.DOUBLE:
            columns[prop.name] = pd.to_numeric(series).to_numpy(np.float64, na_value=np.nan)
        elif prop.type is PropType.INT64:
            columns[prop.name] = series.to_numpy(np.int64)
        else:
            columns[prop.name] = series.to_numpy(object)
    return pd.DataFrame({p.name: columns[p.name] for p in NODES[label].data_props})


def _rel(frame: pd.DataFrame, frm: str, to: str) -> pd.DataFrame:
    """A relationship frame from column ``frm`` to column ``to``, the other columns its
    properties."""
    props = {c: frame[c].to_numpy() for c in frame.columns if c not in (frm, to)}
    return rel_frame(frame[frm].to_numpy(), frame[to].to_numpy(), **props)


def add_class_level(
    source: SourceDataset, nodes: dict[str, LazyFrame], rels: dict[RelKey, LazyFrame]
) -> None:
    """Adds the nodes and relationships of the module docstring to a graph's frames."""
    nodes["NeuriteClassStat"] = LazyFrame.of(_node_frame("NeuriteClassStat", neurite_stats(source)))
    nodes["ClassSpecificity"] = LazyFrame.of(
        _node_frame("ClassSpecificity", specificity_levels(source))
    )
    nodes["ClassSpecificityTarget"] = LazyFrame.of(
        _node_frame("ClassSpecificityTarget", specificity_target_nodes(source))
    )
    rels[("CLASS_DEGREE_CELL", "AxonClass", "TargetClass")] = LazyFrame.of(
        _rel(degree_cells(source), "axon_class", "target_class")
    )
    rels[("CLASS_PAIR_CV", "AxonClass", "TargetClass")] = LazyFrame.of(
        _rel(pair_cv_stats(source), "axon_class", "target_class")
    )
    inputs = neuron_inputs(source)
    rels[("NEURON_INPUT", "AxonClass", "Neuron")] = LazyFrame.of(
        _rel(
            inputs[["axon_class", "neuron_id", "targets", "synapses", "fraction"]],
            "axon_class",
            "neuron_id",
        )
    )

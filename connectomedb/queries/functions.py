"""One typed function for each of the most used named queries: :func:`run` with the query's
parameters spelled out, and its result columns in the docstring.

Each function hands its own arguments on as they are (``locals()`` before anything else is
bound): the names of its parameters are those of the query.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from connectomedb.queries.running import run
from connectomedb.stores.sql import Connection


def class_matrix(
    conn: Connection,
    *,
    dataset: str | None = None,
    min_axon_synapses: int = 1,
    min_target_synapses: int = 1,
) -> pd.DataFrame:
    """Synapses by axon class x target class. Columns: axon_class, target_class, synapses,
    axons, targets, fraction (of the axon class's kept synapses)."""
    return run("class_matrix", **locals())


def target_specificity(
    conn: Connection,
    *,
    dataset: str | None = None,
    min_axon_synapses: int = 1,
    min_target_synapses: int = 1,
    axon_class: str | None = None,
) -> pd.DataFrame:
    """Columns: axon_class, target_class, axons, synapses, fraction, axon_fraction_mean,
    axon_fraction_median, axon_fraction_q1, axon_fraction_q3."""
    return run("target_specificity", **locals())


def synapse_type_mix(conn: Connection, *, dataset: str | None = None) -> pd.DataFrame:
    """Columns: side (axon/target), class, synapse_type, synapses, fraction."""
    return run("synapse_type_mix", **locals())


def asi_by_class(
    conn: Connection, *, dataset: str | None = None, synapse_type: str | None = None
) -> pd.DataFrame:
    """Columns: axon_class, target_class, synapses, asi_count, asi_missing, asi_mean,
    asi_median, asi_q1, asi_q3 (µm²)."""
    return run("asi_by_class", **locals())


def neuron_inputs(
    conn: Connection, *, dataset: str | None = None, neuron_id: int | None = None
) -> pd.DataFrame:
    """Columns: neuron_id, axon_class, targets, synapses, fraction."""
    return run("neuron_inputs", **locals())


def multi_synaptic_connections(
    conn: Connection,
    *,
    dataset: str | None = None,
    min_synapses: int = 2,
    axon_class: str | None = None,
    target_class: str | None = None,
    limit: int | None = 1000,
) -> pd.DataFrame:
    """Columns: axon_id, target_id, axon_class, target_class, synapses."""
    return run("multi_synaptic_connections", **locals())


def bifans(
    conn: Connection,
    *,
    dataset: str | None = None,
    axon_class: str | None = None,
    target_class: str | None = None,
    limit: int | None = 1000,
) -> pd.DataFrame:
    """Columns: axon_a, axon_b, target_a, target_b (axon_a < axon_b, target_a < target_b)."""
    return run("bifans", **locals())


def common_targets(
    conn: Connection, axon_ids: list[int], *, dataset: str | None = None, limit: int | None = 1000
) -> pd.DataFrame:
    """Targets connected to every given axon. Columns: target_id, target_class, neuron_id,
    synapses."""
    return run("common_targets", **locals())


def common_axons(
    conn: Connection, target_ids: list[int], *, dataset: str | None = None, limit: int | None = 1000
) -> pd.DataFrame:
    """Axons connected to every given target. Columns: axon_id, axon_class, synapses."""
    return run("common_axons", **locals())


def motif_counts(conn: Connection, *, dataset: str | None = None, **params: Any) -> pd.DataFrame:
    """Columns: motif, instances (parameters as the query ``motif_counts``)."""
    return run("motif_counts", conn, dataset=dataset, **params)

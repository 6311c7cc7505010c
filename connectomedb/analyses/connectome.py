"""The connection graph of one dataset, fetched once into NumPy arrays.

:func:`fetch` reads the connections (axon, target, synapses, ASI sums) and every axon and
target with its class and neuron from PostgreSQL or from the graph, whichever ``conn`` is. The
null models and in-memory counts work on the :class:`Connectome` it returns.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from connectomedb.stores.sql import Connection

_SQL_EDGES = """
SELECT axon_id, target_id, count(*)::bigint AS synapses, sum(asi_area) AS asi_area_sum,
       count(asi_area)::bigint AS asi_area_count
FROM connectome_synapse
WHERE dataset_id = (SELECT dataset_id FROM dataset WHERE name = %(dataset)s)
GROUP BY axon_id, target_id
ORDER BY axon_id, target_id
"""
_SQL_AXONS = """
SELECT axon_id AS id, axon_class AS class FROM bi_axon_summary
WHERE dataset = %(dataset)s ORDER BY axon_id
"""
_SQL_TARGETS = """
SELECT target_id AS id, target_class AS class, coalesce(neuron_id, 0) AS neuron_id
FROM bi_target_summary WHERE dataset = %(dataset)s ORDER BY target_id
"""
_CYPHER_EDGES = """
MATCH (a:Axon {dataset: $dataset})-[c:CONNECTS_TO]->(t:Target)
RETURN a.id AS axon_id, t.id AS target_id, c.synapses AS synapses,
       c.asi_area_sum AS asi_area_sum, c.asi_area_count AS asi_area_count
ORDER BY axon_id, target_id
"""
_CYPHER_AXONS = """
MATCH (a:Axon {dataset: $dataset}) RETURN a.id AS id, a.class AS class ORDER BY id
"""
_CYPHER_TARGETS = """
MATCH (t:Target {dataset: $dataset})
RETURN t.id AS id, t.class AS class, coalesce(t.neuron_id, 0) AS neuron_id ORDER BY id
"""


@dataclass(frozen=True)
class Connectome:
    """Axons and targets (published IDs, classes, neurons; 0 = none) and the connections
    between them as indices into those arrays (``edge_axon``, ``edge_target``) with their
    ``synapses``, ``asi_area_sum`` (NaN when no synapse has an area) and ``asi_area_count``."""

    axon_id: np.ndarray
    axon_class: np.ndarray
    target_id: np.ndarray
    target_class: np.ndarray
    target_neuron: np.ndarray
    edge_axon: np.ndarray
    edge_target: np.ndarray
    synapses: np.ndarray
    asi_area_sum: np.ndarray
    asi_area_count: np.ndarray

    @property
    def n_edges(self) -> int:
        return int(self.edge_axon.shape[0])

    def with_targets(self, edge_target: np.ndarray) -> Connectome:
        """The same connectome with the connections' targets replaced (a null model)."""
        return replace(self, edge_target=edge_target)

    def edges_frame(self) -> pd.DataFrame:
        """Connections as published IDs: a, t, synapses, asi_area_sum, asi_area_count."""
        return pd.DataFrame(
            {
                "a": self.axon_id[self.edge_axon],
                "t": self.target_id[self.edge_target],
                "synapses": self.synapses,
                "asi_area_sum": self.asi_area_sum,
                "asi_area_count": self.asi_area_count,
            }
        )

    def axons_frame(self) -> pd.DataFrame:
        """Every axon: id, class, synapses (of the connections as they are)."""
        syn = np.bincount(self.edge_axon, weights=self.synapses, minlength=len(self.axon_id))
        return pd.DataFrame(
            {"id": self.axon_id, "class": self.axon_class, "synapses": syn.astype(np.int64)}
        )

    def targets_frame(self) -> pd.DataFrame:
        """Every target: id, class, synapses, neuron_id (missing when none)."""
        syn = np.bincount(self.edge_target, weights=self.synapses, minlength=len(self.target_id))
        neuron = pd.array(self.target_neuron, dtype="Int64")
        neuron[self.target_neuron == 0] = pd.NA
        return pd.DataFrame(
            {
                "id": self.target_id,
                "class": self.target_class,
                "synapses": syn.astype(np.int64),
                "neuron_id": neuron,
            }
        )


def fetch(conn: Connection, dataset: str | None = None) -> Connectome:
    """The connection graph of ``dataset`` from PostgreSQL or a graph store."""
    from connectomedb import queries

    edges, axons, targets = queries.run_statements(
        conn,
        [(_SQL_EDGES, _CYPHER_EDGES), (_SQL_AXONS, _CYPHER_AXONS), (_SQL_TARGETS, _CYPHER_TARGETS)],
        dataset=dataset,
    )
    return build(edges, axons, targets)


def build(edges: pd.DataFrame, axons: pd.DataFrame, targets: pd.DataFrame) -> Connectome:
    """A :class:`Connectome` from frames: edges (axon_id, target_id, synapses, asi_area_sum,
    asi_area_count), axons (id, class), targets (id, class, neuron_id)."""
    axon_id = axons["id"].to_numpy(np.int64)
    target_id = targets["id"].to_numpy(np.int64)
    a = (
        np.searchsorted(axon_id, edges["axon_id"].to_numpy(np.int64))
        if len(edges)
        else np.zeros(0, np.int64)
    )
    t = (
        np.searchsorted(target_id, edges["target_id"].to_numpy(np.int64))
        if len(edges)
        else np.zeros(0, np.int64)
    )
    asi = pd.to_numeric(edges["asi_area_sum"], errors="coerce").to_numpy(np.float64)
    return Connectome(
        axon_id=axon_id,
        axon_class=axons["class"].astype(str).to_numpy(object),
        target_id=target_id,
        target_class=targets["class"].astype(str).to_numpy(object),
        target_neuron=pd.to_numeric(targets["neuron_id"]).fillna(0).to_numpy(np.int64),
        edge_axon=a.astype(np.int64),
        edge_target=t.astype(np.int64),
        synapses=edges["synapses"].to_numpy(np.int64),
        asi_area_sum=asi,
        asi_area_count=edges["asi_area_count"].fillna(0).to_numpy(np.int64),
    )


def from_source(source: Any) -> Connectome:
    """The connection graph straight from an extracted dataset
    (:class:`connectomedb.etl.frames.SourceDataset`), without a database."""
    syn, ax, tg = source.synapses, source.axons, source.targets
    keep = (syn.axon_id > 0) & (syn.target_id > 0)
    asi = syn.asi_area[keep] if syn.asi_area is not None else np.full(int(keep.sum()), np.nan)
    frame = pd.DataFrame(
        {"axon_id": syn.axon_id[keep], "target_id": syn.target_id[keep], "asi": asi}
    )
    edges = (
        frame.groupby(["axon_id", "target_id"], sort=True)
        .agg(synapses=("asi", "size"), asi_area_sum=("asi", "sum"), asi_area_count=("asi", "count"))
        .reset_index()
    )
    edges.loc[edges["asi_area_count"] == 0, "asi_area_sum"] = np.nan
    neuron = tg.neuron_id if tg.neuron_id is not None else np.zeros(tg.n, np.int64)
    axons = pd.DataFrame({"id": np.arange(1, ax.n + 1), "class": ax.classes.name_of(ax.class_code)})
    targets = pd.DataFrame(
        {
            "id": np.arange(1, tg.n + 1),
            "class": tg.classes.name_of(tg.class_code),
            "neuron_id": neuron,
        }
    )
    return build(edges, axons, targets)

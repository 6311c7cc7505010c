"""Tracings in the graph: ``(:Tracing)-[:HAS_NODE]->(:TracingNode)-[:TRACED_TO]->(:TracingNode)``.

Tracings are added to the **current version** of a loaded dataset's graph, with
``(:TracingNode)-[:ON_AGGLOMERATE]->(:Axon|Target)`` to the agglomerates holding each node's
segment, looked up in PostgreSQL's membership tables (the graph's segment layer is optional),
and ``(:Tracing)-[:OVERLAPS]->`` derived from them. PostgreSQL is the record: the graph copy is
made from the rows just written, inside the PostgreSQL transaction, and switched in after
PostgreSQL committed.

* LadybugDB: copy-on-write. The current version directory is copied to a new version, the
  tracings are written there, and ``CURRENT`` is switched to it (as a load does): readers see
  the dataset with or without the batch, never half of it.
* Neo4j: one transaction per batch, committed after PostgreSQL's.

A reload of the dataset builds a new graph version without tracings; ``connectomedb tracings
graph --dataset NAME`` copies every tracing of the dataset from PostgreSQL into it again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import pandas as pd
import psycopg

from connectomedb.config import Settings
from connectomedb.errors import LoadError

_NODE_SQL = """
SELECT n.tracing_id, n.node_id, n.x, n.y, n.z, n.radius::float8 AS radius, n.comment,
       n.is_branch_point AS branch_point, n.segment_id
FROM tracing_node n JOIN tracing t ON t.tracing_id = n.tracing_id
WHERE t.file_id = ANY(%(files)s) ORDER BY n.tracing_id, n.node_id
"""
_EDGE_SQL = """
SELECT e.tracing_id, e.source_id, e.target_id, e.length_um
FROM tracing_edge e JOIN tracing t ON t.tracing_id = e.tracing_id
WHERE t.file_id = ANY(%(files)s)
"""
_TREE_SQL = """
SELECT t.tracing_id AS id, f.name AS file, f.kind, t.tree_id, t.name, t.label, t.nodes,
       (SELECT count(*) FROM tracing_node n
        WHERE n.tracing_id = t.tracing_id AND n.segment_id > 0) AS nodes_on_segments,
       t.path_length_um
FROM tracing t JOIN tracing_file f ON f.file_id = t.file_id
WHERE t.file_id = ANY(%(files)s) ORDER BY t.tracing_id
"""

#: Each node on a segment (segment_id > 0) with every axon and target whose agglomerate holds
#: it, from the membership tables PostgreSQL keeps whatever the graph holds: the batch's
#: distinct segments are looked up in the agglomerates' segment indexes, then joined back.
_AGGLOMERATE_SQL = """
WITH node AS MATERIALIZED (
    SELECT n.tracing_id, n.node_id, n.segment_id, f.dataset
    FROM tracing_node n JOIN tracing t ON t.tracing_id = n.tracing_id
    JOIN tracing_file f ON f.file_id = t.file_id
    WHERE t.file_id = ANY(%(files)s) AND n.segment_id > 0
),
segs AS MATERIALIZED (
    SELECT d.dataset_id, array_agg(s.segment_id ORDER BY s.segment_id) AS ids
    FROM (SELECT DISTINCT dataset, segment_id FROM node) s JOIN dataset d ON d.name = s.dataset
    GROUP BY d.dataset_id
),
held AS MATERIALIZED (
    SELECT DISTINCT a.segment_id, 'Axon' AS label, a.axon_id AS id
    FROM segs s JOIN axon_segment a ON a.dataset_id = s.dataset_id AND a.segment_id = ANY(s.ids)
    UNION ALL
    SELECT DISTINCT g.segment_id, 'Target', g.target_id
    FROM segs s JOIN target_segment g
        ON g.dataset_id = s.dataset_id AND g.segment_id = ANY(s.ids)
)
SELECT n.tracing_id, n.node_id, h.label, h.id
FROM node n JOIN held h ON h.segment_id = n.segment_id
ORDER BY h.label, n.tracing_id, n.node_id, h.id
"""


def _frame(conn: psycopg.Connection, sql: str, files: list[int]) -> pd.DataFrame:
    with conn.cursor() as cur:
        cur.execute(sql, {"files": files})
        columns = [d.name for d in cur.description or ()]
        return pd.DataFrame(cur.fetchall(), columns=columns)


@dataclass
class TracingFrames:
    """The graph rows of some tracings: ``tracings`` (Tracing props), ``nodes``
    (TracingNode props), ``edges`` (from node_key, to node_key, length_um)."""

    tracings: pd.DataFrame
    nodes: pd.DataFrame
    edges: pd.DataFrame
    #: (node_key, label, id): every ``Axon`` or ``Target`` whose agglomerate holds the node's
    #: segment, once each (the ``ON_AGGLOMERATE`` relationships).
    agglomerates: pd.DataFrame


def uid(tracing_id: Any, node_id: Any) -> Any:
    """The ``TracingNode`` key: tracing_id * 2^32 + node_id (node IDs are 32-bit in NML)."""
    return tracing_id * (1 << 32) + node_id


def tracing_frames(conn: psycopg.Connection, file_ids: list[int]) -> TracingFrames:
    """Read the rows of ``file_ids`` (inside the caller's transaction)."""
    trees = _frame(conn, _TREE_SQL, file_ids)
    nodes = _frame(conn, _NODE_SQL, file_ids)
    nodes.insert(0, "node_key", uid(nodes["tracing_id"].astype("int64"), nodes["node_id"]))
    edges = _frame(conn, _EDGE_SQL, file_ids)
    edges = pd.DataFrame(
        {
            "from": uid(edges["tracing_id"].astype("int64"), edges["source_id"]),
            "to": uid(edges["tracing_id"].astype("int64"), edges["target_id"]),
            "length_um": edges["length_um"].astype("float64"),
        }
    )
    held = _frame(conn, _AGGLOMERATE_SQL, file_ids)
    agglomerates = pd.DataFrame(
        {
            "node_key": uid(held["tracing_id"].astype("int64"), held["node_id"].astype("int64")),
            "label": held["label"].astype(str),
            "id": held["id"].astype("int64"),
        }
    )
    return TracingFrames(trees, nodes, edges, agglomerates)


class PendingGraphWrite(Protocol):
    """A graph copy prepared inside the PostgreSQL transaction: ``commit`` after PostgreSQL
    committed, ``abort`` otherwise."""

    def commit(self) -> None: ...

    def abort(self) -> None: ...


def graph_writer(settings: Settings, dataset: str, *, replace: bool = False) -> Any:
    """The ``after_write`` hook of :func:`connectomedb.tracings.store.add_tracings` that
    copies the batch into the graph of ``dataset`` (``replace``: instead of the tracings
    there)."""

    def write(conn: psycopg.Connection, file_ids: list[int]) -> PendingGraphWrite:
        from connectomedb.stores.current_model import require_current_model
        from connectomedb.stores.graph import open_graph_store

        # A graph of another model lacks the tracing tables' current columns and relationships.
        with open_graph_store(settings) as store:
            require_current_model(store, dataset)
        frames = tracing_frames(conn, file_ids)
        if settings.uses_embedded_graph:
            from connectomedb.tracings.graph_ladybug import prepare_ladybug

            return prepare_ladybug(settings.embedded_graph_dir, dataset, frames, replace=replace)
        from connectomedb.tracings.graph_neo4j import prepare_neo4j

        return prepare_neo4j(settings, dataset, frames, replace=replace)

    return write


def sync_graph(settings: Settings, url: str, dataset: str) -> int:
    """Replace the tracings in the graph of ``dataset`` by those PostgreSQL holds for it
    (after a reload of the dataset, or after the segment IDs were filled); their count."""
    from connectomedb.stores.postgres import connect

    with connect(url) as conn:
        with conn.transaction():
            rows = conn.execute(
                "SELECT file_id FROM tracing_file WHERE dataset = %(d)s ORDER BY file_id",
                {"d": dataset},
            ).fetchall()
            file_ids = [r[0] for r in rows]
            pending = graph_writer(settings, dataset, replace=True)(conn, file_ids)
    pending.commit()
    return len(file_ids)


def not_loaded(dataset: str) -> LoadError:
    return LoadError(
        f"graph: dataset {dataset!r} is not loaded in the graph, so its tracings cannot be "
        "added there. Load it first, or add the tracings with --no-graph."
    )

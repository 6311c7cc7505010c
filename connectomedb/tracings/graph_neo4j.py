"""Tracings into Neo4j: one explicit transaction per batch, committed after PostgreSQL's.

Nodes carry the dataset's current key (``name@version``) in ``dataset``, like every node of
the dataset. Statements are Neo4j 5 Cypher; rows go in as ``$rows`` batches.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pandas as pd

from connectomedb.config import Settings
from connectomedb.errors import LoadError
from connectomedb.schema.graph import quote_identifier
from connectomedb.tracings.graph import (
    PendingGraphWrite,
    TracingFrames,
    not_loaded,
)

q = quote_identifier
BATCH = 20_000

CONSTRAINTS = (
    f"CREATE CONSTRAINT tracing_key IF NOT EXISTS FOR (t:{q('Tracing')}) "
    f"REQUIRE (t.{q('dataset')}, t.{q('id')}) IS UNIQUE",
    f"CREATE CONSTRAINT tracing_node_key IF NOT EXISTS FOR (n:{q('TracingNode')}) "
    f"REQUIRE (n.{q('dataset')}, n.{q('node_key')}) IS UNIQUE",
)
CREATE_TRACINGS = f"UNWIND $rows AS r CREATE (t:{q('Tracing')}) SET t = r"
CREATE_NODES = f"UNWIND $rows AS r CREATE (n:{q('TracingNode')}) SET n = r"
CREATE_HAS_NODE = (
    f"UNWIND $rows AS r MATCH (t:{q('Tracing')} {{{q('dataset')}: $dataset, {q('id')}: "
    f"r.{q('tracing_id')}}}) MATCH (n:{q('TracingNode')} {{{q('dataset')}: $dataset, "
    f"{q('node_key')}: r.{q('node_key')}}}) CREATE (t)-[:{q('HAS_NODE')}]->(n)"
)
CREATE_TRACED_TO = (
    f"UNWIND $rows AS r MATCH (a:{q('TracingNode')} {{{q('dataset')}: $dataset, "
    f"{q('node_key')}: r.source}}) MATCH (b:{q('TracingNode')} {{{q('dataset')}: $dataset, "
    f"{q('node_key')}: r.target}}) CREATE (a)-[:{q('TRACED_TO')} "
    f"{{{q('length_um')}: r.{q('length_um')}}}]->(b)"
)


def create_on_agglomerate(label: str) -> str:
    """``ON_AGGLOMERATE`` from each row's node to the ``label`` node of its ``id`` (the rows of
    :attr:`TracingFrames.agglomerates`, from PostgreSQL's membership tables)."""
    return (
        f"UNWIND $rows AS r MATCH (n:{q('TracingNode')} {{{q('dataset')}: $dataset, "
        f"{q('node_key')}: r.{q('node_key')}}}) MATCH (a:{q(label)} {{{q('dataset')}: $dataset, "
        f"{q('id')}: r.{q('id')}}}) CREATE (n)-[:{q('ON_AGGLOMERATE')}]->(a)"
    )


#: Every axon and target whose agglomerate holds the node's segment, once each.
CREATE_ON_AGGLOMERATE = {label: create_on_agglomerate(label) for label in ("Axon", "Target")}
#: Per tracing of the batch and agglomerate its nodes are on: the nodes, and the length of
#: the edges with both nodes on it.
CREATE_OVERLAPS = (
    f"UNWIND $rows AS r MATCH (t:{q('Tracing')} {{{q('dataset')}: $dataset, {q('id')}: "
    f"r.{q('id')}}})-[:{q('HAS_NODE')}]->(n:{q('TracingNode')})-[:{q('ON_AGGLOMERATE')}]->(a) "
    f"WITH t, a, count(*) AS nodes "
    f"OPTIONAL MATCH (t)-[:{q('HAS_NODE')}]->(u:{q('TracingNode')})-[e:{q('TRACED_TO')}]->"
    f"(v:{q('TracingNode')}), (u)-[:{q('ON_AGGLOMERATE')}]->(a)<-[:{q('ON_AGGLOMERATE')}]-(v) "
    f"WITH t, a, nodes, coalesce(sum(e.{q('length_um')}), 0.0) AS length "
    f"CREATE (t)-[:{q('OVERLAPS')} {{{q('nodes')}: nodes, {q('path_length_um')}: length}}]->(a)"
)


def _records(frame: pd.DataFrame, key: str | None = None) -> list[dict[str, Any]]:
    rows = frame.to_dict("records")
    out = []
    for row in rows:
        clean = {
            k: (
                None
                if isinstance(v, float) and math.isnan(v)
                else v.item()
                if hasattr(v, "item")
                else v
            )
            for k, v in row.items()
        }
        if key is not None:
            clean["dataset"] = key
        out.append({k: v for k, v in clean.items() if v is not None})
    return out


class Neo4jTracingWrite(PendingGraphWrite):
    def __init__(self, driver: Any, session: Any, tx: Any) -> None:
        self.driver, self.session, self.tx = driver, session, tx

    def commit(self) -> None:
        self._end(self.tx.commit)

    def abort(self) -> None:
        self._end(self.tx.rollback)

    def _end(self, finish: Callable[[], None]) -> None:
        """``finish`` the transaction, then close the session and the driver whatever happens."""
        try:
            finish()
        finally:
            self.session.close()
            self.driver.close()


DELETE_IN_TX = (
    f"MATCH (n:{q('TracingNode')}|{q('Tracing')} {{{q('dataset')}: $dataset}}) DETACH DELETE n"
)


def prepare_neo4j(
    settings: Settings, dataset: str, frames: TracingFrames, *, replace: bool = False
) -> Neo4jTracingWrite:
    import neo4j

    from connectomedb.stores.graph import Neo4jGraphStore, neo4j_driver

    driver = neo4j_driver(settings)
    try:
        store = Neo4jGraphStore(settings, driver)
        try:
            key = store.dataset_key(dataset)
        except Exception:
            raise not_loaded(dataset) from None
        for statement in CONSTRAINTS:
            driver.execute_query(statement, database_=settings.neo4j_database)
        session = driver.session(database=settings.neo4j_database)
        tx = session.begin_transaction()
        if replace:
            tx.run(DELETE_IN_TX, dataset=key).consume()
        held = frames.agglomerates
        batches = [
            (CREATE_TRACINGS, _records(frames.tracings, key)),
            (CREATE_NODES, _records(frames.nodes, key)),
            (CREATE_HAS_NODE, _records(frames.nodes[["tracing_id", "node_key"]])),
            (
                CREATE_TRACED_TO,
                _records(frames.edges.rename(columns={"from": "source", "to": "target"})),
            ),
            *(
                (text, _records(held[held["label"] == label][["node_key", "id"]]))
                for label, text in CREATE_ON_AGGLOMERATE.items()
            ),
            (CREATE_OVERLAPS, _records(frames.tracings[["id"]])),
        ]
        try:
            for text, rows in batches:
                for start in range(0, len(rows), BATCH):
                    tx.run(text, rows=rows[start : start + BATCH], dataset=key).consume()
        except BaseException:
            tx.rollback()
            session.close()
            raise
        return Neo4jTracingWrite(driver, session, tx)
    except neo4j.exceptions.Neo4jError as error:
        driver.close()
        raise LoadError(f"graph: Neo4j refused the tracings: {error}") from error
    except BaseException:
        driver.close()
        raise

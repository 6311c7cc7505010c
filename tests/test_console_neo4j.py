"""``connectomedb cypher`` against a real Neo4j 5 server (``NEO4J_URI``, ``NEO4J_USER``,
``NEO4J_PASSWORD``); skipped when ``NEO4J_URI`` is not set (CI has no Neo4j)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from support.datasets import handmade_source
from support.graph_oracle import axon_contacts
from support.neo4j import NEEDS_NEO4J, fresh_graph_name

from connectomedb.config import Settings
from connectomedb.console.cypher import CypherConsole
from connectomedb.errors import QueryError
from connectomedb.etl.load.graph import begin_graph_load

pytestmark = NEEDS_NEO4J


@pytest.fixture
def neo4j_dataset_name(neo4j_settings: Settings) -> Iterator[str]:
    """The hand-made dataset loaded; every version of it is deleted afterwards."""
    for value in fresh_graph_name(neo4j_settings, "console-"):
        job = begin_graph_load(neo4j_settings, handmade_source(), value, replace=False)
        assert job is not None
        job.prepare()
        job.commit()
        yield value


def test_reads_writes_and_schema_on_neo4j(
    neo4j_settings: Settings, neo4j_dataset_name: str
) -> None:
    with CypherConsole(neo4j_settings, dataset=neo4j_dataset_name) as console:
        assert console.key.startswith(f"{neo4j_dataset_name}@")
        (frame,) = console.run(
            "MATCH (a:Axon {dataset: $dataset, id: 1})-[c:CONNECTS_TO]->(t:Target) "
            "RETURN t.id AS target, c.synapses AS synapses ORDER BY target",
            {},
        )
        want = axon_contacts(handmade_source(), 1)
        assert frame.target.tolist() == want.target.tolist()
        assert frame.synapses.tolist() == want.synapses.tolist()
        with pytest.raises(QueryError, match=r"writes \(SET\)"):
            list(console.run("MATCH (a:Axon {dataset: $dataset}) SET a.class = 'x'", {}))
        # below the guard, Neo4j runs the statement in a READ transaction and refuses it
        with pytest.raises(QueryError, match="console is read-only"):
            console._one(
                "MATCH (a:Axon {dataset: $dataset}) SET a.class = 'x'", {"dataset": console.key}
            )
        schema = console.schema()
        assert {"Axon", "CONNECTS_TO"} <= set(schema.name)
        with pytest.raises(QueryError, match="Neo4j rejected the statement"):
            list(console.run("MATCH (a:Axon) RETRN a", {}))
    with CypherConsole(neo4j_settings, dataset=neo4j_dataset_name) as console:
        (frame,) = console.run(
            "MATCH (a:Axon {dataset: $dataset}) WHERE a.class = 'x' RETURN count(*) AS n", {}
        )
        assert frame.n.tolist() == [0]
    with CypherConsole(neo4j_settings, dataset=neo4j_dataset_name, write=True) as console:
        (frame,) = console.run(
            "MATCH (a:Axon {dataset: $dataset, id: 1}) SET a.class = 'y' RETURN a.class AS c",
            {},
        )
        assert frame.c.tolist() == ["y"]

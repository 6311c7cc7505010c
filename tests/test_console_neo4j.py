"""``connectomedb cypher`` against a real Neo4j 5 server (``NEO4J_URI``, ``NEO4J_USER``,
``NEO4J_PASSWORD``); skipped when ``NEO4J_URI`` is not set (CI has no Neo4j)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from graph_helpers import axon_contacts, handmade_source

from connectomedb.config import Settings
from connectomedb.console.cypher import CypherConsole
from connectomedb.errors import QueryError
from connectomedb.etl.load.graph import begin_graph_load
from connectomedb.etl.load.graph.neo4j import Neo4jRunner, delete_version
from connectomedb.etl.load.graph.statements import Statement
from connectomedb.stores.graph import neo4j_driver

pytestmark = [
    pytest.mark.neo4j,
    pytest.mark.skipif(not os.environ.get("NEO4J_URI"), reason="NEO4J_URI is not set"),
]


@pytest.fixture
def settings() -> Settings:
    return Settings(
        graph_url=os.environ["NEO4J_URI"],
        neo4j_user=os.environ.get("NEO4J_USER", "neo4j"),
        neo4j_password=os.environ.get("NEO4J_PASSWORD"),
    )


@pytest.fixture
def name(settings: Settings) -> Iterator[str]:
    """A loaded dataset; every version of it is deleted afterwards."""
    value = f"console-{uuid.uuid4().hex[:10]}"
    job = begin_graph_load(settings, handmade_source(), value, replace=False)
    assert job is not None
    job.prepare()
    job.commit()
    yield value
    driver = neo4j_driver(settings)
    try:
        runner = Neo4jRunner(driver, settings.neo4j_database)
        for record in runner.run(Statement(
            "MATCH (d:Dataset {name: $name}) RETURN d.dataset AS key", {"name": value}
        )):
            delete_version(runner, record["key"], 1000)
    finally:
        driver.close()


def test_reads_writes_and_schema_on_neo4j(settings: Settings, name: str) -> None:
    with CypherConsole(settings, dataset=name) as console:
        assert console.key.startswith(f"{name}@")
        (frame,) = console.run(
            "MATCH (a:Axon {dataset: $dataset, id: 1})-[c:CONNECTS_TO]->(t:Target) "
            "RETURN t.id AS target, c.synapses AS synapses ORDER BY target", {}
        )
        want = axon_contacts(handmade_source(), 1)
        assert frame.target.tolist() == want.target.tolist()
        assert frame.synapses.tolist() == want.synapses.tolist()
        with pytest.raises(QueryError, match=r"writes \(SET\)"):
            list(console.run("MATCH (a:Axon {dataset: $dataset}) SET a.class = 'x'", {}))
        # below the guard, Neo4j runs the statement in a READ transaction and refuses it
        with pytest.raises(QueryError, match="console is read-only"):
            console._one("MATCH (a:Axon {dataset: $dataset}) SET a.class = 'x'",
                         {"dataset": console.key})
        schema = console.schema()
        assert {"Axon", "CONNECTS_TO"} <= set(schema.name)
        with pytest.raises(QueryError, match="Neo4j rejected the statement"):
            list(console.run("MATCH (a:Axon) RETRN a", {}))
    with CypherConsole(settings, dataset=name) as console:
        (frame,) = console.run(
            "MATCH (a:Axon {dataset: $dataset}) WHERE a.class = 'x' RETURN count(*) AS n", {}
        )
        assert frame.n.tolist() == [0]
    with CypherConsole(settings, dataset=name, write=True) as console:
        (frame,) = console.run(
            "MATCH (a:Axon {dataset: $dataset, id: 1}) SET a.class = 'y' RETURN a.class AS c",
            {},
        )
        assert frame.c.tolist() == ["y"]

"""DotMotif motifs, the paper analyses and the significance fetch on a real Neo4j 5 server
(``NEO4J_URI``); skipped when it is not set. The answers must equal DotMotif's own executor."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from motif_helpers import dotmotif_mappings, instances, source_graph, symmetry_group
from test_motifs import CASES

from connectomedb import motifs
from connectomedb.config import Settings
from connectomedb.etl.load.graph import begin_graph_load
from connectomedb.etl.load.graph.neo4j import Neo4jRunner, delete_version
from connectomedb.etl.load.graph.statements import Statement
from connectomedb.stores.graph import neo4j_driver, open_graph_store
from connectomedb.synth.generate import generate

pytestmark = [
    pytest.mark.neo4j,
    pytest.mark.skipif(not os.environ.get("NEO4J_URI"), reason="NEO4J_URI is not set"),
]


@pytest.fixture(scope="module")
def neo4j_tiny() -> Iterator[tuple[Settings, str, object]]:
    settings = Settings(graph_url=os.environ["NEO4J_URI"],
                        neo4j_user=os.environ.get("NEO4J_USER", "neo4j"),
                        neo4j_password=os.environ.get("NEO4J_PASSWORD"))
    name = f"motif-{uuid.uuid4().hex[:10]}"
    source = generate("tiny", 0).dataset
    job = begin_graph_load(settings, source, name, replace=False)
    assert job is not None
    job.prepare()
    job.commit()
    yield settings, name, source
    driver = neo4j_driver(settings)
    try:
        runner = Neo4jRunner(driver, settings.neo4j_database)
        for record in runner.run(Statement(
                "MATCH (d:Dataset {name: $name}) RETURN d.dataset AS key", {"name": name})):
            delete_version(runner, record["key"], 1000)
    finally:
        driver.close()


@pytest.mark.parametrize("text", [t for t, _ in CASES])
def test_motifs_on_neo4j_equal_dotmotif(neo4j_tiny, text):
    settings, name, source = neo4j_tiny
    parsed = motifs.parse(text)
    group = symmetry_group(text)
    expected = instances(dotmotif_mappings(text, source_graph(source)), group, parsed.nodes)
    with open_graph_store(settings) as store:
        got = motifs.find(text, store, dataset=name, limit=None)
        assert motifs.find(text, store, dataset=name, count=True) == len(expected)
    rows = [dict(zip(parsed.names, map(int, r), strict=True)) for r in got.itertuples(index=False)]
    assert instances(rows, group, parsed.nodes) == expected and len(rows) == len(expected)

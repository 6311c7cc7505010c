"""Tracings on a real Neo4j 5 server (``NEO4J_URI``): the graph copy and the evaluation
queries' Neo4j variants against PostgreSQL; skipped when ``NEO4J_URI`` is not set."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from tracing_env import planted_segments

from connectomedb import queries
from connectomedb.config import Settings
from connectomedb.etl.load.graph import begin_graph_load
from connectomedb.etl.load.graph.neo4j import Neo4jRunner, delete_version
from connectomedb.etl.load.graph.statements import Statement
from connectomedb.etl.load.postgres import load_dataset
from connectomedb.stores.graph import neo4j_driver, open_graph_store
from connectomedb.stores.postgres import upgrade
from connectomedb.synth.generate import generate
from connectomedb.tracings.graph import graph_writer, sync_graph
from connectomedb.tracings.store import add_tracings, find_nml_files, set_node_segments
from connectomedb.tracings.synth import write_connectem

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
    value = f"test-{uuid.uuid4().hex[:10]}"
    yield value
    driver = neo4j_driver(settings)
    try:
        runner = Neo4jRunner(driver, settings.neo4j_database)
        keys = runner.run(
            Statement("MATCH (d:Dataset {name: $name}) RETURN d.dataset AS key", {"name": value})
        )
        for record in keys:
            delete_version(runner, record["key"], 1000)
    finally:
        driver.close()


def test_tracings_on_neo4j_equal_postgresql(
    settings: Settings, name: str, pg_url_embedded: str, tmp_path: Path
) -> None:
    source = generate("tiny", 0).dataset
    upgrade(pg_url_embedded)
    load_dataset(pg_url_embedded, source, name)
    job = begin_graph_load(settings, source, name, replace=False)
    assert job is not None
    job.prepare()
    job.commit()
    write_connectem(source, tmp_path, seed=0)
    add_tracings(pg_url_embedded, find_nml_files([tmp_path]), "connectem", name,
                 after_write=graph_writer(settings, name))
    with psycopg.connect(pg_url_embedded) as conn:
        set_node_segments(conn, planted_segments(conn, tmp_path))
    sync_graph(settings, pg_url_embedded, name)
    with open_graph_store(settings) as store, psycopg.connect(pg_url_embedded) as pg:
        for query in ("tracing_evaluation", "tracing_overlaps"):
            want = queries.run(query, pg, dataset=name)
            got = queries.run(query, store, dataset=name)
            assert len(want) > 0
            assert got.round(9).values.tolist() == want.round(9).values.tolist(), query

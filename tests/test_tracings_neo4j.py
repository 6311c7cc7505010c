"""Tracings on a real Neo4j 5 server (``NEO4J_URI``): the graph copy and the evaluation
queries' Neo4j variants against PostgreSQL; skipped when ``NEO4J_URI`` is not set."""

from __future__ import annotations

from pathlib import Path

import psycopg
from support.neo4j import NEEDS_NEO4J
from support.tracings import planted_segments

from connectomedb import queries
from connectomedb.config import Settings
from connectomedb.etl.load.graph import begin_graph_load
from connectomedb.etl.load.postgres import load_dataset
from connectomedb.stores.graph import open_graph_store
from connectomedb.stores.postgres import upgrade
from connectomedb.synth.generate import generate
from connectomedb.tracings.graph import graph_writer, sync_graph
from connectomedb.tracings.store import add_tracings, find_nml_files, set_node_segments
from connectomedb.tracings.synth import write_connectem

pytestmark = NEEDS_NEO4J


def test_tracings_on_neo4j_equal_postgresql(
    neo4j_settings: Settings, neo4j_dataset_name: str, fresh_embedded_db_url: str, tmp_path: Path
) -> None:
    source = generate("tiny", 0).dataset
    upgrade(fresh_embedded_db_url)
    load_dataset(fresh_embedded_db_url, source, neo4j_dataset_name)
    job = begin_graph_load(neo4j_settings, source, neo4j_dataset_name, replace=False)
    assert job is not None
    job.prepare()
    job.commit()
    write_connectem(source, tmp_path, seed=0)
    add_tracings(
        fresh_embedded_db_url,
        find_nml_files([tmp_path]),
        "connectem",
        neo4j_dataset_name,
        after_write=graph_writer(neo4j_settings, neo4j_dataset_name),
    )
    with psycopg.connect(fresh_embedded_db_url) as conn:
        set_node_segments(conn, planted_segments(conn, tmp_path))
    sync_graph(neo4j_settings, fresh_embedded_db_url, neo4j_dataset_name)
    with open_graph_store(neo4j_settings) as store, psycopg.connect(fresh_embedded_db_url) as pg:
        for query in ("tracing_evaluation", "tracing_overlaps"):
            want = queries.run(query, pg, dataset=neo4j_dataset_name)
            got = queries.run(query, store, dataset=neo4j_dataset_name)
            assert len(want) > 0
            assert got.round(9).values.tolist() == want.round(9).values.tolist(), query

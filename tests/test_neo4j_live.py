"""The whole graph load against a real Neo4j 5 server (``NEO4J_URI``, ``NEO4J_USER``,
``NEO4J_PASSWORD``); skipped when ``NEO4J_URI`` is not set (CI has no Neo4j)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from graph_helpers import axon_contacts, expected_counts, handmade_source

from connectomedb.config import Settings
from connectomedb.errors import LoadError
from connectomedb.etl.load.graph import begin_graph_load
from connectomedb.etl.load.graph.neo4j import Neo4jRunner, delete_version
from connectomedb.etl.load.graph.statements import Statement
from connectomedb.stores.graph import neo4j_driver, open_graph_store

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
        neo4j_batch_size=97,
    )


@pytest.fixture
def name(settings: Settings) -> Iterator[str]:
    """A fresh dataset name; every version of it is deleted afterwards."""
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


def load(settings: Settings, source, name: str, *, replace: bool = False, progress=None):
    job = begin_graph_load(settings, source, name, replace=replace, progress=progress)
    if job is None:
        return None
    try:
        report = job.prepare()
    except BaseException:
        job.abort()
        raise
    job.commit()
    return report


def test_full_load_on_neo4j(settings: Settings, name: str) -> None:
    first = handmade_source(seed=1, tag="a")
    second = handmade_source(seed=2, n_synapses=120, tag="b")
    assert load(settings, first, name) is not None
    nodes, rels = expected_counts(first)
    with open_graph_store(settings) as store:
        assert store.counts(name) == {**nodes, **rels}
        key = store.dataset_key(name)
        assert key.startswith(f"{name}@")
        got = store.run(
            "MATCH (a:Axon {dataset: $dataset, id: 1})-[c:CONNECTS_TO]->(t:Target) "
            "RETURN t.id AS target, c.synapses AS synapses ORDER BY target",
            {"dataset": key},
        )
        want = axon_contacts(first, 1)
        assert got.values.tolist() == want.values.tolist()
        constraints = store.run("SHOW CONSTRAINTS YIELD name RETURN name", {})
        assert {"axon_key", "synapse_key", "segment_key"} <= set(constraints.name)

    # Same files: nothing to do. Other files: only with replace.
    assert begin_graph_load(settings, first, name, replace=False) is None
    with pytest.raises(LoadError, match="already loaded from other files"):
        begin_graph_load(settings, second, name, replace=False)

    # A failure during prepare leaves the first version current and intact.
    def explode(step: str, done: int, total: int) -> None:
        if step.startswith("rels MAKES"):
            raise RuntimeError("injected failure")

    with pytest.raises(RuntimeError, match="injected failure"):
        load(settings, second, name, replace=True, progress=explode)
    with open_graph_store(settings) as store:
        assert store.dataset_key(name) == key
        assert store.counts(name) == {**nodes, **rels}

    load(settings, second, name, replace=True)
    nodes2, rels2 = expected_counts(second)
    with open_graph_store(settings) as store:
        assert store.dataset_key(name) != key
        assert store.counts(name) == {**nodes2, **rels2}
        left = store.run("MATCH (n {dataset: $dataset}) RETURN count(n) AS n", {"dataset": key})
        assert int(left.n[0]) == 0  # the old version is deleted

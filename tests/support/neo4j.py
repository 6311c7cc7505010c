"""The live Neo4j tests' shared set-up: they run only when ``NEO4J_URI`` is set (with
``NEO4J_USER``, ``NEO4J_PASSWORD``), and every dataset they load is deleted afterwards."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from connectomedb.config import Settings
from connectomedb.etl.load.graph.neo4j import Neo4jRunner, delete_version
from connectomedb.etl.load.graph.statements import Statement
from connectomedb.stores.graph import neo4j_driver

#: ``pytestmark`` of a module of live Neo4j tests.
NEEDS_NEO4J = [
    pytest.mark.neo4j,
    pytest.mark.skipif(not os.environ.get("NEO4J_URI"), reason="NEO4J_URI is not set"),
]


def neo4j_settings_from_env(**extra: Any) -> Settings:
    """Settings for the server at ``NEO4J_URI`` (``extra``: further settings)."""
    return Settings(
        graph_url=os.environ["NEO4J_URI"],
        neo4j_user=os.environ.get("NEO4J_USER", "neo4j"),
        neo4j_password=os.environ.get("NEO4J_PASSWORD"),
        **extra,
    )


def delete_graph_dataset(settings: Settings, name: str) -> None:
    """Delete every version of dataset ``name`` from the Neo4j server."""
    driver = neo4j_driver(settings)
    try:
        runner = Neo4jRunner(driver, settings.neo4j_database)
        keys = runner.run(
            Statement("MATCH (d:Dataset {name: $name}) RETURN d.dataset AS key", {"name": name})
        )
        for record in keys:
            delete_version(runner, record["key"], 1000)
    finally:
        driver.close()


def fresh_graph_name(settings: Settings, prefix: str = "test-") -> Iterator[str]:
    """Yields a new dataset name; deletes every version of it afterwards (``yield from`` it
    in a fixture)."""
    name = f"{prefix}{uuid.uuid4().hex[:10]}"
    try:
        yield name
    finally:
        delete_graph_dataset(settings, name)


@pytest.fixture
def neo4j_settings() -> Settings:
    """Settings for the Neo4j server at ``NEO4J_URI``."""
    return neo4j_settings_from_env()


@pytest.fixture
def neo4j_dataset_name(neo4j_settings: Settings) -> Iterator[str]:
    """A fresh dataset name on the Neo4j server; every version of it is deleted afterwards."""
    yield from fresh_graph_name(neo4j_settings)

"""The whole graph load against a real Neo4j 5 server (``NEO4J_URI``, ``NEO4J_USER``,
``NEO4J_PASSWORD``); skipped when ``NEO4J_URI`` is not set (CI has no Neo4j)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from support.cli import cli_runner, info_graph_rows
from support.datasets import handmade_source
from support.graph_oracle import axon_contacts, expected_counts
from support.neo4j import NEEDS_NEO4J, fresh_graph_name, neo4j_settings_from_env
from support.stores import load_graph

from connectomedb.cli import main
from connectomedb.commands.info import graph_datasets
from connectomedb.config import Settings
from connectomedb.errors import LoadError
from connectomedb.etl.load.graph import begin_graph_load
from connectomedb.stores.graph import open_graph_store

pytestmark = NEEDS_NEO4J


@pytest.fixture
def neo4j_settings() -> Settings:
    """Small batches, so that a load takes several."""
    return neo4j_settings_from_env(neo4j_batch_size=97)


def test_full_load_on_neo4j(neo4j_settings: Settings, neo4j_dataset_name: str) -> None:
    first = handmade_source(seed=1, tag="a")
    second = handmade_source(seed=2, n_synapses=120, tag="b")
    assert load_graph(neo4j_settings, first, neo4j_dataset_name) is not None
    nodes, rels = expected_counts(first)
    with open_graph_store(neo4j_settings) as store:
        assert store.counts(neo4j_dataset_name) == {**nodes, **rels}
        key = store.dataset_key(neo4j_dataset_name)
        assert key.startswith(f"{neo4j_dataset_name}@")
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
    assert begin_graph_load(neo4j_settings, first, neo4j_dataset_name, replace=False) is None
    with pytest.raises(LoadError, match="already loaded from other files"):
        begin_graph_load(neo4j_settings, second, neo4j_dataset_name, replace=False)

    # A failure during prepare leaves the first version current and intact.
    def explode(step: str, done: int, total: int) -> None:
        if step.startswith("rels MAKES"):
            raise RuntimeError("injected failure")

    with pytest.raises(RuntimeError, match="injected failure"):
        load_graph(neo4j_settings, second, neo4j_dataset_name, replace=True, progress=explode)
    with open_graph_store(neo4j_settings) as store:
        assert store.dataset_key(neo4j_dataset_name) == key
        assert store.counts(neo4j_dataset_name) == {**nodes, **rels}

    load_graph(neo4j_settings, second, neo4j_dataset_name, replace=True)
    nodes2, rels2 = expected_counts(second)
    with open_graph_store(neo4j_settings) as store:
        assert store.dataset_key(neo4j_dataset_name) != key
        assert store.counts(neo4j_dataset_name) == {**nodes2, **rels2}
        left = store.run("MATCH (n {dataset: $dataset}) RETURN count(n) AS n", {"dataset": key})
        assert int(left.n[0]) == 0  # the old version is deleted


def test_info_says_which_graphs_hold_their_segment_layer_on_neo4j(
    neo4j_settings: Settings, neo4j_dataset_name: str, fresh_db_url: str, tmp_path: Path
) -> None:
    src = handmade_source()
    with_layer = neo4j_settings_from_env(neo4j_batch_size=97, graph_segments=True)
    assert load_graph(with_layer, src, neo4j_dataset_name) is not None
    for without in fresh_graph_name(neo4j_settings):
        assert load_graph(neo4j_settings, src, without) is not None
        with open_graph_store(neo4j_settings) as store:
            held = {n: store.counts(n)["Segment"] for n in (neo4j_dataset_name, without)}
            frame = graph_datasets(store)
        assert held[neo4j_dataset_name] > 0 and held[without] == 0
        layers = dict(zip(frame["name"], frame["segment layer"], strict=True))
        assert layers[neo4j_dataset_name] == "yes" and layers[without] == "no"
        result = cli_runner().invoke(
            main,
            ["info", "--graph-url", os.environ["NEO4J_URI"], "--postgres-url", fresh_db_url]
            + ["--home", str(tmp_path / "home")],
            env={
                "COLUMNS": "250",
                "CONNECTOMEDB_NEO4J_USER": neo4j_settings.neo4j_user,
                "CONNECTOMEDB_NEO4J_PASSWORD": neo4j_settings.neo4j_password,
            },
        )
        assert result.exit_code == 0, result.output
        rows = info_graph_rows(result.stdout)
        assert rows[neo4j_dataset_name]["segment layer"] == "yes"
        assert rows[without]["segment layer"] == "no"

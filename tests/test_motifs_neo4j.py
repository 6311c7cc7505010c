"""DotMotif motifs, the paper analyses and the significance fetch on a real Neo4j 5 server
(``NEO4J_URI``); skipped when it is not set. The answers must equal DotMotif's own executor."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from support.motifs import CASES, dotmotif_mappings, instances, source_graph, symmetry_group
from support.neo4j import NEEDS_NEO4J, fresh_graph_name, neo4j_settings_from_env

from connectomedb import motifs
from connectomedb.config import Settings
from connectomedb.etl.load.graph import begin_graph_load
from connectomedb.stores.graph import open_graph_store
from connectomedb.synth.generate import generate

pytestmark = NEEDS_NEO4J


@pytest.fixture(scope="module")
def neo4j_tiny() -> Iterator[tuple[Settings, str, object]]:
    """The generator's ``tiny`` loaded into Neo4j: (settings, dataset name, source)."""
    settings = neo4j_settings_from_env()
    source = generate("tiny", 0).dataset
    for name in fresh_graph_name(settings, "motif-"):
        job = begin_graph_load(settings, source, name, replace=False)
        assert job is not None
        job.prepare()
        job.commit()
        yield settings, name, source


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

"""Statements of the docs about the query files, checked against the files themselves."""

from __future__ import annotations

import re
from pathlib import Path

from connectomedb.queries.registry import load_queries

ROOT = Path(__file__).resolve().parents[1]
MODEL = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")


def _names(sentence: str) -> set[str]:
    return set(re.findall(r"`([a-z_]+)`", sentence))


def _paragraph() -> str:
    start = MODEL.index("`connectome_synapse` (materialized view")
    return " ".join(MODEL[start : MODEL.index("\n\n", start)].split())


def _claimed_and_reading(pattern: str, relation: str) -> tuple[set[str], set[str]]:
    """The queries the paragraph names where ``pattern`` matches (its first group), and the
    queries whose SQL reads ``relation``."""
    claim = re.search(pattern, _paragraph())
    assert claim is not None
    reading = {
        name for name, q in load_queries().items() if q.sql is not None and relation in q.sql
    }
    return _names(claim.group(1)), reading


def test_the_queries_said_to_read_connectome_synapse_are_those_that_do() -> None:
    claimed, reading = _claimed_and_reading(
        r"read it instead of joining `synapse`, `axon` and `target`: (.*?)\. ",
        "connectome_synapse",
    )
    assert claimed == reading


def test_the_queries_said_to_read_the_neurite_statistics_are_those_that_do() -> None:
    claimed, reading = _claimed_and_reading(
        r"\. (`[a-z_]+`(?:, `[a-z_]+`)*(?: and `[a-z_]+`)?) read the per-class "
        r"rows of `neurite_class_stat`",
        "neurite_class_stat",
    )
    assert claimed == reading


def test_the_graph_dataset_property_is_described_per_engine() -> None:
    from connectomedb.etl.load.graph.neo4j import dataset_key

    assert dataset_key("demo", "v1") == "demo@v1"
    assert "`name@<version>` in Neo4j" in MODEL
    assert "(the dataset name)" not in MODEL

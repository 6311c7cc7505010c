"""The graph's optional segment layer (``Segment`` nodes, ``PRE``, ``POST``, ``HAS_SEGMENT``):
off by default, on with ``--graph-segments`` / ``CONNECTOMEDB_GRAPH_SEGMENTS``; a plain load
with the other choice rebuilds the graph (PostgreSQL, which holds every segment either way, is
left as it is); no named query reads the layer (the tracing queries read relationships written
with the tracings), a Cypher statement that reads it is refused on a graph loaded without it,
and ``connectomedb info`` says which graphs hold it.

Counts are compared with :mod:`support.graph_oracle` (computed with pandas from the source)."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from support.cli import cli_runner, info_graph_rows
from support.datasets import handmade_source, valid_dataset
from support.graph_oracle import expected_counts
from support.stores import load_graph

from connectomedb import queries
from connectomedb.cli import main
from connectomedb.commands.info import graph_datasets
from connectomedb.config import Settings, load_settings
from connectomedb.errors import ConfigError, MissingSegmentLayerError
from connectomedb.etl.extract import read_dataset
from connectomedb.etl.pipeline import run_load
from connectomedb.stores.current_model import reads_segment_layer
from connectomedb.stores.graph import open_graph_store
from connectomedb.stores.ladybug_layout import current_version

#: The labels and relationship types of the segment layer.
LAYER = {"Segment", "PRE", "POST", "HAS_SEGMENT"}
TRACING_QUERIES = {"tracing_evaluation", "tracing_overlaps"}


def _expected(source: object, segments: bool) -> dict[str, int]:
    nodes, rels = expected_counts(source)  # type: ignore[arg-type]
    full = {**nodes, **rels}
    return full if segments else {k: 0 if k in LAYER else n for k, n in full.items()}


def _counts(settings: Settings, name: str) -> dict[str, int]:
    with open_graph_store(settings) as store:
        return store.counts(name)


def _layer_message(name: str, source: str) -> str:
    return (
        f"the statement reads the graph's segment layer, but the graph of dataset {name!r} was "
        "loaded without it (Segment nodes and PRE, POST, HAS_SEGMENT are optional and off by "
        "default). PostgreSQL holds every segment (tables segment, axon_segment, "
        "target_segment, spine_head_segment, synapse_pre_segment, synapse_post_segment); or "
        f"load the dataset again with its segment layer: `connectomedb load <folder> --dataset "
        f"{name} --graph-segments` (it was loaded from {source}), then `connectomedb tracings "
        f"graph --dataset {name}` to copy its tracings into the new graph."
    )


#: A statement that reads the segment layer: the segments of the axons.
SEGMENTS_OF_AXONS = "MATCH (:Axon)-[:HAS_SEGMENT]->(s:Segment) RETURN count(DISTINCT s) AS n"


# --- the setting ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [("true", True), ("Yes", True), ("ON", True), ("1", True)]
    + [("false", False), ("no", False), ("Off", False), ("0", False), ("", False)],
)
def test_the_setting_reads_the_usual_spellings(value: str, expected: bool) -> None:
    assert Settings().graph_segments is False
    env = {"CONNECTOMEDB_GRAPH_SEGMENTS": value}
    assert load_settings(env).graph_segments is expected


def test_a_bad_value_of_the_setting_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings({"CONNECTOMEDB_GRAPH_SEGMENTS": "maybe"})
    assert str(info.value) == (
        "environment variable CONNECTOMEDB_GRAPH_SEGMENTS: expected true or false (also "
        "yes/no, on/off, 1/0), found 'maybe'. Set it to true or false, or unset it."
    )
    result = cli_runner().invoke(
        main,
        ["load", str(tmp_path), "--home", str(tmp_path / "home"), "-q"],
        env={"CONNECTOMEDB_GRAPH_SEGMENTS": "maybe"},
    )
    assert result.exit_code == ConfigError.exit_code == 2
    assert "Traceback" not in result.stdout + result.stderr
    assert "CONNECTOMEDB_GRAPH_SEGMENTS: expected true or false" in result.stderr


def test_no_named_query_reads_the_segment_layer() -> None:
    """Every named query answers on the default graph, which has no segment layer."""
    names = queries.registry.load_queries()
    flagged = set()
    for name in names:
        query = queries.get_query(name)
        texts = [t for t in (query.cypher, query.cypher_neo4j) if t]
        if any(reads_segment_layer(t) for t in texts):
            flagged.add(name)
    assert flagged == set()
    assert not reads_segment_layer("MATCH (t:Target {class: 'AxonInitialSegment'}) RETURN t")
    assert not reads_segment_layer("// (s:Segment) in a comment\nMATCH (a:Axon) RETURN a")
    assert reads_segment_layer("MATCH (a)-[:`HAS_SEGMENT`]->(s) RETURN s")
    assert reads_segment_layer("MATCH (s)-[:POST|PRE]-(x) RETURN x")
    assert reads_segment_layer(SEGMENTS_OF_AXONS)


# --- the graph -----------------------------------------------------------------------------


def test_a_statement_reading_the_layer_is_refused_without_it(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home")
    src = handmade_source()
    load_graph(settings, src, "ds")
    with open_graph_store(settings) as store:
        with pytest.raises(MissingSegmentLayerError) as info:
            queries.run_statement(store, sql="", cypher=SEGMENTS_OF_AXONS, dataset="ds")
        assert str(info.value) == _layer_message("ds", str(src.folder))
        assert info.value.exit_code == 6
        for name in sorted(TRACING_QUERIES):  # no tracings here: no rows, but an answer
            assert queries.run(name, store, dataset="ds").empty
        assert len(queries.run("class_matrix", store, dataset="ds")) > 0
    # With the layer, the same statement runs: every segment of an axon, once.
    on = Settings(home=tmp_path / "home", graph_segments=True)
    load_graph(on, src, "ds")
    with open_graph_store(on) as store:
        got = queries.run_statement(store, sql="", cypher=SEGMENTS_OF_AXONS, dataset="ds")
    values = src.axons.agglomerate.values
    assert int(got["n"].iloc[0]) == len(set(values[values != 0].tolist())) > 0


def test_a_plain_load_with_the_other_choice_rebuilds_the_graph(
    fresh_db_url: str, tmp_path: Path
) -> None:
    folder = valid_dataset(tmp_path / "tiny")
    source = read_dataset(folder)
    off = Settings(home=tmp_path / "home", postgres_url=fresh_db_url)
    on = Settings(home=tmp_path / "home", postgres_url=fresh_db_url, graph_segments=True)
    root = off.embedded_graph_dir

    first = run_load(off, folder)
    assert first.stage("graph").status == "done"
    assert _counts(off, "tiny") == _expected(source, segments=False)
    with psycopg.connect(fresh_db_url) as conn:  # PostgreSQL holds the segments all the same
        (members,) = conn.execute("select count(*) from axon_segment").fetchone()  # type: ignore[misc]
    assert members == len(source.axons.agglomerate.values) > 0
    version = current_version(root, "tiny")

    again = run_load(off, folder)  # the same choice: nothing to do
    assert [s.status for s in again.stages if s.stage in ("postgres", "graph")] == [
        "unchanged",
        "unchanged",
    ]
    assert current_version(root, "tiny") == version

    switched = run_load(on, folder)  # the other choice: the graph is rebuilt, no --replace
    assert switched.stage("postgres").status == "unchanged"
    assert switched.stage("graph").status == "done"
    assert current_version(root, "tiny") != version
    assert _counts(on, "tiny") == _expected(source, segments=True)
    with open_graph_store(on) as store:
        assert store.stored_dataset("tiny").segments is True  # type: ignore[union-attr]
    assert run_load(on, folder).stage("graph").status == "unchanged"

    # And back, through the command line.
    common = ["--postgres-url", fresh_db_url, "--home", str(tmp_path / "home"), "-q"]
    result = cli_runner().invoke(main, ["load", str(folder), "--no-graph-segments", *common])
    assert result.exit_code == 0, result.output
    assert _counts(off, "tiny") == _expected(source, segments=False)


def test_info_says_which_graphs_hold_their_segment_layer(fresh_db_url: str, tmp_path: Path) -> None:
    home = tmp_path / "home"
    src = handmade_source()
    load_graph(Settings(home=home, graph_segments=True), src, "with")
    load_graph(Settings(home=home), src, "without")
    with open_graph_store(Settings(home=home)) as store:
        held = {name: store.counts(name)["Segment"] for name in ("with", "without")}
        frame = graph_datasets(store)
    assert held["with"] > 0 and held["without"] == 0
    assert dict(zip(frame["name"], frame["segment layer"], strict=True)) == {
        "with": "yes",
        "without": "no",
    }
    result = cli_runner().invoke(
        main,
        ["info", "--home", str(home), "--postgres-url", fresh_db_url],
        env={"COLUMNS": "250"},
    )
    assert result.exit_code == 0, result.output
    rows = info_graph_rows(result.stdout)
    assert sorted(rows) == ["with", "without"]
    assert rows["with"]["segment layer"] == "yes"
    assert rows["without"]["segment layer"] == "no"
    assert rows["with"]["source"] == rows["without"]["source"] == str(src.folder)


def test_the_cypher_command_refuses_a_layer_statement_without_a_traceback(
    fresh_db_url: str, tmp_path: Path
) -> None:
    folder = valid_dataset(tmp_path / "tiny")
    common = ["--postgres-url", fresh_db_url, "--home", str(tmp_path / "home")]
    runner = cli_runner()
    loaded = runner.invoke(main, ["load", str(folder), "-q", *common])
    assert loaded.exit_code == 0, loaded.output
    refused = runner.invoke(main, ["cypher", SEGMENTS_OF_AXONS, "--dataset", "tiny", *common])
    assert refused.exit_code == 6
    assert "Traceback" not in refused.stdout + refused.stderr
    assert " ".join(refused.stderr.split()) == "Error: " + _layer_message("tiny", str(folder))
    query = ["query", "run", "tracing_overlaps", "--dataset", "tiny", *common]
    for engine in ("cypher", "sql"):
        answered = runner.invoke(main, [*query, "--engine", engine])
        assert answered.exit_code == 0, answered.stderr


def test_tracings_go_into_a_graph_without_the_layer_and_both_engines_answer(
    fresh_db_url: str, tmp_path: Path
) -> None:
    """``tracings add --dataset`` needs no segment node (a tracing node's segment is its
    ``segment_id`` property; its agglomerates are looked up in PostgreSQL): the graph gets
    the tracings, and the tracing queries give the same rows on both engines."""
    data = tmp_path / "data"
    common = ["--postgres-url", fresh_db_url, "--home", str(tmp_path / "home")]
    runner = cli_runner()
    for args in (
        ["synth", str(data), "--scale", "tiny", "--tracings", "-q"],
        ["load", str(data), "--dataset", "tiny", "-q", *common],
        ["tracings", "add", str(data / "tracings" / "connectem"), "--kind", "connectem"]
        + ["--dataset", "tiny", *common],
    ):
        done = runner.invoke(main, args)
        assert done.exit_code == 0, done.output
    settings = Settings(home=tmp_path / "home", postgres_url=fresh_db_url)
    with open_graph_store(settings) as store:
        assert store.counts("tiny")["Segment"] == 0
        tracings = store.run(
            "MATCH (t:Tracing {dataset: $dataset}) RETURN count(*) AS n", {"dataset": "tiny"}
        )
        with psycopg.connect(fresh_db_url) as conn:
            (in_postgres,) = conn.execute(
                "select count(*) from tracing t join tracing_file f using (file_id)"
                " where f.dataset = %s",
                ("tiny",),
            ).fetchone()  # type: ignore[misc]
        assert int(tracings.n[0]) == in_postgres > 0
    for name in sorted(TRACING_QUERIES):
        query = ["query", "run", name, "--dataset", "tiny", "--format", "csv", *common]
        answers = {}
        for engine in ("sql", "cypher"):
            done = runner.invoke(main, [*query, "--engine", engine])
            assert done.exit_code == 0, done.stderr
            answers[engine] = done.stdout
        assert answers["sql"] == answers["cypher"]
        if name == "tracing_evaluation":  # a row per tracing (no volume: no overlaps yet)
            assert len(answers["sql"].strip().splitlines()) == in_postgres + 1

"""The tracings' graph copy stays what PostgreSQL says, and the evaluation queries with it.

``(:TracingNode)-[:ON_AGGLOMERATE]->(:Axon|Target)`` is derived from ``tracing_node.segment_id`` and
the agglomerates; it must be exactly one relationship per node and axon or target whose
agglomerate holds the node's segment (as PostgreSQL's membership tables say), after a batch
is added, after the node segments change and the copy is made
again, and after the dataset is reloaded and the tracings copied into the new graph. At each
step both evaluation queries answer the same on PostgreSQL and LadybugDB, with and without
``kind``. Own environment (see ``support/tracings.py``): the last test reloads the dataset.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import psycopg
import pytest
from support.datasets import with_fake_files
from support.tracings import DATASET, TracingEnv, drop_env, make_env

from connectomedb import queries
from connectomedb.etl.load.graph.ladybug import begin_ladybug_load
from connectomedb.etl.load.postgres import load_dataset
from connectomedb.stores.graph import LadybugGraphStore
from connectomedb.synth.generate import generate
from connectomedb.tracings.graph import graph_writer, sync_graph
from connectomedb.tracings.store import add_tracings, set_node_segments

KINDS = (None, "connectem", "typeem")


@pytest.fixture(scope="module")
def env(embedded_server_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TracingEnv]:
    environment = make_env(embedded_server_url, tmp_path_factory.mktemp("tracings-graph"))
    yield environment
    drop_env(environment, embedded_server_url)


def _store(env: TracingEnv) -> LadybugGraphStore:
    return LadybugGraphStore(env.settings.embedded_graph_dir)


def _nodes(env: TracingEnv) -> pd.DataFrame:
    """(tracing_id, node_id, segment_id) of the dataset's tracing nodes in PostgreSQL."""
    with psycopg.connect(env.url) as pg:
        rows = pg.execute(
            "SELECT n.tracing_id, n.node_id, n.segment_id FROM tracing_node n"
            " JOIN tracing t USING (tracing_id) JOIN tracing_file f USING (file_id)"
            " WHERE f.dataset = %s",
            (DATASET,),
        ).fetchall()
    return pd.DataFrame(rows, columns=["tracing_id", "node_id", "segment_id"])


def _expected_links(env: TracingEnv) -> set[tuple[int, str, int]]:
    """(node_key, agglomerate kind, agglomerate ID) of every node on a segment (> 0) and
    every axon and target whose agglomerate holds that segment, from PostgreSQL."""
    with psycopg.connect(env.url) as pg:
        rows = pg.execute(
            "WITH member AS (SELECT dataset_id, 'axon' AS kind, axon_id AS id, segment_id"
            " FROM axon_segment UNION ALL SELECT dataset_id, 'target', target_id, segment_id"
            " FROM target_segment)"
            " SELECT DISTINCT n.tracing_id, n.node_id, m.kind, m.id FROM tracing_node n"
            " JOIN tracing t USING (tracing_id) JOIN tracing_file f USING (file_id)"
            " JOIN dataset d ON d.name = f.dataset"
            " JOIN member m ON m.dataset_id = d.dataset_id AND m.segment_id = n.segment_id"
            " WHERE f.dataset = %s AND n.segment_id > 0",
            (DATASET,),
        ).fetchall()
    return {(tracing * (1 << 32) + node, kind, id_) for tracing, node, kind, id_ in rows}


def _links(store: LadybugGraphStore) -> list[tuple[int, str, int]]:
    rows = store.run(
        "MATCH (n:TracingNode)-[:ON_AGGLOMERATE]->(a) RETURN n.node_key AS k,"
        " lower(label(a)) AS kind, a.id AS id",
        {},
    )
    return sorted(zip(rows["k"].astype(int), rows["kind"], rows["id"].astype(int), strict=True))


def _same(got: pd.DataFrame, want: pd.DataFrame, label: str) -> None:
    assert list(got.columns) == list(want.columns), label
    assert len(got) == len(want), label
    for column in want.columns:
        for i, (x, y) in enumerate(zip(got[column], want[column], strict=True)):
            if pd.isna(y):
                assert pd.isna(x), (label, column, i, x)
            elif isinstance(y, float):
                assert math.isclose(float(x), y, rel_tol=1e-9, abs_tol=1e-12), (label, column, i)
            else:
                assert x == y, (label, column, i, x, y)


def _check(env: TracingEnv) -> dict[str, pd.DataFrame]:
    """The graph copy is what PostgreSQL says and both engines answer alike; the answers."""
    store = _store(env)
    try:
        links = _links(store)
        assert len(links) == len(set(links)), "a node overlaps an agglomerate more than once"
        assert set(links) == _expected_links(env)
        answers = {}
        with psycopg.connect(env.url) as pg:
            for name in ("tracing_evaluation", "tracing_overlaps"):
                for kind in KINDS:
                    want = queries.run(name, pg, dataset=DATASET, kind=kind)
                    got = queries.run(name, store, dataset=DATASET, kind=kind)
                    _same(got, want, f"{name} {kind}")
                    answers[f"{name} {kind}"] = want
    finally:
        store.close()
    return answers


def test_each_node_overlaps_the_agglomerates_holding_its_segment_once(env: TracingEnv) -> None:
    answers = _check(env)
    store = _store(env)
    try:
        assert len(_links(store)) > 100
    finally:
        store.close()
    nodes = _nodes(env)
    assert (nodes.segment_id == 0).sum() > 0  # the planted gaps: nodes with no link
    assert len(answers["tracing_overlaps None"]) > len(env.truth["tracings"])


def test_a_batch_added_with_its_segments_links_only_its_nodes(
    env: TracingEnv, tmp_path: Path
) -> None:
    """A batch is written beside the tracings already in the graph (no replace)."""
    before = _check(env)
    folder = tmp_path / "extra"
    folder.mkdir()
    source = env.folder / "connectem" / env.truth["files"][0]
    copy = folder / "extra.nml"
    copy.write_text(source.read_text() + "<!-- the same trees again -->\n")  # a new SHA-256
    report = add_tracings(env.url, [copy], "connectem", DATASET)
    assert report.tracings > 0
    with psycopg.connect(env.url) as pg:
        new = pd.DataFrame(
            pg.execute(
                "SELECT n.tracing_id, n.node_id, o.segment_id FROM tracing_node n"
                " JOIN tracing t ON t.tracing_id = n.tracing_id"
                " JOIN tracing o_t ON o_t.tree_id = t.tree_id AND o_t.file_id <> t.file_id"
                " JOIN tracing_file o_f ON o_f.file_id = o_t.file_id AND o_f.name = %s"
                " JOIN tracing_node o ON o.tracing_id = o_t.tracing_id AND o.node_id = n.node_id"
                " WHERE t.file_id = ANY(%s)",
                (source.name, report.file_ids),
            ).fetchall(),
            columns=["tracing_id", "node_id", "segment_id"],
        )
        assert len(new) == report.nodes
        set_node_segments(pg, new)
        pg.commit()
        with pg.transaction():
            pending = graph_writer(env.settings, DATASET)(pg, report.file_ids)
    pending.commit()
    after = _check(env)
    grown = after["tracing_overlaps connectem"]
    assert len(grown) > len(before["tracing_overlaps connectem"])


def test_changed_segments_are_followed_when_the_copy_is_made_again(env: TracingEnv) -> None:
    nodes = _nodes(env)
    on = nodes[nodes.segment_id > 0]
    moved = on.iloc[::7].copy()
    others = on.segment_id.drop_duplicates().to_numpy()
    moved["segment_id"] = [others[(i * 5 + 3) % len(others)] for i in range(len(moved))]
    off = on.iloc[3::11].copy()
    off["segment_id"] = 0
    unknown = on.iloc[5::13].copy()
    unknown["segment_id"] = pd.NA
    change = pd.concat([moved, off, unknown]).drop_duplicates(["tracing_id", "node_id"])
    before = _check(env)
    with psycopg.connect(env.url) as pg:
        set_node_segments(pg, change)
    sync_graph(env.settings, env.url, DATASET)
    after = _check(env)
    assert not after["tracing_overlaps None"].equals(before["tracing_overlaps None"])
    sync_graph(env.settings, env.url, DATASET)  # again: the same links, none twice
    _check(env)


def test_a_reloaded_dataset_gets_its_links_back_with_its_tracings(env: TracingEnv) -> None:
    source = with_fake_files(generate("tiny", 1).dataset, "b")  # other files
    load_dataset(env.url, source, DATASET, replace=True)
    graph = begin_ladybug_load(env.settings.embedded_graph_dir, source, DATASET, replace=True)
    assert graph is not None
    graph.prepare()
    graph.commit()
    store = _store(env)
    try:
        assert _links(store) == []
        assert store.run("MATCH (t:Tracing) RETURN count(*) AS n", {})["n"].iloc[0] == 0
    finally:
        store.close()
    sync_graph(env.settings, env.url, DATASET)
    answers = _check(env)
    assert len(answers["tracing_overlaps None"]) > 0

"""The Neo4j loader without a Neo4j server: every statement it would send is collected; the
Neo4j-only ones (schema DDL) are checked as text, the portable ones are executed for real on
LadybugDB, and the graph they build must equal the one LadybugDB's own COPY load builds.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ladybug
import neo4j.exceptions
import pandas as pd
import pytest
from support.datasets import handmade_source
from support.graph_oracle import expected_counts

from connectomedb.commands.info import graph_datasets
from connectomedb.config import Settings
from connectomedb.errors import DatabaseError
from connectomedb.etl.frames import SourceDataset
from connectomedb.etl.load.graph.ladybug import begin_ladybug_load, ladybug_ddl
from connectomedb.etl.load.graph.neo4j import (
    Neo4jRunner,
    begin_with_runner,
    schema_statements,
)
from connectomedb.etl.load.graph.statements import Statement
from connectomedb.schema.graph import NODE_LABELS, NODES, REL_PAIRS, RELS
from connectomedb.stores.graph import Neo4jGraphStore
from connectomedb.stores.ladybug_layout import current_db_path


class LadybugCollector:
    """A statement runner that records every statement and executes the portable ones on a
    real LadybugDB connection (returning their records)."""

    def __init__(self, conn: Any, fail_at: int | None = None) -> None:
        self.conn = conn
        self.statements: list[Statement] = []
        self.fail_at = fail_at

    def run(self, statement: Statement) -> list[dict[str, Any]]:
        self.statements.append(statement)
        if self.fail_at is not None and len(self.statements) == self.fail_at:
            raise RuntimeError("injected failure")
        if not statement.portable:
            return []
        return self.conn.execute(statement.text, statement.params).get_as_df().to_dict("records")


def versioned_ddl() -> list[str]:
    """The model's LadybugDB tables, keyed by a serial number instead of the published key, so
    that two versions of a dataset can sit side by side as they do in Neo4j (uniqueness per
    (dataset, id) is Neo4j's job and is checked as DDL text above)."""
    out = []
    for ddl in ladybug_ddl():
        if ddl.startswith("CREATE NODE TABLE"):
            head, _, _ = ddl.rpartition(", PRIMARY KEY(")
            table, _, cols = head.partition("(")
            ddl = f"{table}(uid SERIAL, {cols}, PRIMARY KEY(uid))"
        out.append(ddl)
    return out


@pytest.fixture
def empty_graph(tmp_path: Path) -> Any:
    db = ladybug.Database(str(tmp_path / "neo4j-like.lbug"))
    conn = ladybug.Connection(db)
    for ddl in versioned_ddl():
        conn.execute(ddl)
    yield conn
    conn.close()
    db.close()


def dump(conn: Any, key: str) -> dict[str, pd.DataFrame]:
    """Every node (without ``dataset``) and relationship of dataset ``key``, sorted."""
    out: dict[str, pd.DataFrame] = {}
    for node in NODE_LABELS:
        if node.name == "Dataset":
            continue
        cols = [p.name for p in node.data_props]
        ret = ", ".join(f"n.`{c}` AS `{c}`" for c in cols)
        df = conn.execute(
            f"MATCH (n:`{node.name}` {{dataset: $k}}) RETURN {ret} ORDER BY n.`{node.key}`",
            {"k": key},
        ).get_as_df()
        out[node.name] = df.reset_index(drop=True)
    for rtype, frm, to in REL_PAIRS:
        props = RELS[rtype].prop_names
        ret = ", ".join(
            [f"a.`{NODES[frm].key}` AS f", f"b.`{NODES[to].key}` AS t"]
            + [f"e.`{p}` AS `{p}`" for p in props]
        )
        df = conn.execute(
            f"MATCH (a:`{frm}` {{dataset: $k}})-[e:`{rtype}`]->(b:`{to}`) RETURN {ret} "
            "ORDER BY f, t",
            {"k": key},
        ).get_as_df()
        out[f"{rtype} {frm}->{to}"] = df.reset_index(drop=True)
    return out


def copy_built(tmp_path: Path, src: SourceDataset) -> dict[str, pd.DataFrame]:
    root = tmp_path / "copy-built"
    job = begin_ladybug_load(root, src, "ds", replace=False, segments=True)
    assert job is not None
    job.prepare()
    job.commit()
    db = ladybug.Database(str(current_db_path(root, "ds")), read_only=True)
    conn = ladybug.Connection(db)
    try:
        return dump(conn, "ds")
    finally:
        conn.close()
        db.close()


def assert_same_graph(got: dict[str, pd.DataFrame], want: dict[str, pd.DataFrame]) -> None:
    assert got.keys() == want.keys()
    for name in want:
        pd.testing.assert_frame_equal(got[name], want[name], check_dtype=False, obj=name)


def current_key(conn: Any) -> list[str]:
    df = conn.execute("MATCH (d:Dataset) WHERE d.current RETURN d.dataset AS k").get_as_df()
    return df.k.tolist()


def load_through(collector: LadybugCollector, src: SourceDataset, *, replace: bool) -> str:
    """``src`` loaded through the Neo4j statements, with the segment layer (every label and
    relationship type gets its statements)."""
    job = begin_with_runner(collector, src, "ds", replace=replace, batch_size=7, segments=True)
    assert job is not None
    job.prepare()
    job.commit()
    return job.key


def test_schema_statements_are_neo4j_5_ddl() -> None:
    texts = [s.text for s in schema_statements()]
    assert all(not s.portable for s in schema_statements())
    for node in NODE_LABELS:
        props = "n.`dataset`" if node.key == "dataset" else f"(n.`dataset`, n.`{node.key}`)"
        matching = [
            t for t in texts if t.startswith("CREATE CONSTRAINT ") and f"FOR (n:`{node.name}`)" in t
        ]
        assert len(matching) == 1, node.name
        assert matching[0].endswith(f"REQUIRE {props} IS UNIQUE")
        assert " IF NOT EXISTS " in matching[0]
    assert (
        "CREATE INDEX dataset_name IF NOT EXISTS FOR (d:`Dataset`) ON (d.`name`, d.`current`)"
        in texts
    )
    assert texts[-1] == "CALL db.awaitIndexes(600)"


def test_portable_statements_build_the_copy_graph(tmp_path: Path, empty_graph: Any) -> None:
    src = handmade_source(seed=4)
    collector = LadybugCollector(empty_graph)
    key = load_through(collector, src, replace=False)
    assert key.startswith("ds@")

    # Only the schema DDL is Neo4j-only; everything else ran on LadybugDB.
    neo4j_only = [s.text for s in collector.statements if not s.portable]
    assert neo4j_only == [s.text for s in schema_statements()]
    # Batches respect the batch size and cover every row of the source.
    data = [s for s in collector.statements if s.text.startswith("UNWIND")]
    assert data and all(0 < len(s.params["rows"]) <= 7 for s in data)
    nodes, rels = expected_counts(src)
    assert sum(s.rows for s in data) == sum(nodes.values()) - 1 + sum(rels.values())
    assert all("$dataset" in s.text and s.params["dataset"] == key for s in data)

    assert current_key(empty_graph) == [key]
    assert_same_graph(dump(empty_graph, key), copy_built(tmp_path, src))


def test_replace_switches_versions_and_deletes_the_old(tmp_path: Path, empty_graph: Any) -> None:
    first = handmade_source(seed=1, tag="a")
    second = handmade_source(seed=2, n_synapses=50, tag="b")
    collector = LadybugCollector(empty_graph)
    old = load_through(collector, first, replace=False)
    assert (
        begin_with_runner(collector, first, "ds", replace=False, batch_size=7, segments=True)
        is None
    )
    # The same files without the segment layer: the graph is rebuilt.
    job = begin_with_runner(collector, first, "ds", replace=False, batch_size=7)
    assert job is not None
    job.abort()
    new = load_through(collector, second, replace=True)
    assert current_key(empty_graph) == [new]
    assert all(df.empty for df in dump(empty_graph, old).values())
    assert_same_graph(dump(empty_graph, new), copy_built(tmp_path, second))


def test_failed_load_is_aborted_and_the_previous_stays(tmp_path: Path, empty_graph: Any) -> None:
    first = handmade_source(seed=1, tag="a")
    second = handmade_source(seed=2, tag="b")
    good = load_through(LadybugCollector(empty_graph), first, replace=False)
    before = dump(empty_graph, good)

    failing = LadybugCollector(empty_graph, fail_at=40)
    job = begin_with_runner(failing, second, "ds", replace=True, batch_size=7, segments=True)
    assert job is not None
    with pytest.raises(RuntimeError, match="injected failure"):
        job.prepare()
    # Half-written: the new version exists but is not current; queries see the old one.
    assert current_key(empty_graph) == [good]
    assert_same_graph(dump(empty_graph, good), before)
    failing.fail_at = None
    job.abort()
    assert not any(len(df) for df in dump(empty_graph, job.key).values())
    assert empty_graph.execute("MATCH (d:Dataset) RETURN count(*) AS n").get_as_df().n[0] == 1

    # A killed load (no abort) is removed by the next load of the dataset.
    killed = begin_with_runner(
        LadybugCollector(empty_graph, fail_at=30),
        second,
        "ds",
        replace=True,
        batch_size=7,
        segments=True,
    )
    assert killed is not None
    with pytest.raises(RuntimeError):
        killed.prepare()
    newest = load_through(LadybugCollector(empty_graph), second, replace=True)
    keys = empty_graph.execute("MATCH (d:Dataset) RETURN d.dataset AS k").get_as_df().k
    assert keys.tolist() == [newest]
    assert not any(len(df) for df in dump(empty_graph, killed.key).values())


class _Record:
    def __init__(self, row: dict[str, Any]) -> None:
        self._row = row

    def data(self) -> dict[str, Any]:
        return self._row


class FlakyBolt:
    """A driver stand-in that fails the first ``failures`` statements with a transient error
    and runs the rest on a real LadybugDB connection."""

    def __init__(self, conn: Any, failures: int, error: type[Exception]) -> None:
        self.conn, self.failures, self.error, self.calls = conn, failures, error, 0

    def session(self, database: str) -> FlakyBolt:
        return self

    def __enter__(self) -> FlakyBolt:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def run(self, text: str, params: dict[str, Any]) -> list[_Record]:
        self.calls += 1
        if self.calls <= self.failures:
            raise self.error("injected")
        rows = self.conn.execute(text, params).get_as_df().to_dict("records")
        return [_Record(r) for r in rows]


@pytest.mark.parametrize(
    "error", [neo4j.exceptions.TransientError, neo4j.exceptions.ServiceUnavailable]
)
def test_runner_retries_transient_errors(empty_graph: Any, error: type[Exception]) -> None:
    sleeps: list[float] = []
    bolt = FlakyBolt(empty_graph, failures=3, error=error)
    runner = Neo4jRunner(bolt, "neo4j", sleep=sleeps.append)
    stmt = Statement(
        "UNWIND $rows AS r CREATE (n:Neuron {dataset: $dataset, id: r.id})",
        {"dataset": "x", "rows": [{"id": 1}, {"id": 2}]},
    )
    runner.run(stmt)
    assert sleeps == [0.5, 1.0, 2.0]
    n = empty_graph.execute("MATCH (n:Neuron) RETURN count(*) AS n").get_as_df().n[0]
    assert n == 2  # written exactly once

    always = Neo4jRunner(
        FlakyBolt(empty_graph, failures=99, error=error), "neo4j", sleep=sleeps.append
    )
    with pytest.raises(DatabaseError, match="kept failing after 6 attempts"):
        always.run(stmt)


def test_unreachable_neo4j_is_a_clear_error_without_the_password() -> None:
    from connectomedb.etl.load.graph import begin_graph_load

    settings = Settings(graph_url="bolt://loader:s3cret@127.0.0.1:9", neo4j_batch_size=10)
    with pytest.raises(DatabaseError) as caught:
        begin_graph_load(settings, handmade_source(), "ds", replace=False)
    message = str(caught.value)
    assert message.startswith("graph: cannot reach Neo4j at bolt://loader:***@127.0.0.1:9")
    assert "s3cret" not in message


class _BoltOnLadybug:
    """A driver stand-in whose ``execute_query`` runs the statement on a real LadybugDB
    connection (what :class:`~connectomedb.stores.graph.Neo4jGraphStore` reads through)."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn

    def execute_query(self, text: str, params: dict[str, Any], **_: Any) -> tuple[Any, ...]:
        frame = self.conn.execute(text, params).get_as_df()
        rows = [_Values(list(row)) for row in frame.itertuples(index=False)]
        return rows, None, list(frame.columns)

    def close(self) -> None:
        return None


class _Values:
    def __init__(self, values: list[Any]) -> None:
        self._values = values

    def values(self) -> list[Any]:
        return self._values


def test_info_reads_the_segment_layer_through_the_neo4j_statements(empty_graph: Any) -> None:
    """``connectomedb info``'s graph table through the Neo4j statements: a dataset loaded with
    the segment layer and one without it."""
    src = handmade_source()
    collector = LadybugCollector(empty_graph)
    for name, segments in (("with", True), ("without", False)):
        job = begin_with_runner(
            collector, src, name, replace=False, batch_size=50, segments=segments
        )
        assert job is not None
        job.prepare()
        job.commit()
    store = Neo4jGraphStore(Settings(graph_url="bolt://graph:7687"), _BoltOnLadybug(empty_graph))
    frame = graph_datasets(store)
    assert frame["name"].tolist() == ["with", "without"]
    assert frame["segment layer"].tolist() == ["yes", "no"]
    for name in ("with", "without"):
        key = frame.loc[frame["name"] == name, "key"].iloc[0]
        segments = empty_graph.execute(
            "MATCH (s:Segment {dataset: $k}) RETURN count(*) AS n", {"k": key}
        ).get_as_df()
        assert (int(segments.n[0]) > 0) is (name == "with")

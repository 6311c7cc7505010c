"""NML tracings: round trip against webknossos, idempotence, bad files, the evaluation queries.

One environment per module (see ``tracing_env.py``): the tiny synthetic dataset in the
embedded PostgreSQL and LadybugDB, its synthetic tracings added, node segments planted.
"""

from __future__ import annotations

import math
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import psycopg
import pytest
from click.testing import CliRunner
from psycopg import sql
from support.tracings import DATASET, TracingEnv, drop_env, make_env, oracle, webknossos_frames

from connectomedb import queries
from connectomedb.cli import main
from connectomedb.errors import InputError, LoadError
from connectomedb.stores.graph import LadybugGraphStore
from connectomedb.stores.ladybug_layout import current_version
from connectomedb.stores.views import READER_ROLE
from connectomedb.tracings.graph import graph_writer
from connectomedb.tracings.store import add_tracings, find_nml_files

COUNTS = "SELECT (SELECT count(*) FROM tracing_file), (SELECT count(*) FROM tracing_node)"


@pytest.fixture(scope="module")
def env(embedded_server_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TracingEnv]:
    environment = make_env(embedded_server_url, tmp_path_factory.mktemp("tracings"))
    yield environment
    drop_env(environment, embedded_server_url)


@pytest.fixture(scope="module")
def pg(env: TracingEnv) -> Iterator[psycopg.Connection]:
    with psycopg.connect(env.url, autocommit=True) as conn:
        yield conn


@pytest.fixture(scope="module")
def store(env: TracingEnv) -> Iterator[LadybugGraphStore]:
    graph = LadybugGraphStore(env.settings.embedded_graph_dir)
    yield graph
    graph.close()


def _ids(pg: psycopg.Connection) -> pd.DataFrame:
    return pd.DataFrame(
        pg.execute(
            "SELECT f.name, t.tree_id, t.tracing_id FROM tracing t JOIN tracing_file f"
            " ON f.file_id = t.file_id WHERE f.kind = 'connectem'"
        ).fetchall(),
        columns=["file", "tree_id", "tracing_id"],
    )


# --- round trip ----------------------------------------------------------------------------


def test_every_node_edge_and_comment_matches_what_webknossos_reads(
    env: TracingEnv, pg: psycopg.Connection
) -> None:
    trees, nodes, edges = webknossos_frames(env.folder / "connectem")
    db_nodes = pd.DataFrame(
        pg.execute(
            "SELECT f.name, t.tree_id, n.node_id, n.x, n.y, n.z, n.radius, n.comment,"
            " n.is_branch_point FROM tracing_node n JOIN tracing t USING (tracing_id)"
            " JOIN tracing_file f USING (file_id) WHERE f.kind = 'connectem'"
        ).fetchall(),
        columns=list(nodes.columns),
    )
    key = ["file", "tree_id", "node_id"]
    merged = nodes.merge(db_nodes, on=key, how="outer", suffixes=("", "_db"), indicator=True)
    assert (merged["_merge"] == "both").all()
    assert len(merged) == len(nodes) > 100
    for col in ("x", "y", "z", "is_branch_point"):
        assert (merged[col] == merged[f"{col}_db"]).all(), col
    assert merged["comment"].fillna("").tolist() == merged["comment_db"].fillna("").tolist()
    assert merged["comment"].notna().sum() >= len(trees)  # every tree has a "start" comment
    assert merged["radius"].isna().equals(merged["radius_db"].isna())
    assert merged["is_branch_point"].sum() > 0

    db_edges = pd.DataFrame(
        pg.execute(
            "SELECT f.name, t.tree_id, e.source_id, e.target_id, e.length_um FROM tracing_edge e"
            " JOIN tracing t USING (tracing_id) JOIN tracing_file f USING (file_id)"
            " WHERE f.kind = 'connectem'"
        ).fetchall(),
        columns=list(edges.columns),
    )

    def pairs(frame: pd.DataFrame) -> set[tuple]:
        return {
            (r.file, r.tree_id, *sorted((r.source_id, r.target_id)), round(r.length_um, 9))
            for r in frame.itertuples()
        }

    assert pairs(db_edges) == pairs(edges)
    db_trees = pd.DataFrame(
        pg.execute(
            "SELECT f.name, t.tree_id, t.name, g.name FROM tracing t JOIN tracing_file f"
            " USING (file_id) LEFT JOIN tracing_group g ON g.file_id = t.file_id"
            " AND g.group_id = t.group_id WHERE f.kind = 'connectem'"
        ).fetchall(),
        columns=list(trees.columns),
    )
    assert sorted(map(tuple, db_trees.values)) == sorted(map(tuple, trees.values))
    scale = pg.execute("SELECT DISTINCT scale_x, scale_y, scale_z FROM tracing_file").fetchall()
    assert scale == [(11.24, 11.24, 28.0)]


def test_the_graph_holds_the_same_tracings(
    env: TracingEnv, pg: psycopg.Connection, store: LadybugGraphStore
) -> None:
    counts = store.run(
        "MATCH (t:Tracing)-[:HAS_NODE]->(n:TracingNode) RETURN count(DISTINCT t) AS t,"
        " count(n) AS n, count(n.segment_id) AS s",
        {"dataset": DATASET},
    ).iloc[0]
    edges = store.run(
        "MATCH ()-[e:TRACED_TO]->() RETURN count(e) AS e, sum(e.length_um) AS l",
        {"dataset": DATASET},
    ).iloc[0]
    t, n, e, length = pg.execute(
        "SELECT count(DISTINCT t.tracing_id), (SELECT count(*) FROM tracing_node n JOIN tracing"
        " USING (tracing_id) JOIN tracing_file f USING (file_id) WHERE f.dataset = %(d)s),"
        " (SELECT count(*) FROM tracing_edge e JOIN tracing USING (tracing_id) JOIN tracing_file"
        " f USING (file_id) WHERE f.dataset = %(d)s), sum(t.path_length_um)"
        " FROM tracing t JOIN tracing_file f USING (file_id) WHERE f.dataset = %(d)s",
        {"d": DATASET},
    ).fetchone()
    assert (counts.t, counts.n, counts.s, edges.e) == (t, n, n, e)
    assert math.isclose(edges.l, length, rel_tol=1e-12)


def test_typeem_labels_come_from_tree_names_or_comments(
    env: TracingEnv, pg: psycopg.Connection
) -> None:
    rows = dict(
        pg.execute(
            "SELECT t.tree_id, t.label FROM tracing t JOIN tracing_file f USING (file_id)"
            " WHERE f.kind = 'typeem'"
        ).fetchall()
    )
    expected = {t["tree_id"]: t["label"] for t in env.typeem_truth["trees"]}
    assert rows == expected
    assert any(not t["name"].startswith(t["label"]) for t in env.typeem_truth["trees"])


# --- idempotence and bad files -------------------------------------------------------------


def test_the_same_files_twice_is_a_no_op(env: TracingEnv, pg: psycopg.Connection) -> None:
    before = pg.execute(COUNTS).fetchone()
    version = current_version(env.settings.embedded_graph_dir, DATASET)
    report = add_tracings(
        env.url,
        find_nml_files([env.folder / "connectem", env.folder / "typeem"]),
        "connectem",
        DATASET,
        after_write=graph_writer(env.settings, DATASET),
    )
    assert report.files_added == [] and len(report.files_skipped) == len(env.truth["files"]) + 1
    assert pg.execute(COUNTS).fetchone() == before
    assert current_version(env.settings.embedded_graph_dir, DATASET) == version


GOOD_NODE = '<node id="900001" x="5" y="6" z="7" />'
BAD_FILES = {
    "broken-xml": (
        "<things><parameters><scale x='1' y='1' z='1'/></parameters><thing id='1'>",
        r"line 1, column \d+: expected well-formed XML, found no element found",
    ),
    "missing-attribute": (
        '<node id="900001" x="5" z="7" />',
        r"line 4, <node>: expected attribute 'y', found none",
    ),
    "edge-to-unknown-node": (
        GOOD_NODE + '</nodes><edges><edge source="900001" target="77" />',
        r"line 4, <edge>: expected a target node of the same tree, "
        r"found target=77",
    ),
    "duplicate-node-id": (
        GOOD_NODE + GOOD_NODE.replace('x="5"', 'x="9"'),
        r"line 4, <node>: expected a node ID used once in the file, found id "
        r"900001 again \(first on line 4\)",
    ),
    "not-a-number": (
        '<node id="900001" x="five" y="6" z="7" />',
        r"line 4, <node>: expected x to be a number, found 'five'",
    ),
    "no-voxel-size": (
        "<things><parameters><experiment name='e'/></parameters></things>",
        r"<parameters>: expected <scale x y z> \(the voxel size\) in <parameters>,"
        r" found none",
    ),
}


def _bad_nml(path: Path, body: str) -> Path:
    if body.startswith("<things>"):
        path.write_text(body)
        return path
    if "</nodes>" not in body:
        body += "</nodes><edges>"
    path.write_text(
        '<?xml version="1.0"?>\n<things>\n<parameters><experiment name="e"/>'
        '<scale x="11.24" y="11.24" z="28"/></parameters>\n<thing id="1" name="t"><nodes>'
        + body
        + "</edges></thing>\n</things>\n"
    )
    return path


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_a_bad_file_names_file_line_and_element_and_loads_nothing(
    env: TracingEnv, pg: psycopg.Connection, tmp_path: Path, case: str
) -> None:
    body, message = BAD_FILES[case]
    good = tmp_path / "a-good.nml"
    good.write_text(_bad_nml(tmp_path / "x.nml", GOOD_NODE).read_text().replace('"t"', '"ok"'))
    (tmp_path / "x.nml").unlink()
    bad = _bad_nml(tmp_path / f"{case}.nml", body)
    before = pg.execute(COUNTS).fetchone()
    version = current_version(env.settings.embedded_graph_dir, DATASET)
    with pytest.raises(InputError) as caught:
        add_tracings(
            env.url,
            [good, bad],
            "connectem",
            DATASET,
            after_write=graph_writer(env.settings, DATASET),
        )
    assert str(caught.value).startswith(f"{bad}: ")
    assert re.search(message, str(caught.value)), str(caught.value)
    assert str(caught.value).lower().endswith("nothing of this batch was loaded.")
    assert pg.execute(COUNTS).fetchone() == before
    assert current_version(env.settings.embedded_graph_dir, DATASET) == version


def test_cli_add_reports_a_bad_file_without_traceback(env: TracingEnv, tmp_path: Path) -> None:
    bad = _bad_nml(tmp_path / "bad.nml", '<node id="1" x="1" y="1" />')
    result = CliRunner().invoke(
        main,
        [
            "tracings",
            "add",
            str(bad),
            "--kind",
            "connectem",
            "--postgres-url",
            env.url,
            "--home",
            str(env.settings.home),
        ],
    )
    assert result.exit_code == InputError.exit_code, result.output
    assert f"Error: {bad}: line 4, <node>: expected attribute 'z'" in result.output
    assert "Traceback" not in result.output


def test_cli_add_and_list(env: TracingEnv, tmp_path: Path) -> None:
    good = _bad_nml(tmp_path / "cli-one.nml", GOOD_NODE)
    args = ["--postgres-url", env.url, "--home", str(env.settings.home)]
    first = CliRunner().invoke(
        main, ["tracings", "add", str(good), "--kind", "manual-neurons", *args]
    )
    assert first.exit_code == 0, first.output
    assert "Added 1 file(s): 1 tracings, 1 nodes, 0 edges" in first.output
    again = CliRunner().invoke(
        main, ["tracings", "add", str(tmp_path), "--kind", "manual-neurons", *args]
    )
    assert "Skipped 1 file(s) already added." in again.output
    listed = CliRunner().invoke(main, ["tracings", "list", *args])
    assert "\tmanual-neurons\t\tcli-one.nml\t1\t1" in listed.output


# --- the evaluation ------------------------------------------------------------------------


def _same(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    assert list(got.columns) == list(expected.columns)
    assert len(got) == len(expected) > 0
    for col in got.columns:
        a, b = got[col].tolist(), expected[col].tolist()
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            if pd.isna(y):
                assert pd.isna(x), (col, i, x)
            elif isinstance(y, float):
                assert math.isclose(float(x), y, rel_tol=1e-9, abs_tol=1e-12), (col, i, x, y)
            else:
                assert x == y, (col, i, x, y)


@pytest.mark.parametrize("engine", ["sql", "cypher"])
def test_evaluation_queries_equal_the_pandas_oracle(
    env: TracingEnv, pg: psycopg.Connection, store: LadybugGraphStore, engine: str
) -> None:
    conn = pg if engine == "sql" else store
    evaluation, overlaps = oracle(env, _ids(pg))
    got_evaluation = queries.run("tracing_evaluation", conn, dataset=DATASET, kind="connectem")
    got_overlaps = queries.run("tracing_overlaps", conn, dataset=DATASET)
    _same(got_evaluation, evaluation)
    _same(got_overlaps, overlaps)
    # The declared column types (tests/test_queries_answers.py checks the other queries on a
    # dataset without tracings, where these two have no rows).
    dtypes = {"int": "Int64", "float": "float64", "text": "object"}
    for name, frame in (("tracing_evaluation", got_evaluation), ("tracing_overlaps", got_overlaps)):
        for column, type_ in queries.get_query(name).column_types().items():
            assert str(frame[column].dtype) == dtypes[type_], (name, engine, column)
    assert queries.run("tracing_evaluation", conn, dataset=DATASET, kind="typeem").empty


def test_evaluation_finds_the_planted_gaps_and_mergers(
    env: TracingEnv, pg: psycopg.Connection
) -> None:
    got = (
        queries.run("tracing_evaluation", pg, dataset=DATASET)
        .merge(_ids(pg), on=["tracing_id", "file", "tree_id"])
        .set_index(["file", "tree_id"])
    )
    overlaps = queries.run("tracing_overlaps", pg, dataset=DATASET)
    segments = pd.read_csv(env.folder / "connectem" / "node_segments.csv")
    planted = 0
    for t in env.truth["tracings"]:
        row = got.loc[(t["file"], t["tree_id"])]
        mine = overlaps[overlaps.tracing_id == row.tracing_id]
        nodes = segments[(segments.file == t["file"]) & (segments.tree_id == t["tree_id"])]
        assert row.nodes == t["nodes"]
        assert row.nodes_on_segments == (nodes.segment_id > 0).sum()
        assert (row.best_kind, row.best_id) == (t["kind"], t["id"]), t
        if t["gap_nodes"]:
            assert row.fraction_on_segments <= 1 - t["gap_nodes"] / t["nodes"]
            assert row.recall < 1
            planted += 1
        if t["merger"]:
            m = t["merger"]
            hit = mine[(mine.agglomerate_kind == m["kind"]) & (mine.agglomerate_id == m["id"])]
            assert len(hit) == 1 and hit.nodes.iloc[0] >= 1, t
            assert row.agglomerates >= 2
            planted += 1
        if not t["gap_nodes"] and not t["merger"] and (nodes.segment_id > 0).all():
            assert row.agglomerates == 1 and math.isclose(row.recall, 1.0)
    assert planted >= 10


FUNCTION = "public.tracing_overlaps(text, text)"


def test_the_function_holds_the_overlaps_of_the_query(
    env: TracingEnv, pg: psycopg.Connection
) -> None:
    """The function tracing_overlaps (migration 0018) answers as the query of that name for
    every kind, with the query's column types, and the planner inlines it (no Function Scan)."""
    language, volatility, definer, config = pg.execute(
        "SELECT l.lanname, p.provolatile, p.prosecdef, p.proconfig FROM pg_proc p"
        " JOIN pg_language l ON l.oid = p.prolang WHERE p.oid = %s::regprocedure",
        (FUNCTION,),
    ).fetchone()
    assert (language, volatility, definer, config) == ("sql", "s", False, None)
    for kind in (None, "connectem", "typeem", "no-such-kind"):
        expected = queries.run("tracing_overlaps", pg, dataset=DATASET, kind=kind)
        cur = pg.execute(
            "SELECT * FROM tracing_overlaps(%s, %s)"
            " ORDER BY tracing_id, agglomerate_kind, agglomerate_id",
            (DATASET, kind),
        )
        assert [c.name for c in cur.description] == list(expected.columns)
        assert cur.fetchall() == list(expected.itertuples(index=False, name=None)), kind
        if kind in (None, "connectem"):
            assert len(expected) > 0
    assert pg.execute("SELECT count(*) FROM tracing_overlaps(%s)", (DATASET,)).fetchone() == (
        len(queries.run("tracing_overlaps", pg, dataset=DATASET)),
    )
    for name in ("tracing_overlaps", "tracing_evaluation"):
        plan = pg.execute(
            "EXPLAIN " + queries.get_query(name).sql, {"dataset": DATASET, "kind": None}
        ).fetchall()
        assert not any("Function Scan" in line for (line,) in plan), name


def test_the_function_reads_with_the_callers_rights_and_writes_nothing(
    env: TracingEnv, pg: psycopg.Connection
) -> None:
    """A read-only transaction may call the function; the BI reader role, which reads the
    schema bi only, is refused the tables it reads, and may not replace, alter or drop it."""
    with psycopg.connect(env.url) as conn:
        conn.read_only = True
        rows = conn.execute("SELECT count(*) FROM tracing_overlaps(%s)", (DATASET,)).fetchone()
        assert rows is not None and rows[0] > 0
    member = f"cdb_overlaps_{uuid.uuid4().hex[:8]}"
    pg.execute(
        sql.SQL("CREATE ROLE {} IN ROLE {}").format(
            sql.Identifier(member), sql.Identifier(READER_ROLE)
        )
    )
    replace = (
        f"CREATE OR REPLACE FUNCTION {FUNCTION.split('(')[0]}(dataset text, kind text DEFAULT"
        " NULL) RETURNS TABLE (tracing_id integer, agglomerate_kind text, agglomerate_id"
        " integer, nodes bigint, path_length_um double precision) LANGUAGE sql"
        " AS 'SELECT 1, NULL::text, 1, 1::bigint, 1::float8'"
    )
    refused = [
        "SELECT * FROM public.tracing_overlaps('tiny')",
        "SELECT * FROM public.tracing_overlaps('tiny', 'connectem')",
        replace,
        f"ALTER FUNCTION {FUNCTION} SECURITY DEFINER",
        f"ALTER FUNCTION {FUNCTION} OWNER TO CURRENT_USER",
        f"DROP FUNCTION {FUNCTION}",
        "CREATE FUNCTION public.evil() RETURNS int LANGUAGE sql AS 'SELECT 1'",
    ]
    try:
        for statement in refused:
            with psycopg.connect(env.url, autocommit=True) as conn:
                conn.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(member)))
                conn.execute("SET search_path = public")
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    conn.execute(statement)
    finally:
        pg.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(member)))
    definition = pg.execute(
        "SELECT p.prosecdef, pg_get_userbyid(p.proowner) = current_user FROM pg_proc p"
        " WHERE p.oid = %s::regprocedure",
        (FUNCTION,),
    ).fetchone()
    assert definition == (False, True)
    assert not pg.execute("SELECT 1 FROM pg_proc WHERE proname = 'evil'").fetchall()


def test_a_file_without_trees_and_a_tree_without_nodes_are_stored(
    env: TracingEnv, pg: psycopg.Connection, store: LadybugGraphStore, tmp_path: Path
) -> None:
    head = '<things><parameters><experiment name="e"/><scale x="1" y="2" z="3"/></parameters>'
    empty = tmp_path / "no-trees.nml"
    empty.write_text(head + "</things>")
    bare = tmp_path / "bare-tree.nml"
    bare.write_text(head + '<thing id="4" name="axon empty"><nodes/><edges/></thing></things>')
    report = add_tracings(
        env.url, [empty, bare], "typeem", DATASET, after_write=graph_writer(env.settings, DATASET)
    )
    assert (report.tracings, report.nodes) == (1, 0)
    row = pg.execute(
        "SELECT t.nodes, t.edges, t.path_length_um, t.label FROM tracing t JOIN tracing_file f"
        " USING (file_id) WHERE f.name = 'bare-tree.nml'"
    ).fetchone()
    assert row == (0, 0, 0.0, "axon")
    got = queries.run("tracing_evaluation", pg, dataset=DATASET, kind="typeem")
    assert got[["tracing_name", "nodes", "agglomerates"]].values.tolist() == [["axon empty", 0, 0]]
    assert pd.isna(got.fraction_on_segments.iloc[0]) and pd.isna(got.recall.iloc[0])
    _same(queries.run("tracing_evaluation", store, dataset=DATASET, kind="typeem"), got)


def test_a_dataset_without_a_graph_is_refused_and_nothing_is_stored(
    env: TracingEnv, pg: psycopg.Connection, tmp_path: Path
) -> None:
    good = _bad_nml(tmp_path / "lonely.nml", GOOD_NODE)
    good.write_text(good.read_text().replace('name="t"', 'name="lonely"'))  # a new file
    before = pg.execute(COUNTS).fetchone()
    with pytest.raises(LoadError) as caught:
        add_tracings(
            env.url, [good], "connectem", "absent", after_write=graph_writer(env.settings, "absent")
        )
    assert str(caught.value) == (
        "graph: dataset 'absent' is not loaded in the graph, so its tracings cannot be added "
        "there. Load it first, or add the tracings with --no-graph."
    )
    assert pg.execute(COUNTS).fetchone() == before

"""The schema ``bi`` (migration 0004) against the source, as the owner and as the read-only
login, on every server; and a BI client library (SQLAlchemy + psycopg2, as Superset uses it)
over TCP to the embedded server with the URL ``grant-reader`` prints."""

from __future__ import annotations

import re
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import psycopg
import pytest
from psycopg import sql
from support import oracle
from support.cli import run_cli, run_grant_reader
from support.datasets import valid_dataset
from support.servers import assert_reader_cannot_write, free_port
from support.stores import as_login, query_frame

from connectomedb.etl.extract import read_dataset
from connectomedb.etl.load.postgres import load_dataset
from connectomedb.stores.postgres import upgrade
from connectomedb.stores.views import BI_VIEWS, grant_reader
from connectomedb.synth.generate import generate

PASSWORD = "Bi-Reader-pw1"


def _classes(table: object, names: list[str]) -> dict[str, int]:
    """Class name -> sort order (smallest code of the name; 'Unknown' last when used)."""
    frame = table.frame  # type: ignore[attr-defined]
    order = frame.groupby("name").code.min().astype(int).to_dict()
    if "Unknown" in names and "Unknown" not in order:
        order["Unknown"] = 32767
    return order


@pytest.fixture
def loaded(fresh_db_url: str) -> Iterator[tuple[str, object]]:
    upgrade(fresh_db_url)
    source = generate("tiny", 0).dataset
    load_dataset(fresh_db_url, source, "tiny")
    yield fresh_db_url, source


def test_class_matrix_has_every_cell(loaded: tuple[str, object]) -> None:
    url, source = loaded
    f = oracle.frames(source)  # type: ignore[arg-type]
    axon_order = _classes(source.axons.classes, list(f.axons.axon_class))  # type: ignore[attr-defined]
    target_order = _classes(source.targets.classes, list(f.targets.target_class))  # type: ignore[attr-defined]
    expected = oracle.answer("class_matrix", source).set_index(["axon_class", "target_class"])
    with psycopg.connect(url) as conn:
        m = query_frame(
            conn,
            "SELECT * FROM bi.class_matrix WHERE dataset_name = %s"
            " ORDER BY axon_class_order, target_class_order",
            ("tiny",),
        )
        loaded_at = conn.execute(
            "SELECT loaded_at FROM public.dataset WHERE name = 'tiny'"
        ).fetchone()[0]
    assert list(m.columns) == list(BI_VIEWS["class_matrix"])
    assert len(m) == len(axon_order) * len(target_order)
    assert dict(zip(m.axon_class, m.axon_class_order, strict=True)) == axon_order
    assert dict(zip(m.target_class, m.target_class_order, strict=True)) == target_order
    assert m.axon_class_order.is_monotonic_increasing
    for row in m.itertuples():
        key = (row.axon_class, row.target_class)
        if key in expected.index:
            cell = expected.loc[key]
            assert (row.synapses, row.axons, row.targets) == (
                cell.synapses,
                cell.axons,
                cell.targets,
            ), key
            assert float(row.fraction) == round(float(cell.fraction), 4), key
        else:
            assert (row.synapses, row.connections, row.axons, row.targets) == (0, 0, 0, 0), key
            assert float(row.fraction) == 0.0
    assert int(m.synapses.sum()) == len(f.syn)
    assert (m.loaded_at == loaded_at).all()


def test_bi_views_are_labelled_commented_and_listed(loaded: tuple[str, object]) -> None:
    url, source = loaded
    with psycopg.connect(url) as conn:
        listed = conn.execute(
            "SELECT table_name, table_type FROM information_schema.tables"
            " WHERE table_schema = 'bi' ORDER BY table_name"
        ).fetchall()
        assert listed == [(v, "VIEW") for v in sorted(BI_VIEWS)]
        for view, columns in BI_VIEWS.items():
            got = conn.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = 'bi'"
                " AND table_name = %s ORDER BY ordinal_position",
                (view,),
            ).fetchall()
            assert [c for (c,) in got] == list(columns), view
            about = conn.execute(
                "SELECT obj_description(%s::regclass, 'pg_class')", (f"bi.{view}",)
            ).fetchone()[0]
            assert about and len(about) > 10, view
            described = conn.execute(
                "SELECT a.attname, col_description(a.attrelid, a.attnum) FROM pg_attribute a"
                " WHERE a.attrelid = %s::regclass AND a.attnum > 0",
                (f"bi.{view}",),
            ).fetchall()
            assert all(text for _name, text in described), (view, described)
            for column in columns:
                if column.endswith("_class"):
                    nulls = conn.execute(
                        sql.SQL("SELECT count(*) FROM bi.{} WHERE {} IS NULL").format(
                            sql.Identifier(view), sql.Identifier(column)
                        )
                    ).fetchone()[0]
                    assert nulls == 0, (view, column)
            rows = conn.execute(
                sql.SQL("SELECT count(*), count(loaded_at) FROM bi.{}").format(sql.Identifier(view))
            ).fetchone()
            assert rows[0] > 0 and rows[0] == rows[1], view
        syn = source.synapses  # type: ignore[attr-defined]
        labels = dict(
            conn.execute(
                "SELECT axon_class = 'No axon', sum(synapses) FROM bi.synapses GROUP BY 1"
            ).fetchall()
        )
        assert sum(labels.values()) == syn.n
        assert labels.get(True, 0) == int((syn.axon_id == 0).sum())


def test_reader_sees_only_bi_and_writes_nothing(loaded: tuple[str, object]) -> None:
    url, _source = loaded
    login = "bi_view_" + uuid.uuid4().hex[:8]
    with psycopg.connect(url) as admin:
        grant_reader(admin, login, PASSWORD)
    reader = as_login(url, login, PASSWORD)
    try:
        with psycopg.connect(reader) as conn:
            tables = conn.execute(
                "SELECT table_schema, table_name FROM information_schema.tables WHERE"
                " table_schema NOT IN ('pg_catalog', 'information_schema')"
            ).fetchall()
            assert sorted(tables) == [("bi", v) for v in sorted(BI_VIEWS)]
            assert conn.execute("SHOW search_path").fetchone() == ("bi",)
            assert conn.execute("SELECT count(*) FROM class_matrix").fetchone()[0] > 0
        assert_reader_cannot_write(reader)
    finally:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(login)))
            admin.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(login)))


def test_a_bi_client_over_tcp_with_the_printed_url(tmp_path: Path) -> None:
    """SQLAlchemy with psycopg2 (Superset's stack), the URL printed by `grant-reader` after
    `db serve`, the password filled in: lists the bi views and runs each view's chart query."""
    import sqlalchemy

    data = valid_dataset(tmp_path / "tiny", seed=0)
    root = Path(tempfile.mkdtemp(prefix="cdb-bi-"))
    home = str(root / "home")
    port = free_port()
    try:
        loaded = run_cli("load", str(data), "--dataset", "tiny", "--no-graph", "-q", "--home", home)
        assert loaded.returncode == 0, loaded.stderr
        served = run_cli("db", "serve", "--port", str(port), "--home", home)
        assert served.returncode == 0, served.stderr
        granted = run_grant_reader("superset", PASSWORD, "--home", home)
        printed = re.search(r"Superset \(SQLAlchemy URI\): (\S+)", granted.stdout)
        assert printed is not None, granted.stdout
        uri = printed.group(1)
        assert uri == f"postgresql+psycopg2://superset:***@127.0.0.1:{port}/connectomedb"
        engine = sqlalchemy.create_engine(uri.replace("***", PASSWORD))
        assert engine.dialect.driver == "psycopg2"
        try:
            with engine.connect() as conn:
                inspector = sqlalchemy.inspect(conn)
                assert inspector.default_schema_name == "bi"
                assert sorted(inspector.get_view_names()) == sorted(BI_VIEWS)
                assert inspector.get_table_names() == []
                for view, columns in BI_VIEWS.items():
                    got = [c["name"] for c in inspector.get_columns(view, schema="bi")]
                    assert got == list(columns), view
                    rows = conn.exec_driver_sql(f"SELECT * FROM bi.{view} LIMIT 5").fetchall()
                    assert rows, view
                heatmap = pd.read_sql_query(
                    sqlalchemy.text(
                        'SELECT axon_class, target_class, SUM(synapses) AS "SUM(synapses)"'
                        " FROM bi.class_matrix WHERE dataset_name IN ('tiny')"
                        " GROUP BY axon_class, target_class"
                        " ORDER BY min(axon_class_order), min(target_class_order)"
                    ),
                    conn,
                )
        finally:
            engine.dispose()
        source = read_dataset(data)
        expected = oracle.answer("class_matrix", source)
        nonzero = (
            heatmap[heatmap["SUM(synapses)"] > 0]
            .sort_values(["axon_class", "target_class"])
            .reset_index(drop=True)
        )
        assert list(nonzero["SUM(synapses)"]) == list(expected.synapses)
        assert list(nonzero.axon_class) == list(expected.axon_class)
        assert int(heatmap["SUM(synapses)"].sum()) == len(oracle.frames(source).syn)
    finally:
        run_cli("db", "stop", "--home", home)
        shutil.rmtree(root, ignore_errors=True)

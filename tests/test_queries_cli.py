"""``connectomedb query list|run`` and ``connectomedb db grant-reader|refresh-views``."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import psycopg
import pytest
from support import oracle
from support.cli import cli_runner

from connectomedb.cli import main
from connectomedb.etl.load.graph.ladybug import begin_ladybug_load
from connectomedb.etl.load.postgres import load_dataset
from connectomedb.stores.postgres import upgrade
from connectomedb.synth.generate import generate


@pytest.fixture
def stores(fresh_db_url: str, tmp_path: Path) -> tuple[str, Path]:
    source = generate("tiny", 0).dataset
    upgrade(fresh_db_url)
    load_dataset(fresh_db_url, source, "tiny")
    home = tmp_path / "home"
    load = begin_ladybug_load(home / "graph", source, "tiny", replace=False)
    assert load is not None
    load.prepare()
    load.commit()
    return fresh_db_url, home


def _invoke(args: list[str]) -> tuple[int, str, str]:
    runner = cli_runner()
    result = runner.invoke(main, args)
    return result.exit_code, result.stdout, result.stderr


def _run_query(stores: tuple[str, Path], name: str, *args: str) -> tuple[int, str, str]:
    """``connectomedb query run NAME ARGS`` on the stores of the fixture."""
    url, home = stores
    return _invoke(["query", "run", name, *args, "--postgres-url", url, "--home", str(home)])


def test_list_names_every_query() -> None:
    code, out, _ = _invoke(["query", "list", "--format", "json"])
    assert code == 0
    names = [row["name"] for row in json.loads(out)]
    assert "bifans" in names and "class_matrix" in names and len(names) >= 20


@pytest.mark.parametrize("engine", ["sql", "cypher"])
def test_run_csv_equals_the_oracle(stores: tuple[str, Path], engine: str) -> None:
    minima = ["-p", "min_axon_synapses", "10", "-p", "min_target_synapses", "10"]
    code, out, err = _run_query(
        stores, "class_matrix", *minima, "--engine", engine, "--format", "csv"
    )
    assert code == 0, err
    got = pd.read_csv(io.StringIO(out))
    expected = oracle.answer(
        "class_matrix", generate("tiny", 0).dataset, min_axon_synapses=10, min_target_synapses=10
    )
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)


def test_run_list_parameter_and_json(stores: tuple[str, Path]) -> None:
    ids = ["-p", "axon_ids", "1,2,6"]
    code, out, err = _run_query(
        stores, "common_targets", *ids, "--format", "json", "--dataset", "tiny"
    )
    assert code == 0, err
    assert [r["target_id"] for r in json.loads(out)] == [2, 14, 15, 17]


def test_run_table_prints_rows(stores: tuple[str, Path]) -> None:
    code, out, err = _run_query(stores, "motif_counts", "--engine", "cypher")
    assert code == 0, err
    assert "bifans" in out and "165" in out
    assert "7 rows" in err


def test_errors_are_one_line_with_the_fix(stores: tuple[str, Path]) -> None:
    url, home = stores
    code, _, err = _invoke(["query", "run", "bifan", "--postgres-url", url])
    assert code == 6
    assert err.strip() == (
        "Error: no query named 'bifan'. Did you mean bifans? List them with `connectomedb query "
        "list` (or connectomedb.queries.list_queries())."
    )
    code, _, err = _invoke(["query", "run", "bifans", "-p", "limit", "many", "--postgres-url", url])
    assert code == 6
    assert "parameter 'limit' expects int, found 'many'" in err
    code, _, err = _invoke(
        ["query", "run", "bifans", "--dataset", "nope", "--postgres-url", url, "--home", str(home)]
    )
    assert code == 6
    assert "dataset 'nope' is not loaded in PostgreSQL" in err
    code, _, err = _invoke(
        [
            "query",
            "run",
            "class_matrix_vs_csv",
            "--engine",
            "cypher",
            "--postgres-url",
            url,
            "--home",
            str(home),
        ]
    )
    assert code == 6
    assert "has no Cypher version" in err


def test_grant_reader_and_refresh_views(stores: tuple[str, Path]) -> None:
    url, home = stores
    code, out, err = _invoke(["db", "refresh-views", "--postgres-url", url])
    assert code == 0, err
    assert "bi_class_matrix" in out
    import uuid

    login = "cli_reader_" + uuid.uuid4().hex[:6]
    code, out, err = _invoke(
        ["db", "grant-reader", login, "--password", "pw-1", "--postgres-url", url]
    )
    assert code == 0, err
    assert out.splitlines()[0] == (
        f"Created login '{login}': read-only (member of connectomedb_reader)."
    )
    assert f"postgresql+psycopg2://{login}:***@" in out and "pw-1" not in out
    with psycopg.connect(url) as conn:
        member = conn.execute(
            "SELECT pg_has_role(%s, 'connectomedb_reader', 'MEMBER')", (login,)
        ).fetchone()
        assert member == (True,)
        rows = conn.execute("SELECT count(*) FROM bi_class_matrix").fetchone()[0]
        assert rows == len(oracle.answer("class_matrix", generate("tiny", 0).dataset))

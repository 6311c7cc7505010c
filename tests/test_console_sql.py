"""``connectomedb sql`` (read-only transactions unless --write) and the statement scanner both
consoles share."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import psycopg
import pytest
from support.cli import cli_runner

from connectomedb.cli import main
from connectomedb.config import Settings
from connectomedb.console.sql import SqlConsole
from connectomedb.console.text import is_complete, split_statements, write_keyword
from connectomedb.errors import QueryError
from connectomedb.etl.load.postgres import load_dataset
from connectomedb.stores.postgres import upgrade
from connectomedb.synth.generate import generate


@pytest.fixture
def url(fresh_embedded_db_url: str) -> str:
    upgrade(fresh_embedded_db_url)
    load_dataset(fresh_embedded_db_url, generate("tiny", 0).dataset, "tiny")
    return fresh_embedded_db_url


def sql(url: str, *args: str) -> tuple[int, str, str]:
    result = cli_runner().invoke(main, ["sql", "--postgres-url", url, *args])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.exit_code, result.stdout, result.stderr


def _axons(url: str) -> int:
    with psycopg.connect(url) as conn:
        return int(conn.execute("SELECT count(*) FROM axon").fetchone()[0])  # type: ignore[index]


def test_a_query_with_the_dataset_parameter(url: str) -> None:
    source = generate("tiny", 0).dataset
    code, out, err = sql(
        url,
        "--format",
        "csv",
        "-p",
        "min",
        "0",
        "SELECT count(*) AS n FROM axon a JOIN dataset d USING (dataset_id) "
        "WHERE d.name = %(dataset)s AND a.axon_id > %(min)s",
    )
    assert code == 0, err
    assert pd.read_csv(io.StringIO(out)).n.tolist() == [len(source.axons.class_code)]


def test_writes_are_refused_without_write(url: str) -> None:
    before = _axons(url)
    code, out, err = sql(url, "DELETE FROM axon")
    assert code == QueryError.exit_code and out == ""
    assert err.strip() == (
        "Error: sql: the statement writes (DELETE) and the console is read-only. "
        "Run `connectomedb sql --write` to allow writes."
    )
    # below the guard, the transaction itself is read-only
    with SqlConsole(Settings(postgres_url=url)) as console:
        with pytest.raises(QueryError, match="console is read-only"):
            console._one(
                "WITH gone AS (DELETE FROM axon RETURNING 1) SELECT count(*) FROM gone", {}
            )
    assert _axons(url) == before


def test_write_allows_writes_and_errors_are_clean(url: str) -> None:
    code, out, err = sql(
        url, "--write", "--format", "json", "DELETE FROM synapse_pre_segment WHERE false"
    )
    assert code == 0, err
    assert json.loads(out) == [{"status": "DELETE 0"}]
    code, out, err = sql(url, "SELEC 1")
    assert code == QueryError.exit_code and "Traceback" not in err
    assert 'syntax error at or near "SELEC"' in err and "LINE 1: SELEC 1" in err


def test_the_schema_lists_tables_and_views(url: str) -> None:
    with SqlConsole(Settings(postgres_url=url)) as console:
        frame = console.schema()
    names = set(frame.name)
    assert {"axon", "synapse", "bi_synapse", "bi_class_matrix"} <= names
    axon = frame[frame.name == "axon"].iloc[0]
    assert axon.kind == "table" and "axon_id integer" in axon.properties


@pytest.mark.parametrize(
    ("text", "dialect", "keyword"),
    [
        ("MATCH (n) RETURN n.set, n.delete", "cypher", None),
        ("MATCH (n:Create) RETURN {delete: 1} AS m", "cypher", None),
        ("RETURN 'CREATE' AS s, `SET` AS t", "cypher", None),
        ("MATCH (n) // SET n.x = 1\nRETURN n", "cypher", None),
        ("MATCH (a)--(b) SET a.x = 1", "cypher", "SET"),  # `--` is a pattern in Cypher
        ("match (n) detach delete n", "cypher", "DETACH"),
        ("COPY (MATCH (a) RETURN a) TO 'x.csv'", "cypher", "COPY"),
        ("SELECT 1 -- DELETE", "sql", None),
        ("SELECT 'drop' AS x", "sql", None),
        ("update axon set axon_id = 1", "sql", "UPDATE"),
    ],
)
def test_write_keywords(text: str, dialect: str, keyword: str | None) -> None:
    assert write_keyword(text, dialect) == keyword


def test_split_and_complete() -> None:
    assert split_statements("RETURN 1; RETURN ';' ; // x;\n ;") == ["RETURN 1", "RETURN ';'"]
    assert is_complete("RETURN 1;") and not is_complete("RETURN ';")
    assert not is_complete("RETURN 1 // ;") and not is_complete("")


def test_an_unreachable_server_is_one_message(tmp_path: Path) -> None:
    result = cli_runner().invoke(
        main, ["sql", "--postgres-url", "postgresql://x@/nope?host=" + str(tmp_path), "SELECT 1"]
    )
    assert result.exit_code != 0 and "Traceback" not in result.stderr
    assert result.stderr.startswith("Error: ") and "PostgreSQL" in result.stderr

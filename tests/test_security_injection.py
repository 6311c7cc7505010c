"""Values reach SQL and Cypher only as parameters: injection strings and odd Unicode through
every text parameter of every named query and through the dataset name change nothing and give
the right answers; a NUL character and non-numbers for numeric parameters are refused cleanly.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from support import oracle
from support.cli import run_cli
from support.datasets import valid_dataset
from support.fingerprints import graph_content, pg_fingerprint
from support.frames import rows_of
from support.servers import fresh_database

from connectomedb import queries
from connectomedb.errors import QueryError
from connectomedb.etl.extract import read_dataset
from connectomedb.queries.parameters import CLASS_PARAMS
from connectomedb.stores.graph import LadybugGraphStore

#: Values a hostile or careless user might pass (none contains NUL).
EVIL = [
    "'; DROP TABLE synapse; --",
    "Inhibitory' OR '1'='1",
    'Inhibitory") OR 1=1 //',
    "$dataset",
    "{dataset: 'x'}",
    "`Axon`",
    "}) DETACH DELETE n //",
    "\\' \\\" \\\\",
    "Inhib\u200fitory\u202e",  # RTL mark and override
    "Inhibitory 🧠🔥",
    "Ｉｎｈｉｂｉｔｏｒｙ",  # full-width letters
    "x" * 10_000,
]
#: Dataset names to load under; each is a valid name.
EVIL_NAMES = [
    "'; DROP TABLE synapse; --",
    'a"b`c$d {e} \\f/../g \u200fשלום 🧠',
]
#: A text value that exists in the data, so a filter that works returns rows.
REAL_CLASS = "Inhibitory"
#: The same for each class parameter (each is checked against the dataset's names).
REAL_NAMES = {"axon_class": REAL_CLASS, "target_class": "Soma", "synapse_type": "PrimarySpine"}


def _text_params() -> list[tuple[str, str]]:
    out = []
    for query in queries.load_queries().values():
        for p in query.params:
            if p.type in ("text", "text[]"):
                out.append((query.name, p.name))
    return out


def _numeric_params() -> list[tuple[str, str]]:
    out = []
    for query in queries.load_queries().values():
        for p in query.params:
            if p.type in ("int", "float", "int[]"):
                out.append((query.name, p.name))
    return out


class Loaded:
    def __init__(self, url: str, home: Path, source: Any) -> None:
        self.url = url
        self.home = home
        self.source = source


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory, embedded_server_url: str) -> Iterator[Loaded]:
    folder = valid_dataset(tmp_path_factory.mktemp("sec") / "tiny", seed=0)
    home = tmp_path_factory.mktemp("sec-home")
    for url in fresh_database(embedded_server_url):
        for name in EVIL_NAMES:
            result = run_cli(
                "load",
                str(folder),
                "--dataset",
                name,
                "--quiet",
                "--home",
                str(home),
                "--postgres-url",
                url,
            )
            assert result.returncode == 0, result.stderr
        yield Loaded(url, home, read_dataset(folder))


@pytest.fixture(scope="module")
def conns(loaded: Loaded) -> Iterator[dict[str, Any]]:
    with (
        psycopg.connect(loaded.url, autocommit=True) as pg,
        LadybugGraphStore(loaded.home / "graph") as graph,
    ):
        yield {"sql": pg, "cypher": graph}


def test_dataset_names_are_stored_as_given(loaded: Loaded, conns: dict[str, Any]) -> None:
    with psycopg.connect(loaded.url) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM dataset ORDER BY name")]
    assert names == sorted(EVIL_NAMES)
    assert sorted(conns["cypher"].datasets()["name"]) == sorted(EVIL_NAMES)


@pytest.mark.parametrize("engine", ["sql", "cypher"])
@pytest.mark.parametrize("name", EVIL_NAMES, ids=["quote-drop", "odd-unicode"])
def test_every_query_under_a_hostile_dataset_name(
    loaded: Loaded, conns: dict[str, Any], engine: str, name: str
) -> None:
    for query in queries.load_queries().values():
        if engine not in query.engines:
            continue
        needed = {p.name: [1, 2, 6] for p in query.params if p.required}  # the ID lists
        got = rows_of(queries.run(query.name, conns[engine], dataset=name, **needed))
        expected = rows_of(oracle.answer(query.name, loaded.source, **needed))
        assert got == expected, (query.name, engine)


@pytest.mark.parametrize("engine", ["sql", "cypher"])
@pytest.mark.parametrize(("query", "param"), _text_params())
def test_hostile_text_parameters(
    loaded: Loaded, conns: dict[str, Any], engine: str, query: str, param: str
) -> None:
    if engine not in queries.get_query(query).engines:
        pytest.fail(f"{query} has no {engine} version")  # every query has both today
    dataset = EVIL_NAMES[0]
    before = pg_fingerprint(loaded.url)
    real = REAL_NAMES.get(param, REAL_CLASS)
    for value in [*EVIL, real]:
        if param in CLASS_PARAMS and value != real:
            # A class name the dataset does not have is refused, quoted at most 60 characters.
            with pytest.raises(QueryError, match="which is no .* of dataset") as error:
                queries.run(query, conns[engine], dataset=dataset, **{param: value})
            assert len(str(error.value)) < 400
            continue
        got = rows_of(queries.run(query, conns[engine], dataset=dataset, **{param: value}))
        expected = rows_of(oracle.answer(query, loaded.source, **{param: value}))
        assert got == expected, (query, param, value[:40])
    assert pg_fingerprint(loaded.url) == before


@pytest.mark.parametrize("engine", ["sql", "cypher"])
@pytest.mark.parametrize(("query", "param"), _text_params())
def test_nul_in_a_text_parameter_is_refused(
    conns: dict[str, Any], engine: str, query: str, param: str
) -> None:
    with pytest.raises(QueryError, match="NUL character"):
        queries.run(query, conns[engine], dataset=EVIL_NAMES[0], **{param: "Inhib\x00itory"})


@pytest.mark.parametrize(("query", "param"), _numeric_params())
def test_injection_into_numeric_parameters_is_refused(
    conns: dict[str, Any], query: str, param: str
) -> None:
    for engine in ("sql", "cypher"):
        with pytest.raises(QueryError, match=f"parameter '{param}' expects"):
            queries.run(
                query, conns[engine], dataset=EVIL_NAMES[0], **{param: "1; DROP TABLE synapse"}
            )


def test_a_nul_dataset_name_is_refused(conns: dict[str, Any]) -> None:
    for engine in ("sql", "cypher"):
        with pytest.raises(QueryError, match="is not loaded"):
            queries.run("class_matrix", conns[engine], dataset=EVIL_NAMES[0] + "\x00")


def test_nothing_broke(loaded: Loaded) -> None:
    """After everything above: the tables and graphs hold exactly what was loaded."""
    from support.warehouse import assert_dataset_equals

    for name in EVIL_NAMES:
        assert_dataset_equals(loaded.url, name, loaded.source)
    contents = [graph_content(loaded.home, name) for name in EVIL_NAMES]
    assert contents[0] == contents[1]
    assert contents[0]["counts"]["Synapse"] == loaded.source.synapses.n


def test_a_too_long_dataset_name_is_refused_cleanly(loaded: Loaded, tmp_path: Path) -> None:
    folder = valid_dataset(tmp_path / "tiny", seed=0)
    before = pg_fingerprint(loaded.url)
    result = run_cli(
        "load",
        str(folder),
        "--dataset",
        "n" * 1000,
        "--quiet",
        "--home",
        str(loaded.home),
        "--postgres-url",
        loaded.url,
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stderr.startswith("Error: ") and "dataset name" in result.stderr
    assert pg_fingerprint(loaded.url) == before

"""The registry: query files, headers, parameter validation and the error messages (no server)."""

from __future__ import annotations

import re

import pytest

from connectomedb import queries
from connectomedb.errors import QueryError
from connectomedb.queries.registry import QUERY_DIR, load_queries, parse_header


def test_every_query_has_sql_and_cypher_with_the_same_header() -> None:
    found = load_queries()
    assert len(found) >= 20
    for name, q in found.items():
        assert q.sql is not None, name
        if name != "class_matrix_vs_csv":  # connectome.csv is not in the graph
            assert q.cypher is not None, name
        assert q.description and q.rule and q.columns, name
        assert len(set(q.columns)) == len(q.columns), name


def test_parameters_in_the_text_are_exactly_the_declared_ones() -> None:
    for name, q in load_queries().items():
        declared = {p.name for p in q.params} | {"dataset"}
        body_sql = "\n".join(line for line in q.sql.splitlines() if not line.startswith("--"))
        assert set(re.findall(r"%\((\w+)\)s", body_sql)) == declared, name
        for text in (q.cypher, q.cypher_neo4j):
            if text:
                body = "\n".join(line for line in text.splitlines() if not line.startswith("//"))
                assert set(re.findall(r"\$(\w+)", body)) == declared, name


def test_no_values_are_pasted_into_the_query_text() -> None:
    # Only the model's fixed names may appear as literals; every value is a parameter.
    allowed = {
        "'Unknown'",
        "'AxonInitialSegment'",
        "'axon'",
        "'target'",
        "'multi_synaptic_connections'",
        "'convergent_targets'",
        "'convergent_neurons'",
        "'divergent_axons'",
        "'axon_neuron_multi_target'",
        "'shared_target_axon_pairs'",
        "'bifans'",
    }
    paths = [*QUERY_DIR.glob("sql/*.sql"), *QUERY_DIR.glob("cypher/**/*.cypher")]
    for path in paths:
        body = "\n".join(
            line for line in path.read_text().splitlines() if not line.startswith(("--", "//"))
        )
        assert set(re.findall(r"'[^']*'", body)) <= allowed, path.name


def test_every_result_is_ordered() -> None:
    # Rows must compare one by one across engines: the last clause that shapes the result
    # orders it (LIMIT may follow).
    for name, q in load_queries().items():
        for text in (q.sql, q.cypher, q.cypher_neo4j):
            if text:
                tail = text.strip().splitlines()
                assert any(line.startswith("ORDER BY") for line in tail[-2:]), name


def test_list_queries_frame() -> None:
    df = queries.list_queries()
    assert list(df.columns) == [
        "name",
        "description",
        "engines",
        "params",
        "columns",
        "rule",
        "types",
    ]
    row = df[df.name == "class_matrix_vs_csv"].iloc[0]
    assert row.engines == "sql"
    assert "min_axon_synapses int 1" in df[df.name == "class_matrix"].iloc[0].params


def test_unknown_query_names_close_matches() -> None:
    with pytest.raises(QueryError) as error:
        queries.get_query("bifan")
    assert str(error.value) == (
        "no query named 'bifan'. Did you mean bifans? List them with `connectomedb query list` "
        "(or connectomedb.queries.list_queries())."
    )


def test_unknown_parameter() -> None:
    with pytest.raises(QueryError) as error:
        queries.get_query("bifans").bind({"axon_klass": "Inhibitory"})
    assert str(error.value) == (
        "query 'bifans' has no parameter 'axon_klass'. Its parameters are: axon_class (text, "
        "default all), target_class (text, default all), limit (int, default 1000)."
    )


def test_parameter_types_are_checked_and_converted() -> None:
    q = queries.get_query("multi_synaptic_connections")
    assert q.bind({"min_synapses": "3", "limit": 5.0}) == {
        "min_synapses": 3,
        "axon_class": None,
        "target_class": None,
        "limit": 5,
    }
    with pytest.raises(QueryError) as error:
        q.bind({"min_synapses": "two"})
    assert str(error.value) == (
        "query 'multi_synaptic_connections': parameter 'min_synapses' expects int, found "
        "'two'. Pass a whole number such as 2."
    )
    with pytest.raises(QueryError) as error:
        q.bind({"min_synapses": -1})
    assert str(error.value) == (
        "query 'multi_synaptic_connections': parameter 'min_synapses' takes whole numbers from "
        "0 to 2147483647 (32-bit), found -1."
    )
    with pytest.raises(QueryError, match="expects text"):
        q.bind({"axon_class": 3})
    ids = queries.get_query("common_targets").bind({"axon_ids": "3, 17,42"})
    assert ids["axon_ids"] == [3, 17, 42]
    with pytest.raises(QueryError, match="expects int\\[\\]"):
        queries.get_query("common_targets").bind({"axon_ids": "3,x"})


def test_engine_mismatch_and_missing_versions() -> None:
    class FakeStore:
        engine = "ladybug"

        def run(self, cypher: str, params: dict) -> None:
            raise AssertionError("must not run")

        def dataset_key(self, name: str) -> str:
            return name

    with pytest.raises(QueryError) as error:
        queries.run("class_matrix_vs_csv", FakeStore(), dataset="x")
    assert "has no Cypher version" in str(error.value)
    with pytest.raises(QueryError) as error:
        queries.run("class_matrix", FakeStore(), engine="sql", dataset="x")
    assert str(error.value) == (
        "engine 'sql' was asked for but the connection is a cypher connection. Pass a "
        "PostgreSQL connection."
    )
    with pytest.raises(QueryError, match="cannot run a query on a int"):
        queries.run("class_matrix", 3)


#: Headers of sql/x.sql that are refused, with what the error says.
DESCRIBED = "-- name: x\n-- description: d\n"
BAD_HEADERS = [
    (DESCRIBED + "-- columns: a\n-- types: a int\nSELECT 1", "no 'rule:' line"),
    (DESCRIBED + "-- columns: a\n-- rule: 1\n", "no 'types:' line"),
    (
        DESCRIBED + "-- columns: a, b\n-- types: b int, a int\n-- rule: 1\n",
        "give every column its type, in the same order",
    ),
    (
        DESCRIBED + "-- columns: a\n-- types: a bigint\n-- rule: 1\n",
        "expected 'column type' with a type in int, float",
    ),
    ("-- name: x\n-- params: limit integer 3\n", "expected 'name type \\[default\\]'"),
    (
        "-- name: y\n-- description: d\n-- columns: a\n-- types: a text\n-- rule: 1\n",
        "the file name must match",
    ),
]


@pytest.mark.parametrize(("header", "problem"), BAD_HEADERS)
def test_header_parsing_errors(header: str, problem: str) -> None:
    with pytest.raises(QueryError, match=problem):
        parse_header(header, "sql/x.sql")


def test_header_parsing() -> None:
    fields = parse_header(
        "-- name: x\n-- description: one\n--   two\n-- params: k int 2\n-- params: ids int[] "
        "required\n-- columns: a,\n--   b\n-- types: a int,\n--   b float\n"
        "-- rule: 1\n--   and 2\n-- A note on the statement, not on the rule.\nSELECT 1\n"
        "-- name: ignored\n",
        "sql/x.sql",
    )
    assert fields["description"] == "one two"
    assert fields["columns"] == ("a", "b")
    assert fields["types"] == ("int", "float")
    assert fields["rule"] == "1 and 2"
    assert [(p.name, p.type, p.default, p.required) for p in fields["params"]] == [
        ("k", "int", 2, False),
        ("ids", "int[]", None, True),
    ]


def test_the_catalogue_documents_every_query() -> None:
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "docs" / "queries.md").read_text()
    for name, q in load_queries().items():
        assert f"#### `{name}`" in text, name
        section = text.split(f"#### `{name}`", 1)[1].split("####", 1)[0]
        assert f"- **Rule:** {q.rule}\n" in section, name
        typed = ", ".join(f"`{c}` {t}" for c, t in q.column_types().items())
        assert f"**Columns:** {typed}\n" in section, name
        for p in q.params:
            default = "required" if p.required else "all" if p.default is None else p.default
            assert f"`{p.name}` {p.type} = {default}" in section, (name, p.name)
    from connectomedb.stores.views import VIEWS

    for view, columns in VIEWS.items():
        assert ", ".join(f"`{c}`" for c in columns) in text, view


def test_results_take_their_declared_types() -> None:
    from decimal import Decimal

    import numpy as np
    import pandas as pd

    from connectomedb.queries.results import records, typed

    types = {"n": "int", "x": "float", "s": "text"}
    raw = pd.DataFrame({"n": [44.0, np.nan], "x": [Decimal("0.1"), None], "s": ["a", np.nan]})
    got = typed(raw, "q", types)
    assert [str(t) for t in got.dtypes] == ["Int64", "float64", "object"]
    assert got.n.tolist()[0] == 44 and got.n.isna().tolist() == [False, True]
    assert got.s.tolist() == ["a", None]
    assert records(got) == [{"n": 44, "x": 0.1, "s": "a"}, {"n": None, "x": None, "s": None}]
    mixed = pd.DataFrame({"n": [Decimal("3"), 7, None], "x": [1, 2, 3], "s": [1, "b", None]})
    got = typed(mixed, "q", types)
    assert got.n.tolist()[:2] == [3, 7] and got.x.dtype == "float64"
    assert got.s.tolist() == ["1", "b", None]
    for bad in ([2.5], [Decimal("2.5")], [float("inf")], ["7"], [True]):
        with pytest.raises(QueryError, match="column 'n': declared int, but the engine returned"):
            typed(pd.DataFrame({"n": bad, "x": [0.0], "s": ["a"]}), "q", types)
    assert records(pd.DataFrame({"x": [float("inf"), 1 / 3]})) == [{"x": None}, {"x": 1 / 3}]

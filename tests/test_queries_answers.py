"""The query library's answers, as a user meets them: declared column types on both engines and
in every output format, class names checked, required parameters, truncated listings, range
checks with one message for both engines, and a dataset loaded without connectome.csv."""

from __future__ import annotations

import dataclasses
import io
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import psycopg
import pytest
from support import oracle
from support.cli import cli_runner
from support.frames import assert_same
from support.servers import fresh_database
from support.stores import load_both

from connectomedb import queries
from connectomedb.cli import main
from connectomedb.errors import QueryError
from connectomedb.queries.registry import INT_MAX
from connectomedb.stores.graph import LadybugGraphStore
from connectomedb.synth.generate import generate

#: Values for parameters that have no default, so every query can run with its defaults.
REQUIRED = {"axon_ids": [1, 2, 6], "target_ids": [14, 15]}


class Stores:
    def __init__(self, url: str, home: Path) -> None:
        self.url = url
        self.home = home
        self.graph = LadybugGraphStore(home / "graph")


@pytest.fixture(scope="module")
def stores(embedded_server_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stores]:
    """``tiny`` in both stores, and ``nocsv`` (the same files without connectome.csv)."""
    home = tmp_path_factory.mktemp("answers-home")
    tiny = generate("tiny", 0).dataset
    nocsv = dataclasses.replace(
        tiny,
        connectome=None,
        files={k: v for k, v in tiny.files.items() if k != "connectome.csv"},
    )
    for url in fresh_database(embedded_server_url):
        load_both(url, home / "graph", {"tiny": tiny, "nocsv": nocsv})
        stores = Stores(url, home)
        yield stores
        stores.graph.close()
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="module")
def pg(stores: Stores) -> Iterator[psycopg.Connection]:
    with psycopg.connect(stores.url) as conn:
        yield conn


def _conns(stores: Stores, pg: psycopg.Connection, name: str) -> list[tuple[str, Any]]:
    engines = queries.get_query(name).engines
    return [(e, pg if e == "sql" else stores.graph) for e in engines]


def _cli(stores: Stores, *args: str) -> tuple[int, str, str]:
    result = cli_runner().invoke(
        main, ["query", "run", *args, "--postgres-url", stores.url, "--home", str(stores.home)]
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result.exit_code, result.stdout, result.stderr


ALL = sorted(queries.registry.load_queries())
DTYPES = {"int": "Int64", "float": "float64", "text": "object"}


# --- column types --------------------------------------------------------------------------


#: Queries over tracings: the tiny dataset has none, so tests/test_tracings.py checks their
#: types on a dataset with tracings.
TRACING_QUERIES = {"tracing_evaluation", "tracing_overlaps"}


@pytest.mark.parametrize("name", [n for n in ALL if n not in TRACING_QUERIES])
def test_result_columns_have_their_declared_types_on_both_engines(
    stores: Stores, pg: psycopg.Connection, name: str
) -> None:
    query = queries.get_query(name)
    params = {k: v for k, v in REQUIRED.items() if k in {p.name for p in query.params}}
    frames = []
    for engine, conn in _conns(stores, pg, name):
        frame = queries.run(name, conn, dataset="tiny", **params)
        assert len(frame) > 0, (name, engine)
        for column, type_ in query.column_types().items():
            assert str(frame[column].dtype) == DTYPES[type_], (name, engine, column)
            if type_ == "text":
                assert all(isinstance(v, str) or v is None for v in frame[column])
        frames.append(frame)
    if len(frames) == 2:  # the two engines agree value for value, types included
        pd.testing.assert_frame_equal(frames[0], frames[1], check_exact=False, rtol=1e-12)


@pytest.mark.parametrize("name", [n for n in ALL if n not in TRACING_QUERIES])
def test_csv_and_json_print_counts_as_integers(stores: Stores, name: str) -> None:
    query = queries.get_query(name)
    args = [name, "--dataset", "tiny"]
    for key, value in REQUIRED.items():
        if key in {p.name for p in query.params}:
            args += ["-p", key, ",".join(map(str, value))]
    ints = [c for c, t in query.column_types().items() if t == "int"]
    assert ints, name  # every query returns at least one count or ID
    for engine in query.engines:
        code, out, err = _cli(stores, *args, "--engine", engine, "--format", "csv")
        assert code == 0, err
        frame = pd.read_csv(io.StringIO(out), dtype=str, keep_default_na=False)
        for column in ints:
            cells = [c for c in frame[column] if c != ""]
            assert cells and all(re.fullmatch(r"-?\d+", c) for c in cells), (engine, column)
        code, out, err = _cli(stores, *args, "--engine", engine, "--format", "json")
        assert code == 0, err
        rows = json.loads(out)
        for column in ints:
            values = [r[column] for r in rows if r[column] is not None]
            assert values and all(type(v) is int for v in values), (engine, column)


def test_json_keeps_full_float_precision(stores: Stores, pg: psycopg.Connection) -> None:
    frame = queries.run("class_matrix", pg, dataset="tiny")
    for engine in ("sql", "cypher"):
        code, out, err = _cli(
            stores, "class_matrix", "--dataset", "tiny", "--engine", engine, "--format", "json"
        )
        assert code == 0, err
        printed = [r["fraction"] for r in json.loads(out)]
        # Same doubles as the library returns (to the last bit), and some of them need more
        # than the 10 digits pandas' JSON writer keeps by default.
        assert printed == pytest.approx(frame.fraction.tolist(), rel=1e-15, abs=0)
        assert any(len(repr(f).replace("0.", "", 1)) > 12 for f in printed)
        code, out, err = _cli(
            stores, "class_matrix", "--dataset", "tiny", "--engine", engine, "--format", "csv"
        )
        assert pd.read_csv(io.StringIO(out)).fraction.tolist() == printed


# --- class parameters ----------------------------------------------------------------------


@pytest.mark.parametrize("engine", ["sql", "cypher"])
def test_class_names_are_matched_in_any_case(
    stores: Stores, pg: psycopg.Connection, engine: str
) -> None:
    conn = pg if engine == "sql" else stores.graph
    source = generate("tiny", 0).dataset
    for name, spelled, canonical in [
        (
            "multi_synaptic_connections",
            {"axon_class": "inhibitory", "target_class": "SOMA"},
            {"axon_class": "Inhibitory", "target_class": "Soma"},
        ),
        ("asi_by_class", {"synapse_type": "primaryspine"}, {"synapse_type": "PrimarySpine"}),
        (
            "target_specificity",
            {"axon_class": " corticoCortical "},
            {"axon_class": "Corticocortical"},
        ),
    ]:
        every = (
            {"limit": None} if "limit" in {p.name for p in queries.get_query(name).params} else {}
        )
        expected = oracle.answer(name, source, **canonical, **every)
        assert len(expected) > 0, name
        assert_same(queries.run(name, conn, dataset="tiny", **spelled, **every), expected, name)


@pytest.mark.parametrize("engine", ["sql", "cypher"])
def test_unknown_class_names_are_refused_with_the_valid_ones(
    stores: Stores, pg: psycopg.Connection, engine: str
) -> None:
    conn = pg if engine == "sql" else stores.graph
    with pytest.raises(QueryError) as error:
        queries.run("bifans", conn, dataset="tiny", axon_class="Foo")
    assert str(error.value) == (
        "query 'bifans': parameter 'axon_class' is 'Foo', which is no axon class of dataset "
        "'tiny'. Valid names (any case): Corticocortical, Inhibitory, Other, Thalamocortical."
    )
    with pytest.raises(QueryError) as error:
        queries.run("multi_synaptic_connections", conn, dataset="tiny", target_class="dendrite")
    assert "which is no target class of dataset 'tiny'. Valid names (any case): " in str(
        error.value
    )
    assert "ApicalDendrite" in str(error.value) and "Soma" in str(error.value)
    with pytest.raises(
        QueryError,
        match="which is no synapse type of dataset 'tiny'. Valid "
        "names \\(any case\\): PrimarySpine, SecondarySpine, Shaft, Soma.",
    ):
        queries.run("asi_by_class", conn, dataset="tiny", synapse_type="spine")


def test_unknown_class_name_on_the_command_line(stores: Stores) -> None:
    args = ["-p", "axon_class", "inhibitory-ish", "--dataset", "tiny", "--engine", "cypher"]
    code, out, err = _cli(stores, "bifans", *args)
    assert code == 6 and out == ""
    assert err.startswith("Error: query 'bifans': parameter 'axon_class' is 'inhibitory-ish'")


# --- defaults, files, limits ---------------------------------------------------------------


def test_common_partners_need_their_ids(stores: Stores, pg: psycopg.Connection) -> None:
    for name, param in (("common_axons", "target_ids"), ("common_targets", "axon_ids")):
        assert "required" in queries.get_query(name).describe_params()
        for conn in (pg, stores.graph):
            with pytest.raises(QueryError) as error:
                queries.run(name, conn, dataset="tiny")
            assert str(error.value) == (
                f"query {name!r} needs parameter {param!r} (int[]): it has no default. Pass "
                "whole numbers such as 3,17,42 (a list in Python)."
            )
        code, _, err = _cli(stores, name, "--dataset", "tiny")
        assert code == 6 and f"needs parameter {param!r}" in err
    # An explicitly empty set is an answer (no partners), not a missing parameter.
    assert len(queries.run("common_targets", pg, dataset="tiny", axon_ids=[])) == 0


def test_comparing_with_a_csv_that_was_not_loaded(stores: Stores, pg: psycopg.Connection) -> None:
    with pytest.raises(QueryError) as error:
        queries.run("class_matrix_vs_csv", pg, dataset="nocsv")
    assert str(error.value) == (
        "query 'class_matrix_vs_csv': dataset 'nocsv' was loaded without connectome.csv, so "
        "there is no connectome.csv to compare with. Put connectome.csv in the dataset's folder "
        "and load it again (`connectomedb load <folder> --dataset nocsv --replace`), or run "
        "class_matrix for the counts alone."
    )
    assert len(queries.run("class_matrix_vs_csv", pg, dataset="tiny")) > 0
    assert len(queries.run("class_matrix", pg, dataset="nocsv")) > 0


@pytest.mark.parametrize("engine", ["sql", "cypher"])
def test_a_cut_listing_says_so(stores: Stores, pg: psycopg.Connection, engine: str) -> None:
    conn = pg if engine == "sql" else stores.graph
    everything = queries.run("bifans", conn, dataset="tiny", limit=None)
    total = len(everything)
    assert total > 5 and everything.attrs["truncated"] is False
    cut = queries.run("bifans", conn, dataset="tiny", limit=5)
    assert len(cut) == 5 and cut.attrs == {"limit": 5, "truncated": True}
    pd.testing.assert_frame_equal(cut, everything.head(5))
    exact = queries.run("bifans", conn, dataset="tiny", limit=total)
    assert len(exact) == total and exact.attrs["truncated"] is False

    def bifans_csv(limit: str) -> tuple[int, str, str]:
        args = ["--dataset", "tiny", "-p", "limit", limit, "--engine", engine, "--format", "csv"]
        return _cli(stores, "bifans", *args)

    code, out, err = bifans_csv("5")
    assert code == 0 and len(out.strip().splitlines()) == 6
    assert err.strip() == (
        "Only the first 5 rows are shown: the listing was cut at its limit (5) and more rows "
        "match. Pass -p limit all for every row."
    )
    code, out, err = bifans_csv("all")
    assert code == 0 and err == "" and len(out.strip().splitlines()) == total + 1


# --- parameter ranges: one message for both engines ----------------------------------------

RANGE_CASES = [
    (
        "bifans",
        {"limit": 99999999999999999999},
        "query 'bifans': parameter 'limit' takes whole numbers from 1 to 2147483647 (32-bit), "
        "found 99999999999999999999. Pass all (or null) for every row.",
    ),
    (
        "bifans",
        {"limit": 0},
        "query 'bifans': parameter 'limit' takes whole numbers from 1 to 2147483647 (32-bit), "
        "found 0. Pass all (or null) for every row.",
    ),
    (
        "bifans",
        {"limit": -5},
        "query 'bifans': parameter 'limit' takes whole numbers from 1 to 2147483647 (32-bit), "
        "found -5. Pass all (or null) for every row.",
    ),
    (
        "common_axons",
        {"target_ids": [14, 2**31]},
        "query 'common_axons': parameter 'target_ids' takes IDs from 1 to 2147483647 (32-bit), "
        "found 2147483648.",
    ),
    (
        "common_targets",
        {"axon_ids": [1, 10**30]},
        "query 'common_targets': parameter 'axon_ids' takes IDs from 1 to 2147483647 (32-bit), "
        "found 1000000000000000000000000000000.",
    ),
    (
        "neuron_inputs",
        {"neuron_id": -1},
        "query 'neuron_inputs': parameter 'neuron_id' takes IDs from 1 to 2147483647 (32-bit), "
        "found -1.",
    ),
    (
        "multi_synaptic_connections",
        {"min_synapses": 2**63},
        "query 'multi_synaptic_connections': parameter 'min_synapses' takes whole numbers from 0 "
        "to 2147483647 (32-bit), found 9223372036854775808.",
    ),
]


@pytest.mark.parametrize("name,params,message", RANGE_CASES)
def test_out_of_range_integers_are_refused_alike(
    stores: Stores, pg: psycopg.Connection, name: str, params: dict, message: str
) -> None:
    for conn in (pg, stores.graph):
        with pytest.raises(QueryError) as error:
            queries.run(name, conn, dataset="tiny", **params)
        assert str(error.value) == message
    for engine in ("sql", "cypher"):
        args = [name, "--dataset", "tiny", "--engine", engine]
        for key, value in params.items():
            args += [
                "-p",
                key,
                ",".join(map(str, value)) if isinstance(value, list) else str(value),
            ]
        code, out, err = _cli(stores, *args)
        assert (code, out, err) == (6, "", f"Error: {message}\n")


def test_the_largest_values_in_range_run(stores: Stores, pg: psycopg.Connection) -> None:
    for conn in (pg, stores.graph):
        assert len(queries.run("common_axons", conn, dataset="tiny", target_ids=[INT_MAX])) == 0
        df = queries.run(
            "multi_synaptic_connections", conn, dataset="tiny", limit=INT_MAX, min_synapses=INT_MAX
        )
        assert len(df) == 0 and df.attrs["truncated"] is False


def test_a_dataset_that_is_not_loaded_names_the_real_option(stores: Stores) -> None:
    code, _, err = _cli(stores, "class_matrix", "--dataset", "nope")
    assert code == 6
    assert err.strip() == (
        "Error: dataset 'nope' is not loaded in PostgreSQL. Load it with `connectomedb load "
        "<folder> --dataset nope`."
    )

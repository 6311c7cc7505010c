"""Every named query: SQL on PostgreSQL == Cypher on LadybugDB == the pandas oracle.

Three datasets are loaded side by side into one PostgreSQL database and one graph root (so a
query that forgot its dataset filter would count the others): the generator's ``tiny`` and
``demo`` and a hand-made one with unknown class codes and missing ASI areas.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pandas as pd
import psycopg
import pytest
from support import oracle
from support.datasets import handmade_source
from support.frames import assert_same
from support.stores import Loaded, side_by_side

from connectomedb import queries
from connectomedb.etl.frames import SourceDataset
from connectomedb.synth.generate import generate

DATASETS = ("tiny", "demo", "handmade")


@pytest.fixture(scope="module")
def loaded(embedded_server_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Loaded]:
    """The three datasets in PostgreSQL (``url``) and LadybugDB (``store``)."""
    sources: dict[str, SourceDataset] = {}
    truths: dict[str, dict] = {}
    for scale in ("tiny", "demo"):
        result = generate(scale, 0)
        sources[scale], truths[scale] = result.dataset, result.truth
    sources["handmade"] = handmade_source(3, n_axons=30, n_targets=25, n_synapses=400)
    root = tmp_path_factory.mktemp("query-graphs")
    yield from side_by_side(embedded_server_url, root, sources, truths)


@pytest.fixture(scope="module")
def pg(loaded: Loaded) -> Iterator[psycopg.Connection]:
    with psycopg.connect(loaded.url) as conn:
        yield conn


# --- the cases -----------------------------------------------------------------------------

#: (query, parameters) run on every dataset; IDs and classes picked to exist in tiny.
CASES: list[tuple[str, dict[str, Any]]] = [
    ("class_matrix", {}),
    ("class_matrix", {"min_axon_synapses": 10, "min_target_synapses": 10}),
    ("class_matrix_vs_csv", {}),
    ("class_matrix_vs_csv", {"min_axon_synapses": 10, "min_target_synapses": 10}),
    ("target_specificity", {}),
    ("target_specificity", {"min_axon_synapses": 10, "min_target_synapses": 10}),
    ("target_specificity", {"axon_class": "Inhibitory"}),
    # Read from the load's block of the first axon threshold at or above it (none above all).
    ("target_specificity", {"min_axon_synapses": 4, "axon_class": "Corticocortical"}),
    ("target_specificity", {"min_axon_synapses": 100000}),
    # With a target threshold: read from the load's block of the pair of counts at or above it
    # (between counts, above every target count: only axon initial segments; above everything).
    ("target_specificity", {"min_target_synapses": 2}),
    ("target_specificity", {"min_axon_synapses": 3, "min_target_synapses": 5}),
    ("target_specificity", {"min_target_synapses": 4, "axon_class": "Corticocortical"}),
    ("target_specificity", {"min_target_synapses": 1000000}),
    ("target_specificity", {"min_axon_synapses": 100000, "min_target_synapses": 3}),
    ("synapse_type_mix", {}),
    ("asi_by_class", {}),
    ("asi_by_class", {"synapse_type": "PrimarySpine"}),
    ("degree_by_class", {}),
    ("multiplicity_by_class", {}),
    ("synapse_density", {}),
    ("neuron_inputs", {}),
    ("neuron_inputs", {"neuron_id": 1}),
    ("multi_synaptic_connections", {}),
    ("multi_synaptic_connections", {"min_synapses": 3, "limit": 5}),
    ("multi_synaptic_connections", {"axon_class": "Inhibitory", "target_class": "Soma"}),
    ("asi_pair_cv", {}),
    ("asi_pair_cv", {"synapse_type": "PrimarySpine"}),
    ("asi_pair_cv", {"axon_class": "Corticocortical", "target_class": "OtherDendrite"}),
    ("convergent_targets", {}),
    ("convergent_targets", {"min_axons": 5, "axon_class": "Corticocortical", "limit": 10}),
    ("convergent_neurons", {}),
    ("convergent_neurons", {"min_axons": 5, "axon_class": "Inhibitory"}),
    ("shared_target_axon_pairs", {}),
    ("shared_target_axon_pairs", {"min_shared": 3, "axon_class": "Inhibitory"}),
    ("shared_target_axon_pairs", {"min_shared": 1, "limit": 50}),
    ("shared_target_axon_pairs", {"min_shared": 0, "target_class": "OtherDendrite"}),
    # Fewer stored pairs than limit: the pairs sharing one target over several ID ranges.
    ("shared_target_axon_pairs", {"min_shared": 1, "limit": 40, "axon_class": "Corticocortical"}),
    ("shared_target_axon_pairs", {"min_shared": 1, "limit": None, "target_class": "Soma"}),
    (
        "shared_target_axon_pairs",
        {"target_class": "OtherDendrite", "axon_class": "Corticocortical"},
    ),
    ("divergent_axons", {}),
    ("divergent_axons", {"min_targets": 5, "min_neurons": 1, "target_class": "OtherDendrite"}),
    ("axon_neuron_multi_target", {}),
    ("axon_neuron_multi_target", {"min_targets": 3, "limit": 3}),
    ("bifans", {}),
    ("bifans", {"axon_class": "Inhibitory", "target_class": "Soma"}),
    ("bifans", {"axon_class": "Corticocortical"}),
    ("bifans", {"target_class": "OtherDendrite", "limit": 7}),
    ("common_targets", {"axon_ids": [1, 2, 6]}),
    ("common_targets", {"axon_ids": [6, 1, 1]}),
    ("common_targets", {"axon_ids": []}),
    ("common_axons", {"target_ids": [14, 15]}),
    ("common_axons", {"target_ids": [1, 5]}),
    ("motif_counts", {}),
    (
        "motif_counts",
        {
            "min_synapses": 3,
            "min_axons": 5,
            "min_targets": 5,
            "min_shared": 3,
            "min_neuron_targets": 3,
        },
    ),
    ("motif_counts", {"axon_class": "Inhibitory", "target_class": "Soma"}),
    ("motif_counts", {"axon_class": "Corticocortical"}),
    ("motif_counts", {"target_class": "OtherDendrite", "min_shared": 1, "min_synapses": 0}),
]


#: Queries over tracings, tested on a dataset with tracings in test_tracings.py.
TRACING_QUERIES = {"tracing_evaluation", "tracing_overlaps"}


def test_the_queries_run_on_the_default_graph(loaded: Loaded) -> None:
    """The graph here is loaded as by default: without its segment layer, which no query but
    the tracing ones reads."""
    for dataset in DATASETS:
        stored = loaded.store.stored_dataset(dataset)
        assert stored is not None and stored.segments is False
        counts = loaded.store.counts(dataset)
        assert counts["Segment"] == counts["PRE"] == counts["POST"] == counts["HAS_SEGMENT"] == 0


def test_every_query_has_a_case() -> None:
    assert {name for name, _ in CASES} == set(queries.registry.load_queries()) - TRACING_QUERIES


def _case_id(case: tuple[str, dict[str, Any]]) -> str:
    name, params = case
    return name + ("-" + "-".join(f"{k}={v}" for k, v in params.items()) if params else "")


@pytest.mark.parametrize("dataset", DATASETS)
@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_sql_and_cypher_equal_the_oracle(
    loaded: Loaded, pg: psycopg.Connection, dataset: str, case: tuple[str, dict[str, Any]]
) -> None:
    name, params = case
    query = queries.get_query(name)
    if "connectome.csv" in query.requires and loaded.sources[dataset].connectome is None:
        with pytest.raises(queries.QueryError, match="was loaded without connectome.csv"):
            queries.run(name, pg, dataset=dataset, **params)
        return
    expected = oracle.answer(name, loaded.sources[dataset], **params)
    assert list(expected.columns) == list(query.columns)
    if not params and dataset != "handmade":
        # A case that finds nothing proves little: the defaults must find something.
        assert len(expected) > 0, f"{name}: the oracle found nothing on {dataset}"
    got_sql = queries.run(name, pg, dataset=dataset, **params)
    assert_same(got_sql, expected, f"{name} SQL on {dataset}")
    if "cypher" in query.engines:
        got_cypher = queries.run(name, loaded.store, dataset=dataset, **params)
        assert_same(got_cypher, expected, f"{name} Cypher on {dataset}")


def test_sqlalchemy_engine_and_connection_give_the_same_frame(loaded: Loaded) -> None:
    from sqlalchemy import create_engine

    from connectomedb.stores.postgres import sqlalchemy_url

    engine = create_engine(sqlalchemy_url(loaded.url))
    try:
        expected = oracle.answer("class_matrix", loaded.sources["demo"])
        assert_same(queries.class_matrix(engine, dataset="demo"), expected, "engine")
        with engine.connect() as conn:
            assert_same(queries.class_matrix(conn, dataset="demo"), expected, "connection")
    finally:
        engine.dispose()


# --- the generator's truth -----------------------------------------------------------------


def _both(
    loaded: Loaded, pg: psycopg.Connection, name: str, dataset: str, **params: Any
) -> list[pd.DataFrame]:
    return [
        queries.run(name, pg, dataset=dataset, **params),
        queries.run(name, loaded.store, dataset=dataset, **params),
    ]


@pytest.mark.parametrize("dataset", ["tiny", "demo"])
def test_motifs_equal_the_generated_truth(
    loaded: Loaded, pg: psycopg.Connection, dataset: str
) -> None:
    truth = loaded.truths[dataset]["motifs"]
    k = truth["convergence"]["k"]
    for df in _both(loaded, pg, "multi_synaptic_connections", dataset, limit=None):
        listed = sorted(map(list, zip(df.axon_id, df.target_id, df.synapses, strict=True)))
        assert listed == [[int(x) for x in row] for row in truth["multi_synaptic"]["list"]]
    for df in _both(loaded, pg, "convergent_targets", dataset, min_axons=k, limit=None):
        got = {str(t): int(n) for t, n in zip(df.target_id, df.axons, strict=True)}
        assert got == truth["convergence"]["target_axons"]
    for df in _both(loaded, pg, "convergent_neurons", dataset, min_axons=k, limit=None):
        got = {str(t): int(n) for t, n in zip(df.neuron_id, df.axons, strict=True)}
        assert got == truth["convergence"]["neuron_axons"]
    for df in _both(loaded, pg, "divergent_axons", dataset, min_targets=k, limit=None):
        got = {str(a): int(n) for a, n in zip(df.axon_id, df.targets, strict=True)}
        assert got == truth["divergence"]["axon_targets"]
    for df in _both(loaded, pg, "axon_neuron_multi_target", dataset, limit=None):
        got = sorted(
            (int(a), int(n), int(t))
            for a, n, t in zip(df.axon_id, df.neuron_id, df.targets, strict=True)
        )
        want = sorted(
            (x["axon"], x["neuron"], len(x["targets"]))
            for x in truth["axon_neuron_multi_target"]["list"]
        )
        assert got == want
    common = truth["common_partners"]
    for df in _both(loaded, pg, "common_targets", dataset, axon_ids=common["axons"]):
        assert [int(t) for t in df.target_id] == common["targets"]
    for df in _both(loaded, pg, "motif_counts", dataset, min_axons=k, min_targets=k):
        counts = dict(zip(df.motif, df.instances, strict=True))
        assert counts["multi_synaptic_connections"] == truth["multi_synaptic"]["pairs_ge2"]
        assert counts["convergent_targets"] == truth["convergence"]["targets"]
        assert counts["convergent_neurons"] == truth["convergence"]["neurons"]
        assert counts["divergent_axons"] == truth["divergence"]["axons"]
        assert counts["axon_neuron_multi_target"] == truth["axon_neuron_multi_target"]["count"]
        assert counts["bifans"] == truth["bifans"]["count"]
    for df in _both(loaded, pg, "motif_counts", dataset, min_synapses=3):
        counts = dict(zip(df.motif, df.instances, strict=True))
        assert counts["multi_synaptic_connections"] == truth["multi_synaptic"]["pairs_ge3"]
    if dataset == "tiny":
        for df in _both(loaded, pg, "bifans", dataset, limit=None):
            got = [list(map(int, row)) for row in df.itertuples(index=False)]
            assert got == truth["bifans"]["list"]


def test_planted_motifs_are_found(loaded: Loaded, pg: psycopg.Connection) -> None:
    for item in loaded.truths["tiny"]["planted"]:
        kind = item["kind"]
        for engine_conn in (pg, loaded.store):

            def run(name: str, conn: Any = engine_conn, **params: Any) -> pd.DataFrame:
                return queries.run(name, conn, dataset="tiny", **params)

            if kind == "multi_synaptic_pair":
                df = run("multi_synaptic_connections", min_synapses=1, limit=None)
                row = df[(df.axon_id == item["axon"]) & (df.target_id == item["target"])]
                assert row.synapses.tolist() == [item["synapses"]], item
            elif kind == "convergence":
                df = run("common_axons", target_ids=[item["target"]])
                assert sorted(df.axon_id.tolist()) == item["axons"], item
            elif kind == "convergence_neuron":
                df = run("convergent_neurons", min_axons=1, limit=None)
                got = df[df.neuron_id == item["neuron"]].axons.tolist()
                assert got == [len(item["axons"])], item
            elif kind == "divergence":
                df = run("divergent_axons", min_targets=1, limit=None)
                assert df[df.axon_id == item["axon"]].targets.tolist() == [len(item["targets"])]
            elif kind == "bifan":
                df = run("bifans", limit=None)
                assert item["axons"] + item["targets"] in [
                    list(map(int, r)) for r in df.itertuples(index=False)
                ], item
            elif kind == "axon_neuron_multi_target":
                df = run("axon_neuron_multi_target", limit=None)
                row = df[(df.axon_id == item["axon"]) & (df.neuron_id == item["neuron"])]
                assert row.targets.tolist() == [len(item["targets"])], item
            elif kind == "common_partners":
                df = run("common_targets", axon_ids=item["axons"])
                assert df.target_id.tolist() == item["targets"], item
            else:
                raise AssertionError(f"a planted motif kind without a check: {kind}")


@pytest.mark.parametrize("dataset", ["tiny", "demo"])
def test_paper_thresholds_reproduce_connectome_csv(pg: psycopg.Connection, dataset: str) -> None:
    df = queries.run(
        "class_matrix_vs_csv", pg, dataset=dataset, min_axon_synapses=10, min_target_synapses=10
    )
    assert len(df) > 0
    assert (df.difference == 0).all(), df[df.difference != 0]
    assert (df.synapses > 0).all()


def test_limit_none_returns_every_row(loaded: Loaded, pg: psycopg.Connection) -> None:
    everything = oracle.answer("bifans", loaded.sources["demo"], limit=None)
    assert len(everything) > 1000  # so the default limit matters
    assert len(queries.run("bifans", pg, dataset="demo", limit=None)) == len(everything)
    assert len(queries.run("bifans", pg, dataset="demo")) == 1000

"""DotMotif motifs on PostgreSQL and LadybugDB == DotMotif's own in-memory executor.

The oracle graph is built from the source frames (tests/support/motifs.py), not from either
store; the instance keys are computed with a symmetry group found by brute force over
DotMotif's own parse.
"""

from __future__ import annotations

import psycopg
import pytest
from support.motifs import (
    BIFAN,
    CASES,
    CONVERGENCE,
    DIVERGENCE,
    NEURON_MULTI,
    dotmotif_mappings,
    instances,
    source_graph,
    symmetry_group,
)

from connectomedb import motifs, queries
from connectomedb.motifs import MotifError

ENGINES = ("sql", "cypher")


def _conn(loaded, engine: str, stack):
    if engine == "sql":
        return stack.enter_context(psycopg.connect(loaded.url))
    return loaded.store


@pytest.fixture(scope="module")
def graphs(motif_loaded):
    return {name: source_graph(src) for name, src in motif_loaded.sources.items()}


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("text,datasets", CASES, ids=[f"case{i}" for i in range(len(CASES))])
def test_motif_equals_dotmotif(motif_loaded, graphs, engine, text, datasets):
    from contextlib import ExitStack

    parsed = motifs.parse(text)
    group = symmetry_group(text)
    assert len(group) == len(parsed.automorphisms), "symmetry group differs"
    with ExitStack() as stack:
        conn = _conn(motif_loaded, engine, stack)
        for dataset in datasets:
            expected_maps = dotmotif_mappings(text, graphs[dataset])
            expected = instances(expected_maps, group, parsed.nodes)
            got = motifs.find(text, conn, dataset=dataset, limit=None)
            assert list(got.columns) == parsed.names
            rows = [
                dict(zip(parsed.names, map(int, r), strict=True))
                for r in got.itertuples(index=False)
            ]
            keys = instances(rows, group, parsed.nodes)
            assert len(keys) == len(rows), f"{dataset}: an instance listed twice"
            assert keys == expected, f"{dataset}: instances differ"
            assert got.equals(got.sort_values(parsed.names).reset_index(drop=True))
            assert motifs.find(text, conn, dataset=dataset, count=True) == len(expected)
            every = motifs.find(text, conn, dataset=dataset, count=True, all_mappings=True)
            assert every == len(expected_maps), f"{dataset}: mappings differ"
            if expected:
                assert len(motifs.find(text, conn, dataset=dataset, limit=1)) == 1


def test_dotmotif_exclude_automorphisms_agrees_on_bifans(motif_loaded, graphs):
    from dotmotif import Motif, NetworkXExecutor

    found = NetworkXExecutor(graph=graphs["tiny"]).find(Motif(BIFAN, exclude_automorphisms=True))
    expected = sorted(tuple(m[n][1] for n in "ABCD") for m in found)
    with psycopg.connect(motif_loaded.url) as conn:
        got = motifs.find(BIFAN, conn, dataset="tiny", limit=None)
    assert sorted(map(tuple, got[list("ABCD")].to_numpy().tolist())) == expected


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("dataset", ["tiny", "demo"])
def test_named_queries_as_motifs(motif_loaded, engine, dataset):
    from contextlib import ExitStack

    with ExitStack() as stack:
        conn = _conn(motif_loaded, engine, stack)

        def named(name, **p):
            return queries.run(name, conn, dataset=dataset, limit=None, **p)

        def motif(text):
            return motifs.find(text, conn, dataset=dataset, limit=None)

        b = named("bifans")
        m = motif(BIFAN)
        assert sorted(map(tuple, b.to_numpy().tolist())) == sorted(
            map(tuple, m[["A", "B", "C", "D"]].to_numpy().tolist())
        )
        shared = named("shared_target_axon_pairs")
        assert set(map(tuple, shared[["axon_a", "axon_b"]].to_numpy().tolist())) == set(
            map(tuple, m[["A", "B"]].to_numpy().tolist())
        )
        conv = named("convergent_targets")
        assert set(conv["target_id"].tolist()) == set(motif(CONVERGENCE)["T"].tolist())
        div = named("divergent_axons")
        assert set(div["axon_id"].tolist()) == set(motif(DIVERGENCE)["A"].tolist())
        multi = named("axon_neuron_multi_target")
        nm = motif(NEURON_MULTI)
        neuron_of = _neuron_of(motif_loaded.sources[dataset])
        pairs = {(a, neuron_of[s]) for a, s in nm[["A", "S"]].itertuples(index=False)}
        assert set(map(tuple, multi[["axon_id", "neuron_id"]].to_numpy().tolist())) == pairs
        ms = named("multi_synaptic_connections", min_synapses=3)
        assert set(map(tuple, ms[["axon_id", "target_id"]].to_numpy().tolist())) == set(
            map(tuple, motif("A -> B [synapses >= 3]").to_numpy().tolist())
        )


def _neuron_of(source) -> dict[int, int]:
    return {i + 1: int(n) for i, n in enumerate(source.targets.neuron_id)}


@pytest.mark.parametrize("engine", ENGINES)
def test_tiny_planted_motifs_found_by_their_spelling(motif_loaded, engine):
    from contextlib import ExitStack

    from connectomedb.synth.tiny import PLANTED

    with ExitStack() as stack:
        conn = _conn(motif_loaded, engine, stack)

        def motif(text, columns=None):
            rows = motifs.find(text, conn, dataset="tiny", limit=None)
            rows = rows if columns is None else rows[list(columns)]
            return set(map(tuple, rows.to_numpy().tolist()))

        for p in PLANTED:
            kind = p["kind"]
            if kind == "multi_synaptic_pair":
                text = f"A -> B [synapses = {p['synapses']}]"
                assert (p["axon"], p["target"]) in motif(text)
            elif kind == "convergence":
                found = motif(f"A -> T\nT.id = {p['target']}")
                assert sorted(a for a, _ in found) == p["axons"]
            elif kind == "divergence":
                found = motif(f"A -> T\nA.id = {p['axon']}")
                assert sorted(t for _, t in found) == p["targets"]
            elif kind == "bifan":
                assert tuple(p["axons"] + p["targets"]) in motif(BIFAN, "ABCD")
            elif kind == "axon_neuron_multi_target":
                text = NEURON_MULTI + f"\nS.neuron_id = {p['neuron']}"
                assert (p["axon"], *p["targets"]) in motif(text)
            elif kind == "common_partners":
                a, b, c = p["axons"]
                text = f"X -> T\nY -> T\nZ -> T\nX.id = {a}\nY.id = {b}\nZ.id = {c}"
                assert sorted({r[3] for r in motif(text, "XYZT")}) == p["targets"]


REFUSED = [
    ("A -> B\nB -> C", "node B both sends and receives an edge"),
    ("A -> B [weight > 2]", "connections have no attribute 'weight'"),
    ("A -> B\nA.neuron_id = 3", "axons have no attribute 'neuron_id'"),
    ('A -> B\nA.synapses = "many"', "A.synapses is a number"),
    ("A -> B\nB.class = 3", "B.class is text"),
    ('A -> B\nC !> B [synapses > 2]\nC.kind = "axon"', "forbidden edge C !> B has a constraint"),
    ('A -> B\nA.class > "Inhibitory"', "compare it with = or != only"),
    ("A -> B [synapses in 3]", "operator 'in' is not supported"),
    ("A -> B\nC !> B", 'Say which: C.kind = "axon"'),
    ('A -> B\nC !> B\nC.kind = "target"', "forbidden edge C !> B goes from a target"),
    ("A -> A", "loop"),
    ("A - > B ]", "cannot parse the motif"),
    ("   ", "the motif is empty"),
    ("A -> B\n" * 5000, "at most 20,000 are accepted"),
]


@pytest.mark.parametrize("text,message", REFUSED)
def test_refused_clearly(text, message):
    with pytest.raises(MotifError) as info:
        motifs.parse(text)
    assert message in str(info.value)


def test_values_are_parameters():
    text = 'A -> B [synapses >= 3]\nA.class = "x\' OR 1=1 --"'
    for engine in ENGINES:
        statement, params = motifs.compile_motif(text, engine)
        assert "OR 1=1" not in statement and "3" not in statement.split("LIMIT")[0].replace(
            "n3", ""
        )
        assert "x' OR 1=1 --" in params.values() and 3 in params.values()


def test_unknown_dataset_and_bad_limit(motif_loaded):
    with psycopg.connect(motif_loaded.url) as conn:
        with pytest.raises(MotifError, match="dataset 'nope' is not loaded"):
            motifs.find("A -> B", conn, dataset="nope")
        with pytest.raises(MotifError, match="limit must be"):
            motifs.find("A -> B", conn, dataset="tiny", limit=-1)

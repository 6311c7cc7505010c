"""The graph in the embedded LadybugDB: counts, traversals, reloads, replacement, failures.

Every expected value is computed with pandas from the SourceDataset (``graph_helpers``), not
from the graph transform.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from support.datasets import handmade_source, synth_source
from support.graph_oracle import (
    axon_contacts,
    expected_counts,
    neuron_input_classes,
    synapse_segments,
)
from support.stores import load_graph

from connectomedb.config import Settings
from connectomedb.errors import ConfigError, LoadError, QueryError
from connectomedb.etl.frames import SourceDataset
from connectomedb.etl.load.graph import begin_graph_load
from connectomedb.stores.graph import open_graph_store
from connectomedb.stores.ladybug_layout import (
    DB_FILE,
    POINTER,
    current_version,
    dataset_dir,
)


@pytest.fixture(scope="module")
def tiny_source(tmp_path_factory: pytest.TempPathFactory) -> SourceDataset:
    """The generator's tiny dataset, written to files and read back by the extractor."""
    return synth_source("tiny", tmp_path_factory.mktemp("tiny"))


@pytest.fixture(scope="module")
def demo_source() -> SourceDataset:
    return synth_source("demo")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """The graph with its segment layer: these tests count and traverse all of it (the
    default graph, without the layer, is tested at the end of the module)."""
    return Settings(home=tmp_path / "home", graph_segments=True)


def graph_counts(settings: Settings, name: str) -> dict[str, int]:
    with open_graph_store(settings) as store:
        return store.counts(name)


def expected_flat(source: SourceDataset) -> dict[str, int]:
    nodes, rels = expected_counts(source)
    return {**nodes, **rels}


SOURCES = {
    "handmade": lambda request: handmade_source(),
    "handmade-no-segments": lambda request: handmade_source(seed=5, with_segments=False),
    "tiny": lambda request: request.getfixturevalue("tiny_source"),
    "demo": lambda request: request.getfixturevalue("demo_source"),
}


@pytest.fixture(params=list(SOURCES))
def source(request: pytest.FixtureRequest) -> SourceDataset:
    return SOURCES[request.param](request)


def test_counts_equal_the_source(settings: Settings, source: SourceDataset) -> None:
    report = load_graph(settings, source, "ds")
    assert report is not None
    expected = expected_flat(source)
    assert graph_counts(settings, "ds") == expected
    assert {**report.nodes, **report.relationships} == expected


#: The traversals checked against pandas, each about one element (``$id``) of ``$dataset``.
TRAVERSALS = {
    "pre": "MATCH (g:Segment)-[:PRE]->(s:Synapse {dataset: $dataset, id: $id}) RETURN g.id AS id",
    "post": "MATCH (s:Synapse {dataset: $dataset, id: $id})-[:POST]->(g:Segment) RETURN g.id AS id",
    "contacts": "MATCH (a:Axon {dataset: $dataset, id: $id})-[c:CONNECTS_TO]->(t:Target) "
    "RETURN t.id AS target, c.synapses AS synapses ORDER BY target",
    "contacts by synapse": "MATCH (a:Axon {dataset: $dataset, id: $id})-[:MAKES]->(:Synapse)"
    "-[:ONTO]->(t:Target) RETURN t.id AS target, count(*) AS synapses ORDER BY target",
    "input classes": "MATCH (n:Neuron {dataset: $dataset, id: $id})<-[:OF_NEURON]-(t:Target)"
    "<-[c:CONNECTS_TO]-(a:Axon)-[:IN_CLASS]->(k:AxonClass) "
    "RETURN k.name AS axon_class, sum(c.synapses) AS synapses ORDER BY axon_class",
}


@pytest.mark.parametrize("kind", ["handmade", "tiny", "demo"])
def test_traversals_answer_like_pandas(
    settings: Settings, kind: str, request: pytest.FixtureRequest
) -> None:
    src = SOURCES[kind](request)
    load_graph(settings, src, "ds")
    rng = np.random.default_rng(7)
    with open_graph_store(settings) as store:
        key = store.dataset_key("ds")

        def about(traversal: str, element: object) -> pd.DataFrame:
            return store.run(TRAVERSALS[traversal], {"dataset": key, "id": int(element)})

        # synapse -> its pre- and postsynaptic segments
        picked = rng.choice(np.arange(2, src.synapses.n + 1), 10, replace=False)
        for synapse in [1, *picked]:  # synapse 1 of the handmade data repeats a segment
            pre, post = about("pre", synapse), about("post", synapse)
            want_pre, want_post = synapse_segments(src, int(synapse))
            assert sorted(pre.id) == want_pre
            assert sorted(post.id) == want_post

        # axon -> everything it contacts with synapse counts, by both layers
        axons = np.unique(np.asarray(src.synapses.axon_id)[np.asarray(src.synapses.axon_id) > 0])
        for axon in rng.choice(axons, min(8, len(axons)), replace=False):
            want = axon_contacts(src, int(axon))
            for got in (about("contacts", axon), about("contacts by synapse", axon)):
                pd.testing.assert_frame_equal(
                    got.astype("int64"), want.astype("int64"), check_names=False
                )

        # neuron -> the axon classes that feed it
        neurons = np.unique(np.asarray(src.targets.neuron_id))
        for neuron in neurons[neurons > 0]:
            got = about("input classes", neuron)
            want = neuron_input_classes(src, int(neuron))
            assert list(got.axon_class) == list(want.axon_class)
            assert [int(v) for v in got.synapses] == [int(v) for v in want.synapses]


def test_class_aggregate_equals_pandas(settings: Settings) -> None:
    src = handmade_source(seed=3, n_synapses=300)
    load_graph(settings, src, "ds")
    syn = pd.DataFrame({"a": src.synapses.axon_id, "t": src.synapses.target_id})
    syn = syn[(syn.a > 0) & (syn.t > 0)]
    ax_names = dict(zip(src.axons.classes.frame.code, src.axons.classes.frame.name, strict=True))
    tg_names = dict(
        zip(src.targets.classes.frame.code, src.targets.classes.frame.name, strict=True)
    )
    syn["ac"] = [ax_names.get(int(src.axons.class_code[a - 1]), "Unknown") for a in syn.a]
    syn["tc"] = [tg_names.get(int(src.targets.class_code[t - 1]), "Unknown") for t in syn.t]
    want = (
        syn.groupby(["ac", "tc"])
        .agg(synapses=("a", "size"), connections=("a", lambda s: 0))
        .reset_index()
    )
    want["connections"] = [
        len(syn[(syn.ac == r.ac) & (syn.tc == r.tc)][["a", "t"]].drop_duplicates())
        for r in want.itertuples()
    ]
    with open_graph_store(settings) as store:
        got = store.run(
            "MATCH (a:AxonClass {dataset: $dataset})-[c:CLASS_CONNECTS_TO]->(t:TargetClass) "
            "RETURN a.name AS ac, t.name AS tc, c.synapses AS synapses, "
            "c.connections AS connections ORDER BY ac, tc",
            {"dataset": store.dataset_key("ds")},
        )
    want = want.sort_values(["ac", "tc"]).reset_index(drop=True)
    assert got.values.tolist() == want[["ac", "tc", "synapses", "connections"]].values.tolist()


def test_properties_are_typed_and_match_the_source(settings: Settings) -> None:
    src = handmade_source(seed=11)
    load_graph(settings, src, "ds")
    with open_graph_store(settings) as store:
        key = store.dataset_key("ds")
        syn = store.run(
            "MATCH (s:Synapse {dataset: $dataset}) RETURN s.id AS id, s.asi_area AS asi, "
            "s.pre_x AS pre_x, s.post_z AS post_z, s.split_axon_id AS split, "
            "s.in_connectome AS conn, s.type_code AS code ORDER BY id",
            {"dataset": key},
        )
        sy = src.synapses
        assert syn.id.tolist() == list(range(1, sy.n + 1))
        asi = np.asarray(sy.asi_area)
        assert syn.asi.isna().tolist() == np.isnan(asi).tolist()
        assert np.allclose(syn.asi[~np.isnan(asi)], asi[~np.isnan(asi)])
        assert syn.pre_x.tolist() == sy.pre_position[:, 0].tolist()
        assert syn.post_z.tolist() == sy.post_position[:, 2].tolist()
        split = np.asarray(sy.split_axon_id)
        assert syn.split.isna().tolist() == (split == 0).tolist()
        assert syn.conn.tolist() == ((sy.axon_id > 0) & (sy.target_id > 0)).tolist()
        assert syn.code.tolist() == sy.type_code.tolist()

        # path length: an independent loop over each skeleton's edges
        axons = store.run(
            "MATCH (a:Axon {dataset: $dataset}) RETURN a.id AS id, "
            "a.path_length_um AS length, a.class AS class, a.synapses AS synapses ORDER BY id",
            {"dataset": key},
        )
        sk = src.axons.skeleton
        assert sk is not None
        for i in range(1, src.axons.n + 1):
            nodes = sk.nodes.element(i).astype(float) * [0.01124, 0.01124, 0.028]
            total = sum(math.dist(nodes[a - 1], nodes[b - 1]) for a, b in sk.edges.element(i))
            assert axons.length[i - 1] == pytest.approx(total)
        assert axons["class"].iloc[-1] == "Unknown"  # code 7 has no attribute
        conn = (sy.axon_id > 0) & (sy.target_id > 0)
        assert axons.synapses.tolist() == [
            int((conn & (sy.axon_id == i)).sum()) for i in range(1, src.axons.n + 1)
        ]

        meta = store.datasets()
        assert meta.name.tolist() == ["ds"] and meta.key.tolist() == ["ds"]
        assert int(meta.graph_model_version[0]) >= 1


def test_reload_of_the_same_files_is_a_noop(settings: Settings) -> None:
    src = handmade_source()
    assert load_graph(settings, src, "ds") is not None
    version = current_version(settings.embedded_graph_dir, "ds")
    assert begin_graph_load(settings, src, "ds", replace=False) is None
    assert begin_graph_load(settings, src, "ds", replace=True) is None
    assert current_version(settings.embedded_graph_dir, "ds") == version


def test_other_files_need_replace(settings: Settings) -> None:
    first = handmade_source(seed=1, tag="a")
    second = handmade_source(seed=2, n_synapses=120, tag="b")
    load_graph(settings, first, "ds")
    with pytest.raises(LoadError, match="dataset 'ds' is already loaded from other files"):
        begin_graph_load(settings, second, "ds", replace=False)
    assert graph_counts(settings, "ds") == expected_flat(first)

    old = current_version(settings.embedded_graph_dir, "ds")
    load_graph(settings, second, "ds", replace=True)
    assert graph_counts(settings, "ds") == expected_flat(second)
    base = dataset_dir(settings.embedded_graph_dir, "ds")
    assert current_version(settings.embedded_graph_dir, "ds") != old
    assert not (base / str(old)).exists()  # the old version is removed after the switch


def test_failure_during_prepare_leaves_the_previous_graph(settings: Settings) -> None:
    first = handmade_source(seed=1, tag="a")
    second = handmade_source(seed=2, n_synapses=120, tag="b")
    load_graph(settings, first, "ds")
    before = current_version(settings.embedded_graph_dir, "ds")

    def explode(step: str, done: int, total: int) -> None:
        if step.startswith("rels MAKES"):
            raise RuntimeError("injected failure")

    job = begin_graph_load(settings, second, "ds", replace=True, progress=explode)
    assert job is not None
    with pytest.raises(RuntimeError, match="injected failure"):
        job.prepare()
    # Before abort, readers still see the previous graph.
    assert graph_counts(settings, "ds") == expected_flat(first)
    job.abort()
    assert current_version(settings.embedded_graph_dir, "ds") == before
    assert graph_counts(settings, "ds") == expected_flat(first)
    base = dataset_dir(settings.embedded_graph_dir, "ds")
    assert sorted(p.name for p in base.iterdir() if p.is_dir()) == [before]


def test_killed_load_is_cleaned_up_by_the_next(settings: Settings) -> None:
    first = handmade_source(seed=1, tag="a")
    second = handmade_source(seed=2, tag="b")
    load_graph(settings, first, "ds")
    job = begin_graph_load(settings, second, "ds", replace=True)
    assert job is not None
    job.prepare()
    half_built = job.directory
    # A killed process never commits or aborts; its lock dies with it.
    job._release()  # type: ignore[attr-defined]
    assert (half_built / DB_FILE).exists()
    assert graph_counts(settings, "ds") == expected_flat(first)

    third = handmade_source(seed=3, tag="c")
    load_graph(settings, third, "ds", replace=True)
    assert not half_built.exists()
    assert graph_counts(settings, "ds") == expected_flat(third)


def test_one_load_per_dataset_at_a_time(settings: Settings) -> None:
    src = handmade_source()
    job = begin_graph_load(settings, src, "ds", replace=False)
    assert job is not None
    try:
        with pytest.raises(LoadError, match="another load of dataset 'ds' is running"):
            begin_graph_load(settings, src, "ds", replace=False)
        # Another dataset is independent.
        other = begin_graph_load(settings, src, "other", replace=False)
        assert other is not None
        other.abort()
    finally:
        job.abort()
    assert not (dataset_dir(settings.embedded_graph_dir, "ds") / POINTER).exists()


def test_a_new_graph_model_version_reloads(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = handmade_source()
    load_graph(settings, src, "ds")
    import connectomedb.etl.load.graph as graph_load

    monkeypatch.setattr(graph_load, "GRAPH_MODEL_VERSION", 999)
    job = begin_graph_load(settings, src, "ds", replace=False)
    assert job is not None  # same files, other model: rebuilt without needing replace
    job.abort()


def test_store_errors_and_dataset_routing(settings: Settings) -> None:
    a = handmade_source(seed=1, tag="a", n_axons=5)
    b = handmade_source(seed=2, tag="b", n_axons=9)
    load_graph(settings, a, "first")
    load_graph(settings, b, "second name/with slash")
    with open_graph_store(settings) as store:
        with pytest.raises(QueryError, match="dataset 'missing' is not loaded"):
            store.dataset_key("missing")
        with pytest.raises(QueryError, match="no \\$dataset parameter and 2 datasets"):
            store.run("MATCH (a:Axon) RETURN count(*) AS n")
        for name, n in (("first", 5), ("second name/with slash", 9)):
            key = store.dataset_key(name)
            got = store.run(
                "MATCH (a:Axon {dataset: $dataset}) RETURN count(*) AS n", {"dataset": key}
            )
            assert int(got.n[0]) == n
        assert sorted(store.datasets().name) == ["first", "second name/with slash"]


def test_chunked_copy_and_progress(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    import connectomedb.etl.load.graph.ladybug as ladybug_loader

    monkeypatch.setattr(ladybug_loader, "COPY_CHUNK_ROWS", 7)
    src = handmade_source(seed=12)
    calls: list[tuple[str, int, int]] = []
    job = begin_graph_load(settings, src, "ds", replace=False, progress=lambda *a: calls.append(a))
    assert job is not None
    report = job.prepare()
    job.commit()
    assert graph_counts(settings, "ds") == expected_flat(src)
    done = [c[1] for c in calls]
    assert done == sorted(done) and done[-1] == calls[-1][2] == report.rows - 1  # no Dataset
    segments = report.nodes["Segment"]
    assert sum(1 for c in calls if c[0] == "nodes Segment") == -(-segments // 7)
    assert sum(1 for c in calls if c[0] == "rels PRE Segment→Synapse") == 1


def test_checkpoints_between_copies(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """With a checkpoint and a fresh database handle after every chunk and table, the graph
    holds what the frames hold."""
    import connectomedb.etl.load.graph.ladybug as ladybug_loader

    monkeypatch.setattr(ladybug_loader, "COPY_CHUNK_ROWS", 7)
    monkeypatch.setattr(ladybug_loader, "CHECKPOINT_ROWS", 5)
    monkeypatch.setattr(ladybug_loader, "NODE_CHECKPOINT_ROWS", 5)
    src = handmade_source(seed=13)
    load_graph(settings, src, "ds")
    assert graph_counts(settings, "ds") == expected_flat(src)


@pytest.mark.parametrize("bad", ["", "a\x00b", "é" * 50, ".", ".."])
def test_names_that_cannot_be_folders_are_refused(settings: Settings, bad: str) -> None:
    with pytest.raises(ConfigError, match="the dataset name"):
        begin_graph_load(settings, handmade_source(), bad, replace=False)
    assert not settings.embedded_graph_dir.exists() or not any(
        settings.embedded_graph_dir.iterdir()
    )


# --- without the segment layer (the default) -----------------------------------------------

#: The labels and relationship types of the optional segment layer.
SEGMENT_LAYER = {"Segment", "PRE", "POST", "HAS_SEGMENT"}


@pytest.mark.parametrize("kind", ["handmade", "handmade-no-segments", "tiny"])
def test_default_graph_has_no_segment_layer(
    tmp_path: Path, kind: str, request: pytest.FixtureRequest
) -> None:
    src = SOURCES[kind](request)
    default = Settings(home=tmp_path / "home")
    assert default.graph_segments is False
    report = load_graph(default, src, "ds")
    assert report is not None
    full = expected_flat(src)
    assert full["Segment"] > 0 and full["HAS_SEGMENT"] > 0
    expected = {k: 0 if k in SEGMENT_LAYER else n for k, n in full.items()}
    assert graph_counts(default, "ds") == expected
    assert {**report.nodes, **report.relationships} == expected
    with open_graph_store(default) as store:
        assert store.stored_dataset("ds").segments is False  # type: ignore[union-attr]


def test_segment_layer_choice_rebuilds_and_same_choice_is_a_noop(tmp_path: Path) -> None:
    src = handmade_source()
    off = Settings(home=tmp_path / "home")
    on = Settings(home=tmp_path / "home", graph_segments=True)
    root = off.embedded_graph_dir
    assert load_graph(off, src, "ds") is not None
    version = current_version(root, "ds")
    assert begin_graph_load(off, src, "ds", replace=False) is None  # same choice: nothing to do
    assert load_graph(on, src, "ds") is not None  # same files, other choice: rebuilt
    assert current_version(root, "ds") != version
    assert graph_counts(on, "ds") == expected_flat(src)
    with open_graph_store(on) as store:
        assert store.stored_dataset("ds").segments is True  # type: ignore[union-attr]
    version = current_version(root, "ds")
    assert begin_graph_load(on, src, "ds", replace=False) is None
    assert current_version(root, "ds") == version
    assert load_graph(off, src, "ds") is not None  # and back
    assert graph_counts(off, "ds")["Segment"] == 0

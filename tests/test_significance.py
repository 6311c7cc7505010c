"""Null models keep degrees exactly; the in-memory counts equal independent computations and
the databases' own answers; results are reproducible from the seed."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import psycopg
import pytest
from click.testing import CliRunner
from support import oracle
from support.motifs import connectome_frame

from connectomedb import motifs, queries
from connectomedb.analyses.connectome import Connectome, build, fetch
from connectomedb.analyses.named_counts import named_counts
from connectomedb.analyses.nullmodel import null_connectomes
from connectomedb.analyses.significance import (
    motif_significance,
    named_significance,
    named_significance_of,
)
from connectomedb.motifs.frames import count_frames
from connectomedb.synth.generate import generate


def source_connectome(scale: str) -> tuple[Connectome, object]:
    """Built from the source frames with pandas, not through a database."""
    src = generate(scale, 0).dataset
    f = connectome_frame(src)
    e = (
        f.groupby(["axon", "target"])
        .agg(synapses=("asi", "size"), asi_area_sum=("asi", "sum"), asi_area_count=("asi", "count"))
        .reset_index()
        .rename(columns={"axon": "axon_id", "target": "target_id"})
    )
    e.loc[e["asi_area_count"] == 0, "asi_area_sum"] = np.nan
    ax, tg = src.axons, src.targets
    axons = pd.DataFrame({"id": np.arange(1, ax.n + 1), "class": ax.classes.name_of(ax.class_code)})
    targets = pd.DataFrame(
        {
            "id": np.arange(1, tg.n + 1),
            "class": tg.classes.name_of(tg.class_code),
            "neuron_id": tg.neuron_id,
        }
    )
    return build(e, axons, targets), src


@pytest.mark.parametrize("keep_class_pairs", [False, True])
@pytest.mark.parametrize("scale", ["tiny", "demo"])
def test_null_models_keep_degrees_and_classes_exactly(scale, keep_class_pairs):
    c, _ = source_connectome(scale)
    n_ax, n_tg = len(c.axon_id), len(c.target_id)
    deg_a = np.bincount(c.edge_axon, minlength=n_ax)
    deg_t = np.bincount(c.edge_target, minlength=n_tg)
    pairs = pd.Series(
        list(zip(c.axon_class[c.edge_axon], c.target_class[c.edge_target], strict=True))
    ).value_counts()
    moved = 0
    for r in null_connectomes(c, 4, seed=7, keep_class_pairs=keep_class_pairs):
        assert np.array_equal(np.bincount(r.edge_axon, minlength=n_ax), deg_a)
        assert np.array_equal(np.bincount(r.edge_target, minlength=n_tg), deg_t)
        keys = r.edge_axon * n_tg + r.edge_target
        assert len(np.unique(keys)) == len(keys), "a connection made twice"
        assert np.array_equal(r.axon_class, c.axon_class)
        assert np.array_equal(r.target_class, c.target_class)
        assert np.array_equal(r.synapses, c.synapses)
        if keep_class_pairs:
            tc = r.target_class[r.edge_target]
            assert np.array_equal(tc, c.target_class[c.edge_target])
            got = pd.Series(list(zip(r.axon_class[r.edge_axon], tc, strict=True))).value_counts()
            assert got.sort_index().equals(pairs.sort_index())
        moved += int((r.edge_target != c.edge_target).sum())
    assert moved > 0.5 * c.n_edges, "the swaps hardly changed the graph"


def test_reproducible_from_the_seed():
    c, _ = source_connectome("demo")
    a = [r.edge_target for r in null_connectomes(c, 3, seed=11)]
    b = [r.edge_target for r in null_connectomes(c, 5, seed=11)]
    d = [r.edge_target for r in null_connectomes(c, 3, seed=12)]
    for x, y in zip(a, b[:3], strict=True):
        assert np.array_equal(x, y)
    assert not np.array_equal(a[0], d[0])
    first = named_significance_of(c, k=6, seed=3)
    again = named_significance_of(c, k=6, seed=3)
    pd.testing.assert_frame_equal(first, again)


def _brute_counts(c: Connectome) -> dict[str, int]:
    """Bi-fans and sharing pairs by walking every pair of axons (pure Python)."""
    targets_of: dict[int, set[int]] = {}
    for a, t in zip(c.edge_axon.tolist(), c.edge_target.tolist(), strict=True):
        targets_of.setdefault(a, set()).add(t)
    bifans = pairs = 0
    for x, y in itertools.combinations(sorted(targets_of), 2):
        s = len(targets_of[x] & targets_of[y])
        bifans += s * (s - 1) // 2
        pairs += s >= 2
    return {"bifans": bifans, "shared_target_axon_pairs": pairs}


@pytest.mark.parametrize("scale", ["tiny", "demo"])
def test_named_counts_match_independent_computations(scale):
    c, src = source_connectome(scale)
    expected = oracle.motif_counts(src)
    got = named_counts(c)
    assert got == dict(zip(expected["motif"], expected["instances"], strict=True))
    for r in null_connectomes(c, 2, seed=1):
        counts = named_counts(r)
        for name, value in _brute_counts(r).items():
            assert counts[name] == value, name
    filtered = named_counts(c, axon_class="Inhibitory", target_class="Soma", min_shared=3)
    expected = oracle.motif_counts(src, axon_class="Inhibitory", target_class="Soma", min_shared=3)
    assert filtered == dict(zip(expected["motif"], expected["instances"], strict=True))


FRAME_CASES = [
    'A -> C\nA -> D\nB -> C\nB -> D\nA.class = "Inhibitory"',
    "A -> S\nA -> T\nS.neuron_id = T.neuron_id",
    'A -> B [synapses >= 2, "asi_area_sum" > 0.3]\nB.class != "Soma"',
    "A -> C\nB -> C\nA !> D\nB -> D\nA.synapses >= 20\nB.synapses >= 20",
    "A1 -> T1\nA2 -> T2\nA1.id < 30\nA2.id < 30\nT1.id < 30\nT2.id < 30",  # not orderable
    "A -> B as AB\nA -> C as AC\nAB.synapses > AC.synapses",
]


@pytest.mark.parametrize("text", FRAME_CASES)
def test_in_memory_executor_equals_postgresql(motif_loaded, text):
    with psycopg.connect(motif_loaded.url) as conn:
        c = fetch(conn, "demo")
        for all_mappings in (False, True):
            expected = motifs.find(
                text, conn, dataset="demo", count=True, all_mappings=all_mappings
            )
            got = count_frames(
                motifs.parse(text),
                c.edges_frame(),
                c.axons_frame(),
                c.targets_frame(),
                all_mappings=all_mappings,
            )
            assert got == expected


def test_observed_counts_equal_the_named_query(motif_loaded):
    with psycopg.connect(motif_loaded.url) as conn:
        for dataset in ("tiny", "demo"):
            frame = named_significance(conn, dataset=dataset, k=3, seed=0)
            counts = queries.run("motif_counts", conn, dataset=dataset)
            assert frame["observed"].tolist() == counts["instances"].tolist()
            assert frame["motif"].tolist() == counts["motif"].tolist()
    graph = named_significance(motif_loaded.store, dataset="demo", k=3, seed=0)
    with psycopg.connect(motif_loaded.url) as conn:
        sql_side = named_significance_of(fetch(conn, "demo"), k=3, seed=0)
    pd.testing.assert_frame_equal(graph, sql_side)
    # Counts the degrees fix do not vary: SD 0, z-score undefined.
    fixed = graph.set_index("motif").loc[
        ["convergent_targets", "divergent_axons", "multi_synaptic_connections"]
    ]
    assert (fixed["null_sd"] == 0).all() and fixed["z_score"].isna().all()


def test_motif_significance_statistics(motif_loaded):
    text = 'A -> C\nA -> D\nB -> C\nB -> D\nA.class = "Inhibitory"\nB.class = "Inhibitory"'
    with psycopg.connect(motif_loaded.url) as conn:
        frame = motif_significance(text, conn, dataset="demo", k=8, seed=5)
        c = fetch(conn, "demo")
    parsed = motifs.parse(text)
    null = np.array(
        [
            count_frames(parsed, r.edges_frame(), r.axons_frame(), r.targets_frame())
            for r in null_connectomes(c, 8, seed=5)
        ],
        dtype=float,
    )
    row = frame.iloc[0]
    assert row["null_mean"] == pytest.approx(null.mean())
    assert row["null_sd"] == pytest.approx(null.std(ddof=1))
    assert row["z_score"] == pytest.approx((row["observed"] - null.mean()) / null.std(ddof=1))
    assert row["p_greater"] == pytest.approx((1 + (null >= row["observed"]).sum()) / 9)


def test_cli_motif_and_significance(motif_loaded, tmp_path):
    from connectomedb.cli import main

    path = tmp_path / "bifan.motif"
    path.write_text("A -> C\nA -> D\nB -> C\nB -> D\n")
    runner = CliRunner()
    base = ["--postgres-url", motif_loaded.url, "--dataset", "tiny"]
    result = runner.invoke(main, ["motif", str(path), "--count", *base])
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == "165"
    result = runner.invoke(main, ["motif", str(path), "--limit", "2", "--format", "csv", *base])
    assert result.exit_code == 0 and result.output.splitlines()[0] == "A,C,D,B"
    result = runner.invoke(
        main, ["motif", "--named", "--significance", "4", "--format", "csv", "-q", *base]
    )
    assert result.exit_code == 0, result.output
    assert "bifans,165" in result.output
    bad = tmp_path / "bad.motif"
    bad.write_text("A -> B\nB -> C\n")
    result = runner.invoke(main, ["motif", str(bad), *base])
    assert result.exit_code == 6
    assert "node B both sends and receives an edge" in result.output
    result = runner.invoke(main, ["motif", str(tmp_path / "missing.motif"), *base])
    assert result.exit_code == 6 and "cannot read the motif file" in result.output

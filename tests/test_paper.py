"""The paper-faithful plasticity and target-specificity analyses == independent NumPy/SciPy
computations from the source files, on both stores."""

from __future__ import annotations

import numpy as np
import pandas as pd
import psycopg
import pytest
from scipy import stats
from support.motifs import connectome_frame

from connectomedb.analyses.plasticity import cv, plasticity, plasticity_of, random_pairs
from connectomedb.analyses.specificity import PAPER_TARGETS, specificity, specificity_of
from connectomedb.errors import QueryError


def _synapses(source) -> pd.DataFrame:
    f = connectome_frame(source)
    syn = pd.DataFrame(
        {
            "synapse_id": f.synapse_id,
            "axon_id": f.axon,
            "target_id": f.target,
            "synapse_type": f.type,
            "axon_class": f.axon_class,
            "target_class": f.target_class,
            "asi_area": f.asi,
        }
    )
    syn["axon_synapses"] = syn.groupby("axon_id")["synapse_id"].transform("size")
    syn["target_synapses"] = syn.groupby("target_id")["synapse_id"].transform("size")
    return syn


def _independent_pairs(source) -> dict[str, list[tuple[float, float]]]:
    """SASD pairs by walking the connections one by one."""
    f = connectome_frame(source)
    out: dict[str, list[tuple[float, float]]] = {"Corticocortical": [], "Thalamocortical": []}
    for (_, _), rows in f.groupby(["axon", "target"]):
        if len(rows) != 2:
            continue
        r = rows.sort_values("synapse_id")
        cls = r["axon_class"].iloc[0]
        if cls not in out or not (r["type"] == "PrimarySpine").all():
            continue
        if not (r["asi"] > 0).all():
            continue
        out[cls].append((float(r["asi"].iloc[0]), float(r["asi"].iloc[1])))
    return out


@pytest.mark.parametrize("scale", ["tiny", "demo"])
def test_plasticity_observed_side(motif_loaded, scale):
    source = motif_loaded.sources[scale]
    got = plasticity_of(_synapses(source), draws=50, seed=1).set_index("axon_class")
    pairs = _independent_pairs(source)
    pairs["Excitatory"] = pairs["Corticocortical"] + pairs["Thalamocortical"]
    for cls, values in pairs.items():
        arr = np.array(values)
        assert got.loc[cls, "pairs"] == len(arr)
        if len(arr):
            c = np.array([np.std(p, ddof=1) / np.mean(p) for p in arr])
            assert got.loc[cls, "cv_mean"] == pytest.approx(c.mean())
            assert got.loc[cls, "cv_median"] == pytest.approx(np.median(c))


def test_random_pairs_never_reuse_a_real_pair_and_use_each_synapse_once():
    rng = np.random.default_rng(3)
    for n_pairs in (2, 3, 7, 50):
        pair_of = np.concatenate([np.arange(n_pairs), np.arange(n_pairs)])
        for _ in range(200):
            left, right = random_pairs(pair_of, rng)
            assert not (pair_of[left] == pair_of[right]).any()
            assert sorted(np.concatenate([left, right]).tolist()) == list(range(2 * n_pairs))


def test_plasticity_random_side_and_tests_recomputed(motif_loaded):
    syn = _synapses(motif_loaded.sources["demo"])
    got = plasticity_of(syn, draws=40, seed=9).set_index("axon_class")
    again = plasticity_of(syn, draws=40, seed=9).set_index("axon_class")
    pd.testing.assert_frame_equal(got, again)
    # Recompute the Corticocortical row's statistics from the same draws, by hand.
    pairs = np.array(_independent_pairs(motif_loaded.sources["demo"])["Corticocortical"])
    areas = np.concatenate([pairs[:, 0], pairs[:, 1]])
    pair_of = np.concatenate([np.arange(len(pairs))] * 2)
    rng = np.random.default_rng([9, 0])
    draws = [random_pairs(pair_of, rng) for _ in range(40)]
    rand = np.concatenate([cv(areas[a], areas[b]) for a, b in draws])
    obs = np.sqrt(2) * np.abs(pairs[:, 0] - pairs[:, 1]) / pairs.sum(axis=1)
    grid = np.sort(np.concatenate([obs, rand]))
    d_plus = np.max(
        np.searchsorted(np.sort(obs), grid, side="right") / len(obs)
        - np.searchsorted(np.sort(rand), grid, side="right") / len(rand)
    )
    row = got.loc["Corticocortical"]
    assert row["ks_statistic"] == pytest.approx(d_plus)
    assert row["random_cv_mean"] == pytest.approx(rand.mean())
    means = np.array([cv(areas[a], areas[b]).mean() for a, b in draws])
    assert row["mean_p"] == pytest.approx((1 + (means <= obs.mean()).sum()) / 41)
    assert row["ks_p"] < 0.05 and row["cv_mean"] < row["random_cv_mean"]


def _independent_specificity(syn: pd.DataFrame, fdr: float) -> pd.DataFrame:
    keep = (syn.axon_synapses >= 10) & (
        (syn.target_synapses >= 10) | (syn.target_class == "AxonInitialSegment")
    )
    s = syn[keep]
    rows = []
    for axon_class, g in s.groupby("axon_class"):
        axons = sorted(g.axon_id.unique())
        n = np.array([(g.axon_id == a).sum() for a in axons])
        for tc in sorted(set(g.target_class) & set(PAPER_TARGETS)):
            k = np.array([((g.axon_id == a) & (g.target_class == tc)).sum() for a in axons])
            hit = k > 0

            def loglik(p, n=n, hit=hit):
                return sum(
                    np.log(1 - (1 - p) ** m) if h else m * np.log(1 - p)
                    for m, h in zip(n, hit, strict=True)
                )

            grid = np.linspace(1e-6, 1 - 1e-6, 20001)
            best = (
                grid[np.argmax([loglik(p) for p in grid])]
                if 0 < hit.sum() < len(hit)
                else float(hit.all())
            )
            p_hat = best
            pvals = np.array([stats.binom.sf(kk - 1, m, p_hat) for kk, m in zip(k, n, strict=True)])
            threshold, specific = 0.0, 0
            for t in np.unique(pvals):
                expected = sum(
                    sum(
                        stats.binom.pmf(j, m, p_hat)
                        for j in range(m + 1)
                        if stats.binom.sf(j - 1, m, p_hat) <= t
                    )
                    for m in n
                )
                if expected / (pvals <= t).sum() > fdr:
                    break
                threshold, specific = t, int((pvals <= t).sum())
            rows.append(
                {
                    "axon_class": axon_class,
                    "target_class": tc,
                    "axons": len(axons),
                    "synapses": int(k.sum()),
                    "p": p_hat,
                    "specific": specific,
                    "threshold": threshold,
                }
            )
    return pd.DataFrame(rows)


@pytest.mark.parametrize("scale", ["tiny", "demo"])
def test_specificity_matches_independent_computation(motif_loaded, scale):
    syn = _synapses(motif_loaded.sources[scale])
    got = specificity_of(syn, fdr=0.2)
    expected = _independent_specificity(syn, 0.2)
    assert len(got) == len(expected)
    for g, e in zip(got.itertuples(), expected.itertuples(), strict=True):
        assert (g.axon_class, g.target_class, g.axons, g.synapses) == (
            e.axon_class,
            e.target_class,
            e.axons,
            e.synapses,
        )
        assert g.null_probability == pytest.approx(e.p, abs=2e-4)
        assert g.specific_axons == e.specific
        if e.specific:
            assert g.threshold == pytest.approx(e.threshold, rel=1e-2)  # p from a grid


def test_specificity_class_p_is_exact(motif_loaded):
    syn = _synapses(motif_loaded.sources["demo"])
    got = specificity_of(syn)
    row = got[got.specific_axons > 0].iloc[0]
    kept = syn[
        (syn.axon_synapses >= 10)
        & ((syn.target_synapses >= 10) | (syn.target_class == "AxonInitialSegment"))
    ]
    g = kept[kept.axon_class == row.axon_class]
    n = g.groupby("axon_id").size().to_numpy()
    p, t = row.null_probability, row.threshold
    chance = []
    for m in n:
        ks = [j for j in range(m + 1) if stats.binom.sf(j - 1, m, p) <= t]
        chance.append(sum(stats.binom.pmf(j, m, p) for j in ks))
    dist = np.array([1.0])
    for q in chance:
        dist = np.convolve(dist, [1 - q, q])
    assert row.class_p == pytest.approx(dist[row.specific_axons :].sum(), rel=1e-6)
    assert row.expected_false == pytest.approx(sum(chance), rel=1e-6)


def test_both_stores_give_the_same_answers(motif_loaded):
    with psycopg.connect(motif_loaded.url) as conn:
        sql_p = plasticity(conn, dataset="demo", draws=20, seed=2)
        sql_s = specificity(conn, dataset="demo")
    graph_p = plasticity(motif_loaded.store, dataset="demo", draws=20, seed=2)
    graph_s = specificity(motif_loaded.store, dataset="demo")
    pd.testing.assert_frame_equal(sql_p, graph_p)
    pd.testing.assert_frame_equal(sql_s, graph_s)
    source_p = plasticity_of(_synapses(motif_loaded.sources["demo"]), draws=20, seed=2)
    pd.testing.assert_frame_equal(sql_p, source_p)


def test_bad_parameters():
    syn = pd.DataFrame(columns=["synapse_id"])
    for kwargs in ({"fdr": 0}, {"fdr": 1.5}, {"null": "uniform"}):
        with pytest.raises(QueryError):
            specificity_of(syn, **kwargs)
    with pytest.raises(QueryError, match="draws must be"):
        plasticity_of(syn, draws=0)


def test_report_shows_the_paper_faithful_tables(motif_loaded, tmp_path):
    from connectomedb.report import build_report

    out = build_report(motif_loaded.url, "demo", tmp_path / "report.html")
    text = out.read_text(encoding="utf-8")
    assert "Paper-faithful analyses (Motta et al. 2019)" in text
    assert "Conditions: connections of exactly 2 connectome synapses, both PrimarySpine" in text
    assert "axons &gt;= 10 synapses, targets &gt;= 10 (AIS always kept)" in text
    with psycopg.connect(motif_loaded.url) as conn:
        p = plasticity(conn, dataset="demo", draws=1000, seed=0)
    row = p.set_index("axon_class").loc["Excitatory"]
    assert f"<td>Excitatory</td><td>{row['pairs']}</td><td>{row['cv_mean']:.4g}</td>" in text

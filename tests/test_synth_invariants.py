"""Invariants of the generated structure, re-derived from the written files with plain h5py,
pandas and NetworkX (independently of the generator's own bookkeeping)."""

from __future__ import annotations

import json
from itertools import combinations
from pathlib import Path
from types import SimpleNamespace

import h5py
import networkx as nx
import numpy as np
import pandas as pd
import pytest

from connectomedb.synth import generate, write

AXON_NAMES = {1: "Corticocortical", 2: "Thalamocortical", 3: "Inhibitory", 4: "Other"}
TARGET_NAMES = {1: "ApicalDendrite", 2: "AxonInitialSegment", 4: "OtherDendrite",
                5: "SmoothDendrite", 8: "Soma", 9: "ProximalDendrite"}  # fmt: skip
ROW_ORDER = ["Corticocortical", "Thalamocortical", "Other", "Inhibitory"]
COL_ORDER = ["Soma", "ProximalDendrite", "SmoothDendrite", "ApicalDendrite",
             "AxonInitialSegment", "OtherDendrite"]  # fmt: skip
PRIMARY, SECONDARY, SHAFT, SOMA_SYN = 1, 2, 3, 4
AIS, SD, SOMA = 2, 5, 8


def _read(parent: h5py.h5g.GroupID, name: bytes) -> np.ndarray:
    # The low-level API: thousands of tiny datasets read in seconds, not minutes.
    ds = h5py.h5d.open(parent, name)
    out = np.empty(ds.shape, dtype=ds.dtype)
    ds.read(h5py.h5s.ALL, h5py.h5s.ALL, out)
    return out


def _sets(group: h5py.Group) -> dict[int, np.ndarray]:
    gid = group.id
    return {int(name): _read(gid, name).astype(np.int64) for name in gid}


def _skeletons(group: h5py.Group) -> dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    out = {}
    for name in group.id:
        g = h5py.h5g.open(group.id, name)
        out[int(name)] = (_read(g, b"nodes").T, _read(g, b"edges").T, _read(g, b"segIds"))
    return out


def read_folder(folder: Path) -> SimpleNamespace:
    """The written files as plain tables: ``syn`` has columns ``synapse_id``, ``type``,
    ``axon``, ``split``, ``target``, ``spine``, ``asi`` and the positions."""
    with h5py.File(folder / "synapses.hdf5", "r") as f:
        s = f["synapses"]
        syn = pd.DataFrame(
            {
                "type": s["type"][()].astype(int),
                "axon": s["preAxonId"][()].astype(int),
                "split": s["preSplitAxonId"][()].astype(int),
                "target": s["postDendriteId"][()].astype(int),
                "spine": s["postSpineHeadId"][()].astype(int),
                "asi": s["asiArea"][()],
            }
        )
        syn.insert(0, "synapse_id", np.arange(1, len(syn) + 1))
        for name in ("prePosition", "synPosition", "postPosition"):
            syn[[f"{name}_{c}" for c in "xyz"]] = s[name][()].T.astype(int)
        pre, post = _sets(s["preSegIds"]), _sets(s["postSegIds"])
    with h5py.File(folder / "axons.hdf5", "r") as f:
        axon_class = f["axons/class"][()].astype(int)
        axon_agg = _sets(f["axons/agglomerate"])
        axon_skel = _skeletons(f["axons/skeleton"])
    with h5py.File(folder / "dendrites.hdf5", "r") as f:
        target_class = f["dendrites/class"][()].astype(int)
        neuron = f["dendrites/neuronId"][()].astype(int)
        target_agg = _sets(f["dendrites/agglomerate"])
        target_skel = _skeletons(f["dendrites/skeleton"])
        spine_agg = _sets(f["spineHeads/agglomerate"])
    with h5py.File(folder / "segments.hdf5", "r") as f:
        seg_pos = f["segments/position"][()].T.astype(np.int64)
    csv = pd.read_csv(folder / "connectome.csv", index_col=0)
    truth = json.loads((folder / "truth.json").read_text())
    return SimpleNamespace(**locals())


@pytest.fixture(scope="module", params=["tiny", pytest.param("demo", marks=pytest.mark.slow)])
def data(request, tmp_path_factory) -> SimpleNamespace:
    result = generate(request.param, seed=1)
    folder = write(result, tmp_path_factory.mktemp(request.param))
    d = read_folder(folder)
    d.result = result
    return d


def _conn(d: SimpleNamespace) -> pd.DataFrame:
    return d.syn[(d.syn["axon"] > 0) & (d.syn["target"] > 0)]


def test_counts_match_truth(data) -> None:
    c = data.truth["counts"]
    syn = data.syn
    assert c["synapses"] == len(syn) and c["axons"] == len(data.axon_class)
    assert c["targets"] == len(data.target_class) and c["spine_heads"] == len(data.spine_agg)
    assert c["segments"] == len(data.seg_pos)
    assert c["connectome_synapses"] == len(_conn(data))
    assert c["synapses_without_axon"] == (syn["axon"] == 0).sum() > 0
    assert c["synapses_without_target"] == (syn["target"] == 0).sum() > 0
    assert c["synapses_with_split_axon"] == (syn["split"] > 0).sum() > 0
    assert c["neurons"] == len(set(data.neuron[data.neuron > 0]))
    assert c["axon_skeleton_nodes"] == sum(len(n) for n, _, _ in data.axon_skel.values())
    names = {1: "PrimarySpine", 2: "SecondarySpine", 3: "Shaft", 4: "Soma"}
    assert data.truth["synapse_types"] == {names[k]: int((syn["type"] == k).sum()) for k in names}


def test_axon_classes_follow_the_paper_rule(data) -> None:
    conn = _conn(data)
    per = conn.groupby("axon").agg(n=("type", "size"), spine=("type", lambda t: (t == 1).mean()))
    per = per.reindex(range(1, len(data.axon_class) + 1), fill_value=0)
    per["cls"] = data.axon_class
    big = per["n"] >= 10
    assert (per.loc[~big, "cls"] == 4).all()
    exc = big & (per["spine"] >= 0.5)
    inh = big & (per["spine"] < 0.2)
    assert per.loc[exc, "cls"].isin([1, 2]).all()
    assert (per.loc[inh, "cls"] == 3).all()
    assert (per.loc[big & ~exc & ~inh, "cls"] == 4).all()
    # Every class is present among the classified axons.
    assert set(per.loc[big, "cls"]) == {1, 2, 3, 4}
    by_class = per.loc[big, "cls"].map(AXON_NAMES).value_counts().to_dict()
    expected = {k: v for k, v in data.truth["classified_axons"]["by_class"].items() if v}
    assert by_class == expected


def test_connectome_csv_rederived_from_synapses(data) -> None:
    conn = _conn(data)
    ax_n = conn.groupby("axon").size()
    tg_n = conn.groupby("target").size()
    rows = set(ax_n[ax_n >= 10].index)
    tclass = pd.Series(data.target_class, index=range(1, len(data.target_class) + 1))
    in_cols = tclass.isin(list(TARGET_NAMES))
    cols = set(tg_n[tg_n >= 10].index) & set(tclass[in_cols].index)
    cols |= set(tclass[tclass == AIS].index)
    axons, targets = data.result.csv_axons, data.result.csv_targets
    assert set(axons.tolist()) == rows and len(axons) == len(rows)
    assert set(targets.tolist()) == cols and len(targets) == len(cols)
    counts = conn.groupby(["axon", "target"]).size()
    expected = counts.unstack(fill_value=0).reindex(index=axons, columns=targets, fill_value=0)
    csv = data.csv
    assert list(csv.index) == [AXON_NAMES[data.axon_class[a - 1]] for a in axons]
    assert [c.split(".")[0] for c in csv.columns] == [
        TARGET_NAMES[data.target_class[t - 1]] for t in targets
    ]
    np.testing.assert_array_equal(csv.to_numpy(), expected.to_numpy())
    # Groups in the published order.
    assert list(dict.fromkeys(csv.index)) == [r for r in ROW_ORDER if r in set(csv.index)]
    col_groups = [c.split(".")[0] for c in csv.columns]
    assert list(dict.fromkeys(col_groups)) == [c for c in COL_ORDER if c in set(col_groups)]
    # Class totals in truth equal the CSV's.
    totals = csv.T.groupby(col_groups).sum().T.groupby(level=0).sum()
    for a, row in data.truth["connectome_csv"]["class_totals"].items():
        for t, n in row.items():
            got = int(totals.loc[a, t]) if a in totals.index and t in totals.columns else 0
            assert got == n, (a, t)
    assert data.truth["connectome_csv"]["synapses"] == int(csv.to_numpy().sum())


def test_synapse_types_consistent_with_targets_and_spine_heads(data) -> None:
    syn = data.syn
    tclass = np.concatenate([[0], data.target_class])[syn["target"]]
    on_target = syn["target"] > 0
    assert (syn.loc[on_target & (tclass == SOMA), "type"] == SOMA_SYN).all()
    soma_targets = syn.loc[syn["type"] == SOMA_SYN, "target"]
    assert (soma_targets.map(lambda t: tclass_of(data, t)) == SOMA).all()
    assert (syn.loc[on_target & np.isin(tclass, [AIS, SD]), "type"] == SHAFT).all()
    spine = syn["type"].isin([PRIMARY, SECONDARY])
    assert ((syn["spine"] > 0) == spine).all()
    assert syn["asi"].isna().eq(~spine).all()
    # One primary synapse per spine head; secondary ones share a head with a primary one, on
    # the same target.
    prim = syn[syn["type"] == PRIMARY]
    assert prim["spine"].is_unique
    sec = syn[syn["type"] == SECONDARY].merge(
        prim[["spine", "target"]], on="spine", suffixes=("", "_primary")
    )
    assert len(sec) == (syn["type"] == SECONDARY).sum() > 0
    assert (sec["target"] == sec["target_primary"]).all()


def tclass_of(d: SimpleNamespace, t: int) -> int:
    return int(d.target_class[t - 1]) if t > 0 else 0


def test_neurons_own_one_soma_and_an_ais(data) -> None:
    frame = pd.DataFrame({"neuron": data.neuron, "cls": data.target_class})
    owned = frame[frame["neuron"] > 0]
    assert (owned.groupby("neuron")["cls"].apply(lambda c: (c == SOMA).sum()) == 1).all()
    assert (owned.groupby("neuron")["cls"].apply(lambda c: (c == AIS).sum()) == 1).all()
    assert owned["cls"].isin([SOMA, AIS, 9, SD]).all()
    assert (frame.loc[frame["cls"] == SOMA, "neuron"] > 0).all()


def test_agglomerates_partition_segments_and_skeletons_are_trees(data) -> None:
    owner: dict[int, tuple[str, int]] = {}
    for kind, sets in (("axon", data.axon_agg), ("target", data.target_agg),
                       ("spine", data.spine_agg)):  # fmt: skip
        for i, segs in sets.items():
            assert len(segs) >= 1 and len(set(segs.tolist())) == len(segs)
            for s in segs.tolist():
                assert s not in owner, f"segment {s} in {owner.get(s)} and {(kind, i)}"
                owner[s] = (kind, i)
    n_seg = len(data.seg_pos)
    assert min(owner) >= 1 and max(owner) <= n_seg and len(owner) < n_seg
    flight = 0
    for kind, skels, aggs in (("axon", data.axon_skel, data.axon_agg),
                              ("target", data.target_skel, data.target_agg)):  # fmt: skip
        for i, (nodes, edges, seg) in skels.items():
            n = len(nodes)
            g = nx.Graph()
            g.add_nodes_from(range(1, n + 1))
            if n == 1:
                assert edges.tolist() == [[1, 1]]
            else:
                g.add_edges_from(map(tuple, edges.tolist()))
                assert nx.is_tree(g), (kind, i)
            on = seg[seg > 0]
            assert set(on.tolist()) <= set(aggs[i].tolist())
            flight += int((seg == 0).sum())
            # Nodes sit on their segments.
            np.testing.assert_array_equal(data.seg_pos[on - 1], nodes[seg > 0])
    assert flight > 0
    lo, hi = np.array([129, 129, 129]), np.array([5574, 8509, 3414])
    assert (data.seg_pos >= lo).all() and (data.seg_pos <= hi).all()


def test_synapse_segments_belong_to_their_partners(data) -> None:
    axon_of = {s: i for i, segs in data.axon_agg.items() for s in segs.tolist()}
    target_of = {s: i for i, segs in data.target_agg.items() for s in segs.tolist()}
    spine_of = {s: i for i, segs in data.spine_agg.items() for s in segs.tolist()}
    for row in data.syn.itertuples(index=False):
        pre, post = data.pre[row.synapse_id], data.post[row.synapse_id]
        assert 1 <= len(pre) <= 4 and 1 <= len(post) <= 4
        assert all(axon_of.get(s, 0) == row.axon for s in pre.tolist())
        if row.spine:
            assert all(spine_of.get(s) == row.spine for s in post.tolist())
        elif row.target:
            assert all(target_of.get(s) == row.target for s in post.tolist())
        # The synapse sits within ~1 µm of its segments.
        at = np.array([row.synPosition_x, row.synPosition_y, row.synPosition_z])
        nm = np.array([11.24, 11.24, 28.0])
        for segs in (pre, post):
            dist = np.linalg.norm((data.seg_pos[segs - 1] - at) * nm, axis=1)
            assert dist.max() < 1500.0


def _graph(d: SimpleNamespace) -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    for row in _conn(d).itertuples(index=False):
        g.add_edge(("a", row.axon), ("t", row.target), synapse=row.synapse_id, asi=row.asi,
                   type=row.type)  # fmt: skip
    return g


def test_motifs_recomputed_with_networkx(data) -> None:
    g = _graph(data)
    m = data.truth["motifs"]
    simple = nx.DiGraph(g)
    mult = {(u[1], v[1]): g.number_of_edges(u, v) for u, v in simple.edges}
    hist: dict[str, int] = {}
    for n in mult.values():
        hist[str(n)] = hist.get(str(n), 0) + 1
    assert m["multi_synaptic"]["multiplicity_histogram"] == hist
    assert m["multi_synaptic"]["pairs_ge2"] == sum(n >= 2 for n in mult.values())
    assert m["multi_synaptic"]["pairs_ge3"] == sum(n >= 3 for n in mult.values()) > 0
    assert m["multi_synaptic"]["list"] == sorted([a, t, n] for (a, t), n in mult.items() if n >= 2)

    k = m["convergence"]["k"]
    targets = [v for v in simple if v[0] == "t"]
    axons = [v for v in simple if v[0] == "a"]
    conv = {str(t[1]): simple.in_degree(t) for t in targets if simple.in_degree(t) >= k}
    assert m["convergence"]["target_axons"] == conv and conv
    div = {str(a[1]): simple.out_degree(a) for a in axons if simple.out_degree(a) >= k}
    assert m["divergence"]["axon_targets"] == div and div
    neuron_inputs: dict[int, set[int]] = {}
    for a, t in simple.edges:
        nid = int(data.neuron[t[1] - 1])
        if nid:
            neuron_inputs.setdefault(nid, set()).add(a[1])
    conv_n = {str(n): len(s) for n, s in neuron_inputs.items() if len(s) >= k}
    assert m["convergence"]["neuron_axons"] == conv_n

    multi_target = []
    for a in axons:
        by_neuron: dict[int, list[int]] = {}
        for t in simple.successors(a):
            nid = int(data.neuron[t[1] - 1])
            if nid:
                by_neuron.setdefault(nid, []).append(t[1])
        multi_target += [
            {"axon": a[1], "neuron": n, "targets": sorted(ts)}
            for n, ts in by_neuron.items() if len(ts) >= 2
        ]  # fmt: skip
    key = lambda x: (x["axon"], x["neuron"])  # noqa: E731
    assert sorted(m["axon_neuron_multi_target"]["list"], key=key) == sorted(multi_target, key=key)

    common = set.intersection(
        *[{t[1] for t in simple.successors(("a", a))} for a in m["common_partners"]["axons"]]
    )
    assert m["common_partners"]["targets"] == sorted(common)

    bifans = 0
    listed = []
    succ = {a[1]: {t[1] for t in simple.successors(a)} for a in axons}
    for a1, a2 in combinations(sorted(succ), 2):
        shared = sorted(succ[a1] & succ[a2])
        bifans += len(shared) * (len(shared) - 1) // 2
        if data.truth["scale"] == "tiny":
            listed += [[a1, a2, t1, t2] for t1, t2 in combinations(shared, 2)]
    assert m["bifans"]["count"] == bifans > 0
    if data.truth["scale"] == "tiny":
        assert m["bifans"]["list"] == listed


def test_two_synapse_pairs_have_correlated_asi(data) -> None:
    conn = _conn(data)
    spine = conn["type"].isin([PRIMARY, SECONDARY])
    grp = conn.assign(spine=spine).groupby(["axon", "target"])
    pairs = grp.filter(lambda x: len(x) == 2 and x["spine"].all()).sort_values("synapse_id")
    first = pairs.groupby(["axon", "target"])["asi"].first()
    second = pairs.groupby(["axon", "target"])["asi"].last()
    got = data.truth["motifs"]["two_synapse_spine_pairs"]
    assert got["count"] == len(first) > 2
    r = np.corrcoef(np.log(first), np.log(second))[0, 1]
    assert got["log_asi_pearson"] == pytest.approx(r, abs=1e-9)
    # Random pairs of spine synapses are not correlated; same-pair ones are.
    assert r > 0.3


def test_tiny_planted_motifs_hold(tmp_path: Path) -> None:
    d = read_folder(write(generate("tiny", seed=5), tmp_path))
    g = nx.DiGraph(_graph(d))
    planted = d.truth["planted"]
    assert {p["kind"] for p in planted} >= {
        "multi_synaptic_pair", "convergence", "divergence", "bifan",
        "axon_neuron_multi_target", "common_partners",
    }  # fmt: skip
    conn = _conn(d)
    for p in planted:
        if p["kind"] == "multi_synaptic_pair":
            n = ((conn["axon"] == p["axon"]) & (conn["target"] == p["target"])).sum()
            assert n == p["synapses"]
        elif p["kind"] == "convergence":
            assert sorted(a[1] for a in g.predecessors(("t", p["target"]))) == p["axons"]
        elif p["kind"] == "convergence_neuron":
            owned = {i + 1 for i, n in enumerate(d.neuron) if n == p["neuron"]}
            axons = set(conn.loc[conn["target"].isin(owned), "axon"])
            assert sorted(axons) == p["axons"]
        elif p["kind"] == "divergence":
            assert sorted(t[1] for t in g.successors(("a", p["axon"]))) == p["targets"]
        elif p["kind"] == "bifan":
            for a in p["axons"]:
                for t in p["targets"]:
                    assert g.has_edge(("a", a), ("t", t))
        elif p["kind"] == "axon_neuron_multi_target":
            for t in p["targets"]:
                assert d.neuron[t - 1] == p["neuron"] and g.has_edge(("a", p["axon"]), ("t", t))
        elif p["kind"] == "common_partners":
            sets = [{t[1] for t in g.successors(("a", a))} for a in p["axons"]]
            assert sorted(set.intersection(*sets)) == p["targets"]
    # Tiny still has classified axons of every class and every column group in the CSV.
    assert set(d.csv.index) == set(ROW_ORDER)
    assert {c.split(".")[0] for c in d.csv.columns} == set(COL_ORDER)

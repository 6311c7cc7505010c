"""Expected answers (the ``truth``) computed from the synapse table of a generated dataset."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd

from connectomedb.synth import codes as C


def connectome_synapses(
    syn_axon: np.ndarray, syn_target: np.ndarray, syn_type: np.ndarray, asi: np.ndarray
) -> pd.DataFrame:
    """Columns ``synapse_id``, ``axon``, ``target``, ``type``, ``asi`` of the connectome
    synapses (axon and target both non-zero)."""
    keep = (syn_axon > 0) & (syn_target > 0)
    return pd.DataFrame(
        {
            "synapse_id": np.flatnonzero(keep) + 1,
            "axon": syn_axon[keep],
            "target": syn_target[keep],
            "type": syn_type[keep],
            "asi": asi[keep],
        }
    )


def _ids(values: np.ndarray | pd.Index) -> list[int]:
    return sorted(int(v) for v in values)


def motifs(
    syn: pd.DataFrame,
    neuron_id: np.ndarray,
    *,
    detail: bool,
    k: int,
    common_axons: list[int],
    bifan_list: bool = False,
) -> dict:
    """Motif counts (and, with ``detail``, the full lists) over connectome synapses ``syn``
    (columns as :func:`connectome_synapses`); ``bifan_list`` lists every bi-fan (tiny only)."""
    pairs = syn.groupby(["axon", "target"]).size().rename("synapses").reset_index()
    hist = pairs["synapses"].value_counts().sort_index()
    out: dict = {
        "multi_synaptic": {
            "pairs": int(len(pairs)),
            "pairs_ge2": int((pairs["synapses"] >= 2).sum()),
            "pairs_ge3": int((pairs["synapses"] >= 3).sum()),
            "multiplicity_histogram": {str(int(m)): int(n) for m, n in hist.items()},
        }
    }
    if detail:
        multi = pairs[pairs["synapses"] >= 2].sort_values(["axon", "target"])
        out["multi_synaptic"]["list"] = [
            [int(a), int(t), int(n)] for a, t, n in multi.itertuples(index=False)
        ]

    # Pairs joined by exactly two synapses, both onto spines: ASI of the two (ordered by ID).
    two = pairs[pairs["synapses"] == 2][["axon", "target"]]
    both = syn.merge(two, on=["axon", "target"])
    both["spine"] = both["type"].isin([C.PRIMARY, C.SECONDARY])
    all_spine = both.groupby(["axon", "target"])["spine"].transform("all")
    asi = both[all_spine].sort_values("synapse_id").groupby(["axon", "target"])["asi"]
    first, second = asi.first(), asi.last()
    r = float(np.corrcoef(np.log(first), np.log(second))[0, 1]) if len(first) > 2 else None
    out["two_synapse_spine_pairs"] = {"count": int(len(first)), "log_asi_pearson": r}
    if detail:
        out["two_synapse_spine_pairs"]["list"] = [[int(a), int(t)] for a, t in first.index]

    per_target = syn.groupby("target")["axon"].nunique()
    conv = per_target[per_target >= k]
    neuron = neuron_id[syn["target"].to_numpy() - 1]
    with_neuron = syn.assign(neuron=neuron)[neuron > 0]
    per_neuron = with_neuron.groupby("neuron")["axon"].nunique()
    conv_n = per_neuron[per_neuron >= k]
    per_axon = syn.groupby("axon")["target"].nunique()
    div = per_axon[per_axon >= k]
    out["convergence"] = {"k": k, "targets": int(len(conv)), "neurons": int(len(conv_n))}
    out["divergence"] = {"k": k, "axons": int(len(div))}
    if detail:
        out["convergence"]["target_axons"] = {str(int(t)): int(n) for t, n in conv.items()}
        out["convergence"]["neuron_axons"] = {str(int(t)): int(n) for t, n in conv_n.items()}
        out["divergence"]["axon_targets"] = {str(int(a)): int(n) for a, n in div.items()}

    # An axon onto one neuron through two or more of its targets.
    an = with_neuron.groupby(["axon", "neuron"])["target"].unique()
    an = an[an.map(len) >= 2]
    out["axon_neuron_multi_target"] = {"count": int(len(an))}
    if detail:
        out["axon_neuron_multi_target"]["list"] = [
            {"axon": int(a), "neuron": int(n), "targets": _ids(t)} for (a, n), t in an.items()
        ]

    targets_of = syn.groupby("axon")["target"].unique()
    common: set[int] | None = None
    for a in common_axons:
        ts = set(int(t) for t in targets_of.get(a, []))
        common = ts if common is None else common & ts
    out["common_partners"] = {"axons": list(common_axons), "targets": sorted(common or [])}

    if detail:
        # Bi-fans: two axons that both contact the same two targets. Pairs of axons sharing s
        # targets hold s*(s-1)/2 of them (a dense product; fine up to the demo scale).
        ax_codes, ax_index = np.unique(pairs["axon"].to_numpy(), return_inverse=True)
        tg_index = np.unique(pairs["target"].to_numpy(), return_inverse=True)[1]
        adj = np.zeros((ax_codes.shape[0], int(tg_index.max(initial=-1)) + 1), dtype=np.float32)
        adj[ax_index, tg_index] = 1.0
        shared = np.triu(adj @ adj.T, k=1).astype(np.int64)
        out["bifans"] = {"count": int((shared * (shared - 1) // 2).sum())}
    if bifan_list:
        sets = {int(a): set(int(x) for x in t) for a, t in targets_of.items()}
        fans: list[list[int]] = []
        for a1, a2 in combinations(sorted(sets), 2):
            shared_t = sorted(sets[a1] & sets[a2])
            fans.extend([a1, a2, t1, t2] for t1, t2 in combinations(shared_t, 2))
        out["bifans"]["list"] = fans
    return out

"""The synaptic-plasticity analysis as the paper restricts it (docs/paper.md).

Same-axon same-dendrite (SASD) pairs: connections of exactly two connectome synapses, both
primary spine synapses with an ASI area, from excitatory axons (corticocortical or
thalamocortical). Their ASI similarity, the coefficient of variation ``CV = sqrt(2) |x - y| /
(x + y)`` of the two areas, is compared with that of random pairs: the synapses of the SASD
pairs of the same axon class, paired at random ``draws`` times (seeded), never pairing the two
synapses of one real pair. Tests: the one-sided two-sample Kolmogorov-Smirnov test (SASD CVs
smaller than the random pairs' CVs, all draws pooled) and the empirical p-value of the mean
CV over the draws.

The general query ``asi_pair_cv`` stays as it is (any type, any class, one fixed pairing).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from connectomedb.analyses.synapses import fetch_synapses
from connectomedb.errors import QueryError
from connectomedb.stores.sql import Connection
from connectomedb.vocabulary import EXCITATORY

COLUMNS = [
    "axon_class",
    "pairs",
    "cv_mean",
    "cv_median",
    "random_draws",
    "random_cv_mean",
    "random_cv_median",
    "ks_statistic",
    "ks_p",
    "mean_p",
    "conditions",
]
CONDITIONS = (
    "connections of exactly 2 connectome synapses, both PrimarySpine with ASI > 0; "
    "excitatory axons (Corticocortical, Thalamocortical); random pairs from the "
    "same synapses, never the two of one real pair; one-sided KS test"
)


def cv(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Sample SD over mean of two values: sqrt(2) |x - y| / (x + y)."""
    return np.sqrt(2.0) * np.abs(x - y) / (x + y)


def sasd_pairs(synapses: pd.DataFrame) -> pd.DataFrame:
    """The SASD pairs: axon_id, target_id, axon_class, synapse_a, synapse_b, asi_a, asi_b
    (a < b by synapse ID), ordered by axon_id, target_id."""
    per_connection = synapses.groupby(["axon_id", "target_id"])["synapse_id"].transform("size")
    keep = (
        (per_connection == 2)
        & (synapses["synapse_type"] == "PrimarySpine")
        & synapses["axon_class"].isin(EXCITATORY)
        & (synapses["asi_area"] > 0)
    )
    s = synapses[keep].sort_values(["axon_id", "target_id", "synapse_id"])
    both = s.groupby(["axon_id", "target_id"])["synapse_id"].transform("size") == 2
    s = s[both]
    first, second = s.iloc[0::2], s.iloc[1::2]
    return pd.DataFrame(
        {
            "axon_id": first["axon_id"].to_numpy(),
            "target_id": first["target_id"].to_numpy(),
            "axon_class": first["axon_class"].to_numpy(),
            "synapse_a": first["synapse_id"].to_numpy(),
            "synapse_b": second["synapse_id"].to_numpy(),
            "asi_a": first["asi_area"].to_numpy(),
            "asi_b": second["asi_area"].to_numpy(),
        }
    )


def random_pairs(pair_of: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """One random pairing of ``len(pair_of)`` synapses (an even number); ``pair_of[i]`` is the
    real pair synapse ``i`` belongs to. No random pair is a real pair. Returns index arrays."""
    n = pair_of.shape[0]
    order = rng.permutation(n)
    left, right = order[0::2].copy(), order[1::2].copy()
    if n < 4:
        return left[:0], right[:0]  # one real pair only: every pairing is the real one
    for _ in range(1000):
        bad = np.flatnonzero(pair_of[left] == pair_of[right])
        if bad.size == 0:
            return left, right
        # Swap each bad pair's second synapse with that of a randomly chosen pair.
        other = rng.integers(0, left.shape[0], size=bad.size)
        for b, o in zip(bad.tolist(), other.tolist(), strict=True):
            right[b], right[o] = right[o], right[b]
    raise QueryError("could not draw random pairs without reusing a real pair.")


def plasticity_of(synapses: pd.DataFrame, *, draws: int = 5000, seed: int = 0) -> pd.DataFrame:
    """One row per excitatory axon class and one for both together (``Excitatory``)."""
    if isinstance(draws, bool) or not isinstance(draws, int) or draws < 1:
        raise QueryError(f"draws must be a whole number >= 1, not {draws!r}.")
    pairs = sasd_pairs(synapses)
    groups = [(c, pairs[pairs["axon_class"] == c]) for c in EXCITATORY]
    groups.append(("Excitatory", pairs))
    rows = []
    for g, (label, p) in enumerate(groups):
        observed = cv(p["asi_a"].to_numpy(), p["asi_b"].to_numpy())
        areas = np.concatenate([p["asi_a"].to_numpy(), p["asi_b"].to_numpy()])
        pair_of = np.concatenate([np.arange(len(p)), np.arange(len(p))])
        rng = np.random.default_rng([seed, g])
        random_cvs, means = [], np.empty(draws)
        for d in range(draws):
            left, right = random_pairs(pair_of, rng)
            values = cv(areas[left], areas[right])
            random_cvs.append(values)
            means[d] = values.mean() if values.size else np.nan
        pooled = np.concatenate(random_cvs) if random_cvs else np.zeros(0)
        row: dict[str, Any] = {
            "axon_class": label,
            "pairs": int(len(p)),
            "random_draws": draws,
            "conditions": CONDITIONS,
        }
        if observed.size and pooled.size:
            ks = stats.ks_2samp(observed, pooled, alternative="greater")
            row.update(
                cv_mean=float(observed.mean()),
                cv_median=float(np.median(observed)),
                random_cv_mean=float(pooled.mean()),
                random_cv_median=float(np.median(pooled)),
                ks_statistic=float(ks.statistic),
                ks_p=float(ks.pvalue),
                mean_p=(1 + int((means <= observed.mean()).sum())) / (draws + 1),
            )
        rows.append(row)
    return pd.DataFrame(rows, columns=COLUMNS)


def plasticity(
    conn: Connection, *, dataset: str | None = None, draws: int = 5000, seed: int = 0
) -> pd.DataFrame:
    """The paper-faithful plasticity test on a dataset (PostgreSQL or graph).

    Columns: axon_class (Corticocortical, Thalamocortical, Excitatory), pairs, cv_mean,
    cv_median, random_draws, random_cv_mean, random_cv_median (over every draw), ks_statistic,
    ks_p (one-sided: SASD CVs smaller), mean_p (share of draws whose mean CV is <= the SASD
    mean, with the +1 correction), conditions.
    """
    return plasticity_of(fetch_synapses(conn, dataset), draws=draws, seed=seed)

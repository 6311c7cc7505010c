"""Axonal target specificity against the paper's null model of target choice (docs/paper.md).

At the paper's thresholds (axons with at least 10 connectome synapses; targets with at least
10, every axon initial segment kept: counting rule 6), each axon of an axon class makes ``n``
kept synapses, ``k`` of them onto a target class. The null model: every synapse picks that
target class independently with one probability ``p`` per axon class and target class
(binomial target choice). ``p`` is the "first-hit" maximum-likelihood estimate (the ``p`` under
which the share of axons with at least one synapse onto the class is most likely:
``P(k >= 1) = 1 - (1 - p)^n``), or with ``null="pooled"`` the class's pooled fraction.

Per axon: the one-sided binomial p-value ``P(X >= k | n, p)``. Specific axons: those below the
largest threshold at which the false detection rate (null-expected axons below it over
observed axons below it, the null expectation computed exactly from each axon's binomial)
stays at most ``fdr``. Per axon class and target class, ``class_p``: the probability under the
null of at least as many axons below that threshold (exact Poisson-binomial).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, stats

from connectomedb.analyses.synapses import fetch_synapses
from connectomedb.errors import QueryError
from connectomedb.stores.sql import Connection
from connectomedb.vocabulary import AXON_INITIAL_SEGMENT, MIN_SYNAPSES, PAPER_TARGET_CLASSES

#: The target classes tested by default; synapses onto other classes still count in ``n``.
PAPER_TARGETS = PAPER_TARGET_CLASSES
COLUMNS = [
    "axon_class",
    "target_class",
    "axons",
    "synapses",
    "fraction",
    "null_probability",
    "axon_fraction_mean",
    "specific_axons",
    "specific_fraction",
    "expected_false",
    "threshold",
    "class_p",
    "conditions",
]


def kept_synapses(
    synapses: pd.DataFrame,
    min_axon_synapses: int = MIN_SYNAPSES,
    min_target_synapses: int = MIN_SYNAPSES,
) -> pd.DataFrame:
    """The synapses at the thresholds (axon initial segments always kept as targets)."""
    keep = (synapses["axon_synapses"] >= min_axon_synapses) & (
        (synapses["target_synapses"] >= min_target_synapses)
        | (synapses["target_class"] == AXON_INITIAL_SEGMENT)
    )
    return synapses[keep]


def first_hit_probability(n: np.ndarray, hit: np.ndarray) -> float:
    """Maximum-likelihood ``p`` of ``P(at least one of n) = 1 - (1 - p)^n`` given which axons
    hit (``hit``) among axons of ``n`` synapses."""
    if not hit.any():
        return 0.0
    if hit.all():
        return 1.0

    def nll(p: float) -> float:
        miss = n * np.log1p(-p)
        return -float(np.sum(np.where(hit, np.log(-np.expm1(miss)), miss)))

    res = optimize.minimize_scalar(
        nll, bounds=(1e-12, 1 - 1e-12), method="bounded", options={"xatol": 1e-10}
    )
    return float(res.x)


def _attainable(size: int, p: float) -> np.ndarray:
    """The p-values an axon of ``size`` synapses can have, ascending: P(X >= k), k = size..0."""
    return stats.binom.sf(np.arange(-1, size), size, p)[::-1]


def null_below(n: np.ndarray, p: float, thresholds: np.ndarray) -> np.ndarray:
    """For each threshold, the null-expected number of axons whose p-value is <= it.

    An axon's chance of a p-value <= t is the largest p-value it can have that is <= t; the
    sum over axons is accumulated as increments over every attainable value, sorted."""
    values, steps = [], []
    for size in np.unique(n):
        sf = _attainable(int(size), p)
        values.append(sf)
        steps.append(np.diff(np.concatenate([[0.0], sf])) * int((n == size).sum()))
    v = np.concatenate(values)
    order = np.argsort(v, kind="stable")
    cum = np.cumsum(np.concatenate(steps)[order])
    idx = np.searchsorted(v[order], thresholds, side="right") - 1
    return np.where(idx >= 0, cum[np.clip(idx, 0, None)], 0.0)


def chance_below(n: np.ndarray, p: float, threshold: float) -> np.ndarray:
    """Per axon, the null probability that its p-value is <= ``threshold``."""
    lookup = {}
    for size in np.unique(n).tolist():
        sf = _attainable(size, p)
        below = sf[sf <= threshold]
        lookup[size] = float(below.max()) if below.size else 0.0
    return np.array([lookup[size] for size in n.tolist()])


def fdr_threshold(pvalues: np.ndarray, n: np.ndarray, p: float, fdr: float) -> tuple[float, float]:
    """(threshold, expected false below it): the largest observed p-value before the false
    detection rate first exceeds ``fdr``, scanning the observed p-values upwards."""
    candidates = np.unique(pvalues)
    observed = np.searchsorted(np.sort(pvalues), candidates, side="right")
    expected = null_below(n, p, candidates)
    rate = expected / observed
    over = np.flatnonzero(rate > fdr)
    last = (over[0] - 1) if over.size else len(candidates) - 1
    if last < 0:
        return 0.0, 0.0
    return float(candidates[last]), float(expected[last])


def poisson_binomial_sf(probabilities: np.ndarray, count: int) -> float:
    """P(S >= count) for S a sum of independent Bernoulli(probabilities)."""
    dist = np.zeros(probabilities.shape[0] + 1)
    dist[0] = 1.0
    for i, q in enumerate(probabilities, start=1):
        dist[1 : i + 1] = dist[1 : i + 1] * (1 - q) + dist[0:i] * q
        dist[0] *= 1 - q
    return float(min(1.0, dist[count:].sum()))


def specificity_of(
    synapses: pd.DataFrame,
    *,
    min_axon_synapses: int = MIN_SYNAPSES,
    min_target_synapses: int = MIN_SYNAPSES,
    fdr: float = 0.2,
    null: str = "first_hit",
    target_classes: tuple[str, ...] = PAPER_TARGETS,
) -> pd.DataFrame:
    """One row per axon class and tested target class of the kept synapses (columns:
    COLUMNS)."""
    if null not in ("first_hit", "pooled"):
        raise QueryError(f"null must be 'first_hit' or 'pooled', not {null!r}.")
    if not 0 < fdr < 1:
        raise QueryError(f"fdr must be between 0 and 1, not {fdr!r}.")
    kept = kept_synapses(synapses, min_axon_synapses, min_target_synapses)
    conditions = (
        f"axons >= {min_axon_synapses} synapses, targets >= {min_target_synapses} "
        f"(AIS always kept); binomial null, {null.replace('_', '-')} p; false "
        f"detection rate <= {fdr:g}"
    )
    rows = []
    for axon_class, group in kept.groupby("axon_class", sort=True):
        counts = pd.crosstab(group["axon_id"], group["target_class"])
        n = counts.sum(axis=1).to_numpy()
        for target_class in [c for c in counts.columns if c in target_classes]:
            k = counts[target_class].to_numpy()
            if null == "first_hit":
                p = first_hit_probability(n, k > 0)
            else:
                p = float(k.sum() / n.sum())
            pvalues = stats.binom.sf(k - 1, n, p)
            threshold, expected = fdr_threshold(pvalues, n, p, fdr)
            specific = int((pvalues <= threshold).sum()) if threshold > 0 else 0
            class_p = (
                poisson_binomial_sf(chance_below(n, p, threshold), specific)
                if threshold > 0
                else 1.0
            )
            rows.append(
                {
                    "axon_class": axon_class,
                    "target_class": target_class,
                    "axons": int(len(n)),
                    "synapses": int(k.sum()),
                    "fraction": float(k.sum() / n.sum()),
                    "null_probability": p,
                    "axon_fraction_mean": float(np.mean(k / n)),
                    "specific_axons": specific,
                    "specific_fraction": specific / len(n),
                    "expected_false": expected,
                    "threshold": threshold,
                    "class_p": class_p,
                    "conditions": conditions,
                }
            )
    return pd.DataFrame(rows, columns=COLUMNS)


def specificity(conn: Connection, *, dataset: str | None = None, **options: Any) -> pd.DataFrame:
    """The paper-faithful target-specificity analysis on a dataset (PostgreSQL or graph):
    :func:`specificity_of` (the same keyword arguments) on its synapses."""
    return specificity_of(fetch_synapses(conn, dataset), **options)

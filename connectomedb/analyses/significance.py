"""Motif counts against degree-preserving random connectomes (Milo et al. 2002).

The connection graph is fetched once (:func:`connectomedb.analyses.connectome.fetch`); ``k``
random connectomes are made from it by edge swaps (:mod:`~.nullmodel`), and the motif is
counted in each: the named motifs from sorted pair keys (:mod:`~.named_counts`; in several
processes when the work is large, :mod:`~.null_counts`), any
DotMotif motif with the in-memory executor (:mod:`connectomedb.motifs.frames`).

Columns of every result: ``motif``, ``observed``, ``null_mean``, ``null_sd``, ``z_score``
(``(observed - null_mean) / null_sd``; NaN when ``null_sd`` is 0, as for a count the degrees
fix), ``p_greater`` and ``p_less`` (empirical one-sided p-values ``(1 + #{null >= observed})
/ (k + 1)`` and the same with ``<=``), ``k``, ``seed``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from connectomedb.analyses.connectome import Connectome, fetch
from connectomedb.analyses.named_counts import NAMED, named_counts
from connectomedb.analyses.null_counts import null_named_counts
from connectomedb.analyses.nullmodel import DEFAULT_ROUNDS, null_connectomes
from connectomedb.errors import QueryError
from connectomedb.stores.sql import Connection

COLUMNS = [
    "motif",
    "observed",
    "null_mean",
    "null_sd",
    "z_score",
    "p_greater",
    "p_less",
    "k",
    "seed",
]
Progress = Callable[[int, int], None] | None


def summarize(name: str, observed: float, null: np.ndarray, seed: int) -> dict[str, Any]:
    """One result row from the observed count and the ``k`` null counts."""
    k = int(null.shape[0])
    mean = float(null.mean()) if k else float("nan")
    sd = float(null.std(ddof=1)) if k > 1 else float("nan")
    z = (observed - mean) / sd if sd and np.isfinite(sd) else float("nan")
    return {
        "motif": name,
        "observed": observed,
        "null_mean": mean,
        "null_sd": sd,
        "z_score": z,
        "p_greater": (1 + int((null >= observed).sum())) / (k + 1),
        "p_less": (1 + int((null <= observed).sum())) / (k + 1),
        "k": k,
        "seed": seed,
    }


def _check_k(k: int) -> None:
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise QueryError(
            f"the number of random connectomes must be a whole number >= 1, not {k!r}."
        )


def named_significance_of(
    c: Connectome,
    *,
    k: int = 100,
    seed: int = 0,
    rounds: int = DEFAULT_ROUNDS,
    keep_class_pairs: bool = False,
    workers: int | None = None,
    progress: Progress = None,
    **params: Any,
) -> pd.DataFrame:
    """Every named motif of ``motif_counts`` (parameters as that query's) against ``k``
    random connectomes of ``c``, made and counted by ``workers`` processes (``None``: one per
    core when the work is large; :mod:`~.null_counts`). The result does not depend on
    ``workers``."""
    _check_k(k)
    observed = named_counts(c, **params)
    null = null_named_counts(
        c,
        k,
        seed,
        rounds=rounds,
        keep_class_pairs=keep_class_pairs,
        workers=workers,
        progress=progress,
        **params,
    )
    rows = [
        summarize(name, observed[name], null[:, i].astype(float), seed)
        for i, name in enumerate(NAMED)
    ]
    return pd.DataFrame(rows, columns=COLUMNS)


def named_significance(
    conn: Connection, *, dataset: str | None = None, k: int = 100, **options: Any
) -> pd.DataFrame:
    """:func:`named_significance_of` (the same keyword arguments) on the dataset's connection
    graph (one fetch, after ``k`` is checked)."""
    _check_k(k)
    return named_significance_of(fetch(conn, dataset), k=k, **options)


def motif_significance(
    motif: Any,
    conn: Connection,
    *,
    dataset: str | None = None,
    k: int = 100,
    seed: int = 0,
    rounds: int = DEFAULT_ROUNDS,
    keep_class_pairs: bool = False,
    all_mappings: bool = False,
    progress: Progress = None,
) -> pd.DataFrame:
    """A DotMotif motif (text or parsed) against ``k`` random connectomes. The observed
    count is the database's own (the compiled query); the null counts are in memory."""
    from connectomedb import motifs
    from connectomedb.motifs.frames import count_frames

    _check_k(k)
    m = motifs.parse(motif) if isinstance(motif, str) else motif
    observed = motifs.find(m, conn, dataset=dataset, count=True, all_mappings=all_mappings)
    c = fetch(conn, dataset)
    axons = c.axons_frame()
    null = np.zeros(k)
    for i, random_c in enumerate(
        null_connectomes(c, k, seed, rounds=rounds, keep_class_pairs=keep_class_pairs)
    ):
        null[i] = count_frames(
            m, random_c.edges_frame(), axons, random_c.targets_frame(), all_mappings=all_mappings
        )
        if progress:
            progress(i + 1, k)
    name = " ; ".join(line.strip() for line in m.text.strip().splitlines() if line.strip())
    return pd.DataFrame([summarize(name, float(observed), null, seed)], columns=COLUMNS)

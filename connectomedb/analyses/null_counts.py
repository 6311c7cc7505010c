"""The named motif counts of K random connectomes, in this process or spread over several.

Random connectome *i* is made from its own seed (:func:`~.nullmodel.seeds`) and counted on
its own, so the counts are the same whichever process makes it and however many there are.
With ``workers=None`` a pool of one process per available core is used when the work is large
enough to repay starting them (``k`` times the connections at least :data:`POOL_WORK`). The
workers are started fresh ("spawn"): they share no state with the caller but the connectome.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any

import numpy as np

from connectomedb.analyses.connectome import Connectome
from connectomedb.analyses.named_counts import NAMED, named_counts
from connectomedb.analyses.nullmodel import (
    DEFAULT_ROUNDS,
    connection_strata,
    null_targets,
    seeds,
)
from connectomedb.errors import QueryError

#: Random connectomes times connections below which one process does all the work.
POOL_WORK = 5_000_000

Progress = Callable[[int, int], None] | None


def available_cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def worker_count(workers: int | None, k: int, n_edges: int) -> int:
    """Processes to count ``k`` random connectomes of ``n_edges`` connections with."""
    if workers is None:
        workers = available_cores() if k * n_edges >= POOL_WORK else 1
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise QueryError(
            f"the number of worker processes must be a whole number >= 1, not {workers!r}."
        )
    return max(1, min(workers, k))


def null_named_counts(
    c: Connectome,
    k: int,
    seed: int,
    *,
    rounds: int = DEFAULT_ROUNDS,
    keep_class_pairs: bool = False,
    workers: int | None = None,
    progress: Progress = None,
    **params: Any,
) -> np.ndarray:
    """The named motifs' counts (columns in :data:`NAMED` order) in each of ``k`` random
    connectomes of ``c`` (rows in seed order; ``rounds`` and ``keep_class_pairs`` as
    :func:`~.nullmodel.null_connectomes`)."""
    job = _Job(c, rounds, connection_strata(c, keep_class_pairs), params)
    children = seeds(seed, k)
    out = np.zeros((k, len(NAMED)), np.int64)
    n = worker_count(workers, k, c.n_edges)
    if n == 1:
        for i, child in enumerate(children):
            out[i] = job.counts(child)
            if progress:
                progress(i + 1, k)
        return out
    pool = ProcessPoolExecutor(
        n, mp_context=multiprocessing.get_context("spawn"), initializer=_start, initargs=(job,)
    )
    try:
        futures = {pool.submit(_count, child): i for i, child in enumerate(children)}
        for done, future in enumerate(as_completed(futures), start=1):
            out[futures[future]] = future.result()
            if progress:
                progress(done, k)
    finally:  # on an error or an interrupt, the connectomes not started yet are dropped
        pool.shutdown(wait=True, cancel_futures=True)
    return out


class _Job:
    """What every random connectome of one run shares."""

    def __init__(
        self, c: Connectome, rounds: int, strata: np.ndarray | None, params: dict[str, Any]
    ) -> None:
        self.c, self.rounds, self.strata, self.params = c, rounds, strata, params

    def counts(self, child: np.random.SeedSequence) -> np.ndarray:
        targets = null_targets(self.c, child, rounds=self.rounds, strata=self.strata)
        counted = named_counts(self.c.with_targets(targets), **self.params)
        return np.array([counted[name] for name in NAMED], np.int64)


_JOB: _Job | None = None


def _start(job: _Job) -> None:
    global _JOB
    _JOB = job


def _count(child: np.random.SeedSequence) -> np.ndarray:
    assert _JOB is not None
    return _JOB.counts(child)

"""Significance of the named motifs against K degree-preserving random connectomes: how long.

Reads a dataset's files (or generates one) into memory, builds the connection graph once, then
times the named counts of the observed graph (the baseline), a few random connectomes (swaps
and counts apart), and the whole run over K random connectomes (default 100) as the library
runs it (``named_significance_of``, ``--workers`` processes; default one per core). Each time
is printed as wall-clock seconds and as CPU seconds (user + system of this process and of the
worker processes): on a shared machine the CPU time is what the run itself cost.

    python -m bench.significance --data out/full
    python -m bench.significance --scale demo --k 100 --workers 1
    python -m bench.significance --postgres-url URL --dataset NAME   # fetch from PostgreSQL
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from collections.abc import Callable
from typing import Any


def cpu_seconds() -> float:
    """User + system seconds of this process and its finished child processes."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(run: Callable[[], Any]) -> tuple[Any, float, float]:
    """(result, wall seconds, CPU seconds) of ``run()``."""
    t0, c0 = time.perf_counter(), cpu_seconds()
    result = run()
    return result, time.perf_counter() - t0, cpu_seconds() - c0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", help="a dataset folder (L4dense files)")
    parser.add_argument("--scale", default="demo", help="generate this scale instead")
    parser.add_argument("--postgres-url", help="fetch from this PostgreSQL instead")
    parser.add_argument("--dataset", help="dataset name (with --postgres-url)")
    parser.add_argument("--k", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="worker processes (default: one per core when the work is large)",
    )
    parser.add_argument(
        "--samples", type=int, default=3, help="random connectomes timed one by one (swaps, counts)"
    )
    parser.add_argument("--keep-class-pairs", action="store_true")
    args = parser.parse_args(argv)

    from connectomedb.analyses.connectome import fetch, from_source
    from connectomedb.analyses.named_counts import named_counts
    from connectomedb.analyses.null_counts import worker_count
    from connectomedb.analyses.nullmodel import connection_strata, null_targets, seeds
    from connectomedb.analyses.significance import named_significance_of

    t0 = time.perf_counter()
    if args.postgres_url:
        import psycopg

        with psycopg.connect(args.postgres_url) as conn:
            c = fetch(conn, args.dataset)
        what = f"PostgreSQL dataset {args.dataset}"
    elif args.data:
        from connectomedb.etl.extract import read_dataset

        c = from_source(read_dataset(args.data))
        what = args.data
    else:
        from connectomedb.synth.generate import generate

        c = from_source(generate(args.scale, args.seed).dataset)
        what = f"generated {args.scale}"
    print(
        f"{what}: {len(c.axon_id):,} axons, {len(c.target_id):,} targets, "
        f"{c.n_edges:,} connections (read in {time.perf_counter() - t0:.1f} s)"
    )

    _, base_wall, base_cpu = timed(lambda: named_counts(c))
    strata = connection_strata(c, args.keep_class_pairs)
    swap_wall = swap_cpu = count_wall = count_cpu = 0.0
    samples = max(args.samples, 1)
    for child in seeds(args.seed, samples):
        targets, wall, cpu = timed(lambda child=child: null_targets(c, child, strata=strata))
        swap_wall, swap_cpu = swap_wall + wall, swap_cpu + cpu
        _, wall, cpu = timed(lambda targets=targets: named_counts(c.with_targets(targets)))
        count_wall, count_cpu = count_wall + wall, count_cpu + cpu
    workers = worker_count(args.workers, args.k, c.n_edges)
    frame, total_wall, total_cpu = timed(
        lambda: named_significance_of(
            c,
            k=args.k,
            seed=args.seed,
            keep_class_pairs=args.keep_class_pairs,
            workers=args.workers,
        )
    )

    print(
        f"baseline, named counts of the observed graph: {base_wall * 1000:.0f} ms wall, "
        f"{base_cpu * 1000:.0f} ms CPU"
    )
    print(
        f"one random connectome (mean of {samples}): swaps {swap_wall / samples * 1000:.0f} ms "
        f"wall / {swap_cpu / samples * 1000:.0f} ms CPU, counts "
        f"{count_wall / samples * 1000:.0f} ms wall / {count_cpu / samples * 1000:.0f} ms CPU"
    )
    print(
        f"named motifs over K = {args.k} random connectomes, {workers} process(es): "
        f"{total_wall:.1f} s wall, {total_cpu:.1f} s CPU "
        f"({total_cpu / args.k * 1000:.0f} ms CPU per random connectome, "
        f"{total_cpu / max(base_cpu, 1e-9):.0f}x the baseline's CPU)"
    )
    with __import__("pandas").option_context("display.width", 160):
        print(frame.to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())

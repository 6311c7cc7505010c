"""Significance of the named motifs against K degree-preserving random connectomes: how long.

Reads a dataset's files (or generates one) into memory, builds the connection graph once, then
times the observed counts, one random connectome with its counts, and the whole run over K
random connectomes (default 100), as the library runs it (``named_significance_of``). The
baseline, measured in the same run, is one pass of the named counts over the observed graph.
Each time is printed as wall-clock seconds and as the process's CPU seconds (on a shared,
overloaded machine the CPU time is what the run itself cost).

    python -m bench.significance --data /work/data/full
    python -m bench.significance --scale demo --k 100
    python -m bench.significance --postgres-url URL --dataset NAME   # fetch from PostgreSQL
"""

from __future__ import annotations

import argparse
import sys
import time


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", help="a dataset folder (L4dense files)")
    parser.add_argument("--scale", default="demo", help="generate this scale instead")
    parser.add_argument("--postgres-url", help="fetch from this PostgreSQL instead")
    parser.add_argument("--dataset", help="dataset name (with --postgres-url)")
    parser.add_argument("--k", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep-class-pairs", action="store_true")
    args = parser.parse_args(argv)

    from connectomedb.analyses.connectome import fetch, from_source
    from connectomedb.analyses.named_counts import named_counts
    from connectomedb.analyses.nullmodel import null_connectomes
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
    fetch_s = time.perf_counter() - t0
    print(f"{what}: {len(c.axon_id):,} axons, {len(c.target_id):,} targets, "
          f"{c.n_edges:,} connections (read in {fetch_s:.1f} s)")

    t0 = time.perf_counter()
    named_counts(c)
    baseline = time.perf_counter() - t0
    t0 = time.perf_counter()
    one = next(iter(null_connectomes(c, 1, args.seed, keep_class_pairs=args.keep_class_pairs)))
    swap = time.perf_counter() - t0
    t0 = time.perf_counter()
    named_counts(one)
    count = time.perf_counter() - t0
    t0, c0 = time.perf_counter(), time.process_time()
    frame = named_significance_of(c, k=args.k, seed=args.seed,
                                  keep_class_pairs=args.keep_class_pairs)
    total, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(f"baseline (named counts of the observed graph): {baseline * 1000:.0f} ms")
    print(f"one random connectome: swaps {swap * 1000:.0f} ms, counts {count * 1000:.0f} ms")
    print(f"named motifs over K = {args.k} random connectomes: {total:.1f} s wall, "
          f"{cpu:.1f} s CPU ({total / baseline:.0f}x baseline)")
    with __import__("pandas").option_context("display.width", 160):
        print(frame.to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())

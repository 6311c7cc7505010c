"""Benchmark of the whole load (both stores) against a raw COPY baseline of the same rows.

(a) ``connectomedb load DIR`` end to end, in a child process (so its peak RSS is its own),
    into a scratch home with its embedded PostgreSQL and LadybugDB: wall time, seconds per
    stage (PostgreSQL and the graph are prepared at once, so their stages overlap and add up
    to more than the wall), peak RSS.
(b) baseline, same run, same servers: the same rows as the load writes, prepared beforehand
    (not timed), written by a raw binary ``COPY`` into unindexed PostgreSQL tables without
    constraints plus a raw LadybugDB ``COPY`` of every node and relationship table (and its
    checkpoint) into an empty database; the two are timed one after the other and summed.
    PostgreSQL tables with text columns (the small dimension tables) are left out of it.

Printed: ``load wall / baseline`` (target ≤ 1.0: overlapping the stores has to pay for the
indexes, keys, attach and statistics the baseline skips) and the peak RSS (target ≤ 1.5 GB).

Run: ``python -m bench.load --data DIR`` (a folder of L4dense files).
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg


def _child(folder: str, home: str) -> None:
    """The load itself (run in a child process): prints one JSON line with its numbers."""
    from connectomedb.config import Settings
    from connectomedb.etl.pipeline import run_load

    started = time.perf_counter()
    report = run_load(Settings(home=Path(home)), folder, dataset="bench")
    wall = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    stages = {s.stage: round(s.seconds, 2) for s in report.stages}
    pg = report.postgres.seconds if report.postgres is not None else {}
    print(json.dumps({"wall": wall, "peak_mb": peak_mb, "stages": stages, "postgres": pg}))


def _raw_graph_copy(source, scratch: Path) -> tuple[int, float]:
    """Rows and seconds of a raw LadybugDB COPY of the graph's frames (built beforehand)."""
    import ladybug

    from connectomedb.etl.load.graph.ladybug import (
        copy_statement,
        copy_steps,
        ladybug_ddl,
        node_table,
        rel_table,
    )
    from connectomedb.etl.transform_graph import graph_frames

    frames = graph_frames(source)
    tables = []
    for _name, rtype, label, frm, to, n in copy_steps(frames):
        if not n:
            continue
        if rtype is None:
            table = node_table(label or "", frames.nodes[label or ""], "bench")
        else:
            table = rel_table(rtype, frm, to, frames.rels[(rtype, frm, to)])
        tables.append((copy_statement(rtype, label, frm, to), table, n))
    del frames
    db = ladybug.Database(str(scratch / "raw.lbug"), auto_checkpoint=False)
    conn = ladybug.Connection(db)
    for ddl in ladybug_ddl():
        conn.execute(ddl)
    rows = 0
    started = time.perf_counter()
    for statement, table, n in tables:
        conn.execute(statement, {"rows_in": table})
        rows += n
    conn.execute("CHECKPOINT")
    seconds = time.perf_counter() - started
    conn.close()
    db.close()
    return rows, seconds


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="folder of L4dense files")
    parser.add_argument("--child", nargs=2, metavar=("FOLDER", "HOME"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(*args.child)
        return

    from bench.load_postgres import _baseline_copy
    from connectomedb.config import Settings
    from connectomedb.etl.extract import read_dataset
    from connectomedb.etl.transform import transform
    from connectomedb.stores.postgres import resolve, stop_embedded

    scratch = Path(tempfile.mkdtemp(prefix="bench-load-"))
    settings = Settings(home=scratch / "home")
    try:
        url = resolve(settings).url  # started and at the current schema: not timed
        # (a) the load, in its own process.
        child = subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.load",
                "--data",
                args.data,
                "--child",
                args.data,
                str(settings.home),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if child.returncode != 0:
            sys.exit(f"the load failed:\n{child.stderr[-4000:]}")
        numbers = json.loads(child.stdout.strip().splitlines()[-1])

        # (b) the baseline: the same rows, prepared beforehand.
        source = read_dataset(args.data)
        frames = transform(source)
        with psycopg.connect(url) as conn:
            dataset_id = conn.execute(
                "SELECT dataset_id FROM dataset WHERE name = 'bench'"
            ).fetchone()[0]
        pg_rows, pg_s = _baseline_copy(url, frames, dataset_id)
        del frames
        graph_rows, graph_s = _raw_graph_copy(source, scratch)
        baseline = pg_s + graph_s

        print(f"dataset: {args.data}")
        print(f"load (connectomedb load, both stores): {numbers['wall']:.1f} s wall")
        for stage, seconds in numbers["stages"].items():
            print(f"  {stage:<10} {seconds:>8.2f} s")
        print(
            "  postgres phases: "
            + ", ".join(f"{k} {v:.1f}" for k, v in numbers["postgres"].items())
        )
        print(f"peak RSS of the load process: {numbers['peak_mb']:,.0f} MB (target <= 1,536 MB)")
        print(
            f"baseline: raw binary COPY into unindexed PostgreSQL tables {pg_rows:,} rows "
            f"{pg_s:.1f} s + raw LadybugDB COPY {graph_rows:,} rows {graph_s:.1f} s "
            f"= {baseline:.1f} s"
        )
        print(f"load wall / baseline: {numbers['wall'] / baseline:.2f} (target <= 1.0)")
    finally:
        stop_embedded(settings)
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Benchmark of the whole load (both stores) against a raw COPY baseline of the same rows.

(a) ``connectomedb load DIR`` end to end, in a child process (so its peak RSS is its own),
    into a fresh scratch home with its embedded PostgreSQL and LadybugDB (started beforehand,
    not timed): wall time, seconds per stage (PostgreSQL and the graph are prepared at once,
    and PostgreSQL's tables are built while it copies, so the stages overlap and add up to more
    than the wall), PostgreSQL's phases, each table's COPY and index seconds, peak RSS.
(b) baseline: the same rows as the load writes, prepared once beforehand (not timed),
    written by a raw binary ``COPY`` into unindexed PostgreSQL tables without constraints plus
    a raw LadybugDB ``COPY`` of every node and relationship table (and its checkpoint) into an
    empty database; the two are timed one after the other and summed. PostgreSQL tables with
    text columns (the small dimension tables) are left out of it.

The runs interleave, baseline, load, baseline (``--repeat N``: N loads, each between two
baselines), so a machine that gets busier or quieter moves both alike; each load is compared
with the mean of the baselines either side of it, and medians are printed.

Printed: ``load wall / baseline`` (target ≤ 1.0: overlapping the stores has to pay for the
indexes, keys, attach and statistics the baseline skips) and the peak RSS (target ≤ 1.5 GB).
Also the CPU seconds of each side: the load's process plus what the PostgreSQL server used
during it (its postmaster, the backends it reaped, its live processes), against the same for
the baseline; and the least wall time the load's CPU seconds need on this machine's cores,
as a multiple of the baseline: no overlap can bring the ratio below that floor.

The graph is loaded as by default, without its segment layer; ``--graph-segments`` loads it
(and puts its rows into the baseline too). Which one ran is printed.

Run: ``python -m bench.load --data DIR [--repeat N] [--graph-segments]`` (a folder of L4dense
files).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from itertools import pairwise
from pathlib import Path
from statistics import median

from bench.measure import peak_rss_mb, process_cpu_seconds, server_cpu_seconds


def _child(folder: str, home: str, segments: bool) -> None:
    """The load itself (run in a child process): prints one JSON line with its numbers."""
    from connectomedb.config import Settings
    from connectomedb.etl.pipeline import run_load

    started = time.perf_counter()
    cpu_started = process_cpu_seconds()
    settings = Settings(home=Path(home), graph_segments=segments)
    report = run_load(settings, folder, dataset="bench")
    wall = time.perf_counter() - started
    cpu = process_cpu_seconds() - cpu_started
    peak_mb = peak_rss_mb()
    stages = {s.stage: round(s.seconds, 2) for s in report.stages}
    pg = report.postgres.seconds if report.postgres is not None else {}
    tables = (
        {t.table: [t.copy_seconds, t.index_seconds] for t in report.postgres.tables}
        if report.postgres is not None
        else {}
    )
    print(
        json.dumps(
            {
                "wall": wall,
                "cpu": cpu,
                "peak_mb": peak_mb,
                "stages": stages,
                "postgres": pg,
                "tables": tables,
            }
        )
    )


def _raw_graph_tables(source, segments: bool) -> list[tuple[str, object, int]]:
    """The graph's COPY statements and their tables, built beforehand (not timed)."""
    from connectomedb.etl.load.graph.ladybug import (
        copy_statement,
        copy_steps,
        node_table,
        rel_table,
    )
    from connectomedb.etl.transform_graph import graph_frames

    frames = graph_frames(source, segments=segments)
    tables = []
    for _name, rtype, label, frm, to, n in copy_steps(frames):
        if not n:
            continue
        if rtype is None:
            table = node_table(label or "", frames.nodes[label or ""], "bench")
        else:
            table = rel_table(rtype, frm, to, frames.rels[(rtype, frm, to)])
        tables.append((copy_statement(rtype, label, frm, to), table, n))
    return tables


def _raw_graph_copy(tables: list[tuple[str, object, int]], path: Path) -> tuple[int, float]:
    """Rows and seconds of a raw LadybugDB COPY of ``tables`` (and its checkpoint) into an
    empty database at ``path``."""
    import ladybug

    from connectomedb.etl.load.graph.ladybug import ladybug_ddl

    db = ladybug.Database(str(path), auto_checkpoint=False)
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


def _load(folder: str, home: Path, segments: bool) -> dict:
    """One load in a child process, into the fresh home ``home`` (its server started and at
    the current schema beforehand, not timed)."""
    from connectomedb.config import Settings
    from connectomedb.stores.postgres import resolve, stop_embedded

    settings = Settings(home=home)
    resolve(settings)
    server_started = server_cpu_seconds(settings.embedded_postgres_dir)
    try:
        child = subprocess.run(
            [sys.executable, "-m", "bench.load", "--data", folder, "--child", folder, str(home)]
            + (["--graph-segments"] if segments else []),
            capture_output=True,
            text=True,
            check=False,
        )
        if child.returncode != 0:
            sys.exit(f"the load failed:\n{child.stderr[-4000:]}")
        numbers = json.loads(child.stdout.strip().splitlines()[-1])
        numbers["server_cpu"] = _server_cpu_settled(settings.embedded_postgres_dir) - server_started
        return numbers
    finally:
        stop_embedded(settings)
        shutil.rmtree(home, ignore_errors=True)


def _server_cpu_settled(pgdata: Path) -> float:
    """The server's CPU seconds once the backends of a finished client have exited (two reads
    0.3 s apart that agree, or 10 s)."""
    last = server_cpu_seconds(pgdata)
    deadline = time.monotonic() + 10.0
    while time.monotonic() < deadline:
        time.sleep(0.3)
        now = server_cpu_seconds(pgdata)
        if now - last < 0.02:
            return now
        last = now
    return last


def _baseline(frames: dict, graph_tables: list, home: Path) -> dict:
    """Rows, seconds and CPU seconds of the raw PostgreSQL COPY and of the raw LadybugDB COPY,
    one after the other, into a fresh home ``home``."""
    from bench.load_postgres import _baseline_copy
    from connectomedb.config import Settings
    from connectomedb.stores.postgres import resolve, stop_embedded

    settings = Settings(home=home)
    url = resolve(settings).url  # started and at the current schema: not timed
    try:
        server_started = server_cpu_seconds(settings.embedded_postgres_dir)
        cpu_started = process_cpu_seconds()
        pg_rows, pg_s = _baseline_copy(url, frames, 1)
        graph_rows, graph_s = _raw_graph_copy(graph_tables, home / "raw.lbug")
        cpu = process_cpu_seconds() - cpu_started
        server_cpu = _server_cpu_settled(settings.embedded_postgres_dir) - server_started
        return {
            "pg_rows": pg_rows,
            "pg": pg_s,
            "graph_rows": graph_rows,
            "graph": graph_s,
            "sum": pg_s + graph_s,
            "cpu": cpu,
            "server_cpu": server_cpu,
        }
    finally:
        stop_embedded(settings)
        shutil.rmtree(home, ignore_errors=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="folder of L4dense files")
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="loads to run, each between two baselines (medians are reported)",
    )
    parser.add_argument(
        "--graph-segments",
        action="store_true",
        help="load the graph's segment layer (default: without it, as connectomedb load)",
    )
    parser.add_argument("--child", nargs=2, metavar=("FOLDER", "HOME"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(*args.child, args.graph_segments)
        return

    from connectomedb.etl.extract import read_dataset
    from connectomedb.etl.transform import transform

    scratch = Path(tempfile.mkdtemp(prefix="bench-load-"))
    try:
        # The baseline's rows, prepared once beforehand (not timed).
        source = read_dataset(args.data)
        frames = transform(source)
        graph_tables = _raw_graph_tables(source, args.graph_segments)
        del source
        baselines = [_baseline(frames, graph_tables, scratch / "baseline-0")]
        loads = []
        for k in range(1, max(1, args.repeat) + 1):
            loads.append(_load(args.data, scratch / f"load-{k}", args.graph_segments))
            baselines.append(_baseline(frames, graph_tables, scratch / f"baseline-{k}"))
        layer = "with" if args.graph_segments else "without (the default)"
        print(f"graph segment layer: {layer}")
        _print(args.data, loads, baselines)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _around(baselines: list[dict]) -> list[float]:
    """Per load, the mean of the baselines just before and just after it (seconds)."""
    return [(a["sum"] + b["sum"]) / 2 for a, b in pairwise(baselines)]


def _print(data: str, loads: list[dict], baselines: list[dict]) -> None:
    walls = [n["wall"] for n in loads]
    sums = [b["sum"] for b in baselines]
    print(f"dataset: {data}; {len(loads)} load(s), each between two baselines; medians")
    print(f"load (connectomedb load, both stores): {median(walls):.1f} s wall  (runs: ", end="")
    print(", ".join(f"{w:.1f}" for w in walls) + ")")
    for stage in loads[0]["stages"]:
        print(f"  {stage:<10} {median(n['stages'][stage] for n in loads):>8.2f} s")
    phases = loads[0]["postgres"]
    print(
        "  postgres phases: "
        + ", ".join(f"{k} {median(n['postgres'].get(k, 0.0) for n in loads):.1f}" for k in phases)
    )
    print("  per table (copy / index s), the tables over 0.3 s:")
    for table in loads[0]["tables"]:
        copy = median(n["tables"][table][0] for n in loads)
        index = median(n["tables"][table][1] for n in loads)
        if copy + index > 0.3:
            print(f"    {table:<22} {copy:6.2f} / {index:6.2f}")
    peak = max(n["peak_mb"] for n in loads)
    print(f"peak RSS of the load process: {peak:,.0f} MB (target <= 1,536 MB)")
    first = baselines[0]
    print(
        f"baseline: raw binary COPY into unindexed PostgreSQL tables {first['pg_rows']:,} rows "
        f"{median(b['pg'] for b in baselines):.1f} s + raw LadybugDB COPY "
        f"{first['graph_rows']:,} rows {median(b['graph'] for b in baselines):.1f} s = "
        f"{median(sums):.1f} s  (runs: " + ", ".join(f"{b:.1f}" for b in sums) + ")"
    )
    ratios = [w / b for w, b in zip(walls, _around(baselines), strict=True)]
    print(
        f"load wall / baseline: {median(ratios):.2f} (target <= 1.0; runs: "
        + ", ".join(f"{r:.2f}" for r in ratios)
        + ")"
    )
    _print_cpu(loads, baselines)


def _print_cpu(loads: list[dict], baselines: list[dict]) -> None:
    """The CPU seconds of the load and of the baseline, and the least wall time the load's CPU
    seconds need on the machine's cores: the floor of the ratio whatever the overlap."""
    cores = os.cpu_count() or 1
    load_cpu = [n["cpu"] + n["server_cpu"] for n in loads]
    base_cpu = [b["cpu"] + b["server_cpu"] for b in baselines]
    print(
        f"CPU seconds: load {median(load_cpu):.1f} (load process "
        f"{median(n['cpu'] for n in loads):.1f} + PostgreSQL server "
        f"{median(n['server_cpu'] for n in loads):.1f}); baseline {median(base_cpu):.1f} "
        f"(benchmark process {median(b['cpu'] for b in baselines):.1f} + PostgreSQL server "
        f"{median(b['server_cpu'] for b in baselines):.1f})"
    )
    floors = [cpu / cores / b for cpu, b in zip(load_cpu, _around(baselines), strict=True)]
    print(
        f"least load wall / baseline its CPU seconds allow on {cores} cores: "
        f"{median(floors):.2f} (runs: " + ", ".join(f"{f:.2f}" for f in floors) + ")"
    )


if __name__ == "__main__":
    main()

"""Benchmark of the graph load into LadybugDB, and of the neo4j-admin import files.

(a) the graph load: ``begin_graph_load`` → ``prepare`` → ``commit`` into a scratch home
    (transform, Arrow conversion, ``COPY`` of every node label and relationship pair,
    checkpoint, pointer switch), wall time, CPU seconds and rows/s per step;
(b) baseline, same run: a raw ``COPY`` of the same rows (Arrow tables built beforehand, not
    timed) into plain tables of a scratch LadybugDB; the ratio (a)/(b) in rows/s (target
    ≥ 50 %), and the CPU seconds of both: what (a) spends beyond (b) is the load's own work
    (transform, Arrow conversion, checkpoints), the rest is LadybugDB's ``COPY``;
(c) ``neo4j-admin`` import files of the whole dataset: bytes and seconds to write.

Peak RSS is the process's high-water mark since the source was in memory (reset through
``/proc/self/clear_refs`` where the kernel allows it; target < 4 GB).

Run: ``python -m bench.load_graph --data DIR`` (a folder with ``truth.json``), or without
``--data`` to generate ``--scale`` (default ``full``) in memory.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path


def _cpu() -> float:
    """CPU seconds of this process so far, every thread (LadybugDB's workers too)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _status(field: str) -> float:
    """A ``/proc/self/status`` memory field in MB."""
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def _reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as f:
            f.write("5")
        return True
    except OSError:
        return False


def _source(data: str | None, scale: str):
    if data is not None and (Path(data) / "truth.json").exists():
        from connectomedb.etl.extract import read_dataset

        print(f"reading {data}")
        return read_dataset(data), f"files in {data}"
    from connectomedb.synth import generate

    print(f"generating scale {scale!r} in memory" + (f" ({data} is not complete)" if data else ""))
    return generate(scale, seed=0).dataset, f"synth {scale} in memory"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default=None, help="folder of a complete dataset")
    parser.add_argument("--scale", default="full", help="synthetic scale without --data")
    parser.add_argument("--scratch", default=None, help="scratch folder (default: a temp dir)")
    args = parser.parse_args(argv)

    import ladybug

    from connectomedb.config import Settings
    from connectomedb.etl.load.graph import begin_graph_load
    from connectomedb.etl.load.graph.ladybug import (
        copy_statement,
        copy_steps,
        ladybug_ddl,
        node_table,
        rel_table,
    )
    from connectomedb.etl.load.graph.neo4j_import import write_neo4j_import
    from connectomedb.etl.transform_graph import dataset_node, graph_frames

    started = time.perf_counter()
    source, described = _source(args.data, args.scale)
    print(
        f"source ready in {time.perf_counter() - started:.1f} s ({described}); "
        f"RSS {_status('VmRSS'):.0f} MB"
    )
    scratch = Path(args.scratch or tempfile.mkdtemp(prefix="connectomedb-bench-graph-"))
    scratch.mkdir(parents=True, exist_ok=True)
    peak_reset = _reset_peak()
    base_rss = _status("VmRSS")

    # (a) the graph load
    settings = Settings(home=scratch / "home")
    step_cpu: dict[str, float] = {}
    mark = [_cpu()]

    def progress(step: str, done: int, total: int) -> None:
        # CPU since the previous call: the first step's includes building the plan (the
        # transform), and a checkpoint after a step counts toward the next one.
        now = _cpu()
        step_cpu[step] = step_cpu.get(step, 0.0) + now - mark[0]
        mark[0] = now

    t0 = time.perf_counter()
    cpu0 = mark[0]
    job = begin_graph_load(settings, source, "bench", replace=True, progress=progress)
    assert job is not None
    report = job.prepare()
    job.commit()
    load_s = time.perf_counter() - t0
    load_cpu = _cpu() - cpu0
    load_peak = _status("VmHWM")
    rows = report.rows
    copy_s = sum(s.seconds for s in report.steps)
    print("\n(a) graph load into LadybugDB")
    print(f"{'step':<48}{'rows':>12}{'s':>9}{'cpu s':>9}{'rows/s':>13}")
    for step in report.steps:
        rate = step.rows / step.seconds if step.seconds else float("nan")
        cpu = step_cpu.get(step.step, float("nan"))
        print(f"{step.step:<48}{step.rows:>12,}{step.seconds:>9.2f}{cpu:>9.2f}{rate:>13,.0f}")
    print(
        f"{'total (wall, incl. transform + checkpoint)':<48}{rows:>12,}{load_s:>9.2f}"
        f"{load_cpu:>9.2f}{rows / load_s:>13,.0f}"
    )
    print(f"{'  of which COPY steps':<48}{'':>12}{copy_s:>9.2f}{rows / copy_s:>13,.0f}")

    # (b) raw COPY of the same rows into plain tables
    t0 = time.perf_counter()
    frames = graph_frames(source)
    transform_s = time.perf_counter() - t0
    tables = []
    for name, rtype, label, frm, to, n in copy_steps(frames):
        if not n:
            continue
        if rtype is None:
            assert label is not None
            table = node_table(label, frames.nodes[label], "bench")
        else:
            table = rel_table(rtype, frm, to, frames.rels[(rtype, frm, to)])
        tables.append((name, copy_statement(rtype, label, frm, to), table, n))
    raw_dir = scratch / "raw"
    raw_dir.mkdir()
    db = ladybug.Database(str(raw_dir / "raw.lbug"), auto_checkpoint=False)
    conn = ladybug.Connection(db)
    for ddl in ladybug_ddl():
        conn.execute(ddl)
    t0 = time.perf_counter()
    cpu0 = _cpu()
    raw_rows = 0
    raw_steps = {}
    for name, statement, table, n in tables:
        t1, cpu1 = time.perf_counter(), _cpu()
        conn.execute(statement, {"rows_in": table})
        raw_steps[name] = (time.perf_counter() - t1, _cpu() - cpu1)
        raw_rows += n
    t1 = time.perf_counter()
    conn.execute("CHECKPOINT")
    raw_checkpoint_s = time.perf_counter() - t1
    raw_s = time.perf_counter() - t0
    raw_cpu = _cpu() - cpu0
    conn.close()
    db.close()
    del tables
    print("\n(b) baseline: raw COPY of the same rows (Arrow tables prepared beforehand)")
    print(f"{'step':<48}{'s (graph load)':>16}{'s (raw COPY)':>14}{'cpu s (raw)':>13}")
    for step in report.steps:
        if step.step in raw_steps:
            raw_wall, raw_step_cpu = raw_steps[step.step]
            print(f"{step.step:<48}{step.seconds:>16.2f}{raw_wall:>14.2f}{raw_step_cpu:>13.2f}")
    print(
        f"raw COPY + checkpoint: {raw_rows:,} rows in {raw_s:.2f} s = "
        f"{raw_rows / raw_s:,.0f} rows/s (checkpoint {raw_checkpoint_s:.2f} s)"
    )
    print(
        f"CPU seconds: graph load {load_cpu:.2f}, raw COPY + checkpoint {raw_cpu:.2f} "
        f"(the load's own work beyond LadybugDB's COPY: {load_cpu - raw_cpu:.2f})"
    )
    print(f"transform alone (graph_frames): {transform_s:.2f} s")
    ratio = (rows / load_s) / (raw_rows / raw_s)
    print(f"graph load / raw COPY throughput: {ratio:.0%} (target >= 50%)")

    # (c) neo4j-admin import files
    now = datetime.now(timezone.utc)
    props = dataset_node(source, name="bench", key="bench@1", version="1", loaded_at=now)
    out = scratch / "neo4j-import"
    t0 = time.perf_counter()
    files = write_neo4j_import(frames, props, out)
    export_s = time.perf_counter() - t0
    print("\n(c) neo4j-admin import files")
    print(
        f"{len(files.files)} file pairs, {files.rows:,} rows, {files.bytes / 1e6:,.0f} MB "
        f"in {export_s:.2f} s = {files.rows / export_s:,.0f} rows/s"
    )

    peak = _status("VmHWM")
    print("\nmemory")
    print(f"RSS with the source in memory: {base_rss:,.0f} MB")
    label = "since the source was read" if peak_reset else "whole process"
    print(
        f"peak RSS during (a): {load_peak:,.0f} MB; peak overall ({label}): {peak:,.0f} MB "
        f"(target < 4,096 MB)"
    )
    db_bytes = sum(p.stat().st_size for p in (scratch / "home").rglob("*") if p.is_file())
    print(f"LadybugDB graph on disk: {db_bytes / 1e6:,.0f} MB")
    if args.scratch is None:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()

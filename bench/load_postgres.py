"""Benchmark of the PostgreSQL load: seconds per phase, COPY rows/s against a raw baseline.

Phases of one load (``PostgresLoad``): extract (``read_dataset``), transform, copy (building
the PGCOPY buffers from NumPy and streaming them), index (primary keys and indexes), swap
(attach, with foreign-key validation), verify (row counts), analyze.

Baseline, measured in the same run on the same server: the same rows, as PGCOPY buffers built
beforehand (not timed), COPYed into plain tables with the same columns and no constraints or
indexes. The ratio of the load's COPY phase to it shows what the loader's own work costs
(target ≥ 70 %). Peak RSS of the process is reported too (target < 4 GB).

Run: ``python -m bench.load_postgres --data DIR`` (a folder of L4dense files), or
``--scale tiny|demo|...`` to generate the data in memory. Without ``--postgres-url`` a
throwaway embedded PostgreSQL is started in a temporary folder.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

import psycopg
from psycopg import sql

from bench.measure import peak_rss_mb


def _baseline_copy(url: str, frames: dict, dataset_id: int) -> tuple[int, float]:
    """Rows and seconds of a raw binary COPY of every table's rows into unindexed tables."""
    from connectomedb.etl.load.postgres.copy_plan import copy_plan

    rows = 0
    seconds = 0.0
    with psycopg.connect(url, autocommit=True) as conn:
        for step in copy_plan(frames, dataset_id):
            if step.has_text:
                continue  # a few rows of names and the CSV: the baseline is the bulk rows
            name = sql.Identifier(f"bench_raw_{step.table.name}")
            buffers = [bytes(b) for b, _ in step.chunks()]
            statement = sql.SQL("COPY {t} FROM STDIN (FORMAT BINARY)").format(t=name)
            with conn.transaction():
                # Created in the COPY's transaction, as the loader does (no WAL with
                # wal_level=minimal): the best case the loader can reach.
                conn.execute(
                    sql.SQL("CREATE TABLE {t} (LIKE {p})").format(
                        t=name, p=sql.Identifier("public", step.table.name)
                    )
                )
                started = time.perf_counter()
                with conn.cursor() as cur, cur.copy(statement) as copy:
                    for buffer in buffers:
                        copy.write(buffer)
                seconds += time.perf_counter() - started
            rows += step.rows
            del buffers
            conn.execute(sql.SQL("DROP TABLE {t}").format(t=name))
    return rows, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, help="folder of L4dense files")
    parser.add_argument("--scale", help="generate this synthetic scale in memory instead")
    parser.add_argument("--postgres-url", help="PostgreSQL URL (default: a throwaway embedded one)")
    args = parser.parse_args()
    if (args.data is None) == (args.scale is None):
        parser.error("give exactly one of --data and --scale")

    from connectomedb.etl.load.postgres import PostgresLoad
    from connectomedb.etl.transform import transform
    from connectomedb.stores.postgres import upgrade, with_database

    tmp = None
    settings = None
    if args.postgres_url:
        base_url = args.postgres_url
    else:
        # The embedded server exactly as connectomedb runs it by default (tuned settings).
        from connectomedb.config import Settings
        from connectomedb.stores.postgres import start_embedded

        tmp = Path(tempfile.mkdtemp(prefix="bench-load-postgres-"))
        settings = Settings(home=tmp)
        base_url = with_database(start_embedded(settings), "postgres")
    dbname = f"bench_load_{int(time.time())}"
    with psycopg.connect(base_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {d}").format(d=sql.Identifier(dbname)))
    url = with_database(base_url, dbname)
    try:
        upgrade(url)
        t0 = time.perf_counter()
        if args.data is not None:
            from connectomedb.etl.extract import read_dataset

            source = read_dataset(args.data)
        else:
            from connectomedb.synth import generate

            source = generate(args.scale, 0).dataset
        extract_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        frames = transform(source)
        transform_s = time.perf_counter() - t0
        rows = sum(f.n for f in frames.values())

        t0 = time.perf_counter()
        load = PostgresLoad(url, source, "bench", frames=frames)
        report = load.prepare()
        commit_t = time.perf_counter()
        load.commit()
        commit_s = time.perf_counter() - commit_t
        load_s = time.perf_counter() - t0
        peak_after_load = peak_rss_mb()

        raw_rows, raw_s = _baseline_copy(url, frames, 1)
        copy_rows = sum(
            t.rows
            for t in report.tables
            if t.table
            in {
                name
                for name, f in frames.items()
                if all(c.values.dtype != object for c in f.columns)
            }
        )
        copy_s = sum(
            t.copy_seconds
            for t in report.tables
            if t.rows
            and t.table
            in {
                name
                for name, f in frames.items()
                if all(c.values.dtype != object for c in f.columns)
            }
        )
        with psycopg.connect(url) as conn:
            server = conn.execute(
                "SELECT current_setting('server_version'), current_setting('wal_level')"
            ).fetchone()
        print(f"dataset: {args.data or 'synthetic ' + args.scale}  rows: {rows:,}")
        print(f"server: PostgreSQL {server[0]}, wal_level={server[1]}")
        print(f"{'phase':<10} {'seconds':>9}")
        phases = [("extract", extract_s), ("transform", transform_s)]
        phases += list(report.seconds.items()) + [("commit", commit_s)]
        for phase, seconds in phases:
            print(f"{phase:<10} {seconds:>9.2f}")
        print(f"{'load':<10} {load_s:>9.2f}   (prepare + commit)")
        print("largest tables (rows, copy s, index s):")
        for t in sorted(report.tables, key=lambda t: -t.rows)[:8]:
            print(f"  {t.table:<22} {t.rows:>12,} {t.copy_seconds:>8.2f} {t.index_seconds:>8.2f}")
        loader_rate = copy_rows / copy_s if copy_s else float("nan")
        raw_rate = raw_rows / raw_s if raw_s else float("nan")
        print(f"COPY phase (loader, buffers built on the fly): {loader_rate:,.0f} rows/s")
        print(f"raw binary COPY baseline (prebuilt buffers, no indexes): {raw_rate:,.0f} rows/s")
        print(f"ratio loader / baseline: {loader_rate / raw_rate:.0%}  (target >= 70%)")
        print(
            f"peak RSS: {peak_after_load:,.0f} MB after the load, {peak_rss_mb():,.0f} MB "
            "at the end  (target < 4096 MB)"
        )
    finally:
        with psycopg.connect(base_url, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {d} WITH (FORCE)").format(d=sql.Identifier(dbname))
            )
        if settings is not None:
            from connectomedb.stores.postgres import stop_embedded

            stop_embedded(settings)
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()

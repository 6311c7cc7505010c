"""Benchmark of ``tracings add``: load rate (nodes/s) against webknossos reading the same files.

Files: ``--files`` NML files of one tracing of ``--nodes`` nodes each (a branched random
walk, every 50th node commented), written once with webknossos into ``out/`` and reused.

Measured in one run, on the same files:

(a) webknossos ``Skeleton.load`` (its public API) of every file;
(b) webknossos ``Nml.parse`` (the NML reader the loader uses) of every file;
(c) the loader's checking pass alone (line-numbered validation);
(d) the loader's reading: check + ``Nml.parse`` + frames (``read_nml``);
(e) ``add_tracings`` into a fresh PostgreSQL database: checksums, check, read, COPY, commit.

Run: ``python -m bench.tracings [--files 1000 --nodes 1000] [--postgres-url URL]``
(URL of a server where a scratch database may be created; default: the embedded one).
"""

from __future__ import annotations

import argparse
import os
import time
import uuid
import warnings
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit


def write_files(folder: Path, files: int, nodes: int, seed: int = 0) -> list[Path]:
    import numpy as np

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import webknossos as wk
    done = folder / "COMPLETE"
    paths = [folder / f"tracing-{i:05d}.nml" for i in range(files)]
    if done.exists():
        return paths
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    for i, path in enumerate(paths):
        skeleton = wk.Skeleton(voxel_size=(11.24, 11.24, 28.0), dataset_name="bench")
        tree = skeleton.add_tree(f"neurite {i}")
        steps = rng.integers(-3, 4, size=(nodes, 3))
        xyz = np.cumsum(steps, axis=0) + rng.integers(1000, 5000, size=3)
        made = []
        for j in range(nodes):
            node = tree.add_node(
                position=tuple(int(v) for v in xyz[j]), comment="checked" if j % 50 == 0 else None
            )
            if made:
                parent = made[-1] if rng.random() > 0.02 else made[int(rng.integers(len(made)))]
                tree.add_edge(parent, node)
            made.append(node)
        skeleton.save(path)
    done.write_text("ok\n")
    return paths


def _rate(label: str, seconds: float, nodes: int, baseline: float | None) -> None:
    ratio = "" if baseline is None else f"{baseline / seconds:6.2f}×"
    print(f"{label:<52} {seconds:8.2f} s {nodes / seconds:12,.0f} nodes/s  {ratio}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.tracings")
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--nodes", type=int, default=1000)
    parser.add_argument("--postgres-url", default=os.environ.get("CONNECTOMEDB_POSTGRES_URL"))
    args = parser.parse_args(argv)

    import psycopg

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t0 = time.perf_counter()
        import webknossos as wk
        from webknossos._nml import Nml

        import_seconds = time.perf_counter() - t0
    from connectomedb.stores.postgres import upgrade
    from connectomedb.tracings.nml import check_nml, read_nml
    from connectomedb.tracings.store import add_tracings

    folder = Path("out") / f"bench-tracings-{args.files}x{args.nodes}"
    t0 = time.perf_counter()
    paths = write_files(folder, args.files, args.nodes)
    print(
        f"{len(paths)} files × {args.nodes} nodes in {folder} "
        f"(written or found in {time.perf_counter() - t0:.1f} s); "
        f"webknossos import {import_seconds:.2f} s"
    )
    total = len(paths) * args.nodes
    print(f"{'step':<52} {'seconds':>10} {'rate':>20}  vs (a)")

    t0 = time.perf_counter()
    for p in paths:
        wk.Skeleton.load(p)
    base = time.perf_counter() - t0
    _rate("(a) webknossos Skeleton.load", base, total, None)
    t0 = time.perf_counter()
    for p in paths:
        with open(p, "rb") as f:
            Nml.parse(f)
    _rate("(b) webknossos Nml.parse", time.perf_counter() - t0, total, base)
    t0 = time.perf_counter()
    for p in paths:
        check_nml(p)
    _rate("(c) loader: check pass alone", time.perf_counter() - t0, total, base)
    t0 = time.perf_counter()
    for p in paths:
        read_nml(p)
    _rate("(d) loader: check + read to frames", time.perf_counter() - t0, total, base)

    if args.postgres_url:
        server = args.postgres_url
    else:
        from connectomedb.config import load_settings
        from connectomedb.stores.postgres import start_embedded

        server = start_embedded(load_settings())
    name = "bench_tracings_" + uuid.uuid4().hex[:8]
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(server)
    url = urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))
    try:
        upgrade(url)
        t0 = time.perf_counter()
        report = add_tracings(url, paths, "connectem")
        seconds = time.perf_counter() - t0
        assert report.nodes == total, report.nodes
        _rate("(e) tracings add into PostgreSQL (all steps)", seconds, total, base)
        print(
            f"    of which reading {report.read_seconds:.2f} s, writing "
            f"{report.write_seconds:.2f} s"
        )
        t0 = time.perf_counter()
        again = add_tracings(url, paths, "connectem")
        assert again.files_added == []
        print(f"(f) the same files again (no-op): {time.perf_counter() - t0:.2f} s")
    finally:
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

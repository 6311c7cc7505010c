"""Benchmark of point look-ups: 100,000 random points over a synthetic segmentation.

(a) baseline: one h5py read per point (``data[z, y, x]``, every cube file opened once), timed
    on a random subset of the points (it is too slow for all of them) and given in points/s;
(b) ``connectomedb.volumes.lookup`` (what ``locate`` runs for every volume): points grouped by
    cube and chunk, each chunk read once.

The segmentation is ``--cubes-per-axis``³ cubes (default 2³ = 8) of ``--cube`` voxels (default
256), dense (every voxel labelled, in 8-voxel blocks), chunked 64³ and gzip-compressed like the
synthetic volumes; it is written once to ``out/bench-locate-<cube>-<n>/``. Each measurement runs
in its own process, so each peak RSS is its own. Both give the same values on the shared points.

With ``--with-postgres`` it also times (c) ``connectomedb.locate``: the same look-up plus the
owning axon / target / spine head, class and neuron from PostgreSQL (the demo dataset loaded
into an embedded server; the segmentation's labels are demo segment IDs).

Run: ``python -m bench.locate [--points 100000] [--baseline-points 2000] [--with-postgres]``
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

from bench.measure import peak_rss_mb

#: Segments of the synthetic ``demo`` scale (the labels of the benchmark's segmentation).
DEMO_SEGMENTS = 300_000
DATASET = "bench-locate"


def write_segmentation(folder: Path, cube: int, n: int, seed: int) -> None:
    import numpy as np

    from connectomedb.volumes.grid import cube_name
    from connectomedb.volumes.synth import _write_cube

    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    block = 8
    for i in range(n):
        for j in range(n):
            for k in range(n):
                # Segment IDs of the synthetic demo dataset, so that locate finds owners.
                coarse = rng.integers(
                    1, DEMO_SEGMENTS + 1, size=(cube // block,) * 3, dtype=np.uint32
                )
                data = coarse.repeat(block, 0).repeat(block, 1).repeat(block, 2)
                _write_cube(folder / cube_name(i, j, k), data, 64)
                print(f"  wrote {cube_name(i, j, k)}", flush=True)
    (folder / "complete").write_text("ok")


def _points(folder: Path, count: int, seed: int):  # type: ignore[no-untyped-def]
    import numpy as np

    from connectomedb.volumes import scan

    volume = scan(folder, "segmentation")
    lo = np.asarray(volume.extent[0])
    top = np.max(np.array(list(volume.cubes)), axis=0) + 1
    hi = np.minimum(np.asarray(volume.extent[1]), top * volume.cube)
    rng = np.random.default_rng(seed)
    return volume, rng.integers(lo, hi + 1, size=(count, 3))


def worker(mode: str, folder: Path, count: int, baseline: int, seed: int, url: str) -> dict:
    import hashlib

    import h5py
    import numpy as np

    volume, points = _points(folder, count, seed)
    rss0 = peak_rss_mb()
    if mode == "locate":
        from connectomedb import locate

        locate(points[:10], DATASET, url=url)  # warm-up: imports, catalogue, first connection
        t0 = time.perf_counter()
        frame = locate(points, DATASET, url=url)
        seconds = time.perf_counter() - t0
        values, n = frame["segment_id"].to_numpy(np.uint32), count
        extra = {"with_axon": int(frame["axon_id"].notna().sum()),
                 "with_target": int(frame["target_id"].notna().sum())}  # fmt: skip
    elif mode == "lookup":
        from connectomedb.volumes import lookup

        t0 = time.perf_counter()
        result = lookup(points, volume, with_status=True)
        seconds = time.perf_counter() - t0
        values, n = result.values, count
        extra = {"chunks_read": result.chunks_read}
    else:
        pts = points[:baseline]
        files = {c: h5py.File(volume.path(c), "r") for c in volume.cubes}
        t0 = time.perf_counter()
        values = np.zeros(pts.shape[0], dtype=np.uint32)
        for n_, (x, y, z) in enumerate(pts.tolist()):
            i, j, k = (x - 1) // volume.cube, (y - 1) // volume.cube, (z - 1) // volume.cube
            data = files[(i, j, k)]["data"]
            values[n_] = data[(z - 1) % volume.cube, (y - 1) % volume.cube, (x - 1) % volume.cube]
        seconds = time.perf_counter() - t0
        n = pts.shape[0]
        extra = {}
    head = values[: min(baseline, count)]
    return {
        "mode": mode,
        "points": n,
        "seconds": seconds,
        "points_per_s": n / seconds,
        "peak_rss_mb": peak_rss_mb(),
        "rss_before_mb": rss0,
        "digest_of_shared_points": hashlib.sha256(head.tobytes()).hexdigest()[:16],
        **extra,
    }


def _prepare_postgres(folder: Path, seed: int) -> str:
    """An embedded PostgreSQL with the demo dataset loaded and the volume registered."""
    from connectomedb.config import Settings
    from connectomedb.etl.extract import read_dataset
    from connectomedb.etl.load.postgres import load_dataset
    from connectomedb.stores.postgres import connect, resolve
    from connectomedb.volumes import scan
    from connectomedb.volumes.catalogue import register

    url = resolve(Settings(home=Path("out/bench-locate-home").resolve())).url
    with connect(url) as conn:
        loaded = conn.execute("SELECT 1 FROM dataset WHERE name = %s", (DATASET,)).fetchone()
    if loaded is None:
        demo = Path("out") / f"bench-demo-{seed}"
        if not (demo / "truth.json").exists():
            print(f"== writing the synthetic demo dataset to {demo}", flush=True)
            subprocess.run([sys.executable, "-m", "connectomedb.cli", "synth", str(demo),
                            "--scale", "demo", "--seed", str(seed), "--force", "-q"],
                           check=True)  # fmt: skip
        print(f"== loading {demo} into PostgreSQL as {DATASET}", flush=True)
        load_dataset(url, read_dataset(demo), DATASET)
    register(url, scan(folder, "segmentation"), DATASET, replace=True)
    return url


def _run(mode: str, args: argparse.Namespace, folder: Path) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "bench.locate", "--worker", mode, "--folder", str(folder),
         "--points", str(args.points), "--baseline-points", str(args.baseline_points),
         "--seed", str(args.seed), "--url", args.url or ""],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.locate", description=__doc__)
    parser.add_argument("--points", type=int, default=100_000)
    parser.add_argument("--baseline-points", type=int, default=2_000)
    parser.add_argument("--cube", type=int, default=256)
    parser.add_argument("--cubes-per-axis", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data", type=Path, help="ignored (the benchmark writes its own volume)")
    parser.add_argument(
        "--worker", choices=["lookup", "baseline", "locate"], help=argparse.SUPPRESS
    )
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument(
        "--with-postgres",
        action="store_true",
        help="also time connectomedb.locate (owners from PostgreSQL): loads the synthetic demo "
        "dataset into an embedded PostgreSQL under out/bench-locate-home once",
    )
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.worker, args.folder, args.points, args.baseline_points,
                                args.seed, args.url)))  # fmt: skip
        return 0

    folder = Path("out") / f"bench-locate-v2-{args.cube}-{args.cubes_per_axis}"
    if not (folder / "complete").exists():
        print(f"== writing {args.cubes_per_axis**3} cubes of {args.cube}³ to {folder}")
        write_segmentation(folder, args.cube, args.cubes_per_axis, args.seed)
    if args.with_postgres:
        args.url = _prepare_postgres(folder, args.seed)
    base = _run("baseline", args, folder)
    fast = _run("lookup", args, folder)
    full = _run("locate", args, folder) if args.with_postgres else None
    same = base["digest_of_shared_points"] == fast["digest_of_shared_points"]
    print(f"segmentation: {args.cubes_per_axis ** 3} cubes of {args.cube}³ voxels, chunks 64³, "
          f"gzip; {args.points:,} random points")  # fmt: skip
    print(f"{'method':<34}{'points':>10}{'seconds':>10}{'points/s':>12}{'peak RSS MB':>13}")
    rows = [("one h5py read per point (baseline)", base), ("volumes.lookup", fast)]
    if full is not None:
        rows.append(("connectomedb.locate (+ PostgreSQL)", full))
        same = same and full["digest_of_shared_points"] == base["digest_of_shared_points"]
    for name, r in rows:
        print(f"{name:<34}{r['points']:>10,}{r['seconds']:>10.2f}{r['points_per_s']:>12,.0f}"
              f"{r['peak_rss_mb']:>13.0f}")  # fmt: skip
    print(f"chunks read by lookup: {fast['chunks_read']:,}")
    print(f"speed-up (points/s): {fast['points_per_s'] / base['points_per_s']:.0f}× "
          f"(target ≥ 50×); same values on the shared points: {same}")  # fmt: skip
    if full is not None:
        print(f"locate speed-up (points/s): {full['points_per_s'] / base['points_per_s']:.0f}×; "
              f"points on an axon: {full['with_axon']:,}, on a target: {full['with_target']:,}; "
              f"peak memory {full['peak_rss_mb']:.0f} MB")  # fmt: skip
    print(f"peak memory of lookup: {fast['peak_rss_mb']:.0f} MB (target < 2048 MB)")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark of point look-ups: 100,000 random points over a synthetic segmentation.

(a) baseline: one h5py read per point (``data[z, y, x]``, every cube file opened once), timed
    on a random subset of the points (it is too slow for all of them) and given in points/s;
(b) ``connectomedb.volumes.lookup`` (what ``locate`` runs for every volume): points grouped by
    cube and chunk, each chunk read once.

The segmentation is ``--cubes-per-axis``³ cubes (default 2³ = 8) of ``--cube`` voxels (default
256), dense (every voxel labelled, in 8-voxel blocks), chunked 64³ and gzip-compressed like the
synthetic volumes; it is written once to ``out/bench-locate-<cube>-<n>/``. Each measurement runs
in its own process, so each peak RSS is its own. Both give the same values on the shared points.

Run: ``python -m bench.locate [--points 100000] [--baseline-points 2000]``
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


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
                coarse = rng.integers(1, 2**31, size=(cube // block,) * 3, dtype=np.uint32)
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


def worker(mode: str, folder: Path, count: int, baseline: int, seed: int) -> dict:
    import hashlib

    import h5py
    import numpy as np

    volume, points = _points(folder, count, seed)
    rss0 = _peak_rss_mb()
    if mode == "lookup":
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
        "peak_rss_mb": _peak_rss_mb(),
        "rss_before_mb": rss0,
        "digest_of_shared_points": hashlib.sha256(head.tobytes()).hexdigest()[:16],
        **extra,
    }


def _run(mode: str, args: argparse.Namespace, folder: Path) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "bench.locate", "--worker", mode, "--folder", str(folder),
         "--points", str(args.points), "--baseline-points", str(args.baseline_points),
         "--seed", str(args.seed)],
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
    parser.add_argument("--worker", choices=["lookup", "baseline"], help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.worker, args.folder, args.points, args.baseline_points,
                                args.seed)))  # fmt: skip
        return 0

    folder = Path("out") / f"bench-locate-{args.cube}-{args.cubes_per_axis}"
    if not (folder / "complete").exists():
        print(f"== writing {args.cubes_per_axis**3} cubes of {args.cube}³ to {folder}")
        write_segmentation(folder, args.cube, args.cubes_per_axis, args.seed)
    base = _run("baseline", args, folder)
    fast = _run("lookup", args, folder)
    same = base["digest_of_shared_points"] == fast["digest_of_shared_points"]
    print(f"segmentation: {args.cubes_per_axis ** 3} cubes of {args.cube}³ voxels, chunks 64³, "
          f"gzip; {args.points:,} random points")  # fmt: skip
    print(f"{'method':<34}{'points':>10}{'seconds':>10}{'points/s':>12}{'peak RSS MB':>13}")
    for name, r in (("one h5py read per point (baseline)", base), ("volumes.lookup", fast)):
        print(f"{name:<34}{r['points']:>10,}{r['seconds']:>10.2f}{r['points_per_s']:>12,.0f}"
              f"{r['peak_rss_mb']:>13.0f}")  # fmt: skip
    print(f"chunks read by lookup: {fast['chunks_read']:,}")
    print(f"speed-up (points/s): {fast['points_per_s'] / base['points_per_s']:.0f}× "
          f"(target ≥ 50×); same values on the shared points: {same}")  # fmt: skip
    print(f"peak memory of lookup: {fast['peak_rss_mb']:.0f} MB (target < 2048 MB)")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark of extraction: reading the per-synapse segment sets of ``synapses.hdf5``.

(a) baseline: h5py, one dataset at a time (``group[name][()]`` for every member), then the
    same int64 Ragged assembled with NumPy;
(b) the extract reader (:class:`connectomedb.etl.extract.fastsets.ElementReader`);
(c) ``read_dataset`` on the whole folder, seconds per file (when all files are present).

Each measurement runs in its own subprocess so that its peak RSS (``ru_maxrss``) is its own.
Both readers' results are hashed and compared.

Run: ``python -m bench.extract --data DIR``
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

from bench.measure import SET_GROUPS as GROUPS
from bench.measure import digest, peak_rss_mb


def _digest(arrays: list) -> str:
    return digest(a.tobytes() for a in arrays)


class _Clock:
    """Wall clock, CPU time and peak RSS of one reader, from the moment it is made."""

    def __init__(self) -> None:
        self.rss_before_mb = peak_rss_mb()
        self.t0 = time.perf_counter()
        self.c0 = time.process_time()

    def result(self, datasets: int, parts: list, **more: object) -> dict:
        """The measurement of a reader that read ``datasets`` datasets into ``parts``."""
        return {
            "seconds": time.perf_counter() - self.t0,
            "cpu_seconds": time.process_time() - self.c0,
            "datasets": datasets,
            "peak_rss_mb": peak_rss_mb(),
            "rss_before_mb": self.rss_before_mb,
            "digest": _digest(parts),
            **more,
        }


def worker_baseline(path: Path) -> dict:
    import h5py
    import numpy as np

    clock = _Clock()
    count = 0
    parts = []
    with h5py.File(path, "r") as f:
        for group_path in GROUPS:
            g = f[group_path]
            names = sorted(g.keys(), key=int)
            arrays = [np.asarray(g[name][()]).ravel() for name in names]
            count += len(arrays)
            lengths = np.fromiter((len(a) for a in arrays), dtype=np.int64, count=len(arrays))
            offsets = np.zeros(len(arrays) + 1, dtype=np.int64)
            np.cumsum(lengths, out=offsets[1:])
            values = np.concatenate(arrays).astype(np.int64) if arrays else np.zeros(0, np.int64)
            parts += [values, offsets]
    return clock.result(count, parts)


def worker_fast(path: Path) -> dict:
    import h5py

    from connectomedb.etl.extract.fastsets import ElementReader

    clock = _Clock()
    parts = []
    count = 0
    phases: dict[str, float] = {}
    with h5py.File(path, "r") as f, ElementReader(f) as reader:
        for group_path in GROUPS:
            n = len(f[group_path])
            r = reader.sets(group_path, n, "bench")
            count += n
            parts += [r.values, r.offsets]
        for s in reader.stats:
            for k, v in s.seconds.items():
                phases[k] = phases.get(k, 0.0) + v
        modes = sorted({s.mode for s in reader.stats})
    return clock.result(count, parts, phases=phases, modes=modes)


def worker_dataset(folder: Path) -> dict:
    from connectomedb.etl.extract import ExtractReport, read_dataset

    report = ExtractReport()
    t0 = time.perf_counter()
    read_dataset(folder, report=report)
    seconds = time.perf_counter() - t0
    groups = [
        {
            "path": g.path,
            "mode": g.mode,
            "elements": g.elements,
            "seconds": {k: round(v, 3) for k, v in g.seconds.items()},
        }
        for g in report.groups
    ]
    return {
        "seconds": seconds,
        "files": report.seconds,
        "groups": groups,
        "peak_rss_mb": peak_rss_mb(),
    }


WORKERS = {"baseline": worker_baseline, "fast": worker_fast, "dataset": worker_dataset}


def _run(kind: str, target: Path) -> dict:
    proc = subprocess.run(
        [sys.executable, "-m", "bench.extract", "--worker", kind, "--data", str(target)],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"{kind} worker failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _rate_line(result: dict) -> str:
    """How fast one worker read its datasets, and its memory."""
    rate = result["datasets"] / result["seconds"]
    return (
        f"{result['datasets']:,} datasets in {result['seconds']:.2f} s "
        f"(CPU {result['cpu_seconds']:.2f} s) = {rate:,.0f} datasets/s; "
        f"peak RSS {result['peak_rss_mb']:.0f} MB "
        f"(after imports {result['rss_before_mb']:.0f} MB)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.extract",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--data",
        required=True,
        type=Path,
        help="folder with synapses.hdf5 (and the other files for part c)",
    )
    parser.add_argument(
        "--skip-baseline", action="store_true", help="only time the extract reader and read_dataset"
    )
    parser.add_argument("--worker", choices=sorted(WORKERS), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        target = args.data if args.worker == "dataset" else args.data / "synapses.hdf5"
        print(json.dumps(WORKERS[args.worker](target)))
        return 0

    syn = args.data / "synapses.hdf5"
    if not syn.exists():
        raise SystemExit(f"{syn} not found")
    print(f"data: {args.data}")
    fast = _run("fast", args.data)
    rate_fast = fast["datasets"] / fast["seconds"]
    print(f"(b) extract reader: {_rate_line(fast)}; path {', '.join(fast['modes'])}")
    phases = {k: fast["phases"].get(k, 0.0) for k in ("list", "headers", "data")}
    total = sum(phases.values()) or 1.0
    shares = (f"{k} {v:.2f} s ({100 * v / total:.0f}%)" for k, v in phases.items())
    print("    where the time goes: " + ", ".join(shares))
    if not args.skip_baseline:
        base = _run("baseline", args.data)
        rate_base = base["datasets"] / base["seconds"]
        print(f"(a) h5py one at a time: {_rate_line(base)}")
        same = "identical" if base["digest"] == fast["digest"] else "DIFFERENT"
        print(
            f"    speed-up (b)/(a): {rate_fast / rate_base:.1f}x wall clock, "
            f"{base['cpu_seconds'] / fast['cpu_seconds']:.1f}x CPU time; results {same}"
        )
    required = ("axons.hdf5", "dendrites.hdf5", "synapses.hdf5")
    if all((args.data / n).exists() for n in required):
        ds = _run("dataset", args.data)
        print(
            f"(c) read_dataset: {ds['seconds']:.2f} s in total; peak RSS {ds['peak_rss_mb']:.0f} MB"
        )
        for name, seconds in ds["files"].items():
            print(f"    {name}: {seconds:.2f} s")
        for g in ds["groups"]:
            parts = ", ".join(f"{k} {v:.2f}" for k, v in g["seconds"].items())
            print(f"    {g['path']}: {g['elements']:,} elements, {g['mode']} ({parts})")
    else:
        print("(c) read_dataset: skipped (axons.hdf5 or dendrites.hdf5 missing)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

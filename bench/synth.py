"""Benchmark of the synthetic-data writer: millions of tiny per-element datasets.

(a) baseline: h5py's high-level ``group.create_dataset(name, data=...)`` for every element of
    the synapses' pre/post segment sets;
(b) the writer's low-level path (``connectomedb.synth.writer._Writer.sets``), same data;
(c) ``generate`` and the whole ``write`` of the scale, seconds and peak RSS.

Both files' element datasets are read back and hashed to show they hold the same values.

Run: ``python -m bench.synth --scale demo``
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import h5py
import numpy as np

from bench.measure import SET_GROUPS as GROUPS
from bench.measure import digest, peak_rss_mb
from connectomedb.synth import generate, write
from connectomedb.synth.writer import _Writer


def _digest(path: Path) -> str:
    with h5py.File(path, "r") as f:
        return digest(
            part
            for group in GROUPS
            for name in sorted(f[group], key=int)
            for part in (
                f"{name}:{f[group][name].dtype}:{f[group][name].shape}".encode(),
                f[group][name][()].tobytes(),
            )
        )


def baseline(path: Path, sets: list) -> float:
    t0 = time.perf_counter()
    with h5py.File(path, "w") as f:
        for group, ragged in zip(GROUPS, sets, strict=True):
            g = f.create_group(group)
            values = ragged.values.astype(np.uint32)
            off = ragged.offsets
            for i in range(len(ragged)):
                g.create_dataset(str(i + 1), data=values[off[i] : off[i + 1]])
    return time.perf_counter() - t0


def lowlevel(path: Path, sets: list) -> float:
    t0 = time.perf_counter()
    w = _Writer(path, "bench", {"current"}, None)
    try:
        for group, ragged in zip(GROUPS, sets, strict=True):
            w.sets(group, ragged, np.uint32, group)
    finally:
        w.close()
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="demo", choices=["tiny", "demo", "full"])
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    t0 = time.perf_counter()
    result = generate(args.scale, args.seed)
    gen_s = time.perf_counter() - t0
    syn = result.dataset.synapses
    sets = [syn.pre_seg, syn.post_seg]
    n = sum(len(s) for s in sets)
    with tempfile.TemporaryDirectory(prefix="bench-synth-") as tmp:
        tmpdir = Path(tmp)
        base_s = baseline(tmpdir / "baseline.hdf5", sets)
        fast_s = lowlevel(tmpdir / "lowlevel.hdf5", sets)
        same = _digest(tmpdir / "baseline.hdf5") == _digest(tmpdir / "lowlevel.hdf5")
        t0 = time.perf_counter()
        out = write(result, tmpdir / "folder")
        write_s = time.perf_counter() - t0
        size = sum(p.stat().st_size for p in out.iterdir())
    print(f"scale {args.scale}, seed {args.seed}: {n:,} element datasets in the synapse sets")
    print(f"  (a) h5py create_dataset per element: {base_s:8.2f} s  {n / base_s:10,.0f} /s")
    print(f"  (b) low-level writer:                {fast_s:8.2f} s  {n / fast_s:10,.0f} /s")
    print(f"  speed-up (a)/(b): {base_s / fast_s:.2f}x; same values: {same}")
    print(f"  (c) generate {gen_s:.2f} s, write {write_s:.2f} s, {size / 1e6:,.1f} MB, "
          f"peak RSS {peak_rss_mb():,.0f} MB")  # fmt: skip


if __name__ == "__main__":
    main()

"""Run every benchmark on one dataset: ``python -m bench [--scale demo|full] [--data DIR]``.

Each benchmark runs in its own process (so each peak RSS is its own) and prints its numbers;
the synthetic dataset of the scale is written first unless ``--data`` names a folder.

\b
Example:
  python -m bench --scale demo
  python -m bench --data /data/L4dense --only extract postgres
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

#: name → (module, extra arguments); each takes --data DIR.
BENCHMARKS: dict[str, tuple[str, list[str]]] = {
    "extract": ("bench.extract", []),
    "postgres": ("bench.load_postgres", []),
    "graph": ("bench.load_graph", []),
    "queries": ("bench.queries", ["--markdown"]),
    "locate": ("bench.locate", []),
}


def _ensure_data(scale: str, seed: int) -> Path:
    folder = Path("out") / f"bench-{scale}-{seed}"
    if not (folder / "truth.json").exists():
        print(f"== writing the synthetic {scale} dataset to {folder}", flush=True)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "connectomedb.cli",
                "synth",
                str(folder),
                "--scale",
                scale,
                "--seed",
                str(seed),
                "--force",
            ],
            check=True,
        )
    return folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--scale", default="demo", choices=["tiny", "demo", "full"])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data", type=Path, help="an L4dense folder (instead of synthetic data)")
    parser.add_argument("--only", nargs="*", choices=sorted(BENCHMARKS), help="run only these")
    args = parser.parse_args(argv)

    data = args.data or _ensure_data(args.scale, args.seed)
    failed = []
    for name in args.only or list(BENCHMARKS):
        module, extra = BENCHMARKS[name]
        print(f"\n== {name}: python -m {module} --data {data} {' '.join(extra)}", flush=True)
        t0 = time.perf_counter()
        command = [sys.executable, "-m", module, "--data", str(data), *extra]
        code = subprocess.run(command).returncode
        print(f"== {name}: exit {code}, {time.perf_counter() - t0:.1f} s wall", flush=True)
        if code:
            failed.append(name)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""What reading files into memory costs against the memory map it replaced.

The fast per-element reader used to parse a read-only ``mmap`` of each HDF5 file; a file
truncated during the read then killed the process with SIGBUS. It now reads the file's bytes
into memory (:func:`connectomedb.etl.extract.fastsets.read_whole`). This runs
``read_dataset`` on one folder both ways, each in its own process (best of ``--repeat``
seconds; peak RSS), and prints the ratio.

Run: ``python -m bench.read_modes --data DIR [--repeat 3]``
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

_CHILD = """
import json, mmap, resource, sys, time
from connectomedb.etl.extract import fastsets, read_dataset

def mapped(file):
    with open(file, "rb") as fh:
        return mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)

if sys.argv[2] == "mmap":
    fastsets.read_whole = mapped
best = float("inf")
for _ in range(int(sys.argv[3])):
    t0 = time.perf_counter()
    source = read_dataset(sys.argv[1])
    best = min(best, time.perf_counter() - t0)
print(json.dumps({"seconds": best, "synapses": source.synapses.n,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def measure(data: str, mode: str, repeat: int) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, data, mode, str(repeat)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    mapped = measure(args.data, "mmap", args.repeat)
    read = measure(args.data, "read", args.repeat)
    print(f"read_dataset({args.data}), {read['synapses']:,} synapses, best of {args.repeat}:")
    print(
        f"  memory map (before): {mapped['seconds']:.2f} s, peak RSS {mapped['peak_rss_mb']:.0f} MB"
    )
    print(f"  read into memory   : {read['seconds']:.2f} s, peak RSS {read['peak_rss_mb']:.0f} MB")
    print(
        f"  ratio read/mmap    : {read['seconds'] / mapped['seconds']:.2f}× time, "
        f"{read['peak_rss_mb'] / mapped['peak_rss_mb']:.2f}× peak RSS"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

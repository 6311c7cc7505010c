"""What the benchmarks measure the same way: peak memory, short digests of results, and the
per-element segment-set groups of ``synapses.hdf5`` that the reader and writer benchmarks use."""

from __future__ import annotations

import hashlib
import resource
from collections.abc import Iterable
from pathlib import Path

#: The per-synapse segment sets: the largest per-element groups of the published files.
SET_GROUPS = ("/synapses/preSegIds", "/synapses/postSegIds")


def peak_rss_mb() -> float:
    """The peak resident memory of this program so far, in MB: ``VmHWM``, not ``ru_maxrss``,
    which Linux carries over from the process that started this one (across the exec), so a
    child started by a benchmark that holds data would report the benchmark's size."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def digest(parts: Iterable[bytes]) -> str:
    """A short SHA-256 of ``parts`` in order: equal results have equal digests."""
    h = hashlib.sha256()
    for part in parts:
        h.update(part)
    return h.hexdigest()[:16]

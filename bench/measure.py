"""What the benchmarks measure the same way: peak memory, short digests of results, and the
per-element segment-set groups of ``synapses.hdf5`` that the reader and writer benchmarks use."""

from __future__ import annotations

import hashlib
import resource
from collections.abc import Iterable

#: The per-synapse segment sets: the largest per-element groups of the published files.
SET_GROUPS = ("/synapses/preSegIds", "/synapses/postSegIds")


def peak_rss_mb() -> float:
    """The peak resident memory of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def digest(parts: Iterable[bytes]) -> str:
    """A short SHA-256 of ``parts`` in order: equal results have equal digests."""
    h = hashlib.sha256()
    for part in parts:
        h.update(part)
    return h.hexdigest()[:16]

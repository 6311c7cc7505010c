"""What the benchmarks measure the same way: peak memory, short digests of results, and the
per-element segment-set groups of ``synapses.hdf5`` that the reader and writer benchmarks use."""

from __future__ import annotations

import hashlib
import os
import resource
import statistics
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

#: A query whose warm-up run takes longer than this (seconds) is not repeated: its single time
#: is reported (the motif listings over the densest targets can take that long at full scale).
SLOW_SECONDS = 20.0

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


def process_cpu_seconds() -> float:
    """The CPU seconds (user + system, every thread) this program and the children it has
    waited for have used so far."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


def _stat(pid: int | str) -> list[str] | None:
    """The fields of ``/proc/PID/stat`` after the command name (state first), or None when the
    process is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text.rsplit(")", 1)[1].split()


def server_cpu_seconds(pgdata: Path) -> float:
    """The CPU seconds the PostgreSQL server of ``pgdata`` has used so far: its postmaster's,
    the backends it has reaped (which are its children's time), and its live processes'.

    The postmaster is read first: a backend that exits between the two reads is missed rather
    than counted twice, so the figure never overstates the server's work.
    """
    pid = int((pgdata / "postmaster.pid").read_text().split()[0])
    ticks = os.sysconf("SC_CLK_TCK")
    own = _stat(pid)
    if own is None:
        raise RuntimeError(f"the PostgreSQL server of {pgdata} is not running")
    total = sum(int(own[k]) for k in (11, 12, 13, 14))  # utime, stime, cutime, cstime
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and entry.name != str(pid):
            fields = _stat(entry.name)
            if fields is not None and fields[1] == str(pid):
                total += int(fields[11]) + int(fields[12])
    return total / ticks


def median_ms(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """The median milliseconds of ``repeat`` calls of ``fn`` after a warm-up call (plans,
    caches, the graph's buffer pool), and its last result; the warm-up's time alone when it
    took over :data:`SLOW_SECONDS`."""
    t0 = time.perf_counter()
    result = fn()
    first = (time.perf_counter() - t0) * 1000.0
    if first > SLOW_SECONDS * 1000.0:
        return first, result
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t0) * 1000.0)
    return statistics.median(times), result


def digest(parts: Iterable[bytes]) -> str:
    """A short SHA-256 of ``parts`` in order: equal results have equal digests."""
    h = hashlib.sha256()
    for part in parts:
        h.update(part)
    return h.hexdigest()[:16]

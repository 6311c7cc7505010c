"""Memory a load has freed, given back to the system.

The C library's ``malloc`` keeps what is freed inside its heaps for later allocations (a heap
per thread that allocates: the load's threads and LadybugDB's workers), so the resident size of
a long load grows toward the sum of every phase's high-water mark even though each phase frees
what it allocated. :func:`release_free_memory`, called between the steps of a load, returns
the free pages of every heap (glibc's ``malloc_trim``); :func:`share_heaps` makes the threads
started afterwards share a few heaps instead of holding one each (what one thread freed is
then there for the next allocation of another). Elsewhere than glibc both do nothing.
"""

from __future__ import annotations

import ctypes
import functools
from collections.abc import Callable
from typing import Any

#: ``mallopt`` parameter: the most heaps (arenas) the threads of the process use.
_M_ARENA_MAX = -8
#: Heaps a load's threads share. At full scale (both stores) the load's peak was 60-70 MB
#: lower with two than with glibc's default (eight per core), in the same time.
LOAD_HEAPS = 2


@functools.cache
def _libc() -> Any:
    try:
        return ctypes.CDLL(None)  # the C library the process runs with
    except OSError:
        return None


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    trim = getattr(_libc(), "malloc_trim", None)
    if trim is None:
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim  # type: ignore[no-any-return]


def release_free_memory() -> None:
    """Return the free pages of the process's ``malloc`` heaps to the system (where the C
    library can: glibc)."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def share_heaps(heaps: int = LOAD_HEAPS) -> None:
    """Let the threads that allocate from now on share at most ``heaps`` ``malloc`` heaps
    (glibc's ``M_ARENA_MAX``; the heaps made already stay)."""
    mallopt = getattr(_libc(), "mallopt", None)
    if mallopt is not None:
        mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
        mallopt.restype = ctypes.c_int
        mallopt(_M_ARENA_MAX, heaps)


def releasing(
    progress: Callable[[str, int, int], None],
) -> Callable[[str, int, int], None]:
    """``progress(step, done, total)``, and :func:`release_free_memory` at each new step."""
    last = [""]

    def report(step: str, done: int, total: int) -> None:
        if step != last[0]:
            last[0] = step
            release_free_memory()
        progress(step, done, total)

    return report

"""Memory a load has freed, given back to the system.

The C library's ``malloc`` keeps what is freed inside its heaps for later allocations (a heap
per thread that allocates: the load's threads and LadybugDB's workers), so the resident size of
a long load grows toward the sum of every phase's high-water mark even though each phase frees
what it allocated. :func:`release_free_memory`, called between the steps of a load, returns
the free pages of every heap (glibc's ``malloc_trim``); elsewhere it does nothing.
"""

from __future__ import annotations

import ctypes
import functools
from collections.abc import Callable


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    try:
        trim = ctypes.CDLL(None).malloc_trim  # the C library the process runs with
    except (OSError, AttributeError):
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

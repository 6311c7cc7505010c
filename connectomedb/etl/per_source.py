"""Frames derived from a source dataset, computed once per source object.

A load asks for the same derived frames several times: PostgreSQL's tables, the expected row
counts and the graph's nodes all come from them. :func:`per_source` keeps one result per source
object, for as long as that object lives. The results are shared: callers read them and never
change them in place.
"""

from __future__ import annotations

import functools
import threading
import weakref
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
#: A source dataset, or one of its parts (the axons, the targets): any object that is kept
#: as long as its results are of use, and compared by identity.
S = TypeVar("S")


def per_source(build: Callable[[S], T]) -> Callable[[S], T]:
    """``build`` with its result kept per source object (dropped when the source is). Safe
    across threads: a second caller for the same source waits for the first one's result
    rather than computing it again."""
    results: dict[int, T] = {}
    guard = threading.Lock()
    building: dict[int, threading.Lock] = {}

    @functools.wraps(build)
    def cached(source: S) -> T:
        key = id(source)
        with guard:
            if key in results:
                return results[key]
            lock = building.setdefault(key, threading.Lock())
        with lock:
            with guard:
                if key in results:
                    return results[key]
            try:
                value = build(source)
                with guard:
                    results[key] = value
                    weakref.finalize(source, results.pop, key, None)
            finally:
                with guard:
                    building.pop(key, None)
        return value

    return cached

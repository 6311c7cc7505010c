"""Copying many members out of one buffer in a single vectorised NumPy gather.

The fast path of :mod:`.fastsets` knows where each member's data lies in the file's bytes; these
functions concatenate all of them (and place them in the output) without a Python loop per
member.
"""

from __future__ import annotations

import numpy as np


def gather_items(
    arr: np.ndarray, address: np.ndarray, nbytes: np.ndarray, dtype: np.dtype
) -> np.ndarray:
    """Like :func:`gather`, viewed as ``dtype``, but indexing whole items instead of bytes
    (several times less index memory) for the members whose addresses share an alignment."""
    size = dtype.itemsize
    keep = nbytes > 0
    address, nbytes = address[keep], nbytes[keep]
    counts = nbytes // size
    if len(address) == 0:
        return np.zeros(0, dtype=dtype)
    residue = address % size
    out = np.empty(int(counts.sum()), dtype=dtype)
    starts = offsets_of(counts)[:-1]
    classes = np.unique(residue)
    for r in classes.tolist():
        sel = residue == r if len(classes) > 1 else slice(None)
        usable = (len(arr) - r) // size * size
        items = arr[r : r + usable].view(dtype)
        got = gather(items, (address[sel] - r) // size, counts[sel])
        if len(classes) == 1:
            return got
        out[positions(starts[sel], counts[sel])] = got
    return out


def gather(arr: np.ndarray, address: np.ndarray, nbytes: np.ndarray) -> np.ndarray:
    """Concatenate ``arr[address[i] : address[i] + nbytes[i]]`` for all ``i`` in one pass
    (positions and lengths count items of ``arr``)."""
    total = int(nbytes.sum())
    if total == 0:
        return np.zeros(0, dtype=arr.dtype)
    keep = nbytes > 0
    address, nbytes = address[keep], nbytes[keep]
    starts = np.zeros(len(nbytes), dtype=np.int64)
    np.cumsum(nbytes[:-1], out=starts[1:])
    shift = np.repeat(address - starts, nbytes)
    shift += np.arange(total, dtype=np.int64)
    return arr[shift]


def offsets_of(counts: np.ndarray) -> np.ndarray:
    """``[0, c0, c0 + c1, …]``: where each of ``counts`` consecutive runs starts, and the end."""
    offsets = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    return offsets


def positions(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Destination indices ``starts[i] + j`` for ``j < counts[i]``, flattened."""
    total = int(counts.sum())
    out = np.repeat(starts - offsets_of(counts)[:-1], counts)
    out += np.arange(total, dtype=np.int64)
    return out


def transpose_positions(item_starts: np.ndarray, items: np.ndarray, width: int) -> np.ndarray:
    """Where each value of a C-order ``(width, n)`` member goes in the ``(total, width)``
    output (flattened), so members come out transposed to ``(n, width)``."""
    counts = items * width
    j = np.arange(int(counts.sum()), dtype=np.int64) - np.repeat(offsets_of(counts)[:-1], counts)
    n = np.repeat(np.maximum(items, 1), counts)
    return (np.repeat(item_starts, counts) + j % n) * width + j // n

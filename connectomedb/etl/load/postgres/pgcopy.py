"""PostgreSQL binary COPY buffers built from NumPy columns, a chunk of rows at a time.

A PGCOPY row is ``int16 field count`` then per field ``int32 length`` (−1 = NULL) and the
big-endian value. Fixed-width columns make every row the same size, so a chunk is one NumPy
structured array; NULL values are then cut out of the raw bytes with one boolean mask, which
keeps the rows in order without a Python loop.

A table with text columns has rows of different sizes: each column's text is encoded once
(every distinct value to UTF-8), each row is laid out in slots as wide as the longest value
of each column, and the same kind of mask keeps the bytes that belong to the rows (values
too long for a slot are scattered to their offsets instead); again no loop over rows.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

HEADER = b"PGCOPY\n\xff\r\n\x00" + (0).to_bytes(4, "big") + (0).to_bytes(4, "big")
TRAILER = (-1).to_bytes(2, "big", signed=True)

#: NumPy big-endian dtype of each fixed-width PostgreSQL type connectomedb writes.
PG_DTYPES: dict[str, str] = {
    "int2": ">i2",
    "int4": ">i4",
    "int8": ">i8",
    "float4": ">f4",
    "float8": ">f8",
    "bool": "?",
}

_INT_RANGE = {
    "int2": (-(2**15), 2**15 - 1),
    "int4": (-(2**31), 2**31 - 1),
    "int8": (-(2**63), 2**63 - 1),
}


@dataclass(frozen=True)
class CopyColumn:
    """A column to copy: PostgreSQL type name (``int4``…), values, NULL mask (True = NULL) or
    None, and a constant instead of values (for ``dataset_id``)."""

    name: str
    pg_type: str
    values: np.ndarray | None = None
    null: np.ndarray | None = None
    constant: int | float | None = None


class ValueRangeError(ValueError):
    """A value does not fit the column's PostgreSQL type."""

    def __init__(self, column: str, pg_type: str, row: int, value: object) -> None:
        self.column, self.pg_type, self.row, self.value = column, pg_type, row, value
        super().__init__(f"column {column} ({pg_type}): row {row + 1} holds {value}, out of range")


def check_range(col: CopyColumn) -> None:
    """Raise :class:`ValueRangeError` when a non-NULL integer does not fit ``col.pg_type``."""
    if col.values is None or col.pg_type not in _INT_RANGE or col.values.size == 0:
        return
    low, high = _INT_RANGE[col.pg_type]
    values = col.values
    if values.dtype.kind == "f":
        raise TypeError(f"column {col.name}: integer type {col.pg_type} given float values")
    info = np.iinfo(values.dtype)
    if info.min >= low and info.max <= high:
        return
    bad = (values < low) | (values > high)
    if col.null is not None:
        bad &= ~col.null
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise ValueRangeError(col.name, col.pg_type, row, values[row].item())


def _row_dtype(columns: Sequence[CopyColumn]) -> np.dtype:
    fields: list[tuple[str, str]] = [("nfields", ">i2")]
    for i, col in enumerate(columns):
        fields += [(f"len{i}", ">i4"), (f"val{i}", PG_DTYPES[col.pg_type])]
    return np.dtype(fields)


def copy_chunks(
    columns: Sequence[CopyColumn], n: int, *, rows_per_chunk: int = 1 << 19
) -> Iterator[tuple[memoryview | bytes, int]]:
    """Yield ``(buffer, rows in it)``: the header, then chunks of rows, then the trailer.

    Feed the buffers, in order, to ``COPY … FROM STDIN (FORMAT BINARY)``. A buffer holds its
    rows only until the next one is asked for: rows of fixed width are laid out in one array
    reused for every chunk (what no row changes, the field count, the lengths and the
    constants, written once: that is most of a row's fields, and fresh memory for every chunk
    cost as much again).
    """
    if any(c.pg_type == "text" for c in columns):
        yield from _varying_chunks(columns, n, min(rows_per_chunk, 1 << 16))
        return
    dtype = _row_dtype(columns)
    row_bytes = dtype.itemsize
    widths = [np.dtype(PG_DTYPES[c.pg_type]).itemsize for c in columns]
    # Byte offset of each value inside a row (after its 4-byte length).
    offsets = [dtype.fields[f"val{i}"][1] for i in range(len(columns))]  # type: ignore[index]
    yield HEADER, 0
    block = np.empty(max(min(n, rows_per_chunk), 0), dtype=dtype)
    block["nfields"] = len(columns)
    for i, col in enumerate(columns):
        block[f"len{i}"] = widths[i]
        if col.values is None:
            block[f"val{i}"] = col.constant
    for start in range(0, n, rows_per_chunk):
        stop = min(n, start + rows_per_chunk)
        m = stop - start
        rows = block[:m]
        nulls: list[tuple[int, np.ndarray]] = []
        for i, col in enumerate(columns):
            if col.values is None:
                continue
            rows[f"val{i}"] = col.values[start:stop]
            if col.null is not None:
                lengths = rows[f"len{i}"]
                lengths[...] = widths[i]  # the chunk before may have left NULLs here
                null = col.null[start:stop]
                if null.any():
                    lengths[null] = -1
                    nulls.append((i, null))
        raw = rows.view(np.uint8).reshape(m, row_bytes)
        if nulls:
            keep = np.ones((m, row_bytes), dtype=bool)
            for i, null in nulls:
                keep[null, offsets[i] : offsets[i] + widths[i]] = False
            yield raw[keep].data, m
        else:
            yield raw.reshape(-1).data, m
    yield TRAILER, 0


#: Longest text (bytes) laid out in a fixed slot per row; longer values are scattered.
_SLOT_LIMIT = 256
#: Largest table of padded distinct values (bytes) of one column.
_PADDED_LIMIT = 1 << 24


@dataclass(frozen=True)
class _Texts:
    """A text column encoded once: every distinct value's UTF-8 bytes in ``flat`` (at
    ``offsets``, ``lengths`` long), the index of each row's value, and which rows are NULL."""

    flat: np.ndarray
    offsets: np.ndarray
    lengths: np.ndarray
    codes: np.ndarray
    null: np.ndarray | None
    #: Every distinct value's bytes in a row as wide as the longest (None when too large).
    padded: np.ndarray | None


def _encode_texts(col: CopyColumn, n: int) -> _Texts:
    values = np.full(n, col.constant, dtype=object) if col.values is None else col.values
    codes, uniques = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=True)
    # A missing value (NULL) points at an empty string after the distinct values.
    encoded = [str(v).encode() for v in uniques] + [b""]
    lengths = np.array([len(b) for b in encoded], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
    flat = np.frombuffer(b"".join(encoded), dtype=np.uint8)
    missing = codes < 0
    null = missing if col.null is None else (col.null | missing)
    codes = np.where(missing, len(uniques), codes)
    width = int(lengths.max())
    padded = None
    if width <= _SLOT_LIMIT and len(lengths) * width <= _PADDED_LIMIT:
        padded = np.zeros((len(lengths), width), dtype=np.uint8)
        padded[np.arange(width) < lengths[:, None]] = flat  # row after row: the values in order
    return _Texts(flat, offsets, lengths, codes, null if null.any() else None, padded)


def _scatter(out: np.ndarray, starts: np.ndarray, block: np.ndarray) -> None:
    """``block[i]`` (rows of equal width) to ``out`` at ``starts[i]``."""
    if len(starts):
        out[starts[:, None] + np.arange(block.shape[1])] = block


def _varying_chunks(
    columns: Sequence[CopyColumn], n: int, rows_per_chunk: int
) -> Iterator[tuple[memoryview | bytes, int]]:
    texts = {i: _encode_texts(c, n) for i, c in enumerate(columns) if c.pg_type == "text"}
    slotted = all(t.padded is not None for t in texts.values())
    chunk = _slotted_chunk if slotted else _varying_chunk
    yield HEADER, 0
    for start in range(0, n, rows_per_chunk):
        stop = min(n, start + rows_per_chunk)
        yield chunk(columns, texts, start, stop), stop - start
    yield TRAILER, 0


def _slotted_chunk(
    columns: Sequence[CopyColumn], texts: dict[int, _Texts], start: int, stop: int
) -> bytes:
    """Each row laid out in fixed slots (a text column's as wide as its longest value) with a
    mask of the bytes that belong to it: the masked bytes, row after row, are the rows."""
    m = stop - start
    fields: list[tuple[str, Any]] = [("nfields", ">i2")]
    for i, col in enumerate(columns):
        if i in texts:
            padded = texts[i].padded
            assert padded is not None
            value: Any = ("u1", (padded.shape[1],))
        else:
            value = PG_DTYPES[col.pg_type]
        fields += [(f"len{i}", ">i4"), (f"val{i}", value)]
    dtype = np.dtype(fields)
    rows = np.zeros(m, dtype=dtype)
    rows["nfields"] = len(columns)
    keep = np.ones((m, dtype.itemsize), dtype=bool)
    for i, col in enumerate(columns):
        offset = dtype.fields[f"val{i}"][1]  # type: ignore[index]
        if i in texts:
            t = texts[i]
            assert t.padded is not None
            codes = t.codes[start:stop]
            size = t.lengths[codes]
            null = None if t.null is None else t.null[start:stop]
            width = t.padded.shape[1]
            rows[f"val{i}"] = t.padded[codes]
            keep[:, offset : offset + width] = np.arange(width) < size[:, None]
        else:
            width = np.dtype(PG_DTYPES[col.pg_type]).itemsize
            size = np.full(m, width, dtype=np.int64)
            null = None if col.null is None else col.null[start:stop]
            rows[f"val{i}"] = col.constant if col.values is None else col.values[start:stop]
        if null is not None and null.any():
            size = np.where(null, -1, size)
            keep[null, offset : offset + width] = False
        rows[f"len{i}"] = size
    return rows.view(np.uint8).reshape(m, dtype.itemsize)[keep].tobytes()


def _varying_chunk(
    columns: Sequence[CopyColumn], texts: dict[int, _Texts], start: int, stop: int
) -> bytes:
    m = stop - start
    lengths = []  # per column: each row's value length in bytes, -1 for NULL
    for i, col in enumerate(columns):
        null = col.null
        if i in texts:
            t = texts[i]
            size = t.lengths[t.codes[start:stop]]
            null = t.null
        else:
            size = np.full(m, np.dtype(PG_DTYPES[col.pg_type]).itemsize, dtype=np.int64)
        if null is not None:
            size = np.where(null[start:stop], -1, size)
        lengths.append(size)
    row_bytes = 2 + sum(4 + np.maximum(size, 0) for size in lengths)
    ends = np.cumsum(row_bytes)
    out = np.empty(int(ends[-1]) if m else 0, dtype=np.uint8)
    position = ends - row_bytes
    _scatter(out, position, np.full(m, len(columns), ">i2").view(np.uint8).reshape(m, 2))
    position = position + 2
    for i, (col, size) in enumerate(zip(columns, lengths, strict=True)):
        _scatter(out, position, size.astype(">i4").view(np.uint8).reshape(m, 4))
        value_at = position + 4
        present = size >= 0
        if i in texts:
            t = texts[i]
            widths = size[present]
            total = int(widths.sum())
            if total:
                row = np.repeat(np.arange(len(widths)), widths)
                within = np.arange(total) - np.repeat(np.cumsum(widths) - widths, widths)
                source = t.offsets[t.codes[start:stop][present]]
                out[value_at[present][row] + within] = t.flat[source[row] + within]
        else:
            dtype = np.dtype(PG_DTYPES[col.pg_type])
            if col.values is None:
                values = np.full(m, col.constant, dtype=dtype)
            else:
                values = col.values[start:stop].astype(dtype)
            raw = values.view(np.uint8).reshape(m, dtype.itemsize)
            _scatter(out, value_at[present], raw[present])
        position = value_at + np.maximum(size, 0)
    return out.tobytes()

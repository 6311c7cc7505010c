"""The HDF5 file format's building blocks, as :mod:`.h5layout` and :mod:`.h5batch` read them:
message types, little-endian integers at byte positions, and the dataspace and datatype
messages of a dataset's object header."""

from __future__ import annotations

import mmap
import struct
from dataclasses import dataclass

import numpy as np

#: What a file's structures are parsed from: its bytes.
Buffer = bytes | bytearray | mmap.mmap

SIGNATURE = b"\x89HDF\r\n\x1a\n"
UNDEF = 0xFFFFFFFFFFFFFFFF

# Object header message types used here.
MSG_NIL = 0x0000
MSG_DATASPACE = 0x0001
MSG_LINK_INFO = 0x0002
MSG_DATATYPE = 0x0003
MSG_EXTERNAL = 0x0007
MSG_LAYOUT = 0x0008
MSG_LINK = 0x0006
MSG_FILTERS = 0x000B
MSG_CONTINUATION = 0x0010
MSG_SYMBOL_TABLE = 0x0011

# IEEE layouts: size -> (bit offset, precision, exponent location, exponent size,
# mantissa location, mantissa size, exponent bias).
_IEEE = {
    2: (0, 16, 10, 5, 0, 10, 15),
    4: (0, 32, 23, 8, 0, 23, 127),
    8: (0, 64, 52, 11, 0, 52, 1023),
}


class Unsupported(Exception):
    """A structure outside the subset parsed here; use the HDF5 library instead."""


class NoTemplate(Exception):
    """An object header that cannot serve as a template (it is parsed on its own)."""


@dataclass(frozen=True)
class DatasetHeader:
    """What is needed to read a small dataset without the HDF5 library."""

    dtype: np.dtype
    shape: tuple[int, ...]
    address: int  # absolute file offset of the raw data (-1 when there is none)
    nbytes: int
    inline: bytes | None = None  # raw data of a compact layout


def read_uint(raw: Buffer, pos: int, size: int) -> int:
    """The little-endian unsigned integer of ``size`` bytes at ``pos``."""
    return int.from_bytes(raw[pos : pos + size], "little")


def dataspace(buf: Buffer, pos: int) -> tuple[int, ...]:
    """The dimensions of the dataspace message at ``pos``."""
    version, rank, flags = buf[pos], buf[pos + 1], buf[pos + 2]
    if version == 1:
        dims_at = pos + 8
        if flags & 0x02:
            raise Unsupported("dataspace permutation")
    elif version == 2:
        kind = buf[pos + 3]
        if kind == 2:  # null dataspace: no elements
            return (0,)
        if kind not in (0, 1):
            raise Unsupported("dataspace type")
        dims_at = pos + 4
    else:
        raise Unsupported("dataspace version")
    return tuple(read_uint(buf, dims_at + 8 * i, 8) for i in range(rank))


def datatype(buf: Buffer, pos: int) -> np.dtype:
    """The NumPy dtype of the datatype message at ``pos`` (integers and IEEE floats)."""
    head = buf[pos]
    cls, version = head & 0x0F, head >> 4
    bits = buf[pos + 1]
    size = read_uint(buf, pos + 4, 4)
    if version not in (1, 2, 3):
        raise Unsupported("datatype version")
    order = ">" if bits & 0x01 else "<"
    if cls == 0:
        offset, precision = struct.unpack_from("<HH", buf, pos + 8)
        if size not in (1, 2, 4, 8) or offset != 0 or precision != 8 * size:
            raise Unsupported("integer layout")
        kind = "i" if bits & 0x08 else "u"
        return np.dtype(f"{order}{kind}{size}")
    if cls == 1:
        if bits & 0x40 or size not in _IEEE:
            raise Unsupported("float byte order or size")
        props = struct.unpack_from("<HHBBBBI", buf, pos + 8)
        if props != _IEEE[size]:
            raise Unsupported("non-IEEE float")
        return np.dtype(f"{order}f{size}")
    raise Unsupported(f"datatype class {cls}")


def ragged_starts(starts: np.ndarray, counts: np.ndarray, stride: int) -> np.ndarray:
    """``starts[i] + stride * j`` for ``j < counts[i]``, flattened."""
    total = int(counts.sum())
    owner_start = np.repeat(starts - stride * _exclusive_cumsum(counts), counts)
    return owner_start + stride * np.arange(total, dtype=np.int64)


def _exclusive_cumsum(counts: np.ndarray) -> np.ndarray:
    out = np.zeros(len(counts), dtype=np.int64)
    np.cumsum(counts[:-1], out=out[1:])
    return out


def gather_u32(arr: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """Little-endian uint32 at each (possibly unaligned) byte position."""
    return _gather_words(arr, positions, np.dtype("<u4"))


def gather_u64(arr: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """Little-endian uint64 at each (possibly unaligned) byte position."""
    return _gather_words(arr, positions, np.dtype("<u8"))


def _gather_words(arr: np.ndarray, positions: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """The ``dtype`` words starting at byte ``positions`` of ``arr``. When every position has
    the same alignment (the usual case: a file's structures of one kind are aligned alike)
    the bytes are viewed as words and each word is one index, else each byte is. A word
    reaching past either end of ``arr`` raises IndexError."""
    size = dtype.itemsize
    if len(positions) == 0:
        return np.zeros(0, dtype=dtype)
    if int(positions.min()) < 0:
        raise IndexError("byte position before the start of the buffer")
    r = int(positions[0]) % size
    if ((positions - r) % size == 0).all():
        words = arr[r : r + (len(arr) - r) // size * size].view(dtype)
        return words[(positions - r) // size]
    raw = arr[positions[:, None] + np.arange(size)]
    return np.ascontiguousarray(raw).view(dtype).ravel()

"""Vectorised parsing of many small-dataset object headers at once.

Datasets written by one program with the same datatype and rank have byte-identical object
headers except for a few value fields (dimensions, data address and size, and bytes the
parse ignores such as modification times and checksums). One header is parsed in Python as a
*template*; it records every byte that decided the parse and where the value fields are. All
other headers are then compared with the template on those bytes in one NumPy pass, and the
value fields of the matching ones are extracted at once. Headers that match no template are
parsed one by one, so the result is the same as parsing every header on its own.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from connectomedb.etl.extract.h5format import (
    MSG_DATASPACE,
    MSG_DATATYPE,
    MSG_LAYOUT,
    MSG_SYMBOL_TABLE,
    UNDEF,
    NoTemplate,
    Unsupported,
    datatype,
    gather_u32,
    gather_u64,
    ragged_starts,
)
from connectomedb.etl.extract.h5layout import H5Layout

MAX_TEMPLATES = 32
_CHUNK = 1 << 16  # headers compared per NumPy pass (bounds the index arrays' memory)


@dataclass
class HeaderBatch:
    """Dtype, shape and data location of ``m`` datasets (rank at most 2)."""

    dtypes: list[np.dtype]  # distinct dtypes
    dtype_index: np.ndarray  # int64 (m,): index into ``dtypes``
    rank: np.ndarray  # int64 (m,)
    dims: np.ndarray  # int64 (m, 2): dimensions, 1 past the rank
    address: np.ndarray  # int64 (m,): absolute data offset, -1 when none or inline
    nbytes: np.ndarray  # int64 (m,)
    inline: dict[int, bytes]  # compact data by member index


@dataclass
class _Template:
    struct_pos: np.ndarray  # int64 relative positions of structural bytes
    struct_val: np.ndarray  # uint8 their values in the template
    dim_pos: list[int]  # relative positions of the uint64 dimensions
    address_pos: int
    size_pos: int | None  # relative position of the stored size (layout version 3/4)
    dtype: np.dtype


def _template(layout: H5Layout, header: int) -> _Template | None:
    record: list[tuple[int, int]] = []
    try:
        messages = layout.messages(header, record)
    except NoTemplate:
        return None
    buf = layout.buf
    dim_pos: list[int] = []
    address_pos = size_pos = None
    dtype = None
    found = set()
    for mtype, _flags, pos, size in messages:
        if mtype == MSG_DATASPACE:
            version, rank = buf[pos], buf[pos + 1]
            head = 8 if version == 1 else 4
            record.append((pos, head))
            dim_pos = [pos + head + 8 * i for i in range(rank)]
        elif mtype == MSG_DATATYPE:
            record.append((pos, size))
            dtype = datatype(layout.buf, pos)
        elif mtype == MSG_LAYOUT:
            version = buf[pos]
            if version in (3, 4) and buf[pos + 1] == 1:
                record.append((pos, 2))
                address_pos, size_pos = pos + 2, pos + 10
            elif version in (1, 2) and buf[pos + 2] == 1:
                record.append((pos, 8))
                address_pos = pos + 8
            else:
                return None  # compact or chunked: parsed on its own
        found.add(mtype)
    if dtype is None or address_pos is None or MSG_DATASPACE not in found or len(dim_pos) > 2:
        return None
    positions = np.unique(np.concatenate([np.arange(p, p + n, dtype=np.int64) for p, n in record]))
    return _Template(
        struct_pos=positions - header,
        struct_val=layout.array[positions],
        dim_pos=[p - header for p in dim_pos],
        address_pos=address_pos - header,
        size_pos=None if size_pos is None else size_pos - header,
        dtype=dtype,
    )


def _matches(
    arr: np.ndarray, headers: np.ndarray, struct_pos: np.ndarray, struct_val: np.ndarray
) -> np.ndarray:
    """Which ``headers`` hold ``struct_val`` at the relative positions ``struct_pos``.

    Each header's bytes up to its last structural one are copied as one window and compared
    in 8-byte words under a mask: a row copy per header instead of an index per byte."""
    size = len(arr)
    out = np.zeros(len(headers), dtype=bool)
    span = int(struct_pos.max()) + 1
    width = -(-span // 8) * 8
    expected = np.zeros(width, dtype=np.uint8)
    mask = np.zeros(width, dtype=np.uint8)
    expected[struct_pos] = struct_val
    mask[struct_pos] = 0xFF
    expected_words, mask_words = expected.view("<u8"), mask.view("<u8")
    windows = sliding_window_view(arr, width) if size >= width else None
    for start in range(0, len(headers), _CHUNK):
        h = headers[start : start + _CHUNK]
        part = out[start : start + _CHUNK]
        whole = h + width <= size
        if windows is not None and whole.any():
            rows = np.ascontiguousarray(windows[h[whole]]).view("<u8")
            part[whole] = ((rows ^ expected_words) & mask_words == 0).all(axis=1)
        # The few headers within a window's width of the end: byte by byte.
        tail = ~whole & (h + span <= size)
        if tail.any():
            part[tail] = (arr[h[tail][:, None] + struct_pos] == struct_val).all(axis=1)
    return out


def read_headers(layout: H5Layout, headers: np.ndarray) -> HeaderBatch:
    """Parse the dataset object headers at absolute offsets ``headers``.

    Raises :class:`Unsupported` when any of them is outside the parsed subset (rank above 2
    included), so the caller can fall back to the HDF5 library for the whole group.
    """
    m = len(headers)
    arr = layout.array
    if m and ((headers < 0).any() or (headers >= len(arr)).any()):
        raise Unsupported("object header outside the file")
    dtypes: list[np.dtype] = []
    dtype_index = np.zeros(m, dtype=np.int64)
    rank = np.zeros(m, dtype=np.int64)
    dims = np.ones((m, 2), dtype=np.int64)
    address = np.full(m, -1, dtype=np.int64)
    nbytes = np.zeros(m, dtype=np.int64)
    inline: dict[int, bytes] = {}

    def code(dt: np.dtype) -> int:
        if dt not in dtypes:
            dtypes.append(dt)
        return dtypes.index(dt)

    pending = np.arange(m, dtype=np.int64)
    templates = 0
    while len(pending):
        first = int(pending[0])
        tpl = _template(layout, int(headers[first])) if templates < MAX_TEMPLATES else None
        if tpl is None:
            one = layout.dataset(int(headers[first]))
            if len(one.shape) > 2:
                raise Unsupported("rank above 2")
            dtype_index[first] = code(one.dtype)
            rank[first] = len(one.shape)
            dims[first, : len(one.shape)] = one.shape
            address[first] = one.address
            nbytes[first] = one.nbytes
            if one.inline is not None:
                inline[first] = one.inline
            pending = pending[1:]
            continue
        templates += 1
        hit = _matches(arr, headers[pending], tpl.struct_pos, tpl.struct_val)
        idx = pending[hit]
        pending = pending[~hit]
        h = headers[idx]
        r = len(tpl.dim_pos)
        count = np.ones(len(idx), dtype=np.uint64)
        for k, rel in enumerate(tpl.dim_pos):
            d = gather_u64(arr, h + rel)
            if (d >= 2**40).any():
                raise Unsupported("implausible dimension")
            dims[idx, k] = d.astype(np.int64)
            count *= d
        size = count.astype(np.int64) * tpl.dtype.itemsize
        raw_addr = gather_u64(arr, h + tpl.address_pos)
        if (
            tpl.size_pos is not None
            and (gather_u64(arr, h + tpl.size_pos).astype(np.int64) != size).any()
        ):
            raise Unsupported("contiguous size does not match the dataspace")
        has_data = size > 0
        if (raw_addr[has_data] == UNDEF).any():
            raise Unsupported("storage not allocated")
        absolute = np.where(has_data, raw_addr.astype(np.int64) + layout.base, -1)
        if (absolute[has_data] + size[has_data] > len(arr)).any():
            raise Unsupported("data beyond the end of the file")
        dtype_index[idx] = code(tpl.dtype)
        rank[idx] = r
        address[idx] = absolute
        nbytes[idx] = size
    return HeaderBatch(dtypes, dtype_index, rank, dims, address, nbytes, inline)


def _symbol_tables(
    layout: H5Layout, groups: np.ndarray, btree: np.ndarray, heap: np.ndarray
) -> list[int]:
    """Fill ``btree`` and ``heap`` with the B-tree and local heap addresses of the symbol
    table message of each group's object header; return the indices of the groups that have
    none. As :func:`read_headers` does for datasets, one header parsed in Python serves as a
    template whose structural bytes are compared with all others at once; a group matching
    no template is parsed on its own."""
    arr = layout.array
    single: list[int] = []
    pending = np.arange(len(groups), dtype=np.int64)
    templates = 0
    while len(pending):
        first = int(pending[0])
        header = int(groups[first])
        record: list[tuple[int, int]] | None = [] if templates < MAX_TEMPLATES else None
        try:
            messages = layout.messages(header, record)
        except NoTemplate:
            record, messages = None, layout.messages(header)
        table = next((pos for mtype, _, pos, _ in messages if mtype == MSG_SYMBOL_TABLE), None)
        if record is None or table is None:
            if table is None:
                single.append(first)
            else:
                btree[first], heap[first] = _table_addresses(layout, np.array([table]))
            pending = pending[1:]
            continue
        templates += 1
        positions = np.unique(
            np.concatenate([np.arange(p, p + n, dtype=np.int64) for p, n in record])
        )
        hit = _matches(arr, groups[pending], positions - header, arr[positions])
        idx = pending[hit]
        pending = pending[~hit]
        btree[idx], heap[idx] = _table_addresses(layout, groups[idx] + (table - header))
    return single


def _table_addresses(layout: H5Layout, tables: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The absolute B-tree and local heap addresses of the symbol table messages whose data
    start at ``tables``."""
    arr = layout.array
    raw = np.stack([gather_u64(arr, tables), gather_u64(arr, tables + 8)])
    if (raw == UNDEF).any():
        raise Unsupported("undefined symbol table address")
    absolute = raw.astype(np.int64) + layout.base
    return absolute[0], absolute[1]


def member_addresses(layout: H5Layout, groups: np.ndarray, wanted: tuple[bytes, ...]) -> np.ndarray:
    """For many small groups (object headers at ``groups``), the object header offsets of the
    members named ``wanted``: int64 ``(len(wanted), len(groups))``, -1 where one is missing.

    Symbol-table groups are resolved together in NumPy (B-tree leaf, symbol table nodes, local
    heap names); any other group is listed on its own.
    """
    m = len(groups)
    out = np.full((len(wanted), m), -1, dtype=np.int64)
    btree = np.full(m, -1, dtype=np.int64)
    heap = np.full(m, -1, dtype=np.int64)
    single = _symbol_tables(layout, groups, btree, heap)
    arr = layout.array
    table = np.flatnonzero(btree >= 0)
    if len(table):
        bt = btree[table]
        head = arr[bt[:, None] + np.arange(8)]
        # A leaf root (level 0) holds the symbol table nodes directly; deeper trees are rare
        # for groups of three members and are listed on their own.
        leaf = (
            (head[:, :4] == np.frombuffer(b"TREE", np.uint8)).all(axis=1)
            & (head[:, 4] == 0)
            & (head[:, 5] == 0)
        )
        single.extend(table[~leaf].tolist())
        table, bt, head = table[leaf], bt[leaf], head[leaf]
        used = head[:, 6].astype(np.int64) | (head[:, 7].astype(np.int64) << 8)
        owner_node = np.repeat(np.arange(len(table)), used)
        snod = gather_u64(arr, ragged_starts(bt + 32, used, 16)).astype(np.int64) + layout.base
        shead = arr[snod[:, None] + np.arange(8)]
        if not (shead[:, :4] == np.frombuffer(b"SNOD", np.uint8)).all() or (shead[:, 4] != 1).any():
            raise Unsupported("symbol table node")
        count = shead[:, 6].astype(np.int64) | (shead[:, 7].astype(np.int64) << 8)
        entry = ragged_starts(snod + 8, count, 40)
        owner = table[np.repeat(owner_node, count)]
        name_off = gather_u64(arr, entry).astype(np.int64)
        raw_target = gather_u64(arr, entry + 8)
        if (raw_target == UNDEF).any() or (gather_u32(arr, entry + 16) == 2).any():
            raise Unsupported("soft link in a symbol table")
        target = raw_target.astype(np.int64) + layout.base
        hp = heap[owner]
        hhead = arr[hp[:, None] + np.arange(8)]
        if not (hhead[:, :4] == np.frombuffer(b"HEAP", np.uint8)).all() or (hhead[:, 4] != 0).any():
            raise Unsupported("local heap")
        heap_size = gather_u64(arr, hp + 8).astype(np.int64)
        data = gather_u64(arr, hp + 24).astype(np.int64) + layout.base
        if (name_off >= heap_size).any():
            raise Unsupported("link name outside the local heap")
        width = max(len(w) for w in wanted) + 1
        names = arr[np.minimum((data + name_off)[:, None] + np.arange(width), len(arr) - 1)]
        for k, w in enumerate(wanted):
            pattern = np.frombuffer(w + b"\0", np.uint8)
            hit = (names[:, : len(pattern)] == pattern).all(axis=1)
            out[k, owner[hit]] = target[hit]
    for i in single:
        listing = layout.group(int(groups[i]))
        if listing is None:
            raise Unsupported("dense link storage in a skeleton")
        found = dict(zip(listing[0], listing[1].tolist(), strict=True))
        for k, w in enumerate(wanted):
            out[k, i] = found.get(w, -1)
    return out

"""Direct parsing of the HDF5 structures that hold per-element sets.

The published files store every element of a set-valued field as its own tiny dataset. Opening
each through the HDF5 library costs about 0.1 ms, so this module reads the file structures
directly from the file's bytes (read into memory), for the layouts these files use:

* superblock versions 0-3;
* groups with a symbol table (version 1 B-tree, symbol table nodes, local heap), as written by
  default, and groups with compact link storage (link messages in the object header);
* object headers of version 1 and 2, with continuation blocks;
* datasets with a simple or scalar dataspace, an integer or IEEE float datatype and a contiguous
  or compact layout.

Anything else (dense link storage, chunked or filtered layouts, shared messages, external
storage, other datatypes or versions) raises :class:`Unsupported`; callers then fall back to
h5py for that group, so an unrecognised structure never yields wrong data.
"""

from __future__ import annotations

import struct

import numpy as np

from connectomedb.etl.extract.h5format import (
    MSG_CONTINUATION,
    MSG_DATASPACE,
    MSG_DATATYPE,
    MSG_EXTERNAL,
    MSG_FILTERS,
    MSG_LAYOUT,
    MSG_LINK,
    MSG_LINK_INFO,
    MSG_NIL,
    MSG_SYMBOL_TABLE,
    SIGNATURE,
    UNDEF,
    Buffer,
    DatasetHeader,
    NoTemplate,
    Unsupported,
    dataspace,
    datatype,
    gather_u32,
    gather_u64,
    ragged_starts,
    read_uint,
)


class H5Layout:
    """A read-only view of one HDF5 file's structures (``buf`` holds the file's bytes)."""

    def __init__(self, buf: Buffer) -> None:
        self.buf = buf
        self.array = np.frombuffer(buf, dtype=np.uint8)
        self.base = self._find_superblock()

    # -- superblock -------------------------------------------------------------------------

    def _find_superblock(self) -> int:
        pos = 0
        size = len(self.buf)
        while pos + 8 <= size:
            if self.buf[pos : pos + 8] == SIGNATURE:
                break
            pos = 512 if pos == 0 else pos * 2
        else:
            raise Unsupported("no HDF5 signature")
        version = self.buf[pos + 8]
        if version in (0, 1):
            self.so, self.sl = self.buf[pos + 13], self.buf[pos + 14]
            base_pos = pos + 24 + (4 if version == 1 else 0)
        elif version in (2, 3):
            self.so, self.sl = self.buf[pos + 9], self.buf[pos + 10]
            base_pos = pos + 12
        else:
            raise Unsupported(f"superblock version {version}")
        if self.so != 8 or self.sl != 8:
            # Every file written by current HDF5 defaults uses 8-byte offsets and lengths.
            raise Unsupported("offset/length size other than 8")
        return read_uint(self.buf, base_pos, 8)

    def addr(self, relative: int) -> int:
        """Absolute file offset of a file address."""
        return self.base + relative

    # -- object headers ---------------------------------------------------------------------

    def messages(
        self, header: int, record: list[tuple[int, int]] | None = None
    ) -> list[tuple[int, int, int, int]]:
        """``(type, flags, data position, data size)`` of every message of an object header at
        absolute offset ``header``, continuation blocks included.

        With ``record``, the ``(position, length)`` of every byte that decided the parse is
        appended to it, and a header with continuation blocks raises :class:`NoTemplate`.
        """
        buf = self.buf
        out: list[tuple[int, int, int, int]] = []
        if buf[header : header + 4] == b"OHDR":
            if buf[header + 4] != 2:
                raise Unsupported("object header version")
            flags = buf[header + 5]
            pos = header + 6 + (16 if flags & 0x20 else 0) + (4 if flags & 0x10 else 0)
            width = 1 << (flags & 0x03)
            size = read_uint(buf, pos, width)
            if record is not None:
                record.append((header, 6))
                if flags & 0x10:
                    record.append((pos - 4, 4))
                record.append((pos, width))
            pos += width
            blocks = [(pos, pos + size)]
            hdr_len = 6 if flags & 0x04 else 4
            v2 = True
        elif buf[header] == 1:
            size = read_uint(buf, header + 8, 4)
            if record is not None:
                record.append((header, 12))
            blocks = [(header + 16, header + 16 + size)]
            hdr_len = 8
            v2 = False
        else:
            raise Unsupported("object header version")
        i = 0
        while i < len(blocks):
            pos, end = blocks[i]
            i += 1
            while pos + hdr_len <= end:
                if v2:
                    mtype = buf[pos]
                    msize = buf[pos + 1] | (buf[pos + 2] << 8)
                    mflags = buf[pos + 3]
                else:
                    mtype = buf[pos] | (buf[pos + 1] << 8)
                    msize = buf[pos + 2] | (buf[pos + 3] << 8)
                    mflags = buf[pos + 4]
                data = pos + hdr_len
                if record is not None:
                    record.append((pos, hdr_len))
                if data + msize > end:
                    raise Unsupported("message overruns its block")
                if mtype == MSG_CONTINUATION:
                    if record is not None:
                        raise NoTemplate
                    cont = self.addr(read_uint(buf, data, 8))
                    length = read_uint(buf, data + 8, 8)
                    if v2:
                        if buf[cont : cont + 4] != b"OCHK":
                            raise Unsupported("continuation block signature")
                        blocks.append((cont + 4, cont + length - 4))
                    else:
                        blocks.append((cont, cont + length))
                elif mtype != MSG_NIL:
                    out.append((mtype, mflags, data, msize))
                pos = data + msize
        return out

    # -- datasets ---------------------------------------------------------------------------

    def dataset(self, header: int) -> DatasetHeader:
        """Dtype, shape and data location of the dataset whose object header is at ``header``."""
        space = dtype = layout = None
        for mtype, mflags, pos, size in self.messages(header):
            if mtype in (MSG_DATASPACE, MSG_DATATYPE, MSG_LAYOUT) and mflags & 0x02:
                raise Unsupported("shared message")
            if mtype == MSG_DATASPACE:
                space = pos
            elif mtype == MSG_DATATYPE:
                dtype = pos
            elif mtype == MSG_LAYOUT:
                layout = (pos, size)
            elif mtype in (MSG_FILTERS, MSG_EXTERNAL):
                raise Unsupported("filters or external storage")
        if space is None or dtype is None or layout is None:
            raise Unsupported("not a dataset")
        shape = dataspace(self.buf, space)
        dt = datatype(self.buf, dtype)
        count = 1
        for d in shape:
            count *= d
        return self._layout(layout[0], layout[1], shape, dt, count * dt.itemsize)

    def _layout(
        self, pos: int, size: int, shape: tuple[int, ...], dt: np.dtype, nbytes: int
    ) -> DatasetHeader:
        buf = self.buf
        version = buf[pos]
        if version in (1, 2):
            rank, cls = buf[pos + 1], buf[pos + 2]
            if cls == 1:
                address = read_uint(buf, pos + 8, 8)
                return self._contiguous(dt, shape, address, nbytes)
            if cls == 0:
                at = pos + 8 + 4 * rank
                raw_size = read_uint(buf, at, 4)
                return self._compact(dt, shape, bytes(buf[at + 4 : at + 4 + raw_size]), nbytes)
            raise Unsupported("chunked layout")
        if version in (3, 4):
            cls = buf[pos + 1]
            if cls == 1:
                address, stored = struct.unpack_from("<QQ", buf, pos + 2)
                if stored != nbytes:
                    raise Unsupported("contiguous size does not match the dataspace")
                return self._contiguous(dt, shape, address, nbytes)
            if cls == 0:
                raw_size = read_uint(buf, pos + 2, 2)
                return self._compact(dt, shape, bytes(buf[pos + 4 : pos + 4 + raw_size]), nbytes)
            raise Unsupported("chunked or virtual layout")
        raise Unsupported("layout version")

    def _contiguous(
        self, dt: np.dtype, shape: tuple[int, ...], address: int, nbytes: int
    ) -> DatasetHeader:
        if nbytes == 0:
            return DatasetHeader(dt, shape, -1, 0)
        if address == UNDEF:
            raise Unsupported("storage not allocated")  # the library would return fill values
        absolute = self.addr(address)
        if absolute + nbytes > len(self.buf):
            raise Unsupported("data beyond the end of the file")
        return DatasetHeader(dt, shape, absolute, nbytes)

    @staticmethod
    def _compact(dt: np.dtype, shape: tuple[int, ...], raw: bytes, nbytes: int) -> DatasetHeader:
        if len(raw) < nbytes:
            raise Unsupported("compact data shorter than the dataspace")
        return DatasetHeader(dt, shape, -1, nbytes, raw[:nbytes])

    # -- groups -----------------------------------------------------------------------------

    def group(self, header: int) -> tuple[list[bytes] | np.ndarray, np.ndarray] | None:
        """Names and absolute object header offsets of a group's members.

        Returns ``None`` for dense link storage, whose listing the caller takes from the HDF5
        library (the member object headers are still parsed here).
        """
        link_info = None
        links: list[tuple[bytes, int]] = []
        for mtype, _flags, pos, size in self.messages(header):
            if mtype == MSG_SYMBOL_TABLE:
                btree, heap = struct.unpack_from("<QQ", self.buf, pos)
                return self._symbol_table(self.addr(btree), self.addr(heap))
            if mtype == MSG_LINK_INFO:
                link_info = pos
            elif mtype == MSG_LINK:
                links.append(self._link(pos, size))
        if link_info is None:
            raise Unsupported("not a group")
        flags = self.buf[link_info + 1]
        heap_at = link_info + 2 + (8 if flags & 0x01 else 0)
        if read_uint(self.buf, heap_at, 8) != UNDEF:
            return None
        names = [n for n, _ in links]
        return names, np.array([self.addr(a) for _, a in links], dtype=np.int64)

    def _link(self, pos: int, size: int) -> tuple[bytes, int]:
        buf = self.buf
        if buf[pos] != 1:
            raise Unsupported("link message version")
        flags = buf[pos + 1]
        at = pos + 2
        if flags & 0x08:
            if buf[at] != 0:
                raise Unsupported("soft or external link")
            at += 1
        if flags & 0x04:
            at += 8
        if flags & 0x10:
            at += 1
        width = 1 << (flags & 0x03)
        length = read_uint(buf, at, width)
        at += width
        name = bytes(buf[at : at + length])
        return name, read_uint(buf, at + length, 8)

    def _symbol_table(self, btree: int, heap: int) -> tuple[np.ndarray, np.ndarray]:
        buf = self.buf
        if buf[heap : heap + 4] != b"HEAP" or buf[heap + 4] != 0:
            raise Unsupported("local heap")
        heap_size = read_uint(buf, heap + 8, 8)
        heap_data = self.addr(read_uint(buf, heap + 24, 8))
        # Walk the B-tree level by level; the leaves point at symbol table nodes.
        arr = self.array
        level_nodes = np.array([btree], dtype=np.int64)
        snods: list[np.ndarray] = []
        tree = np.frombuffer(b"TREE", np.uint8)
        while len(level_nodes):
            head = arr[level_nodes[:, None] + np.arange(8)]
            if not (head[:, :4] == tree).all() or (head[:, 4] != 0).any():
                raise Unsupported("group B-tree node")
            level = head[:, 5]
            used = head[:, 6].astype(np.int64) | (head[:, 7].astype(np.int64) << 8)
            # Children follow the 24-byte node header and key 0, 16 bytes apart.
            children = gather_u64(arr, ragged_starts(level_nodes + 32, used, 16))
            children = children.astype(np.int64) + self.base
            leaf = np.repeat(level == 0, used)
            snods.append(children[leaf])
            level_nodes = children[~leaf]
        return self._snods(np.concatenate(snods), heap_data, heap_size)

    def _snods(
        self, snods: np.ndarray, heap_data: int, heap_size: int
    ) -> tuple[np.ndarray, np.ndarray]:
        arr = self.array
        if len(snods) == 0:
            return np.array([], dtype="S1"), np.zeros(0, dtype=np.int64)
        head = arr[snods[:, None] + np.arange(8)]
        if not (head[:, :4] == np.frombuffer(b"SNOD", np.uint8)).all() or (head[:, 4] != 1).any():
            raise Unsupported("symbol table node")
        counts = head[:, 6].astype(np.int64) | (head[:, 7].astype(np.int64) << 8)
        entry = ragged_starts(snods + 8, counts, 40)
        name_off = gather_u64(arr, entry).astype(np.int64)
        header = gather_u64(arr, entry + 8)
        if (name_off >= heap_size).any():
            raise Unsupported("link name outside the local heap")
        if (header == UNDEF).any() or (gather_u32(arr, entry + 16) == 2).any():
            raise Unsupported("soft link in a symbol table")
        return self._heap_names(heap_data, heap_size, name_off), header.astype(np.int64) + self.base

    def _heap_names(self, heap_data: int, heap_size: int, offsets: np.ndarray) -> np.ndarray:
        """NUL-terminated names at ``offsets`` of a local heap, as a NumPy ``S`` array."""
        heap = self.array[heap_data : heap_data + heap_size]
        for width in (8, 32, 256):
            window = heap[np.minimum(offsets[:, None] + np.arange(width), heap_size - 1)]
            ended = np.cumsum(window == 0, axis=1, dtype=np.int8) > 0
            if ended[:, -1].all():
                longest = int((~ended).sum(axis=1).max())
                window = np.where(ended, 0, window).astype(np.uint8)[:, : max(longest, 1)]
                return np.ascontiguousarray(window).view(f"S{max(longest, 1)}").ravel()
        raw = bytes(heap)
        return np.array([raw[o : raw.index(b"\0", o)] for o in offsets.tolist()], dtype="S")

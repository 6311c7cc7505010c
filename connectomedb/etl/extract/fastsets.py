"""Reading per-element groups (one tiny dataset per set element) into :class:`Ragged`.

Two paths give identical results:

* the fast path lists the group and parses every member's object header straight from the
  file's bytes read into memory (:mod:`.h5layout`), then copies all data with one vectorised
  NumPy gather (:mod:`.gather`);
* the h5py path opens each member through the HDF5 library. It is used for a group whenever
  the fast path meets a structure it does not parse (and when ``fast=False``).

Timings per group are collected in :attr:`ElementReader.stats`.
"""

from __future__ import annotations

import os
import struct
import time
from dataclasses import dataclass, field

import h5py
import numpy as np

from connectomedb.errors import InputError
from connectomedb.etl.extract.assemble import check_skeletons, ragged
from connectomedb.etl.extract.h5batch import member_addresses, read_headers
from connectomedb.etl.extract.h5format import Unsupported
from connectomedb.etl.extract.h5layout import H5Layout
from connectomedb.etl.extract.hdf5 import REEXPORT, check_declared_size, external_link_error
from connectomedb.etl.extract.members import Members, check_inside
from connectomedb.etl.extract.stamp import changed_error
from connectomedb.etl.extract.validate import element_ids
from connectomedb.etl.frames import Ragged, Skeletons

SKELETON_PARTS = ("nodes", "edges", "segIds")


@dataclass
class GroupStats:
    """How one per-element group was read: ``mode`` is ``fast`` or ``h5py``; seconds spent
    listing members, reading their headers, and copying and checking the data."""

    path: str
    mode: str
    elements: int
    seconds: dict[str, float] = field(default_factory=dict)
    reason: str | None = None  # why the fast path was not used


def read_whole(file: str) -> bytearray:
    """The bytes of ``file``, read into memory.

    Not a memory map: a file truncated by another process while it is mapped kills the reader
    with SIGBUS on the next access beyond its new end. Read bytes stay valid whatever happens
    to the file; a change during the read shows as a short read here, or in the size, time and
    inode checks of :mod:`connectomedb.etl.extract.stamp`.
    """
    with open(file, "rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        buf = bytearray(size)
        view = memoryview(buf)
        done = 0
        while done < size:
            got = fh.readinto(view[done:])
            if not got:
                raise changed_error(file, f"size {size} → {done} bytes")
            done += got
    return buf


def segment_note(n_segments: int | None) -> str | None:
    """The explanation of a segment-ID bound, for error messages."""
    return None if n_segments is None else f"segments.hdf5 has {n_segments} segments"


class ElementReader:
    """Reads the per-element groups of one open HDF5 file.

    ``fast=False`` forces the h5py path (the reference the fast path is tested against).
    """

    def __init__(self, h5: h5py.File, *, fast: bool = True) -> None:
        self.h5 = h5
        self.file = str(h5.filename)
        self.fast = fast
        self.stats: list[GroupStats] = []
        self._layout: H5Layout | None = None
        self._layout_error: str | None = None

    def close(self) -> None:
        self._layout = None

    def __enter__(self) -> ElementReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _get_layout(self) -> H5Layout | None:
        if self._layout is None and self._layout_error is None:
            try:
                self._layout = H5Layout(read_whole(self.file))
            except (OSError, ValueError, Unsupported) as exc:
                self._layout_error = str(exc)
        return self._layout

    # -- public readers ---------------------------------------------------------------------

    def sets(
        self,
        path: str,
        n: int,
        ref: str,
        *,
        what: str = "segment IDs",
        maximum: int | None = None,
        limit_note: str | None = None,
    ) -> Ragged:
        """The group ``path`` of ``n`` per-element vectors as int64 :class:`Ragged`."""
        group = self._group(path)
        stats = GroupStats(path, "fast", n)
        t0 = time.perf_counter()
        elements, layout = self._collect(group, ref, stats, parts=None)
        t1 = time.perf_counter()
        sets = self._ragged(elements[0], layout, path, None, what, None, maximum, limit_note)
        stats.seconds["data"] = time.perf_counter() - t1
        stats.seconds["total"] = time.perf_counter() - t0
        self.stats.append(stats)
        return sets

    def skeletons(
        self, path: str, n: int, ref: str, *, max_segment: int | None = None
    ) -> Skeletons:
        """The group ``path`` of ``n`` skeletons (each a group with nodes, edges, segIds)."""
        group = self._group(path)
        stats = GroupStats(path, "fast", n)
        t0 = time.perf_counter()
        (nodes_e, edges_e, seg_e), layout = self._collect(group, ref, stats, parts=SKELETON_PARTS)
        t1 = time.perf_counter()
        int32 = int(np.iinfo(np.int32).max)
        nodes = self._ragged(nodes_e, layout, path, "nodes", "voxel coordinates", 3, int32, None)
        edges = self._ragged(edges_e, layout, path, "edges", "node indices", 2, int32, None)
        note = segment_note(max_segment)
        seg_ids = self._ragged(
            seg_e, layout, path, "segIds", "segment IDs", None, max_segment, note
        )
        check_skeletons(self.file, path, nodes, edges, seg_ids)
        stats.seconds["data"] = time.perf_counter() - t1
        stats.seconds["total"] = time.perf_counter() - t0
        self.stats.append(stats)
        return Skeletons(
            nodes=Ragged(nodes.values.astype(np.int32), nodes.offsets),
            seg_ids=seg_ids,
            edges=Ragged(edges.values.astype(np.int32), edges.offsets),
        )

    def _ragged(
        self,
        elements: Members,
        layout: H5Layout | None,
        path: str,
        part: str | None,
        what: str,
        width: int | None,
        maximum: int | None,
        limit_note: str | None,
    ) -> Ragged:
        """The values of the group ``path`` (of its members' member ``part`` when given) as
        one :class:`Ragged` (see :func:`~connectomedb.etl.extract.assemble.ragged`)."""
        where = path if part is None else f"{path}/<id>/{part}"
        return ragged(
            self.file,
            elements,
            layout,
            path,
            where,
            what,
            width=width,
            maximum=maximum,
            limit_note=limit_note,
        )

    # -- listing and headers ----------------------------------------------------------------

    def _group(self, path: str) -> h5py.Group:
        obj = self.h5.get(path)
        if obj is None:
            raise InputError(
                self.file,
                path,
                "a group of per-element datasets",
                "nothing at that path",
                hint=REEXPORT,
            )
        if not isinstance(obj, h5py.Group):
            raise InputError(
                self.file, path, "a group of per-element datasets", "a dataset", hint=REEXPORT
            )
        return obj

    def _collect(
        self, group: h5py.Group, ref: str, stats: GroupStats, parts: tuple[str, ...] | None
    ) -> tuple[list[Members], H5Layout | None]:
        """The members of the group ``stats.path`` (of its ``stats.elements`` elements, one per
        row of ``ref``) in element order: one :class:`Members` of each part of ``parts``, or of
        the members themselves."""
        layout = self._get_layout() if self.fast else None
        if layout is not None:
            try:
                return self._collect_fast(layout, group, ref, stats, parts), layout
            except (Unsupported, IndexError, ValueError, struct.error) as exc:
                # Anything unexpected in the raw structures: the library reads this group.
                stats.reason = str(exc) or type(exc).__name__
        elif self.fast:
            stats.reason = self._layout_error
        stats.mode = "h5py"
        stats.seconds.clear()
        return self._collect_h5py(group, ref, stats, parts), None

    def _listing(
        self, layout: H5Layout, group: h5py.Group | h5py.h5g.GroupID
    ) -> tuple[list[bytes] | np.ndarray, np.ndarray]:
        gid = group.id if isinstance(group, h5py.Group) else group
        header = layout.addr(h5py.h5o.get_info(gid).addr)
        listing = layout.group(header)
        if listing is not None:
            return listing
        # Dense link storage: the library lists the links, the headers are still parsed here.
        names: list[bytes] = []
        addrs: list[int] = []

        other: list[bytes] = []

        def visit(name: bytes, info: h5py.h5l.LinkInfo) -> int | None:
            # An exception raised inside the library's iteration surfaces as SystemError:
            # stop it by returning a value instead, and raise after.
            if info.type != h5py.h5l.TYPE_HARD:
                other.append(name)
                return 1
            names.append(name)
            addrs.append(layout.addr(info.u))
            return None

        gid.links.iterate(visit, info=True)
        if other:
            raise Unsupported("soft or external link")
        return names, np.asarray(addrs, dtype=np.int64)

    def _collect_fast(
        self,
        layout: H5Layout,
        group: h5py.Group,
        ref: str,
        stats: GroupStats,
        parts: tuple[str, ...] | None,
    ) -> list[Members]:
        t0 = time.perf_counter()
        names, addrs = self._listing(layout, group)
        ids = element_ids(names, self.file, stats.path, stats.elements, ref)
        order = np.argsort(ids)
        addrs = addrs[order]
        t1 = time.perf_counter()
        stats.seconds["list"] = t1 - t0
        if parts is None:
            batch = read_headers(layout, addrs)
            check_inside(layout, batch)
            stats.seconds["headers"] = time.perf_counter() - t1
            return [Members(batch)]
        part_addrs = member_addresses(layout, addrs, tuple(p.encode() for p in parts))
        if (part_addrs < 0).any():
            raise Unsupported("skeleton member missing")  # the h5py path reports it
        stats.seconds["list"] += time.perf_counter() - t1
        t2 = time.perf_counter()
        elements = [Members(read_headers(layout, pa)) for pa in part_addrs]
        for e in elements:
            check_inside(layout, e.batch)
        stats.seconds["headers"] = time.perf_counter() - t2
        return elements

    def _collect_h5py(
        self, group: h5py.Group, ref: str, stats: GroupStats, parts: tuple[str, ...] | None
    ) -> list[Members]:
        path = stats.path
        t0 = time.perf_counter()
        names = list(group.keys())
        ids = element_ids(names, self.file, path, stats.elements, ref)
        ordered = [names[i] for i in np.argsort(ids).tolist()]
        t1 = time.perf_counter()
        stats.seconds["list"] = t1 - t0
        width = 1 if parts is None else len(parts)
        arrays: list[list[np.ndarray]] = [[] for _ in range(width)]
        for name in ordered:
            obj = self._member(group, f"{path}/{name}", name)
            if parts is None:
                arrays[0].append(self._h5py_data(obj, f"{path}/{name}"))
                continue
            if not isinstance(obj, h5py.Group) or any(p not in obj for p in parts):
                found = (
                    "a dataset"
                    if not isinstance(obj, h5py.Group)
                    else f"members {sorted(obj.keys())}"
                )
                raise InputError(
                    self.file,
                    f"{path}/{name}",
                    "a group with datasets nodes, edges and segIds",
                    found,
                    hint=REEXPORT,
                )
            for k, part in enumerate(parts):
                where = f"{path}/{name}/{part}"
                arrays[k].append(self._h5py_data(self._member(obj, where, part), where))
        stats.seconds["headers"] = time.perf_counter() - t1
        return [Members.from_arrays(arrs) for arrs in arrays]

    def _member(self, group: h5py.Group, where: str, name: str) -> object:
        """``group[name]``; a soft link pointing nowhere or an external link is an
        InputError naming the member."""
        link = group.get(name, getlink=True)
        if isinstance(link, h5py.ExternalLink):
            raise external_link_error(self.file, where, link)
        try:
            return group[name]
        except (KeyError, OSError, RuntimeError, ValueError) as exc:
            found = (
                f"a soft link to {link.path} that points nowhere"
                if isinstance(link, h5py.SoftLink)
                else f"an unreadable member ({exc})"
            )
            raise InputError(self.file, where, "a dataset", found, hint=REEXPORT) from None

    def _h5py_data(self, obj: object, where: str) -> np.ndarray:
        if not isinstance(obj, h5py.Dataset):
            raise InputError(self.file, where, "a dataset", "a group", hint=REEXPORT)
        check_declared_size(self.file, where, obj)
        try:
            return np.asarray(obj[()])
        except (OSError, TypeError, KeyError, RuntimeError, ValueError) as exc:
            raise InputError(
                self.file, where, "readable numeric data", f"an error ({exc})", hint=REEXPORT
            ) from exc

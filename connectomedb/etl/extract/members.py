"""The members of one per-element group, as read by either path of :mod:`.fastsets`."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from connectomedb.etl.extract.gather import gather_items
from connectomedb.etl.extract.h5batch import HeaderBatch
from connectomedb.etl.extract.h5format import Unsupported
from connectomedb.etl.extract.h5layout import H5Layout
from connectomedb.etl.extract.hdf5 import MAX_VALUES


@dataclass
class Members:
    """The members of one per-element group (or one part of every skeleton), in ID order."""

    batch: HeaderBatch
    arrays: list[np.ndarray] | None = None  # h5py path: the data itself

    @classmethod
    def from_arrays(cls, arrays: list[np.ndarray]) -> Members:
        m = len(arrays)
        dtypes: list[np.dtype] = []
        index = np.zeros(m, dtype=np.int64)
        rank = np.zeros(m, dtype=np.int64)
        dims = np.ones((m, 2), dtype=np.int64)
        for i, a in enumerate(arrays):
            if a.dtype not in dtypes:
                dtypes.append(a.dtype)
            index[i] = dtypes.index(a.dtype)
            rank[i] = a.ndim
            if a.ndim <= 2:
                dims[i, : a.ndim] = a.shape
        zeros = np.zeros(m, dtype=np.int64)
        return cls(HeaderBatch(dtypes, index, rank, dims, zeros - 1, zeros, {}), arrays)

    def shape(self, i: int) -> tuple[int, ...]:
        if self.arrays is not None:
            return tuple(self.arrays[i].shape)
        return tuple(int(d) for d in self.batch.dims[i, : self.batch.rank[i]])

    def by_dtype(self) -> Iterator[tuple[np.dtype, np.ndarray]]:
        """``(dtype, indices of the members with that dtype)``."""
        b = self.batch
        if len(b.dtypes) == 1:
            yield b.dtypes[0], np.arange(len(b.dtype_index), dtype=np.int64)
            return
        for k, dt in enumerate(b.dtypes):
            yield dt, np.flatnonzero(b.dtype_index == k)

    def flat(self, dtype: np.dtype, idx: np.ndarray, layout: H5Layout | None) -> np.ndarray:
        """The data of members ``idx`` (all of ``dtype``) concatenated in C order."""
        if self.arrays is not None:
            parts = [np.asarray(self.arrays[i]).ravel() for i in idx.tolist()]
            return np.concatenate(parts) if parts else np.zeros(0, dtype=dtype)
        assert layout is not None
        b = self.batch
        if b.inline and any(int(i) in b.inline for i in idx):
            raw = b"".join(
                b.inline[i]
                if i in b.inline
                else bytes(layout.buf[b.address[i] : b.address[i] + b.nbytes[i]])
                for i in idx.tolist()
            )
            return np.frombuffer(raw, dtype=dtype)
        return gather_items(layout.array, b.address[idx], b.nbytes[idx], dtype)


def check_inside(layout: H5Layout, batch: HeaderBatch) -> None:
    """Every member's declared data must lie inside the file, and its size must match its
    shape; else the h5py path reads the group and reports the member."""
    stored = batch.address >= 0
    if (batch.address[stored] + batch.nbytes[stored] > len(layout.buf)).any():
        raise Unsupported("data beyond the end of the file")
    if (batch.dims < 0).any() or (batch.dims > MAX_VALUES).any():
        raise Unsupported("declared shape out of range")
    items = batch.dims[:, 0] * batch.dims[:, 1]
    if (items > MAX_VALUES).any():
        raise Unsupported("declared shape out of range")
    sizes = np.array([dt.itemsize for dt in batch.dtypes], dtype=np.int64)
    if len(items) and (items * sizes[batch.dtype_index] != batch.nbytes).any():
        raise Unsupported("declared shape and stored size disagree")

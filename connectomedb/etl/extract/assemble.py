"""Assembling the members of a per-element group into one :class:`Ragged`: their item counts
from their shapes, the values converted to integers (checked) and placed in element order, and
the checks that tie a skeleton's node, edge and segment-ID members together."""

from __future__ import annotations

import numpy as np

from connectomedb.errors import InputError
from connectomedb.etl.extract.gather import offsets_of, positions, transpose_positions
from connectomedb.etl.extract.h5layout import H5Layout
from connectomedb.etl.extract.hdf5 import REEXPORT, integral
from connectomedb.etl.extract.members import Members
from connectomedb.etl.frames import Ragged


def ragged(
    file: str,
    elements: Members,
    layout: H5Layout | None,
    path: str,
    where: str,
    what: str,
    *,
    width: int | None,
    maximum: int | None,
    limit_note: str | None = None,
) -> Ragged:
    """The members' values as one :class:`Ragged` in element order (``width`` columns each,
    or vectors when None), converted to integers no larger than ``maximum``."""
    items = item_counts(file, elements, where, width)
    offsets = offsets_of(items)
    per = 1 if width is None else width
    values = np.empty(int(offsets[-1]) * per, dtype=np.int64)
    ids = np.arange(1, len(items) + 1, dtype=np.int64)
    groups = list(elements.by_dtype())
    for dtype, idx in groups:
        if dtype.kind not in "biuf":
            raise InputError(
                file,
                where.replace("<id>", str(int(idx[0]) + 1)),
                f"{what} of a numeric type",
                f"dtype {dtype}",
                element=int(idx[0]) + 1,
                hint=REEXPORT,
            )
        raw = elements.flat(dtype, idx, layout)
        counts = items[idx] * per

        def owners(idx: np.ndarray = idx, counts: np.ndarray = counts) -> np.ndarray:
            return np.repeat(ids[idx], counts)

        converted = integral(
            raw, file, where, what, owners=owners, maximum=maximum, limit_note=limit_note
        )
        if width is None or width == 1:
            dest = None if len(groups) == 1 else positions(offsets[idx], counts)
        else:
            dest = transpose_positions(offsets[idx], items[idx], width)
        if dest is None:
            values[:] = converted
        else:
            values[dest] = converted
    shaped = values if width is None else values.reshape(-1, width)
    return Ragged(values=shaped, offsets=offsets)


def item_counts(file: str, elements: Members, where: str, width: int | None) -> np.ndarray:
    """Items per member: vector length, or columns of a ``(width, n)`` matrix."""
    rank, d0, d1 = elements.batch.rank, elements.batch.dims[:, 0], elements.batch.dims[:, 1]
    if width is None:
        ok = (rank <= 1) | ((rank == 2) & ((d0 == 1) | (d1 == 1)))
        expected = "a vector of shape (k,), (k, 1) or (1, k)"
        counts = d0 * d1
    else:
        ok = ((rank == 2) | (rank == 1)) & (d0 == width)
        expected = f"a matrix of shape ({width}, n)"
        counts = d1
    if not ok.all():
        i = int(np.flatnonzero(~ok)[0])
        raise InputError(
            file,
            where.replace("<id>", str(i + 1)),
            expected,
            f"shape {elements.shape(i)}",
            element=i + 1,
            hint=REEXPORT,
        )
    return counts.astype(np.int64)


def check_skeletons(file: str, path: str, nodes: Ragged, edges: Ragged, seg_ids: Ragged) -> None:
    n_nodes = nodes.lengths
    bad = np.flatnonzero(seg_ids.lengths != n_nodes)
    if len(bad):
        i = int(bad[0])
        raise InputError(
            file,
            f"{path}/{i + 1}/segIds",
            f"one segment ID per node ({int(n_nodes[i])})",
            f"{int(seg_ids.lengths[i])}",
            element=i + 1,
            hint=REEXPORT,
        )
    if len(edges.values) == 0:
        return
    limit = np.repeat(n_nodes, edges.lengths)
    wrong = (edges.values < 1).any(axis=1) | (edges.values.max(axis=1) > limit)
    if wrong.any():
        row = int(np.flatnonzero(wrong)[0])
        owner = int(edges.owner_ids()[row])
        a, b = edges.values[row].tolist()
        raise InputError(
            file,
            f"{path}/{owner}/edges",
            f"node indices from 1 to {int(n_nodes[owner - 1])} (the skeleton's nodes)",
            f"the edge ({a}, {b})",
            element=owner,
            hint=REEXPORT,
        )

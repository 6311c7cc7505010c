"""The L4dense volumes: cube folders, their catalogue, point look-ups and checks.

Public API (see ``docs/volumes.md``):

* :func:`lookup` — the value of a volume (by default the segment ID) at each point of an
  (N, 3) array of global 1-based (x, y, z) voxels; one read per chunk, no database needed;
* :func:`scan` — read and validate a cube folder's metadata into a :class:`Volume`;
* :func:`registered_volume` — the :class:`Volume` registered for a dataset in PostgreSQL;
* :func:`locate` — the full answer per point as a DataFrame (segment, mapped segment, owning
  axon / target / spine head with class, neuron, blood vessel), from the registered volumes
  and the loaded connectome.
"""

from __future__ import annotations

import os
from typing import Any, Literal, overload

import numpy as np

from connectomedb.volumes.cubes import Volume, scan
from connectomedb.volumes.lookup import STATUSES, LookupResult, read_points

__all__ = [
    "STATUSES",
    "LookupResult",
    "Volume",
    "locate",
    "lookup",
    "read_points",
    "registered_volume",
    "scan",
]


@overload
def lookup(
    points: object,
    volume: Volume | str | os.PathLike[str],
    *,
    kind: str = ...,
    with_status: Literal[False] = ...,
) -> np.ndarray: ...


@overload
def lookup(
    points: object,
    volume: Volume | str | os.PathLike[str],
    *,
    kind: str = ...,
    with_status: Literal[True],
) -> LookupResult: ...


def lookup(
    points: object,
    volume: Volume | str | os.PathLike[str],
    *,
    kind: str = "segmentation",
    with_status: bool = False,
) -> np.ndarray | LookupResult:
    """The voxel value under each point of ``points`` ((N, 3) global 1-based x, y, z).

    ``volume`` is a :class:`Volume` (from :func:`scan` or :func:`registered_volume`) or the
    path of a cube folder of ``kind`` (default ``segmentation``: the values are segment IDs).
    Returns an array with one value per point, 0 where the point is outside the volume or in
    a missing cube; with ``with_status=True`` a :class:`LookupResult` that also says which
    (``status`` indexes :data:`STATUSES`: ok, outside, missing-cube).
    """
    if not isinstance(volume, Volume):
        volume = scan(volume, kind)
    result = read_points(points, volume)
    return result if with_status else result.values


def registered_volume(conn: Any, dataset: str, kind: str = "segmentation") -> Volume:
    """The ``kind`` volume registered for ``dataset`` (a psycopg connection ``conn``)."""
    from connectomedb.volumes.locate import volume_of

    return volume_of(conn, dataset, kind)


def locate(points: object, dataset: str, **kwargs: Any) -> Any:
    """See :func:`connectomedb.volumes.locate.locate`."""
    from connectomedb.volumes.locate import locate as _locate

    return _locate(points, dataset, **kwargs)

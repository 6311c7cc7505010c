"""The segment under each tracing node, looked up in the dataset's segmentation volume.

One vectorised look-up (:func:`connectomedb.volumes.lookup`) answers all nodes of a batch.
Node positions and volume voxels are both global, 1-based (x, y, z), as published. Per node:

* inside the volume, in a cube that is there: the voxel's segment ID (0 = on no segment);
* outside the segmentation's extent: 0 (the reconstruction has no segment there);
* in a cube missing from the registered folder: NULL (not known; ``tracings segments
  --from-volume`` fills it once the cube is registered).

The evaluation queries count a node as on a segment when ``segment_id > 0``: 0 and NULL are
both off every segment there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import psycopg

from connectomedb.volumes import STATUSES, Volume, lookup
from connectomedb.volumes.catalogue import registered


@dataclass
class VolumeSegments:
    """What one look-up found: nodes on a segment, on none (0), outside the volume (0), in
    missing cubes (NULL)."""

    folder: str = ""
    on_segment: int = 0
    background: int = 0
    outside: int = 0
    missing_cube: int = 0

    @property
    def nodes(self) -> int:
        return self.on_segment + self.background + self.outside + self.missing_cube

    def summary(self) -> str:
        return (
            f"{self.nodes:,} nodes looked up in {self.folder}: {self.on_segment:,} on a segment, "
            f"{self.background:,} on none, {self.outside:,} outside the volume (0), "
            f"{self.missing_cube:,} in missing cubes (left empty)"
        )


def segments_at(volume: Volume, xyz: np.ndarray) -> tuple[pd.Series, VolumeSegments]:
    """The segment under each (x, y, z) row as a nullable Int64 series (NULL: missing cube)."""
    result = lookup(np.asarray(xyz, dtype=np.int64).reshape(-1, 3), volume, with_status=True)
    values = pd.array(result.values.astype(np.int64), dtype="Int64")
    status = result.status
    missing = status == STATUSES.index("missing-cube")
    values[missing] = pd.NA
    ok = status == STATUSES.index("ok")
    counts = VolumeSegments(
        folder=str(volume.folder),
        on_segment=int((ok & (result.values > 0)).sum()),
        background=int((ok & (result.values == 0)).sum()),
        outside=int((status == STATUSES.index("outside")).sum()),
        missing_cube=int(missing.sum()),
    )
    return pd.Series(values), counts


def segmentation_of(conn: psycopg.Connection, dataset: str | None) -> Volume | None:
    """The segmentation volume registered for ``dataset`` (None without one)."""
    if dataset is None:
        return None
    return registered(conn, dataset, "segmentation")


def fill_from_volume(
    conn: psycopg.Connection, dataset: str, volume: Volume | None = None
) -> tuple[list[int], VolumeSegments] | None:
    """Set the segment of every node of the tracings added with ``dataset`` from its
    segmentation volume (``volume``: instead of the registered one), inside the caller's
    transaction. Returns (the dataset's tracing file IDs, the counts), None without a volume."""
    from connectomedb.tracings.store import set_node_segments

    volume = volume if volume is not None else segmentation_of(conn, dataset)
    if volume is None:
        return None
    conn.execute("LOCK TABLE tracing_file IN EXCLUSIVE MODE")
    file_ids = [
        r[0]
        for r in conn.execute(
            "SELECT file_id FROM tracing_file WHERE dataset = %(d)s ORDER BY file_id",
            {"d": dataset},
        ).fetchall()
    ]
    with conn.cursor() as cur:
        cur.execute(
            "SELECT n.tracing_id, n.node_id, n.x, n.y, n.z FROM tracing_node n"
            " JOIN tracing t ON t.tracing_id = n.tracing_id WHERE t.file_id = ANY(%(f)s)",
            {"f": file_ids},
        )
        frame = pd.DataFrame(cur.fetchall(), columns=["tracing_id", "node_id", "x", "y", "z"])
    segments, counts = segments_at(volume, frame[["x", "y", "z"]].to_numpy(dtype=np.int64))
    frame["segment_id"] = segments.to_numpy()
    frame["segment_id"] = frame["segment_id"].astype("Int64")
    if len(frame):
        set_node_segments(conn, frame)
    return file_ids, counts


def refill(url: str, dataset: str, settings: object | None = None) -> VolumeSegments | None:
    """Fill the segments of every tracing of ``dataset`` from its registered segmentation
    volume in one PostgreSQL transaction; with ``settings``, the dataset's graph copy of the
    tracings is replaced in the same step (prepared inside the transaction, switched in after
    PostgreSQL committed). None when no segmentation volume is registered."""
    from connectomedb.stores.postgres import connect
    from connectomedb.tracings.graph import graph_writer

    pending = None
    with connect(url) as conn:
        try:
            with conn.transaction():
                filled = fill_from_volume(conn, dataset)
                if filled is None:
                    return None
                file_ids, counts = filled
                if settings is not None:
                    pending = graph_writer(settings, dataset, replace=True)(conn, file_ids)  # type: ignore[arg-type]
        except BaseException:
            if pending is not None:
                pending.abort()
            raise
    if pending is not None:
        pending.commit()
    return counts


def link_after_register(settings: object, dataset: str, found: list[VolumeSegments]) -> Any:
    """The ``after`` hook of :func:`connectomedb.volumes.catalogue.register` for a
    segmentation volume: the nodes of the dataset's tracings get their segments in the
    registration's transaction, and the graph copy (when the dataset has a graph) is
    refreshed with it. ``found`` receives the counts."""
    from connectomedb.errors import LoadError
    from connectomedb.tracings.graph import graph_writer, not_loaded

    def after(conn: psycopg.Connection, volume: Volume) -> Any:
        filled = fill_from_volume(conn, dataset, volume)
        if filled is None or not filled[0]:
            return None
        file_ids, counts = filled
        found.append(counts)
        try:
            return graph_writer(settings, dataset, replace=True)(conn, file_ids)  # type: ignore[arg-type]
        except LoadError as error:
            if str(error) == str(not_loaded(dataset)):
                return None  # no graph of the dataset: PostgreSQL only
            raise

    return after

"""``locate``: what sits at any point — segment, mapped segment, owning neurite, neuron, vessel.

The voxel values come from the registered volumes (:func:`connectomedb.volumes.lookup.lookup`,
one read per chunk); the owners come from the loaded agglomerates in PostgreSQL, one query per
object type for all distinct segments at once.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import pandas as pd
import psycopg

from connectomedb.errors import QueryError
from connectomedb.volumes.catalogue import registered
from connectomedb.volumes.cubes import Volume
from connectomedb.volumes.lookup import OK, STATUSES, as_points, read_points

#: The columns of :func:`locate`, in order.
COLUMNS = (
    "x", "y", "z", "status", "segment_id", "mapped_segment_id", "axon_id", "axon_class",
    "target_id", "target_class", "spine_head_id", "neuron_id", "in_blood_vessel",
)  # fmt: skip

# One COPY per owner type, for all distinct segments at once (parameters are bound by the
# client for COPY); the segment IDs travel as one array literal, not 100,000 parameters.
_OWNERS = {
    "axon": (
        "COPY (SELECT s.segment_id, a.axon_id, coalesce(c.name, 'Unknown')"
        " FROM (SELECT x.segment_id, min(x.axon_id) AS axon_id FROM axon_segment x"
        "       JOIN unnest(%(s)s::bigint[]) AS q(segment_id) USING (segment_id)"
        "       WHERE x.dataset_id = %(d)s GROUP BY x.segment_id) s"
        " JOIN axon a ON a.dataset_id = %(d)s AND a.axon_id = s.axon_id"
        " LEFT JOIN axon_class c ON c.dataset_id = %(d)s AND c.code = a.class_code) TO STDOUT"
    ),
    "target": (
        "COPY (SELECT s.segment_id, t.target_id, coalesce(c.name, 'Unknown'), t.neuron_id"
        " FROM (SELECT x.segment_id, min(x.target_id) AS target_id FROM target_segment x"
        "       JOIN unnest(%(s)s::bigint[]) AS q(segment_id) USING (segment_id)"
        "       WHERE x.dataset_id = %(d)s GROUP BY x.segment_id) s"
        " JOIN target t ON t.dataset_id = %(d)s AND t.target_id = s.target_id"
        " LEFT JOIN target_class c ON c.dataset_id = %(d)s AND c.code = t.class_code) TO STDOUT"
    ),
    "spine_head": (
        "COPY (SELECT x.segment_id, min(x.spine_head_id) FROM spine_head_segment x"
        " JOIN unnest(%(s)s::bigint[]) AS q(segment_id) USING (segment_id)"
        " WHERE x.dataset_id = %(d)s GROUP BY x.segment_id) TO STDOUT"
    ),
}
_OWNER_COLUMNS = {
    "axon": ["segment_id", "axon_id", "axon_class"],
    "target": ["segment_id", "target_id", "target_class", "neuron_id"],
    "spine_head": ["segment_id", "spine_head_id"],
}


@contextmanager
def _connection(conn: psycopg.Connection | None, url: str | None) -> Iterator[psycopg.Connection]:
    if conn is not None:
        yield conn
        return
    from connectomedb.config import load_settings
    from connectomedb.stores.postgres import connect, resolve

    with connect(url or resolve(load_settings()).url) as own:
        yield own


def volume_of(conn: psycopg.Connection, dataset: str, kind: str) -> Volume:
    """The registered ``kind`` volume of ``dataset``, or a QueryError saying how to add one."""
    volume = registered(conn, dataset, kind)
    if volume is None:
        raise QueryError(
            f"dataset {dataset!r} has no {kind} volume registered. Register it first: "
            f"connectomedb volumes add FOLDER --kind {kind} --dataset {dataset}"
        )
    return volume


def locate(
    points: object,
    dataset: str,
    *,
    conn: psycopg.Connection | None = None,
    url: str | None = None,
) -> pd.DataFrame:
    """What is at each point of ``points`` (an (N, 3) array of global, 1-based x, y, z voxels).

    Needs the dataset's segmentation volume registered (``connectomedb volumes add``); the
    mapped segmentation and blood-vessel volumes and the loaded connectome are used when
    present. Uses ``conn`` (or a connection to ``url``, or to the configured warehouse).

    Returns one row per point, in order, with the columns of :data:`COLUMNS`:

    * ``x``, ``y``, ``z``: the point;
    * ``status``: ``ok``, ``outside`` (outside the segmentation's extent) or ``missing-cube``
      (that cube is not registered); other values of the row are then missing (``<NA>``);
    * ``segment_id``: the segmentation at the point (0 = no segment);
    * ``mapped_segment_id``: the mapped segmentation there (``<NA>`` without that volume);
    * ``axon_id``/``axon_class``, ``target_id``/``target_class``, ``spine_head_id``: the
      axon, target and spine head whose agglomerate holds the segment (the smallest ID when
      several do), ``<NA>`` when none does or the connectome is not loaded;
    * ``neuron_id``: the target's neuron;
    * ``in_blood_vessel``: the blood-vessel volume is > 0 there (``<NA>`` without it).
    """
    pts = as_points(points)
    n = pts.shape[0]
    with _connection(conn, url) as c:
        seg_volume = volume_of(c, dataset, "segmentation")
        seg = read_points(pts, seg_volume)
        ok = seg.status == STATUSES.index(OK)
        frame = pd.DataFrame({"x": pts[:, 0], "y": pts[:, 1], "z": pts[:, 2]})
        frame["status"] = seg.status_names()
        frame["segment_id"] = pd.array(np.where(ok, seg.values.astype(np.int64), 0), "Int64")
        frame.loc[~ok, "segment_id"] = pd.NA
        for kind, column in (("mapped-segmentation", "mapped_segment_id"),
                             ("blood-vessels", "in_blood_vessel")):  # fmt: skip
            volume = registered(c, dataset, kind)
            if volume is None:
                frame[column] = pd.array([pd.NA] * n, "Int64" if "id" in column else "boolean")
                continue
            got = read_points(pts, volume)
            have = got.status == STATUSES.index(OK)
            if column == "in_blood_vessel":
                values = pd.array(got.values > 0, "boolean")
            else:
                values = pd.array(got.values.astype(np.int64), "Int64")
            values[~have] = pd.NA
            frame[column] = values
        _owners(c, dataset, frame, seg.values[ok].astype(np.int64))
    return frame[list(COLUMNS)]


def _copy_frame(conn: psycopg.Connection, sql: str, params: dict[str, Any],
                columns: list[str]) -> pd.DataFrame:  # fmt: skip
    with conn.cursor() as cur, cur.copy(sql, params) as copy:
        data = b"".join(bytes(block) for block in copy)
    return pd.read_csv(io.BytesIO(data), sep="\t", header=None, names=columns,
                       na_values=["\\N"], keep_default_na=False, dtype={"axon_class": str,
                       "target_class": str})  # fmt: skip


def _owners(conn: psycopg.Connection, dataset: str, frame: pd.DataFrame, found: np.ndarray) -> None:
    n = len(frame)
    columns: dict[str, Any] = {
        "axon_id": pd.array(np.zeros(n, np.int64), "Int64"),
        "target_id": pd.array(np.zeros(n, np.int64), "Int64"),
        "spine_head_id": pd.array(np.zeros(n, np.int64), "Int64"),
        "neuron_id": pd.array(np.zeros(n, np.int64), "Int64"),
    }
    for col in columns:
        columns[col][:] = pd.NA
    names: dict[str, np.ndarray] = {
        c: np.full(n, None, object) for c in ("axon_class", "target_class")
    }
    row = conn.execute("SELECT dataset_id FROM dataset WHERE name = %s", (dataset,)).fetchone()
    segments = np.unique(found[found > 0])
    if row is not None and segments.shape[0] > 0:
        literal = "{" + ",".join(map(str, segments.tolist())) + "}"
        params = {"d": row[0], "s": literal}
        seg_ids = frame["segment_id"].fillna(0).to_numpy(np.int64)
        for what, sql in _OWNERS.items():
            owners = _copy_frame(conn, sql, params, _OWNER_COLUMNS[what])
            if not len(owners):
                continue
            owners = owners.sort_values("segment_id", ignore_index=True)
            keys = owners["segment_id"].to_numpy(np.int64)
            at = np.minimum(np.searchsorted(keys, seg_ids), keys.shape[0] - 1)
            mask = (keys[at] == seg_ids) & (seg_ids > 0)
            rows = at[mask]
            for col in _OWNER_COLUMNS[what][1:]:
                values = owners[col].to_numpy()[rows]
                if col in names:
                    names[col][mask] = values
                else:
                    columns[col][mask] = pd.array(values, "Int64")
    for col, values in columns.items():
        frame[col] = values
    for col, values in names.items():
        frame[col] = pd.array(values, "string")

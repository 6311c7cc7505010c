"""The volume catalogue in PostgreSQL: register a scanned cube folder, read it back.

Registration is one transaction (under an advisory lock, so two registrations of the same
dataset never interleave): registering the same folder again, unchanged, writes nothing;
a killed registration leaves no row behind.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import psycopg
from psycopg.types.json import Jsonb

from connectomedb.errors import LoadError
from connectomedb.etl.pipeline import interrupt_hook
from connectomedb.stores.postgres import connect
from connectomedb.volumes.cubes import Cube, Volume
from connectomedb.volumes.grid import KINDS, cube_box

#: ``pg_advisory_xact_lock`` key of registrations (any fixed 64-bit number).
_LOCK = 0x766F6C756D6573  # "volumes"


@dataclass(frozen=True)
class Registration:
    """What ``register`` did: ``registered``, ``replaced`` or ``unchanged``."""

    action: str
    dataset: str
    volume: Volume


def _fingerprint(volume: Volume) -> list[tuple[Any, ...]]:
    return sorted(
        (c.index, c.name, c.shape, c.dtype, c.size_bytes, c.mtime_ns) for c in volume.cubes.values()
    )


def register(
    url: str,
    volume: Volume,
    dataset: str,
    *,
    replace: bool = False,
    after: Callable[[psycopg.Connection, Volume], Any] | None = None,
) -> Registration:
    """Record ``volume`` as the ``volume.kind`` volume of ``dataset`` (all or nothing).

    ``after(conn, volume)`` runs inside the same transaction once a new or replaced volume is
    written (not when unchanged), for work that must commit with it; it may return a pending
    write with ``commit()``/``abort()`` (a graph copy), switched in only after PostgreSQL
    committed."""
    pending: list[Any] = []
    try:
        done = _register(url, volume, dataset, replace, after, pending)
    except BaseException:
        for write in pending:
            write.abort()
        raise
    for write in pending:
        write.commit()
    return done


def _register(
    url: str,
    volume: Volume,
    dataset: str,
    replace: bool,
    after: Callable[[psycopg.Connection, Volume], Any] | None,
    pending: list[Any],
) -> Registration:
    with connect(url) as conn, conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK,))
        old = registered(conn, dataset, volume.kind)
        action = "registered"
        if old is not None:
            if old.folder == volume.folder and _fingerprint(old) == _fingerprint(volume):
                return Registration("unchanged", dataset, old)
            if not replace:
                raise LoadError(
                    f"dataset {dataset!r} already has a {volume.kind} volume registered from "
                    f"{old.folder}; it differs from {volume.folder} (other folder or changed "
                    "cubes). Pass --replace to register the new one instead."
                )
            conn.execute(
                "DELETE FROM volume WHERE dataset = %s AND kind = %s", (dataset, volume.kind)
            )
            action = "replaced"
        row = conn.execute(
            "INSERT INTO volume (dataset, kind, folder, cube_size, dtype, cubes, missing_cubes)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s) RETURNING volume_id",
            (
                dataset,
                volume.kind,
                str(volume.folder),
                volume.cube,
                volume.dtype,
                len(volume.cubes),
                Jsonb(volume.missing()),
            ),
        ).fetchone()
        assert row is not None
        interrupt_hook("volumes", "volume")
        with conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO volume_cube (volume_id, i, j, k, file_name, x0, y0, z0, edge, dtype,"
                " chunks, compression, compression_opts, size_bytes, mtime_ns)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                [_cube_row(row[0], c) for c in volume.cubes.values()],
            )
        interrupt_hook("volumes", "volume_cube")
        if after is not None:
            write = after(conn, volume)
            if write is not None:
                pending.append(write)
    return Registration(action, dataset, volume)


def _cube_row(volume_id: int, c: Cube) -> tuple[Any, ...]:
    first, _ = cube_box(c.index, c.edge)
    return (
        volume_id,
        *c.index,
        c.name,
        *(int(v) for v in first),
        c.edge,
        c.dtype,
        None if c.chunks is None else Jsonb(list(c.chunks)),
        c.compression,
        None if c.compression_opts is None else str(c.compression_opts),
        c.size_bytes,
        c.mtime_ns,
    )


def registered(conn: psycopg.Connection, dataset: str, kind: str) -> Volume | None:
    """The registered ``kind`` volume of ``dataset`` (None when there is none)."""
    row = conn.execute(
        "SELECT volume_id, folder, cube_size, dtype FROM volume WHERE dataset = %s AND kind = %s",
        (dataset, kind),
    ).fetchone()
    if row is None:
        return None
    volume_id, folder, cube, dtype = row
    cubes = {}
    for r in conn.execute(
        "SELECT i, j, k, file_name, edge, dtype, chunks, compression, compression_opts,"
        " size_bytes, mtime_ns FROM volume_cube WHERE volume_id = %s",
        (volume_id,),
    ):
        i, j, k, name, edge, cdtype, chunks, comp, opts, size, mtime = r
        cubes[(i, j, k)] = Cube(
            name=name,
            index=(i, j, k),
            shape=(edge, edge, edge),
            dtype=cdtype,
            chunks=None if chunks is None else tuple(chunks),
            compression=comp,
            compression_opts=opts,
            size_bytes=size,
            mtime_ns=mtime,
        )
    return Volume(kind=kind, folder=Path(folder), cube=cube, dtype=dtype, cubes=cubes)


def catalogue(conn: psycopg.Connection, dataset: str | None = None) -> pd.DataFrame:
    """One row per registered volume: dataset, kind, folder, cube_size, dtype, cubes,
    missing_cubes (count), compression, chunks, size_gb, registered_at."""
    rows = conn.execute(
        "SELECT v.dataset, v.kind, v.folder, v.cube_size, v.dtype, v.cubes,"
        " jsonb_array_length(v.missing_cubes), min(c.compression), min(c.chunks::text),"
        " sum(c.size_bytes) / 1e9, v.registered_at"
        " FROM volume v LEFT JOIN volume_cube c USING (volume_id)"
        " WHERE %(d)s::text IS NULL OR v.dataset = %(d)s"
        " GROUP BY v.volume_id ORDER BY v.dataset, v.kind",
        {"d": dataset},
    ).fetchall()
    order = {k: n for n, k in enumerate(KINDS)}
    frame = pd.DataFrame(
        rows,
        columns=[
            "dataset",
            "kind",
            "folder",
            "cube_size",
            "dtype",
            "cubes",
            "missing_cubes",
            "compression",
            "chunks",
            "size_gb",
            "registered_at",
        ],
    )
    if len(frame):
        frame = frame.sort_values(
            ["dataset", "kind"], key=lambda s: s.map(order) if s.name == "kind" else s
        ).reset_index(drop=True)
    return frame

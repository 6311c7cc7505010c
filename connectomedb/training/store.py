"""Registering training cubes: one transaction per batch, known files (SHA-256) skipped."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import psycopg

from connectomedb.errors import InputError, LoadError
from connectomedb.files import find_files, sha256_of
from connectomedb.stores.copy import copy_frame
from connectomedb.training.synem import KINDS, CubeRecord, read_cube


@dataclass
class RegisterReport:
    cubes_added: list[str] = field(default_factory=list)
    cubes_skipped: list[str] = field(default_factory=list)
    interfaces: int = 0


def find_cubes(paths: Iterable[str | Path]) -> list[Path]:
    """The ``.hdf5``/``.h5`` files named or found (recursively) under ``paths``, sorted."""
    return find_files(paths, (".hdf5", ".h5"), one="an HDF5 cube", some="at least one .hdf5 cube")


def register_cubes(url: str, paths: Sequence[Path], kind: str) -> RegisterReport:
    """Read every new cube (validating it), then store the batch in one transaction."""
    from connectomedb.stores.postgres import connect

    if kind not in KINDS:
        raise InputError("--kind", None, f"one of {', '.join(KINDS)}", repr(kind))
    report = RegisterReport()
    with connect(url) as conn:
        try:
            with conn.transaction():
                conn.execute("LOCK TABLE training_cube IN EXCLUSIVE MODE")
                sums = [sha256_of(p) for p in paths]
                known = {
                    r[0]
                    for r in conn.execute(
                        "SELECT sha256 FROM training_cube WHERE sha256 = ANY(%(s)s)", {"s": sums}
                    ).fetchall()
                }
                records: list[tuple[CubeRecord, str]] = []
                for path, digest in zip(paths, sums, strict=True):
                    if digest in known or digest in {d for _, d in records}:
                        report.cubes_skipped.append(str(path))
                        continue
                    records.append((read_cube(path, kind), digest))
                _write(conn, records, report)
        except psycopg.Error as error:
            raise LoadError(f"registering cubes failed, nothing was stored: {error}") from error
    return report


def _write(
    conn: psycopg.Connection, records: list[tuple[CubeRecord, str]], report: RegisterReport
) -> None:
    if not records:
        return
    row = conn.execute("SELECT coalesce(max(cube_id), 0) + 1 FROM training_cube").fetchone()
    first = int(row[0]) if row else 1
    cubes, interfaces, counts = [], [], []
    for offset, (rec, digest) in enumerate(records):
        cube_id = first + offset
        size = rec.size or (None, None, None)
        cubes.append(
            {
                "cube_id": cube_id,
                "kind": rec.kind,
                "name": rec.path.name,
                "path": str(rec.path),
                "sha256": digest,
                "size_x": size[0],
                "size_y": size[1],
                "size_z": size[2],
                "interfaces": len(rec.interfaces) if rec.kind != "svm" else None,
            }
        )
        if len(rec.interfaces):
            interfaces.append(rec.interfaces.assign(cube_id=cube_id))
        if len(rec.label_counts):
            counts.append(rec.label_counts.assign(cube_id=cube_id))
        report.cubes_added.append(str(rec.path))
        report.interfaces += len(rec.interfaces)
    frame = pd.DataFrame(cubes).astype(
        {"size_x": "Int64", "size_y": "Int64", "size_z": "Int64", "interfaces": "Int64"}
    )
    copy_frame(conn, "training_cube", frame)
    if interfaces:
        copy_frame(
            conn,
            "training_interface",
            pd.concat(interfaces, ignore_index=True)[
                [
                    "cube_id",
                    "interface_id",
                    "segment_a",
                    "segment_b",
                    "voxels",
                    "label",
                    "target_type",
                    "synapse_id",
                    "is_inhibitory",
                ]
            ],
        )
    if counts:
        copy_frame(
            conn,
            "training_label_count",
            pd.concat(counts, ignore_index=True)[["cube_id", "code", "label", "voxels"]],
        )

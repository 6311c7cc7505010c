"""Adding NML files to PostgreSQL: the whole batch in one transaction, known files skipped.

Every file is checked and read before the database is touched (see
:mod:`connectomedb.tracings.nml`); a file whose SHA-256 is already stored is skipped without
being read, so adding the same files again is a no-op. IDs are assigned under an exclusive
lock on ``tracing_file``: concurrent batches run one after the other.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import psycopg

from connectomedb.errors import InputError, LoadError
from connectomedb.files import find_files, sha256_of
from connectomedb.stores.copy import copy_frame
from connectomedb.tracings.nml import NmlFile, read_nml

#: The published tracing sets ``tracings add --kind`` accepts.
KINDS = ("connectem", "typeem", "manual-neurons", "inhibitory-axons")

ProgressFn = Callable[[str, int, int], None]


@dataclass
class AddReport:
    """What one ``tracings add`` did."""

    files_added: list[str] = field(default_factory=list)
    files_skipped: list[str] = field(default_factory=list)
    file_ids: list[int] = field(default_factory=list)
    tracings: int = 0
    nodes: int = 0
    edges: int = 0
    read_seconds: float = 0.0
    write_seconds: float = 0.0
    #: The segment look-up of the batch's nodes (None: no segmentation volume registered).
    segments: Any = None


def find_nml_files(paths: Iterable[str | Path]) -> list[Path]:
    """The ``.nml`` files named or found (recursively) under the given paths, sorted, once."""
    return find_files(
        paths,
        (".nml",),
        one="an NML file",
        some="at least one .nml file",
        hint="Point at the folder of the tracing set or at its .nml files.",
    )


def check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise InputError("--kind", None, f"one of {', '.join(KINDS)}", repr(kind))
    return kind


def known_checksums(conn: psycopg.Connection, sums: Sequence[str]) -> set[str]:
    rows = conn.execute(
        "SELECT sha256 FROM tracing_file WHERE sha256 = ANY(%(sums)s)", {"sums": list(sums)}
    ).fetchall()
    return {r[0] for r in rows}


def read_new_files(
    conn: psycopg.Connection,
    paths: Sequence[Path],
    kind: str,
    report: AddReport,
    progress: ProgressFn | None = None,
) -> list[NmlFile]:
    """Checksum every file, then check and read those not stored yet (in path order)."""
    started = time.perf_counter()
    sums = [sha256_of(p) for p in paths]
    known = known_checksums(conn, sums)
    files: list[NmlFile] = []
    seen: set[str] = set()
    for i, (path, digest) in enumerate(zip(paths, sums, strict=True)):
        if digest in known or digest in seen:
            report.files_skipped.append(str(path))
            continue
        seen.add(digest)
        files.append(read_nml(path, labels=kind == "typeem", sha256=digest))
        if progress is not None:
            progress("reading NML", i + 1, len(paths))
    report.read_seconds = time.perf_counter() - started
    return files


def write_files(
    conn: psycopg.Connection,
    files: Sequence[NmlFile],
    kind: str,
    dataset: str | None,
    report: AddReport,
    volume: Any = None,
) -> None:
    """Insert ``files`` (inside the caller's transaction, after its table lock); with a
    segmentation ``volume``, each node's ``segment_id`` is looked up in it (one look-up for
    the whole batch, see :mod:`connectomedb.tracings.volume_segments`)."""
    started = time.perf_counter()
    next_file, next_tracing = conn.execute(
        "SELECT (SELECT coalesce(max(file_id), 0) + 1 FROM tracing_file),"
        " (SELECT coalesce(max(tracing_id), 0) + 1 FROM tracing)"
    ).fetchone() or (1, 1)
    file_rows, groups, trees, nodes, edges = [], [], [], [], []
    for offset, nml in enumerate(files):
        file_id = next_file + offset
        file_rows.append(
            {
                "file_id": file_id,
                "kind": kind,
                "dataset": dataset,
                "name": nml.path.name,
                "path": str(nml.path),
                "sha256": nml.sha256,
                "experiment": nml.experiment,
                "scale_x": nml.scale[0],
                "scale_y": nml.scale[1],
                "scale_z": nml.scale[2],
                "trees": len(nml.trees),
                "nodes": len(nml.nodes),
            }
        )
        groups.append(nml.groups.assign(file_id=file_id))
        trees.append(nml.trees.assign(file_id=file_id))
        nodes.append(nml.nodes.assign(file_id=file_id))
        edges.append(nml.edges.assign(file_id=file_id))
        report.file_ids.append(file_id)
        report.files_added.append(str(nml.path))
    if not files:
        return
    # Tracing IDs in file order, then tree order; nodes and edges find theirs by one merge.
    tree_frame = pd.concat(trees, ignore_index=True)
    tree_frame["tracing_id"] = np.arange(next_tracing, next_tracing + len(tree_frame))
    ids = tree_frame[["file_id", "tree_id", "tracing_id"]]
    node_frame = pd.concat(nodes, ignore_index=True).merge(ids, on=["file_id", "tree_id"])
    edge_frame = pd.concat(edges, ignore_index=True).merge(ids, on=["file_id", "tree_id"])
    per_tree = pd.DataFrame(
        {
            "nodes": node_frame.groupby("tracing_id").size(),
            "edges": edge_frame.groupby("tracing_id").size(),
            "path_length_um": edge_frame.groupby("tracing_id")["length_um"].sum(),
        }
    )
    tree_frame = tree_frame.join(per_tree, on="tracing_id")
    tree_frame[["nodes", "edges"]] = tree_frame[["nodes", "edges"]].fillna(0).astype("int64")
    tree_frame["path_length_um"] = tree_frame["path_length_um"].fillna(0.0)
    copy_frame(conn, "tracing_file", pd.DataFrame(file_rows))
    group_frame = pd.concat(groups, ignore_index=True)
    if len(group_frame):
        copy_frame(
            conn, "tracing_group", group_frame[["file_id", "group_id", "parent_group_id", "name"]]
        )
    copy_frame(
        conn,
        "tracing",
        tree_frame[
            [
                "tracing_id",
                "file_id",
                "tree_id",
                "name",
                "group_id",
                "label",
                "nodes",
                "edges",
                "path_length_um",
            ]
        ],
    )
    node_columns = ["tracing_id", "node_id", "x", "y", "z", "radius", "comment", "is_branch_point"]
    if volume is not None:
        from connectomedb.tracings.volume_segments import segments_at

        segments, report.segments = segments_at(volume, node_frame[["x", "y", "z"]].to_numpy())
        node_frame["segment_id"] = segments.to_numpy()
        node_frame["segment_id"] = node_frame["segment_id"].astype("Int64")
        node_columns.append("segment_id")
    copy_frame(conn, "tracing_node", node_frame[node_columns])
    if len(edge_frame):
        copy_frame(
            conn, "tracing_edge", edge_frame[["tracing_id", "source_id", "target_id", "length_um"]]
        )
    report.tracings += len(tree_frame)
    report.nodes += len(node_frame)
    report.edges += len(edge_frame)
    report.write_seconds = time.perf_counter() - started


def add_tracings(
    url: str,
    paths: Sequence[Path],
    kind: str,
    dataset: str | None = None,
    *,
    progress: ProgressFn | None = None,
    after_write: Callable[[psycopg.Connection, list[int]], Any] | None = None,
    link_volume: bool = True,
) -> AddReport:
    """Add the NML files ``paths`` as one batch; see the module docstring.

    With ``dataset`` and a segmentation volume registered for it (and ``link_volume``), each
    node gets the segment under it from the volume; otherwise ``segment_id`` stays NULL.

    ``after_write(conn, file_ids)`` runs inside the transaction once the rows are written and
    returns a pending write with ``commit()``/``abort()`` (the graph copy): a graph failure
    rolls PostgreSQL back, and the graph copy is switched in only after PostgreSQL committed.
    """
    from connectomedb.stores.postgres import connect

    check_kind(kind)
    report = AddReport()
    pending = None
    with connect(url) as conn:
        try:
            with conn.transaction():
                conn.execute("LOCK TABLE tracing_file IN EXCLUSIVE MODE")
                files = read_new_files(conn, paths, kind, report, progress)
                volume = None
                if link_volume and files:
                    from connectomedb.tracings.volume_segments import segmentation_of

                    volume = segmentation_of(conn, dataset)
                write_files(conn, files, kind, dataset, report, volume)
                if after_write is not None and files:
                    pending = after_write(conn, report.file_ids)
        except BaseException as error:
            if pending is not None:
                pending.abort()
            if isinstance(error, psycopg.Error):
                raise LoadError(
                    f"adding tracings failed, nothing was stored: {str(error).strip()}"
                ) from error
            raise
    if pending is not None:
        pending.commit()
    return report


def set_node_segments(conn: psycopg.Connection, frame: pd.DataFrame) -> int:
    """Store the segment under each node: ``frame`` has tracing_id, node_id, segment_id
    (0 = on no segment, NA = not known: NULL). The volume look-up
    (:mod:`connectomedb.tracings.volume_segments`) and the CSV path fill the column through
    this function."""
    with conn.cursor() as cur:
        cur.execute(
            "CREATE TEMP TABLE tracing_node_segment"
            " (tracing_id int, node_id int, segment_id bigint) ON COMMIT DROP"
        )
    copy_frame(conn, "tracing_node_segment", frame[["tracing_id", "node_id", "segment_id"]])
    updated = conn.execute(
        "UPDATE tracing_node n SET segment_id = s.segment_id FROM tracing_node_segment s"
        " WHERE n.tracing_id = s.tracing_id AND n.node_id = s.node_id"
    ).rowcount
    conn.execute("DROP TABLE tracing_node_segment")
    return updated

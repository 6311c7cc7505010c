"""Tracings into the embedded LadybugDB graph of a dataset: a copy-on-write version.

See :mod:`connectomedb.tracings.graph`. The dataset's ``.lock`` is held from the copy to the
switch, so a load of the dataset and a tracing batch never interleave.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pyarrow as pa

from connectomedb.errors import LoadError
from connectomedb.etl.load.graph.ladybug import _execute, constant_strings
from connectomedb.schema.graph import TRACING_LABELS, TRACING_RELS, PropType, quote_identifier
from connectomedb.stores.ladybug_layout import (
    DB_FILE,
    DatasetLock,
    current_version,
    dataset_dir,
    new_version,
    remove_version_dir,
    switch_current,
)
from connectomedb.tracings.graph import PendingGraphWrite, TracingFrames, not_loaded

q = quote_identifier

_ARROW = {
    PropType.INT32: pa.int32(),
    PropType.INT64: pa.int64(),
    PropType.DOUBLE: pa.float64(),
    PropType.STRING: pa.string(),
    PropType.BOOL: pa.bool_(),
}


def tracing_ddl() -> list[str]:
    """``CREATE … IF NOT EXISTS`` of the tracing tables (a graph built by a load lacks them)."""
    out = []
    for node in TRACING_LABELS:
        cols = ", ".join(f"{q(p.name)} {p.type.ladybug}" for p in node.props)
        out.append(
            f"CREATE NODE TABLE IF NOT EXISTS {q(node.name)}({cols}, PRIMARY KEY({q(node.key)}))"
        )
    for rel in TRACING_RELS:
        parts = [f"FROM {q(a)} TO {q(b)}" for a, b in rel.endpoints]
        parts += [f"{q(p.name)} {p.type.ladybug}" for p in rel.props]
        out.append(f"CREATE REL TABLE IF NOT EXISTS {q(rel.name)}({', '.join(parts)})")
    return out


def _node_table(label_index: int, frame: Any, key: str) -> pa.Table:
    label = TRACING_LABELS[label_index]
    arrays = [constant_strings(key, len(frame))]
    names = ["dataset"]
    for prop in label.data_props:
        arrays.append(pa.Array.from_pandas(frame[prop.name], type=_ARROW[prop.type]))
        names.append(prop.name)
    return pa.Table.from_arrays(arrays, names=names)


def write_tracings(conn: Any, frames: TracingFrames, key: str, *, replace: bool = False) -> None:
    """Create the tables if needed and ``COPY`` the frames (an open read-write connection);
    ``replace``: remove the tracings already there first."""
    for ddl in tracing_ddl():
        _execute(conn, ddl)
    if replace:
        for label in ("TracingNode", "Tracing"):
            _execute(conn, f"MATCH (n:{q(label)}) DETACH DELETE n")
    copies = [
        (q("Tracing"), _node_table(0, frames.tracings, key)),
        (q("TracingNode"), _node_table(1, frames.nodes, key)),
    ]
    has_node = pa.table(
        {
            "from": pa.array(frames.nodes["tracing_id"].astype("int64")),
            "to": pa.array(frames.nodes["node_key"].astype("int64")),
        }
    )
    traced = pa.table(
        {
            "from": pa.array(frames.edges["from"].astype("int64")),
            "to": pa.array(frames.edges["to"].astype("int64")),
            "length_um": pa.array(frames.edges["length_um"].astype("float64")),
        }
    )
    copies += [(q("HAS_NODE"), has_node), (q("TRACED_TO"), traced)]
    for name, table in copies:
        if table.num_rows:
            _execute(conn, f"COPY {name} FROM $rows_in", {"rows_in": table}, f"tracings {name}")
    for label in ("Axon", "Target"):
        held = frames.agglomerates[frames.agglomerates["label"] == label]
        if len(held):
            on = pa.table(
                {
                    "from": pa.array(held["node_key"].astype("int64")),
                    "to": pa.array(held["id"].astype("int64")),
                }
            )
            _execute(
                conn,
                f"COPY {q('ON_AGGLOMERATE')} FROM $rows_in (from='TracingNode', to='{label}')",
                {"rows_in": on},
                f"tracings ON_AGGLOMERATE {label}",
            )
    if frames.tracings.shape[0]:
        ids = [int(i) for i in frames.tracings["id"]]
        for statement in OVERLAPS:
            _execute(conn, statement, {"ids": ids}, "tracings: their agglomerates")


def _overlaps(label: str) -> str:
    """``OVERLAPS`` of the batch's tracings (``$ids``) to the agglomerates of ``label``: the
    tracing's nodes ``ON_AGGLOMERATE`` it (copied from PostgreSQL's membership tables, see
    :func:`connectomedb.tracings.graph.tracing_frames`) and the length of its edges with both
    nodes on it."""
    node, agg, on = q("TracingNode"), q(label), q("ON_AGGLOMERATE")
    return (
        f"MATCH (t:{q('Tracing')})-[:{q('HAS_NODE')}]->(n:{node})-[:{on}]->(a:{agg}) "
        f"WHERE t.{q('id')} IN $ids WITH t, a, count(*) AS nodes "
        f"OPTIONAL MATCH (t)-[:{q('HAS_NODE')}]->(u:{node})-[e:{q('TRACED_TO')}]->(v:{node}), "
        f"(u)-[:{on}]->(a)<-[:{on}]-(v) "
        f"WITH t, a, nodes, coalesce(sum(e.{q('length_um')}), 0.0) AS length "
        f"CREATE (t)-[:{q('OVERLAPS')} "
        f"{{{q('nodes')}: nodes, {q('path_length_um')}: length}}]->(a)"
    )


OVERLAPS = (_overlaps("Axon"), _overlaps("Target"))


class LadybugTracingWrite(PendingGraphWrite):
    def __init__(self, root: Path, dataset: str, version: str, lock: DatasetLock) -> None:
        self.root, self.dataset, self.version, self._lock = root, dataset, version, lock
        self.base = dataset_dir(root, dataset)

    def commit(self) -> None:
        switch_current(self.root, self.dataset, self.version)
        self._lock.release()

    def abort(self) -> None:
        if (self.base / self.version).exists():
            remove_version_dir(self.root, self.dataset, self.base / self.version)
        self._lock.release()


def prepare_ladybug(
    root: Path, dataset: str, frames: TracingFrames, *, replace: bool = False
) -> LadybugTracingWrite:
    """Copy the current version, write the tracings into the copy; switched in by commit."""
    import ladybug

    base = dataset_dir(root, dataset)
    if current_version(root, dataset) is None:
        raise not_loaded(dataset)
    lock = DatasetLock(root, dataset)
    version = new_version()
    try:
        current = current_version(root, dataset)
        if current is None:
            raise not_loaded(dataset)
        shutil.copytree(base / current, base / version)
        db = ladybug.Database(str(base / version / DB_FILE), auto_checkpoint=False)
        try:
            conn = ladybug.Connection(db)
            try:
                write_tracings(conn, frames, dataset, replace=replace)
                _execute(conn, "CHECKPOINT")
            finally:
                conn.close()
        finally:
            db.close()
    except BaseException as error:
        if (base / version).exists():
            remove_version_dir(root, dataset, base / version)
        lock.release()
        if isinstance(error, RuntimeError):
            raise LoadError(f"graph: LadybugDB refused the tracings: {error}") from error
        raise
    return LadybugTracingWrite(root, dataset, version, lock)

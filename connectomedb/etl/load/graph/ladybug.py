"""Loading a dataset into the embedded LadybugDB by bulk ``COPY`` from Arrow tables.

A load builds a new version directory of the dataset under its lock and its commit switches
``CURRENT`` to it (the layout: :mod:`connectomedb.stores.ladybug_layout`). Directories left
by a killed load are removed by the next load of the dataset. The ``dataset`` property of
every node is the dataset name.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from connectomedb.errors import LoadError
from connectomedb.etl.frames import SourceDataset
from connectomedb.etl.graph_plan import GraphFrames, GraphPlan, LazyFrame
from connectomedb.etl.load.graph import (
    GraphLoadReport,
    ProgressFn,
    StepReport,
    needs_load,
    new_version_plan,
)
from connectomedb.etl.load.graph.statements import dataset_node_statement
from connectomedb.etl.memory import release_free_memory
from connectomedb.schema.graph import (
    NODE_LABELS,
    NODES,
    REL_TYPES,
    RELS,
    TRACING_LABELS,
    TRACING_RELS,
    PropType,
    quote_identifier,
)
from connectomedb.stores.datasets import check_dataset_name
from connectomedb.stores.graph import LadybugGraphStore
from connectomedb.stores.ladybug_layout import (
    DB_FILE,
    DatasetLock,
    current_version,
    dataset_dir,
    new_version,
    remove_other_versions,
    remove_version_dir,
    storage_error,
    switch_current,
)

#: Rows per ``COPY`` of a node table: a chunk's frame and Arrow table are what the load holds
#: of it (about 70 MB for a million ``Segment`` nodes, 290 MB at four million). Relationship
#: tables are copied whole: appending to a non-empty one rebuilds its adjacency lists, which
#: measured slower and kept more memory until the checkpoint (+200 MB for 3.5M relationships
#: in two halves).
COPY_CHUNK_ROWS = 1_000_000

#: Once the tables copied since the last checkpoint hold this many rows, the database is
#: checkpointed and opened again (see :func:`write_graph`). Every table copied stays in the
#: buffer pool until then, 15 MB even for one of a few rows: at full scale the node tables
#: (1.6 million rows in 15 tables) ended at 420 MB in the pool; with a checkpoint after every
#: half a million rows the graph load's peak was 250 MB lower, in the same time, and 30-50 MB
#: lower again after every 400,000 (0.2 CPU-s more).
CHECKPOINT_ROWS = 400_000

#: Inside a node table copied in chunks, a checkpoint after this many rows since the last.
NODE_CHECKPOINT_ROWS = 4_000_000

#: The buffer pool the load opens the database with. LadybugDB's default is most of the
#: machine's memory, all of it part of the loading process; a load reads little back (the key
#: indexes of relationship endpoints), and at full scale 512 MB copied as fast as the default
#: (graph load 45.3 against 46.2 CPU-s, 256 MB: 50.7) with 210 MB less at its peak. What is
#: copied stays in the pool until the next checkpoint: a ``COPY`` that finds the pool full
#: is repeated after a checkpoint with the engine's default pool.
BUFFER_POOL_BYTES = 512 << 20
#: How LadybugDB says a ``COPY`` found its buffer pool full.
_POOL_FULL = "buffer pool is full"

q = quote_identifier


# --- DDL and Arrow tables ------------------------------------------------------------------


def ladybug_ddl() -> list[str]:
    """``CREATE NODE TABLE`` / ``CREATE REL TABLE`` statements of the whole model (the
    tracing tables too, empty until tracings are added, so their queries find no rows)."""
    statements = []
    for node in NODE_LABELS + TRACING_LABELS:
        cols = ", ".join(f"{q(p.name)} {p.type.ladybug}" for p in node.props)
        statements.append(f"CREATE NODE TABLE {q(node.name)}({cols}, PRIMARY KEY({q(node.key)}))")
    for rel in REL_TYPES + TRACING_RELS:
        parts = [f"FROM {q(a)} TO {q(b)}" for a, b in rel.endpoints]
        parts += [f"{q(p.name)} {p.type.ladybug}" for p in rel.props]
        statements.append(f"CREATE REL TABLE {q(rel.name)}({', '.join(parts)})")
    return statements


_ARROW = {
    PropType.INT16: pa.int16(),
    PropType.INT32: pa.int32(),
    PropType.INT64: pa.int64(),
    PropType.DOUBLE: pa.float64(),
    PropType.STRING: pa.string(),
    PropType.BOOL: pa.bool_(),
}


def constant_strings(value: str, n: int) -> pa.Array:
    # A dictionary of one value cast to plain strings: no Python object per row.
    indices = pa.array(np.zeros(n, dtype=np.int8))
    return pa.DictionaryArray.from_arrays(indices, pa.array([value])).cast(pa.string())


def _column(series: pd.Series, type_: pa.DataType) -> pa.Array:
    return pa.Array.from_pandas(series, type=type_)


def node_table(label: str, frame: pd.DataFrame, key: str) -> pa.Table:
    """The Arrow table ``COPY <label>`` reads: ``dataset`` then the frame's columns."""
    arrays = [constant_strings(key, len(frame))]
    names = ["dataset"]
    for prop in NODES[label].data_props:
        arrays.append(_column(frame[prop.name], _ARROW[prop.type]))
        names.append(prop.name)
    return pa.Table.from_arrays(arrays, names=names)


def rel_table(rtype: str, frm: str, to: str, frame: pd.DataFrame) -> pa.Table:
    """The Arrow table ``COPY <type>`` reads: ``from``, ``to``, then the properties."""
    arrays = [
        _column(frame["from"], _ARROW[NODES[frm].key_type]),
        _column(frame["to"], _ARROW[NODES[to].key_type]),
    ]
    names = ["from", "to"]
    for prop in RELS[rtype].props:
        arrays.append(_column(frame[prop.name], _ARROW[prop.type]))
        names.append(prop.name)
    return pa.Table.from_arrays(arrays, names=names)


def copy_statement(rtype: str | None, label: str | None, frm: str = "", to: str = "") -> str:
    """``COPY`` of the table passed as ``$rows_in``; a relationship with several endpoint pairs
    names the pair."""
    if rtype is None:
        return f"COPY {q(label or '')} FROM $rows_in"
    if len(RELS[rtype].endpoints) > 1:
        return f"COPY {q(rtype)} FROM $rows_in (from='{frm}', to='{to}')"
    return f"COPY {q(rtype)} FROM $rows_in"


def copy_steps(
    frames: GraphFrames | GraphPlan,
) -> list[tuple[str, str | None, str | None, str, str, int]]:
    """(step name, rel type, node label, from, to, rows) in load order: nodes first."""
    steps: list[tuple[str, str | None, str | None, str, str, int]] = []
    for label, rows in frames.node_counts().items():
        steps.append((f"nodes {label}", None, label, "", "", rows))
    for (rtype, frm, to), frame in frames.rels.items():
        rows = frame.rows if isinstance(frame, LazyFrame) else len(frame)
        steps.append((f"rels {rtype} {frm}→{to}", rtype, None, frm, to, rows))
    return steps


def _execute(conn: Any, text: str, params: dict[str, Any] | None = None, step: str = "") -> Any:
    try:
        return conn.execute(text, params or {})
    except RuntimeError as error:
        where = f" ({step})" if step else ""
        raise LoadError(f"graph: LadybugDB refused the load{where}: {error}") from error


@contextmanager
def _connection(path: Path, pool: int = BUFFER_POOL_BYTES) -> Iterator[Any]:
    """A connection to the database at ``path``, closed with its database on leaving.

    Automatic checkpoints are off: every ``COPY`` would pay for its own (about 0.5 s each
    here, more than the ``COPY`` of most tables); the load checkpoints where it pays off. The
    buffer pool is ``pool`` bytes (0: the engine's default)."""
    import ladybug

    db = ladybug.Database(str(path), buffer_pool_size=pool, auto_checkpoint=False)
    try:
        conn = ladybug.Connection(db)
        try:
            yield conn
        finally:
            conn.close()
    finally:
        db.close()


def write_graph(
    path: Path,
    plan: GraphPlan,
    dataset: dict[str, Any],
    *,
    progress: ProgressFn | None = None,
    report: GraphLoadReport | None = None,
) -> None:
    """Create the schema in a new database at ``path`` and ``COPY`` every frame of ``plan``
    into it. Each frame is built just before its ``COPY`` and dropped after it (and taken out
    of ``plan``), so one frame at a time is in memory, never the whole graph.

    The database is checkpointed, closed and opened again after the nodes and whenever the
    tables copied since the last checkpoint hold :data:`CHECKPOINT_ROWS` rows (inside a large
    node table, every :data:`NODE_CHECKPOINT_ROWS`): what is copied leaves memory (a later
    ``COPY`` reads the key indexes it needs back from disk) instead of staying in the buffer
    pool until one checkpoint at the end. At full scale (18.8M rows) this lowered the peak
    memory of the graph load from 2.7 GB to 1.8 GB, for checkpoints that together take about
    as long as the single one did."""
    steps = copy_steps(plan)
    total = sum(s[-1] for s in steps)
    done = 0
    release_free_memory()  # what building the plan took and freed
    with ExitStack() as opened:
        conn = opened.enter_context(_connection(path))

        def renew(pool: int = BUFFER_POOL_BYTES) -> Any:
            # What is copied is checkpointed and its pages leave memory with the database.
            _execute(conn, "CHECKPOINT")
            opened.close()
            release_free_memory()
            return opened.enter_context(_connection(path, pool))

        def copy(statement: str, table: pa.Table, step: str) -> None:
            nonlocal conn
            try:
                _execute(conn, statement, {"rows_in": table}, step)
            except LoadError as error:
                if _POOL_FULL not in str(error).lower():
                    raise
                conn = renew(pool=0)  # the COPY was rolled back; again with room
                _execute(conn, statement, {"rows_in": table}, step)
            release_free_memory()

        for ddl in ladybug_ddl():
            _execute(conn, ddl)
        node_stmt = dataset_node_statement(dataset)
        _execute(conn, node_stmt.text, node_stmt.params)
        since = 0  # rows copied since the last checkpoint
        for index, (name, rtype, label, frm, to, rows) in enumerate(steps):
            started = time.perf_counter()
            statement = copy_statement(rtype, label, frm, to)
            checkpointed = 0  # rows of this table checkpointed already
            if rtype is not None:
                # A relationship table in one COPY: appending to a non-empty one rebuilds
                # its adjacency lists.
                lazy = plan.rels.pop((rtype, frm, to))
                if rows:
                    copy(statement, rel_table(rtype, frm, to, lazy.frame()), name)
            else:
                assert label is not None
                lazy = plan.nodes.pop(label)
                # Node tables in chunks: progress during the big ones, and one chunk's rows
                # in memory at a time.
                key = dataset["dataset"]
                for start in range(0, rows, COPY_CHUNK_ROWS):
                    stop = min(start + COPY_CHUNK_ROWS, rows)
                    copy(statement, node_table(label, lazy.build(start, stop), key), name)
                    if stop < rows:
                        if stop - checkpointed >= max(NODE_CHECKPOINT_ROWS, CHECKPOINT_ROWS):
                            conn = renew()
                            checkpointed = stop
                            since = 0
                        if progress is not None:
                            progress(name, done + stop, total)
            done += rows
            if progress is not None:
                progress(name, done, total)
            if report is not None:
                report.steps.append(StepReport(name, rows, time.perf_counter() - started))
            since += rows - checkpointed
            last_node = rtype is None and index + 1 < len(steps) and steps[index + 1][1]
            if last_node or since >= CHECKPOINT_ROWS:
                conn = renew()
                since = 0
        _execute(conn, "CHECKPOINT")


# --- the load ------------------------------------------------------------------------------


class LadybugGraphLoad:
    """A load into a new version directory; see the module docstring."""

    engine = "ladybug"

    def __init__(
        self,
        root: Path,
        source: SourceDataset,
        name: str,
        lock: DatasetLock,
        progress: ProgressFn | None = None,
        *,
        segments: bool = False,
    ) -> None:
        self.root = Path(root)
        self.segments = segments
        self.source = source
        self.dataset = self.key = name
        self.version = new_version()
        self._lock: DatasetLock | None = lock
        self._progress = progress
        self._prepared = False
        self.directory = dataset_dir(self.root, name) / self.version

    @property
    def db_path(self) -> Path:
        return self.directory / DB_FILE

    def prepare(self) -> GraphLoadReport:
        if self._lock is None:
            raise LoadError(f"graph: the load of {self.dataset!r} is already finished.")
        started = time.perf_counter()
        report = GraphLoadReport("ladybug", self.dataset, self.key)
        plan, dataset = new_version_plan(
            self.source, self.dataset, self.key, self.version, segments=self.segments
        )
        try:
            self.directory.mkdir(parents=True)
            report.count(plan)
            write_graph(self.db_path, plan, dataset, progress=self._progress, report=report)
        except OSError as error:
            raise storage_error(self.root, self.dataset, error) from None
        except RuntimeError as error:
            if "IO exception" in str(error):  # LadybugDB's words for a failed read or write
                raise storage_error(self.root, self.dataset, error) from None
            raise
        except LoadError as error:
            if isinstance(error.__cause__, RuntimeError) and "IO exception" in str(error):
                raise storage_error(self.root, self.dataset, error.__cause__) from None
            raise
        report.batches = len(report.steps)
        report.seconds = time.perf_counter() - started
        self._prepared = True
        return report

    def commit(self) -> None:
        if self._lock is None:
            raise LoadError(f"graph: the load of {self.dataset!r} is already finished.")
        if not self._prepared:
            raise LoadError(f"graph: commit of {self.dataset!r} before prepare finished.")
        switch_current(self.root, self.dataset, self.version)
        self._release()

    def abort(self) -> None:
        if self._lock is None:
            return
        if self.directory.exists():
            remove_version_dir(self.root, self.dataset, self.directory)
        self._release()

    def _release(self) -> None:
        if self._lock is not None:
            self._lock.release()
            self._lock = None


def begin_ladybug_load(
    root: Path,
    source: SourceDataset,
    name: str,
    *,
    replace: bool,
    progress: ProgressFn | None = None,
    segments: bool = False,
) -> LadybugGraphLoad | None:
    """See :func:`connectomedb.etl.load.graph.begin_graph_load` (``segments``: its
    ``settings.graph_segments``)."""
    check_dataset_name(name)
    try:
        lock = DatasetLock(root, name)
    except OSError as error:
        raise storage_error(root, name, error) from None
    try:
        # Anything but the current version is left over from a killed load.
        remove_other_versions(root, name, keep=current_version(root, name))
        store = LadybugGraphStore(root)
        try:
            stored = store.stored_dataset(name)
        finally:
            store.close()
        if not needs_load(stored, source, name, replace=replace, segments=segments):
            lock.release()
            return None
    except BaseException:
        lock.release()
        raise
    return LadybugGraphLoad(root, source, name, lock, progress, segments=segments)

"""Load one dataset into PostgreSQL atomically, by binary COPY into fresh partitions.

Every data table is LIST-partitioned by ``dataset_id``. A load runs in ONE transaction::

    prepare():
      lock (advisory; one load at a time) → a new dataset row and dataset_id (on --replace
      under a provisional name, next to the old version)
      → per table: CREATE TABLE <partition> (LIKE parent) + CHECK (dataset_id = id), binary
        COPY into it (no indexes yet)
      → primary keys and indexes on the filled partitions
      → ATTACH the new partitions (foreign keys are validated here; the CHECK spares the
        partition-bound scan; readers are not blocked)
      → compare the rows every COPY reported stored with the source → ANALYZE the new
        partitions
      → for a new dataset: views (below)
    commit():
      on --replace: DETACH and DROP the old version's partitions, delete its dataset row and
      give the new row the dataset's name (catalog work only) → views (below)
      → COMMIT
    views: ANALYZE the partitioned parents the queries join (PostgreSQL plans joins over a
      partitioned table with the parent's statistics, which nothing else gathers) → REFRESH
      the materialized views CONCURRENTLY → ANALYZE them. A replacement does this only after
      the old version is gone, so the statistics describe what the commit leaves.

Until the commit nobody sees any of it, and a failure or a killed process at any point rolls
everything back, so the previous data stays exactly as it was. Readers of the replaced
dataset wait only for the few catalog statements of ``commit()`` (DETACH locks the parents).
A replaced dataset gets a new ``dataset_id``; its name is the stable handle.

Two phases, so the pipeline can keep PostgreSQL and the graph consistent::

    load = PostgresLoad(url, source, "l4dense", replace=False)
    report = load.prepare()   # everything written, transaction still open
    ...                       # prepare the graph
    load.commit()             # or load.abort()
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import psycopg
from psycopg import sql
from sqlalchemy import BigInteger, Double, Integer, SmallInteger, Table, Text
from sqlalchemy.dialects.postgresql import REAL

from connectomedb import __version__
from connectomedb.config import mask_secrets, mask_url
from connectomedb.errors import ConnectomeDBError, DatabaseError, InputError, LoadError
from connectomedb.etl.frames import SourceDataset
from connectomedb.etl.load.pgcopy import CopyColumn, ValueRangeError, check_range, copy_chunks
from connectomedb.etl.load.postgres_sql import (
    partitions_of,
    refresh_materialized_views,
    text_rows,
)
from connectomedb.etl.transform import TableFrame, source_row_counts, transform
from connectomedb.schema import DATA_TABLES, PARTITION_SCHEMA
from connectomedb.stores.postgres import head_revision, psycopg_url

#: ``progress(step, rows done, rows total)`` (same shape as the graph loader's).
ProgressFn = Callable[[str, int, int], None]
#: Called at every step as ``checkpoint(phase, table)``; tests use it to inject failures.
CheckpointFn = Callable[[str, str], None]

LOADER_VERSION = f"connectomedb {__version__}"
#: How long a replace may try to take the exclusive locks of its swap before giving up.
SWAP_LOCK_SECONDS = 300

#: pg_advisory_xact_lock key serialising loads (any fixed 64-bit number; "cdb-load").
_LOAD_LOCK_KEY = 0x6364622D6C6F6164

#: Which source file a table's rows come from, for error messages.
TABLE_FILES: dict[str, str] = {
    "axon_class": "axons.hdf5",
    "axon": "axons.hdf5",
    "axon_segment": "axons.hdf5",
    "axon_skeleton_node": "axons.hdf5",
    "axon_skeleton_edge": "axons.hdf5",
    "target_class": "dendrites.hdf5",
    "target": "dendrites.hdf5",
    "neuron": "dendrites.hdf5",
    "target_segment": "dendrites.hdf5",
    "target_skeleton_node": "dendrites.hdf5",
    "target_skeleton_edge": "dendrites.hdf5",
    "spine_head": "dendrites.hdf5",
    "spine_head_segment": "dendrites.hdf5",
    "synapse_type": "synapses.hdf5",
    "synapse": "synapses.hdf5",
    "synapse_pre_segment": "synapses.hdf5",
    "synapse_post_segment": "synapses.hdf5",
    "segment": "segments.hdf5",
    "class_connectome": "connectome.csv",
    "connection": "synapses.hdf5",
    "axon_pair": "synapses.hdf5",
    "motif_histogram": "synapses.hdf5",
    "class_synapse_stat": "synapses.hdf5",
    "class_degree_cell": "synapses.hdf5",
    "class_axon_fraction": "synapses.hdf5",
    "neurite_class_stat": "synapses.hdf5",
}


def _pg_type(column: Any) -> str:
    kind = column.type
    for sa_type, name in (
        (SmallInteger, "int2"),
        (BigInteger, "int8"),
        (Integer, "int4"),
        (REAL, "float4"),
        (Double, "float8"),
        (Text, "text"),
    ):
        if isinstance(kind, sa_type):
            return name
    raise TypeError(f"no COPY type for {column.table.name}.{column.name} ({kind!r})")


def files_record(source: SourceDataset) -> dict[str, dict[str, Any]]:
    """The ``dataset.files`` value: file name → sha256, size, info."""
    return {
        name: {"sha256": f.sha256, "size": f.size, "info": f.info}
        for name, f in sorted(source.files.items())
    }


def same_files(stored: dict[str, Any] | None, source: SourceDataset) -> bool:
    """True when ``stored`` (a ``dataset.files`` value) lists exactly the source's files and
    SHA-256 sums."""
    if not stored:
        return False
    current = {name: f.sha256 for name, f in source.files.items()}
    return {name: (v or {}).get("sha256") for name, v in stored.items()} == current


@dataclass
class TableLoad:
    """One table of one load: its rows and where the time went."""

    table: str
    rows: int
    copy_seconds: float = 0.0
    index_seconds: float = 0.0


@dataclass
class PostgresLoadReport:
    """What a load did. ``status``: ``loaded`` (new dataset), ``replaced`` or ``unchanged``."""

    dataset: str
    status: str
    dataset_id: int | None = None
    row_counts: dict[str, int] = field(default_factory=dict)
    tables: list[TableLoad] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)  # phase → seconds

    @property
    def rows(self) -> int:
        return sum(self.row_counts.values()) if self.status != "unchanged" else 0


def _partition_name(table: str, dataset_id: int, generation: str) -> str:
    return f"{table}_d{dataset_id}_{generation}"


class PostgresLoad:
    """One dataset load into PostgreSQL (see the module docstring)."""

    def __init__(
        self,
        url: str,
        source: SourceDataset,
        dataset: str,
        *,
        replace: bool = False,
        frames: dict[str, TableFrame] | None = None,
        progress: ProgressFn | None = None,
        checkpoint: CheckpointFn | None = None,
    ) -> None:
        self.url = psycopg_url(url)
        self.source = source
        self.dataset = dataset
        self.replace = replace
        self._frames = frames
        self._progress = progress or (lambda _s, _d, _t: None)
        self._checkpoint = checkpoint or (lambda _p, _t: None)
        self._conn: psycopg.Connection | None = None
        self._old_id: int | None = None
        self._copied: dict[str, int] = {}
        self._phase = "connect"
        self._table = ""
        self.report: PostgresLoadReport | None = None

    # --- public two-phase interface ---------------------------------------------------------

    def prepare(self) -> PostgresLoadReport:
        """Write everything inside one open transaction; raise and roll back on any failure."""
        try:
            return self._prepare()
        except BaseException as error:
            self.abort()
            if isinstance(error, ConnectomeDBError) or not isinstance(error, Exception):
                raise
            raise self._wrap(error) from error

    def commit(self) -> None:
        """Make the prepared load visible (a no-op for an unchanged dataset)."""
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            if self._old_id is not None and self.report is not None:
                self._drop_old(conn, self._old_id, int(self.report.dataset_id or 0))
            if self._old_id is not None:
                # Only now do the views see the replaced version gone and the name moved.
                self._refresh_views(conn)
            self._step("commit")
            conn.commit()
        except BaseException as error:
            try:
                conn.rollback()
            except psycopg.Error:
                pass  # a dead connection rolled back on the server already
            if isinstance(error, ConnectomeDBError) or not isinstance(error, Exception):
                raise
            raise self._wrap(error) from error
        finally:
            conn.close()

    def abort(self) -> None:
        """Roll back whatever ``prepare`` wrote; safe to call at any time, also twice."""
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            if not conn.closed:
                conn.rollback()
        except psycopg.Error:
            pass  # a dead connection rolled back on the server already
        finally:
            conn.close()

    def __enter__(self) -> PostgresLoad:
        return self

    def __exit__(self, *exc: object) -> None:
        self.abort()

    # --- the steps ----------------------------------------------------------------------------

    def _step(self, phase: str, table: str = "") -> None:
        self._phase, self._table = phase, table
        self._checkpoint(phase, table)

    def _prepare(self) -> PostgresLoadReport:
        expected = source_row_counts(self.source)
        files = files_record(self.source)
        self._step("connect")
        try:
            conn = psycopg.connect(self.url, autocommit=False)
        except psycopg.Error as error:
            raise DatabaseError(
                f"cannot connect to PostgreSQL at {mask_url(self.url)}: "
                f"{mask_secrets(str(error).strip(), self.url)}"
            ) from None
        self._conn = conn
        # Index builds after the COPY sort whole partitions; the default 64 MB spills to disk.
        conn.execute("SET LOCAL maintenance_work_mem = '256MB'")
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOAD_LOCK_KEY,))
        self._check_schema(conn)
        row = conn.execute(
            "SELECT dataset_id, files FROM public.dataset WHERE name = %s FOR UPDATE",
            (self.dataset,),
        ).fetchone()
        if row is not None and not self.replace:
            if same_files(row[1], self.source):
                self.abort()
                self.report = PostgresLoadReport(
                    self.dataset, "unchanged", int(row[0]), row_counts={}
                )
                return self.report
            raise LoadError(
                f"dataset {self.dataset!r} is already in PostgreSQL, loaded from other files "
                f"(SHA-256 sums differ from {self.source.folder}). Nothing was changed. "
                "Reload it with --replace, or choose another name with --dataset."
            )
        status = "replaced" if row is not None else "loaded"
        frames = self._frames if self._frames is not None else transform(self.source)
        plan = self._plan(frames)  # range checks before anything is written
        generation = uuid.uuid4().hex[:6]
        # A replacement is built under a new dataset_id and a provisional name next to the
        # old version; commit() drops the old one and renames, so readers are never blocked
        # while the rest of the load (the graph) is prepared.
        self._old_id = None if row is None else int(row[0])
        provisional = self.dataset if row is None else f"{self.dataset} (replacing, {generation})"
        dataset_id = int(
            conn.execute(
                "INSERT INTO public.dataset (name, source, files, row_counts, loader_version)"
                " VALUES (%s, %s, %s, %s, %s) RETURNING dataset_id",
                (
                    provisional,
                    str(self.source.folder),
                    psycopg.types.json.Jsonb(files),
                    psycopg.types.json.Jsonb(expected),
                    LOADER_VERSION,
                ),
            ).fetchone()[0]  # type: ignore[index]
        )
        report = PostgresLoadReport(self.dataset, status, dataset_id)
        parts = {t.name: _partition_name(t.name, dataset_id, generation) for t in DATA_TABLES}

        t0 = time.perf_counter()
        self._copy_all(conn, plan, parts, dataset_id, report)
        t1 = time.perf_counter()
        self._index_all(conn, parts, report)
        t2 = time.perf_counter()
        self._attach(conn, parts, dataset_id)
        t3 = time.perf_counter()
        self._step("verify")
        counts = self._verify(conn, dataset_id, expected)
        conn.execute(
            "UPDATE public.dataset SET source = %s, files = %s, row_counts = %s,"
            " loaded_at = clock_timestamp(), loader_version = %s WHERE dataset_id = %s",
            (
                str(self.source.folder),
                psycopg.types.json.Jsonb(files),
                psycopg.types.json.Jsonb(counts),
                LOADER_VERSION,
                dataset_id,
            ),
        )
        t4 = time.perf_counter()
        self._analyze(conn, parts)
        t5 = time.perf_counter()
        report.row_counts = counts
        report.seconds = {
            "copy": t1 - t0,
            "index": t2 - t1,
            "swap": t3 - t2,
            "verify": t4 - t3,
            "analyze": t5 - t4,
        }
        self.report = report
        if self._old_id is None:
            # A new dataset: refresh now, so a failure shows before the graph is prepared.
            self._refresh_views(conn)
        self._step("prepared")
        self.report = report
        return report

    def _refresh_views(self, conn: psycopg.Connection) -> None:
        self._step("views")
        started = time.perf_counter()
        refresh_materialized_views(conn)
        if self.report is not None:
            self.report.seconds["views"] = time.perf_counter() - started

    def _check_schema(self, conn: psycopg.Connection) -> None:
        head = head_revision()
        regclass = conn.execute("SELECT to_regclass('public.alembic_version')").fetchone()
        current = None
        if regclass is not None and regclass[0] is not None:
            found = conn.execute("SELECT version_num FROM public.alembic_version").fetchone()
            current = None if found is None else found[0]
        if current != head:
            raise DatabaseError(
                f"the PostgreSQL schema is at version {current or 'none'}, the loader needs "
                f"{head}. Run: connectomedb db upgrade"
            )

    def _plan(
        self, frames: dict[str, TableFrame]
    ) -> list[tuple[Table, TableFrame, list[CopyColumn]]]:
        plan = []
        for table in DATA_TABLES:
            frame = frames[table.name]
            columns = []
            for column in table.columns:
                pg_type = _pg_type(column)
                if column.name == "dataset_id":
                    columns.append(CopyColumn("dataset_id", pg_type, constant=0))
                    continue
                col = frame.column(column.name)
                copy_col = CopyColumn(column.name, pg_type, col.values, col.null)
                try:
                    check_range(copy_col)
                except ValueRangeError as error:
                    raise InputError(
                        TABLE_FILES.get(table.name, table.name),
                        f"table {table.name}, column {column.name}",
                        f"a value that fits PostgreSQL {pg_type}",
                        str(error.value),
                        element=error.row + 1,
                    ) from None
                if not column.nullable and col.null is not None and bool(col.null.any()):
                    row = int(np.flatnonzero(col.null)[0])
                    raise InputError(
                        TABLE_FILES.get(table.name, table.name),
                        f"table {table.name}, column {column.name}",
                        "a value (the column is required)",
                        "none",
                        element=row + 1,
                    )
                columns.append(copy_col)
            plan.append((table, frame, columns))
        return plan

    def _copy_all(
        self,
        conn: psycopg.Connection,
        plan: list[tuple[Table, TableFrame, list[CopyColumn]]],
        parts: dict[str, str],
        dataset_id: int,
        report: PostgresLoadReport,
    ) -> None:
        total = sum(frame.n for _t, frame, _c in plan)
        done = 0
        for table, frame, columns in plan:
            self._step("create", table.name)
            part = sql.Identifier(PARTITION_SCHEMA, parts[table.name])
            conn.execute(
                sql.SQL(
                    "CREATE TABLE {part} (LIKE {parent}, CONSTRAINT {check}"
                    " CHECK (dataset_id = {id}))"
                ).format(
                    part=part,
                    parent=sql.Identifier("public", table.name),
                    check=sql.Identifier(parts[table.name] + "_ds"),
                    id=sql.Literal(dataset_id),
                )
            )
            self._step("copy", table.name)
            started = time.perf_counter()
            columns = [
                CopyColumn(c.name, c.pg_type, constant=dataset_id) if c.name == "dataset_id" else c
                for c in columns
            ]
            statement = sql.SQL("COPY {part} ({cols}) FROM STDIN (FORMAT BINARY)").format(
                part=part, cols=sql.SQL(", ").join(sql.Identifier(c.name) for c in columns)
            )
            with conn.cursor() as cur:
                self._copy_table(cur, statement, columns, frame, table.name, done, total)
                # What the server reports it stored: the verify step compares it with the
                # source (counting the rows again would only repeat this number).
                self._copied[table.name] = cur.rowcount
            done += frame.n
            self._progress(f"copy {table.name}", done, total)
            report.tables.append(TableLoad(table.name, frame.n, time.perf_counter() - started))

    def _copy_table(
        self,
        cur: psycopg.Cursor,
        statement: sql.Composable,
        columns: list[CopyColumn],
        frame: TableFrame,
        table: str,
        done: int,
        total: int,
    ) -> None:
        with cur.copy(statement) as copy:
            if any(c.pg_type == "text" for c in columns):
                # Dimension tables: a few rows with text; psycopg's own binary rows.
                copy.set_types([c.pg_type for c in columns])
                for row in text_rows(columns, frame.n):
                    copy.write_row(row)
            else:
                for buffer, rows in copy_chunks(columns, frame.n):
                    copy.write(buffer)
                    if rows:
                        done += rows
                        self._progress(f"copy {table}", done, total)

    def _index_all(
        self, conn: psycopg.Connection, parts: dict[str, str], report: PostgresLoadReport
    ) -> None:
        by_table = {t.table: t for t in report.tables}
        for k, table in enumerate(DATA_TABLES):
            self._step("index", table.name)
            started = time.perf_counter()
            part_name = parts[table.name]
            part = sql.Identifier(PARTITION_SCHEMA, part_name)
            pk = [c.name for c in table.primary_key.columns]
            if pk:
                conn.execute(
                    sql.SQL("ALTER TABLE {part} ADD CONSTRAINT {name} PRIMARY KEY ({cols})").format(
                        part=part,
                        name=sql.Identifier(part_name + "_pk"),
                        cols=sql.SQL(", ").join(map(sql.Identifier, pk)),
                    )
                )
            for i, index in enumerate(sorted(table.indexes, key=lambda x: str(x.name)), 1):
                conn.execute(
                    sql.SQL("CREATE INDEX {name} ON {part} ({cols})").format(
                        name=sql.Identifier(f"{part_name}_ix{i}"),
                        part=part,
                        cols=sql.SQL(", ").join(sql.Identifier(c.name) for c in index.columns),
                    )
                )
            by_table[table.name].index_seconds = time.perf_counter() - started
            self._progress("index", k + 1, len(DATA_TABLES))

    def _attach(self, conn: psycopg.Connection, parts: dict[str, str], dataset_id: int) -> None:
        # ATTACH takes SHARE UPDATE EXCLUSIVE on the parent: readers go on undisturbed. The
        # foreign keys of each new partition are validated here.
        for k, table in enumerate(DATA_TABLES):
            self._step("attach", table.name)
            conn.execute(
                sql.SQL("ALTER TABLE {parent} ATTACH PARTITION {part} FOR VALUES IN ({id})").format(
                    parent=sql.Identifier("public", table.name),
                    part=sql.Identifier(PARTITION_SCHEMA, parts[table.name]),
                    id=sql.Literal(dataset_id),
                )
            )
            self._progress("attach", k + 1, len(DATA_TABLES))

    def _drop_old(self, conn: psycopg.Connection, old_id: int, new_id: int) -> None:
        """Detach and drop the replaced version, hand its name to the new one. Catalog work
        only; DETACH locks each parent exclusively until the commit right after."""
        self._step("lock")
        self._lock_parents(conn)
        for table in reversed(DATA_TABLES):  # children first: nothing refers to what goes
            self._step("detach", table.name)
            for old in partitions_of(conn, table.name, old_id):
                old_ident = sql.Identifier(PARTITION_SCHEMA, old)
                conn.execute(
                    sql.SQL("ALTER TABLE {parent} DETACH PARTITION {old}").format(
                        parent=sql.Identifier("public", table.name), old=old_ident
                    )
                )
                conn.execute(sql.SQL("DROP TABLE {old}").format(old=old_ident))
        self._step("rename")
        conn.execute("DELETE FROM public.dataset WHERE dataset_id = %s", (old_id,))
        conn.execute(
            "UPDATE public.dataset SET name = %s WHERE dataset_id = %s", (self.dataset, new_id)
        )

    def _lock_parents(self, conn: psycopg.Connection) -> None:
        """Lock every data table and ``dataset`` exclusively, all at once or not at all.

        Readers lock the tables a query touches one after another, in their own order. Taking
        the exclusive locks one table at a time while readers run would deadlock with them
        (each side holding what the other waits for), so every attempt asks for all of them
        without waiting, inside a savepoint that gives back whatever it got when one is
        busy, and tries again a moment later. Readers that come afterwards wait for the
        commit and then see the new version."""
        # `dataset` too: dropping a partition drops its foreign key to `dataset`, which needs
        # that table exclusively as well.
        names = ["dataset", *(t.name for t in DATA_TABLES)]
        tables = sql.SQL(", ").join(sql.Identifier("public", name) for name in names)
        statement = sql.SQL("LOCK TABLE {} IN ACCESS EXCLUSIVE MODE NOWAIT").format(tables)
        deadline = time.monotonic() + SWAP_LOCK_SECONDS
        delay = 0.005
        while True:
            try:
                with conn.transaction():  # a savepoint
                    conn.execute(statement)
                return
            except psycopg.errors.LockNotAvailable:
                if time.monotonic() > deadline:
                    raise LoadError(
                        f"dataset {self.dataset!r}: the tables stayed in use by other sessions "
                        f"for {SWAP_LOCK_SECONDS} s, so the new version could not replace the "
                        "old one. Nothing was changed; run the load again when the long "
                        "queries have finished."
                    ) from None
                time.sleep(delay)
                delay = min(delay * 2, 0.25)

    def _verify(
        self, conn: psycopg.Connection, dataset_id: int, expected: dict[str, int]
    ) -> dict[str, int]:
        # The rows each COPY reported stored (the partitions are attached: their rows are the
        # parents' rows of this dataset_id, which the CHECK constraint guarantees).
        counts = {table.name: int(self._copied.get(table.name, -1)) for table in DATA_TABLES}
        wrong = {t: (counts[t], expected[t]) for t in counts if counts[t] != expected.get(t)}
        if wrong:
            detail = ", ".join(
                f"{t}: {got} rows, source has {want}" for t, (got, want) in wrong.items()
            )
            raise LoadError(
                f"dataset {self.dataset!r}: row counts in PostgreSQL differ from the source "
                f"({detail}). Nothing was changed."
            )
        return counts

    def _analyze(self, conn: psycopg.Connection, parts: dict[str, str]) -> None:
        for k, table in enumerate(DATA_TABLES):
            self._step("analyze", table.name)
            conn.execute(
                sql.SQL("ANALYZE {part}").format(
                    part=sql.Identifier(PARTITION_SCHEMA, parts[table.name])
                )
            )
            self._progress("analyze", k + 1, len(DATA_TABLES))

    def _wrap(self, error: BaseException, phase: str | None = None) -> ConnectomeDBError:
        where = phase or self._phase
        if self._table:
            where += f" {self._table}"
        text = str(error).strip().replace("\n", " ")
        if isinstance(error, psycopg.errors.ForeignKeyViolation):
            source_file = TABLE_FILES.get(self._table, "the source files")
            return LoadError(
                f"loading dataset {self.dataset!r} into PostgreSQL failed: {source_file} refers "
                f"to an object that does not exist ({text}). Nothing was changed; the previous "
                "data is intact. Fix the file and load again."
            )
        return LoadError(
            f"loading dataset {self.dataset!r} into PostgreSQL at {mask_url(self.url)} failed "
            f"during {where}: {mask_secrets(text, self.url)}. "
            "Nothing was changed; the previous data is intact. Load again once the cause is fixed."
        )


def load_dataset(
    url: str,
    source: SourceDataset,
    dataset: str,
    *,
    replace: bool = False,
    progress: ProgressFn | None = None,
) -> PostgresLoadReport:
    """Prepare and commit in one go (when no other store has to commit alongside)."""
    load = PostgresLoad(url, source, dataset, replace=replace, progress=progress)
    report = load.prepare()
    load.commit()
    return report

"""The load of one dataset into PostgreSQL: the two-phase state machine over its transaction
(see :mod:`connectomedb.etl.load.postgres` for the steps)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

import psycopg
from psycopg import sql

from connectomedb import __version__
from connectomedb.config import mask_secrets, mask_url
from connectomedb.errors import ConnectomeDBError, DatabaseError
from connectomedb.etl.frames import SourceDataset
from connectomedb.etl.incoming import IncomingSource, SourceUnavailable
from connectomedb.etl.load.decision import Action, decide, replace_reason
from connectomedb.etl.load.postgres import partitions
from connectomedb.etl.load.postgres.copy_plan import load_error
from connectomedb.etl.load.postgres.dataset_row import files_record, finish_dataset, insert_dataset
from connectomedb.etl.load.postgres.feed import FrameFeed
from connectomedb.etl.load.postgres.report import PostgresLoadReport, verified_counts
from connectomedb.etl.load.postgres.staging import StagingWriter
from connectomedb.etl.load.postgres.writer import LoadRows, PartitionWriter
from connectomedb.etl.tables import TableFrame
from connectomedb.etl.transform import iter_frames, source_row_counts
from connectomedb.schema import DATA_TABLES, PARTITION_SCHEMA
from connectomedb.schema import POSTGRES_MODEL_VERSION as MODEL
from connectomedb.stores.postgres import head_revision, psycopg_url, stored_dataset
from connectomedb.stores.views import analyzed_with_parents, refresh_views

#: ``progress(step, rows done, rows total)`` (same shape as the graph loader's).
ProgressFn = Callable[[str, int, int], None]
#: Called at every step as ``checkpoint(phase, table)``; tests use it to inject failures.
CheckpointFn = Callable[[str, str], None]

LOADER_VERSION = f"connectomedb {__version__}"
#: Parallel workers the load's statements may not use. The load keeps every core busy (the
#: graph and the rows of the next tables are built beside the server's work), so a parallel
#: index build or foreign-key check only adds the workers' own scans and their merge: the
#: primary key of 15 million segments cost 10.6 CPU-s with two workers, 7.7 without.
SERIAL_SETTINGS = ("max_parallel_maintenance_workers", "max_parallel_workers_per_gather")
#: How long a replace may try to take the exclusive locks of its swap before giving up.
SWAP_LOCK_SECONDS = 300

#: pg_advisory_xact_lock key serialising loads (any fixed 64-bit number; "cdb-load").
_LOAD_LOCK_KEY = 0x6364622D6C6F6164


class PostgresLoad:
    """One dataset load into PostgreSQL (see the module docstring). ``source`` may be an
    :class:`IncomingSource` whose files are still read: the segments are copied meanwhile."""

    def __init__(
        self,
        url: str,
        source: SourceDataset | IncomingSource,
        dataset: str,
        *,
        replace: bool = False,
        frames: dict[str, TableFrame] | None = None,
        progress: ProgressFn | None = None,
        checkpoint: CheckpointFn | None = None,
    ) -> None:
        self.url = psycopg_url(url)
        self.source = source if isinstance(source, IncomingSource) else IncomingSource.of(source)
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
        self._files: dict[str, dict[str, Any]] = {}  # the dataset's files, once all are read
        self._staging: StagingWriter | None = None  # the second connection's writer
        self._cancelled = False
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
                # Only now are the replaced version's rows gone from the parents.
                self._gather_statistics(conn)
            self._step("commit")
            conn.commit()
            self._close_staging(moved=True)
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
            self._close_staging()

    def abort(self) -> None:
        """Roll back whatever ``prepare`` wrote; safe to call at any time, also twice."""
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                if not conn.closed:
                    conn.rollback()
            except psycopg.Error:
                pass  # a dead connection rolled back on the server already
            finally:
                conn.close()
        # Only now: the rollback gave back the locks the move of its tables took.
        self._close_staging()

    def _close_staging(self, moved: bool = False) -> None:
        staging, self._staging = self._staging, None
        if staging is not None:
            staging.close(moved=moved)

    def cancel(self) -> None:
        """Make a ``prepare`` running in another thread end soon, rolled back, with
        :class:`SourceUnavailable`: the statement it runs is cancelled (call again should it
        have been between two)."""
        self._cancelled = True
        conn = self._conn
        if conn is not None:
            try:
                conn.cancel_safe(timeout=5)
            except psycopg.Error:
                pass  # nothing to cancel any more
        staging = self._staging
        if staging is not None:
            staging.cancel()

    def __enter__(self) -> PostgresLoad:
        return self

    def __exit__(self, *exc: object) -> None:
        self.abort()

    # --- the steps ----------------------------------------------------------------------------

    def _step(self, phase: str, table: str = "") -> None:
        self._phase, self._table = phase, table
        self._checkpoint(phase, table)
        if self._cancelled:
            raise SourceUnavailable(f"the load of {self.source.folder} was cancelled")

    def _prepare(self) -> PostgresLoadReport:
        files = self._files  # the files read: filled at the end of _copy_all, before verify
        self._step("connect")
        conn = self._conn = self._connect()
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOAD_LOCK_KEY,))
        self._check_schema(conn)
        stored = stored_dataset(conn, self.dataset, lock=True)
        # Only another version kept without --replace makes the files' checksums decide (the
        # pipeline computed them before the read then): the segments go in while it goes on.
        compared = stored is not None and not self.replace
        action = decide(
            stored,
            self.source.fingerprint() if compared else {},
            replace=self.replace,
            dataset=self.dataset,
            store="PostgreSQL",
            folder=self.source.folder,
            model_version=MODEL,
        )
        if action is Action.UNCHANGED:
            assert stored is not None
            self.abort()
            self.report = PostgresLoadReport(self.dataset, action.value, stored.key)
            return self.report
        # Each table's rows are built (and checked) while the ones before are copied: a check
        # that fails rolls back what was written. They leave memory once copied.
        frames = iter_frames(self.source) if self._frames is None else self._frames.values()
        self._frames = None
        source = self.source
        expected = lambda: source_row_counts(source.result())  # noqa: E731
        with FrameFeed(frames, expected, wake=source.stop_waiting) as feed:
            del frames
            report = self._write(conn, feed, stored, files, action.value)
        report.reason = replace_reason(stored, self.source.fingerprint(), model_version=MODEL)
        self.report = report
        if self._old_id is None:
            # A new dataset: now, so a failure shows before the graph is prepared.
            self._gather_statistics(conn)
        self._step("prepared")
        return report

    def _write(
        self,
        conn: psycopg.Connection,
        feed: FrameFeed,
        stored: Any,
        files: dict[str, dict[str, Any]],
        action: str,
    ) -> PostgresLoadReport:
        """The new version's dataset row and partitions, filled, indexed, attached, verified
        and analyzed."""
        generation = uuid.uuid4().hex[:6]
        # A replacement is built under a new dataset_id and a provisional name next to the
        # old version; commit() drops the old one and renames, so readers are never blocked
        # while the rest of the load (the graph) is prepared.
        self._old_id = None if stored is None else int(stored.key)
        provisional = (
            self.dataset if stored is None else f"{self.dataset} (replacing, {generation})"
        )
        partitions.drop_staged(conn)  # what loads killed between their two commits left
        dataset_id = insert_dataset(
            conn, provisional, str(self.source.folder), files, LOADER_VERSION
        )
        report = PostgresLoadReport(self.dataset, action, dataset_id)
        parts = partitions.partition_names(dataset_id, generation)

        again = analyzed_with_parents(conn)  # by the statistics step, with their parents
        main, staged, waited = self._copy_all(conn, feed, parts, report, again)
        t1 = time.perf_counter()
        report.frame_seconds, report.frame_rows = feed.seconds, feed.rows
        for part in staged:
            partitions.move_staged(conn, part)
        self._each_table(
            "attach",
            lambda t: partitions.attach_partition(conn, t.name, parts[t.name], dataset_id),
        )
        t2 = time.perf_counter()
        self._step("verify")
        # The partitions are attached: their rows are the parents' rows of this dataset_id.
        counts = verified_counts(self.dataset, self._copied, feed.expected)
        finish_dataset(conn, dataset_id, str(self.source.folder), files, counts, LOADER_VERSION)
        t3 = time.perf_counter()
        report.row_counts = counts
        report.seconds = {
            # Summed over both connections: they overlap.
            "copy": sum(t.copy_seconds for t in report.tables),
            "index": sum(t.index_seconds for t in report.tables),  # each right after its COPY
            "analyze": sum(t.analyze_seconds for t in report.tables),  # right after its index
            "wait": main.waited,  # for the rows of the next table to be built
            "staged": waited,  # for the second connection to end and commit
            "swap": t2 - t1,
            "verify": t3 - t2,
        }
        return report

    def _connect(self) -> psycopg.Connection:
        """A connection in a transaction with the load's settings."""
        try:
            conn = psycopg.connect(self.url, autocommit=False)
        except psycopg.Error as error:
            raise DatabaseError(
                f"cannot connect to PostgreSQL at {mask_url(self.url)}: "
                f"{mask_secrets(str(error).strip(), self.url)}"
            ) from None
        # Index builds after the COPY sort whole partitions; the default 64 MB spills to disk.
        conn.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for setting in SERIAL_SETTINGS:
            conn.execute(sql.SQL("SET LOCAL {} = 0").format(sql.Identifier(setting)))
        return conn

    def _gather_statistics(self, conn: psycopg.Connection) -> None:
        """The planner statistics of the partitioned parents (and a refresh of any view still
        materialized), in the load's transaction; the analyze step did the new partitions'."""
        self._step("statistics")
        started = time.perf_counter()
        refresh_views(conn, in_transaction=True, partitions=False)
        if self.report is not None:
            self.report.seconds["statistics"] = time.perf_counter() - started

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

    def _each_table(self, phase: str, action: Callable[[Any], None]) -> None:
        """``action(table)`` for every data table in load order, as checkpointed ``phase``."""
        for k, table in enumerate(DATA_TABLES):
            self._step(phase, table.name)
            action(table)
            self._progress(phase, k + 1, len(DATA_TABLES))

    def _copy_all(
        self,
        conn: psycopg.Connection,
        feed: FrameFeed,
        parts: dict[str, str],
        report: PostgresLoadReport,
        again: frozenset[str],
    ) -> tuple[PartitionWriter, list[str], float]:
        """Each table as the feed hands it over, written by this transaction or by the second
        connection, whichever is free (the feed builds the next table's rows meanwhile). The
        first table is this transaction's, the second the other's. Returns this transaction's
        writer, the tables the other committed in the staging schema and the seconds this
        transaction waited for that."""
        dataset_id = int(report.dataset_id or 0)
        rows = LoadRows(self.source, self._progress)
        main = PartitionWriter(
            conn, PARTITION_SCHEMA, parts, dataset_id, rows, self._step, self._copied, again
        )
        first = main.take(feed)
        if first is not None:
            table, in_order = main.copy(first)
            del first
            self._staging = StagingWriter(
                self._connect(),
                feed,
                parts=parts,
                dataset_id=dataset_id,
                rows=rows,
                copied=self._copied,
                checkpoint=self._checkpoint,
                cancelled=lambda: self._cancelled,
                analyzed_with_parents=again,
            )
            main.index(table, in_order)
            self._staging.first_taken.wait()
            main.write_all(feed, taken=self._staging_failed)
        self._files.update(files_record(self.source.result()))  # the feed ended: all read
        started, tables = time.perf_counter(), list(main.tables)
        if self._staging is not None:
            self._staging_failed(wait=True)
            self._step("staged-commit")
            self._staging.commit()
            tables += self._staging.writer.tables
        self._step("staged")
        order = [t.name for t in DATA_TABLES]
        report.tables = sorted(tables, key=lambda t: order.index(t.table))
        staged = self._staging.parts if self._staging is not None else []
        return main, staged, time.perf_counter() - started

    def _staging_failed(self, wait: bool = False) -> None:
        """Raise the second connection's error, if it has one yet (``wait``: once it ended)."""
        staging = self._staging
        if staging is None:
            return
        try:
            if wait:
                staging.finish()
            elif staging.error is not None:
                raise staging.error
        except BaseException:
            self._phase, self._table = staging.phase, staging.table
            if self._cancelled:
                raise SourceUnavailable(f"the load of {self.source.folder} was cancelled") from None
            raise

    def _drop_old(self, conn: psycopg.Connection, old_id: int, new_id: int) -> None:
        """Detach and drop the replaced version, hand its name to the new one. Catalog work
        only; DETACH locks each parent exclusively until the commit right after."""
        self._step("lock")
        partitions.lock_parents(conn, self.dataset, SWAP_LOCK_SECONDS)
        for table in reversed(DATA_TABLES):  # children first: nothing refers to what goes
            self._step("detach", table.name)
            partitions.drop_partitions(conn, table.name, old_id)
        self._step("rename")
        conn.execute("DELETE FROM public.dataset WHERE dataset_id = %s", (old_id,))
        conn.execute(
            "UPDATE public.dataset SET name = %s WHERE dataset_id = %s", (self.dataset, new_id)
        )

    def _wrap(self, error: BaseException) -> ConnectomeDBError:
        return load_error(self.dataset, self.url, f"{self._phase} {self._table}".strip(), error)

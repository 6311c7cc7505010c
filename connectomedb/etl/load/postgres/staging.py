"""A load's second connection to PostgreSQL, so the server builds two tables at once.

One server process does a load's COPY, index builds and statistics one after another, and once
the files are read and the graph is written that is all that runs: one core works, the other
waits. The second connection takes tables from the same feed as the load's own transaction
and writes them, in a transaction of its own, into :data:`~connectomedb.schema.STAGING_SCHEMA`
(the same partitions, created there, filled by COPY, indexed and analyzed). Its transaction
commits only when the load asks for it, once every table is written; the load's transaction
then moves these tables to the partitions' schema and attaches them with its own, so they
become visible with the rest of the dataset or not at all::

    staging = StagingWriter(url, writer_args..., checkpoint=...)   # connects, starts its thread
    ...                                # the load writes the tables the staging writer leaves
    staging.finish()                   # waits for the thread; raises what it raised
    staging.commit()                   # the staged tables now exist, committed and unattached
    ...                                # move them (partitions.move_staged) and attach them
    staging.close()                    # on failure: rolls back, or drops what it committed

A load that is killed between the two commits leaves its staged tables behind: nobody but the
owner can read that schema, and the next load drops whatever is there before it writes
(:func:`~connectomedb.etl.load.postgres.partitions.drop_staged`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection

import psycopg

from connectomedb.etl.load.postgres import partitions
from connectomedb.etl.load.postgres.feed import FrameFeed
from connectomedb.etl.load.postgres.writer import LoadRows, PartitionWriter, StepFn
from connectomedb.schema import STAGING_SCHEMA


class StagingWriter:
    """The second connection's writer thread (see the module docstring)."""

    def __init__(
        self,
        conn: psycopg.Connection,
        feed: FrameFeed,
        *,
        parts: dict[str, str],
        dataset_id: int,
        rows: LoadRows,
        copied: dict[str, int],
        checkpoint: StepFn,
        cancelled: Callable[[], bool],
        analyzed_with_parents: Collection[str] = (),
    ) -> None:
        self._conn = conn
        self._cancelled = cancelled
        self._checkpoint = checkpoint
        #: Where the writer was (phase, table) when it stopped; for error messages.
        self.phase, self.table = "connect", ""
        self.writer = PartitionWriter(
            conn,
            STAGING_SCHEMA,
            parts,
            dataset_id,
            rows,
            self._step,
            copied,
            frozenset(analyzed_with_parents),
        )
        self.error: BaseException | None = None
        self.committed = False
        #: Set once the thread asked the feed for its first table (or ended).
        self.first_taken = threading.Event()
        self._feed = feed
        self._thread = threading.Thread(target=self._run, name="postgres-staging", daemon=True)
        self._thread.start()

    @property
    def parts(self) -> list[str]:
        """The staged tables' partition names, in the order they were written."""
        return [self.writer.parts[t.table] for t in self.writer.tables]

    def _step(self, phase: str, table: str = "") -> None:
        self.phase, self.table = phase, table
        self._checkpoint(phase, table)
        if self._cancelled():
            raise InterruptedError("the load was cancelled")  # reported as its cause

    def _run(self) -> None:
        try:
            self.writer.write_all(self._feed, taken=self.first_taken.set)
        except BaseException as error:  # noqa: BLE001 - handed to the load's thread
            self.error = error
        finally:
            self.first_taken.set()

    def finish(self) -> None:
        """Wait until every table the thread took is written; raise its error."""
        self._thread.join()
        if self.error is not None:
            raise self.error

    def commit(self) -> None:
        """Commit the staged tables (after :meth:`finish`)."""
        self._conn.commit()
        self.committed = True

    def cancel(self) -> None:
        """Make the statement the thread runs end now (it then stops with an error)."""
        try:
            self._conn.cancel_safe(timeout=5)
        except psycopg.Error:
            pass  # nothing to cancel any more

    def close(self, moved: bool = False) -> None:
        """End the connection: roll back what is not committed; drop what was committed,
        unless ``moved`` (the load's transaction committed them as partitions). Stops a
        running thread first. Best effort: what a dead connection cannot drop, the next load
        does."""
        if self._thread.is_alive():
            self.cancel()
            self._thread.join()
        conn = self._conn
        try:
            if conn.closed:
                return
            conn.rollback()
            if self.committed and not moved:
                conn.autocommit = True
                partitions.drop_staged(conn, self.parts)
        except psycopg.Error:
            pass  # a dead connection: the next load drops what is left
        finally:
            conn.close()

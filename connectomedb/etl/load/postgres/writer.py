"""One connection's share of a PostgreSQL load: tables taken from the feed one at a time, each
written into a fresh partition (created, filled by binary COPY, then given its primary key and
indexes, then analyzed). The load's own transaction runs one writer into the partitions'
schema, its second connection another into the staging schema
(:mod:`connectomedb.etl.load.postgres.staging`); the two take turns at the feed, so a table
goes to whichever is free first.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import psycopg

from connectomedb.etl.incoming import IncomingSource
from connectomedb.etl.load.postgres import partitions
from connectomedb.etl.load.postgres.copy_plan import TableCopy
from connectomedb.etl.load.postgres.feed import CopyProgress, FrameFeed
from connectomedb.etl.load.postgres.report import TableLoad
from connectomedb.etl.transform import source_table_counts
from connectomedb.schema import DATA_TABLES

#: ``progress(step, rows done, rows total)``.
ProgressFn = Callable[[str, int, int], None]
#: ``checkpoint(phase, table)`` before each statement of a table.
StepFn = Callable[[str, str], None]

_TABLES = {table.name: table for table in DATA_TABLES}


@dataclass
class LoadRows:
    """Rows copied so far by every writer of a load, and the rows it will copy in all (known
    once the files are read and as the derived tables are built), for progress reports."""

    source: IncomingSource
    progress: ProgressFn
    done: int = 0
    total: int = 0
    _counted: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def starting(self, rows: int) -> tuple[int, int]:
        """Rows done and the total, as a table of ``rows`` rows starts."""
        with self._lock:
            if not self._counted and self.source.ready:
                self._counted = True
                counts = source_table_counts(self.source.result())
                self.total = max(self.total, sum(counts.values()))
            self.total = max(self.total, self.done + rows)
            return self.done, self.total

    def finished(self, step: str, rows: int) -> None:
        with self._lock:
            self.done += rows
            done, total = self.done, self.total
        self.progress(step, done, total)


@dataclass
class PartitionWriter:
    """Writes tables over ``conn`` into partitions named by ``parts`` in ``schema``; records
    each table's :class:`TableLoad` in ``tables`` and the rows the server stored in
    ``copied``. ``step(phase, table)`` is called before each statement (a checkpoint)."""

    conn: psycopg.Connection
    schema: str
    parts: dict[str, str]
    dataset_id: int
    rows: LoadRows
    step: StepFn
    copied: dict[str, int]
    #: Tables whose partitions the statistics step analyzes with their parents: not here.
    analyzed_with_parents: frozenset[str] = frozenset()
    tables: list[TableLoad] = field(default_factory=list)
    #: Seconds spent waiting for the feed to hand over a table's rows.
    waited: float = 0.0

    def take(self, feed: FrameFeed) -> TableCopy | None:
        started = time.perf_counter()
        try:
            return feed.take()
        finally:
            self.waited += time.perf_counter() - started

    def write_all(self, feed: FrameFeed, taken: Callable[[], None] = lambda: None) -> None:
        """Write every table the feed hands this writer, until it has no more; ``taken()``
        runs each time the feed answered (a table or the end)."""
        while True:
            step = self.take(feed)
            taken()
            if step is None:
                return
            table, in_order = self.copy(step)
            del step  # the feed held the only other reference: the rows go now
            self.index(table, in_order)

    def copy(self, step: TableCopy) -> tuple[TableLoad, list[tuple[str, ...]]]:
        """Create the table's partition and COPY the rows into it; returns its
        :class:`TableLoad` and the index keys its rows came sorted by."""
        step = step.for_dataset(self.dataset_id)
        name, part = step.table.name, self.parts[step.table.name]
        done, total = self.rows.starting(step.rows)
        self.step("create", name)
        partitions.create_partition(self.conn, step.table, part, self.dataset_id, self.schema)
        self.step("copy", name)
        started = time.perf_counter()
        sent = CopyProgress(f"copy {name}", done, total, self.rows.progress)
        statement = partitions.copy_statement(part, step.column_names, self.schema)
        with self.conn.cursor() as cur:
            with cur.copy(statement) as copy:
                step.write(copy, sent)
            # What the server reports it stored: the verify step compares it with the
            # source (counting the rows again would only repeat this number).
            self.copied[name] = cur.rowcount
        self.rows.finished(f"copy {name}", step.rows)
        in_order = [k for k in partitions.index_keys(step.table) if step.in_order(k)]
        return TableLoad(name, step.rows, time.perf_counter() - started), in_order

    def index(self, table: TableLoad, in_order: list[tuple[str, ...]]) -> None:
        """The primary key and indexes of a table :meth:`copy` filled, then its statistics."""
        name, part = table.table, self.parts[table.table]
        self.step("index", name)
        started = time.perf_counter()
        partitions.index_partition(self.conn, _TABLES[name], part, in_order, self.schema)
        table.index_seconds = time.perf_counter() - started
        self.step("analyze", name)
        started = time.perf_counter()
        with_parent = name in self.analyzed_with_parents
        partitions.analyze_partition(self.conn, part, with_parent, self.schema)
        table.analyze_seconds = time.perf_counter() - started
        self.tables.append(table)

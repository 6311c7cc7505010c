"""The partitions of one dataset version: their names and every statement that creates, fills
the indexes of, attaches, analyzes, detaches or drops them.

Every data table is LIST-partitioned by ``dataset_id``; a version's partition of table ``t`` is
``<PARTITION_SCHEMA>.t_d<dataset_id>_<generation>``. A partition the load's second connection
builds is made in :data:`STAGING_SCHEMA` and committed there, unattached, until the load's
transaction moves it over and attaches it (see :mod:`connectomedb.etl.load.postgres.staging`).
All statements run inside the caller's transaction; names come from the model through
``sql.Identifier``.
"""

from __future__ import annotations

import time
from collections.abc import Collection

import psycopg
from psycopg import sql
from sqlalchemy import Table

from connectomedb.errors import LoadError
from connectomedb.schema import DATA_TABLES, PARTITION_SCHEMA, STAGING_SCHEMA


def partition_names(dataset_id: int, generation: str) -> dict[str, str]:
    """Table name → the name of its partition for this dataset version."""
    return {t.name: f"{t.name}_d{dataset_id}_{generation}" for t in DATA_TABLES}


def _part(name: str, schema: str = PARTITION_SCHEMA) -> sql.Identifier:
    return sql.Identifier(schema, name)


def _parent(table: str) -> sql.Identifier:
    return sql.Identifier("public", table)


def create_partition(
    conn: psycopg.Connection,
    table: Table,
    part: str,
    dataset_id: int,
    schema: str = PARTITION_SCHEMA,
) -> None:
    """An empty table shaped like ``table`` whose CHECK constraint spares ATTACH the scan of
    its rows (no indexes yet: they are built after the COPY)."""
    conn.execute(
        sql.SQL(
            "CREATE TABLE {part} (LIKE {parent}, CONSTRAINT {check} CHECK (dataset_id = {id}))"
        ).format(
            part=_part(part, schema),
            parent=_parent(table.name),
            check=sql.Identifier(part + "_ds"),
            id=sql.Literal(dataset_id),
        )
    )


def copy_statement(part: str, columns: list[str], schema: str = PARTITION_SCHEMA) -> sql.Composed:
    """``COPY`` of binary rows into the partition ``part``, created earlier in the same
    transaction: its rows are written frozen and all-visible, so no later pass rewrites its
    pages to set hint bits and index-only scans work from the first query."""
    return sql.SQL("COPY {part} ({cols}) FROM STDIN (FORMAT BINARY, FREEZE)").format(
        part=_part(part, schema), cols=sql.SQL(", ").join(map(sql.Identifier, columns))
    )


#: ``maintenance_work_mem`` of an index build whose rows come in the index's order: the sort
#: finds them sorted and hands them on, and a memory this large spares writing sorted runs out
#: and merging them back (the sort takes only what its rows need: the primary key of 15 million
#: segments 745 MB, built in 6.2 CPU-s instead of 7.7 with 256 MB and a merge of sorted runs).
SORTED_INDEX_MEMORY = "1GB"
#: ``maintenance_work_mem`` of an index build whose rows come in another order. Comparing
#: index tuples that lie apart in a large sort memory waits on the processor's memory much more
#: than it computes: sorting runs small enough for its caches and merging them costs a third
#: less CPU (an index on ``(dataset_id, segment_id)`` of 3.5 million rows in owner order: 5.2
#: instead of 7.9 CPU-s with 256MB).
UNSORTED_INDEX_MEMORY = "8MB"


def index_keys(table: Table) -> list[tuple[str, ...]]:
    """The columns of the primary key (if any) and of each index of ``table``, in the order
    :func:`index_partition` builds them."""
    keys = [tuple(c.name for c in table.primary_key.columns)]
    keys = [k for k in keys if k]
    for index in sorted(table.indexes, key=lambda x: str(x.name)):
        keys.append(tuple(c.name for c in index.columns))
    return keys


def index_partition(
    conn: psycopg.Connection,
    table: Table,
    part: str,
    in_order: Collection[tuple[str, ...]] = (),
    schema: str = PARTITION_SCHEMA,
) -> None:
    """The primary key and the indexes of ``table``, built on its filled partition; those
    whose columns are in ``in_order`` (the rows were copied sorted by them) with the sort memory
    for presorted rows, the others with the small one."""
    keys = index_keys(table)
    has_pk = bool(table.primary_key.columns)
    memory = conn.execute("SELECT current_setting('maintenance_work_mem')").fetchone()
    for i, key in enumerate(keys):
        cols = sql.SQL(", ").join(map(sql.Identifier, key))
        conn.execute(
            "SELECT set_config('maintenance_work_mem', %s, true)",
            (SORTED_INDEX_MEMORY if key in in_order else UNSORTED_INDEX_MEMORY,),
        )
        if i == 0 and has_pk:
            statement = sql.SQL("ALTER TABLE {part} ADD CONSTRAINT {name} PRIMARY KEY ({cols})")
            name = part + "_pk"
        else:
            statement = sql.SQL("CREATE INDEX {name} ON {part} ({cols})")
            name = f"{part}_ix{i + (0 if has_pk else 1)}"
        conn.execute(
            statement.format(part=_part(part, schema), name=sql.Identifier(name), cols=cols)
        )
    if memory is not None:
        conn.execute("SELECT set_config('maintenance_work_mem', %s, true)", (memory[0],))


def attach_partition(conn: psycopg.Connection, table: str, part: str, dataset_id: int) -> None:
    """ATTACH takes SHARE UPDATE EXCLUSIVE on the parent: readers go on undisturbed. The
    foreign keys of the new partition are validated here."""
    conn.execute(
        sql.SQL("ALTER TABLE {parent} ATTACH PARTITION {part} FOR VALUES IN ({id})").format(
            parent=_parent(table), part=_part(part), id=sql.Literal(dataset_id)
        )
    )


def analyze_partition(
    conn: psycopg.Connection,
    part: str,
    with_parent: bool = False,
    schema: str = PARTITION_SCHEMA,
) -> None:
    """``ANALYZE`` the partition, unless ``with_parent``: the ``ANALYZE`` of its parent
    analyzes it anyway (see :func:`connectomedb.stores.views.analyzed_with_parents`)."""
    if not with_parent:
        conn.execute(sql.SQL("ANALYZE {part}").format(part=_part(part, schema)))


def move_staged(conn: psycopg.Connection, part: str) -> None:
    """Move the committed table ``part`` (with its indexes) from :data:`STAGING_SCHEMA` to
    the partitions' schema: catalog work, undone by a rollback."""
    conn.execute(
        sql.SQL("ALTER TABLE {staged} SET SCHEMA {schema}").format(
            staged=_part(part, STAGING_SCHEMA), schema=sql.Identifier(PARTITION_SCHEMA)
        )
    )


def drop_staged(conn: psycopg.Connection, parts: Collection[str] | None = None) -> None:
    """Drop the tables ``parts`` of :data:`STAGING_SCHEMA` that are still there, or (``None``)
    every table there: what loads that ended without their commit left (only a load holding
    the load lock may drop them all: no other load is building any then)."""
    if parts is None:
        found = conn.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = %s AND c.relkind = 'r'",
            (STAGING_SCHEMA,),
        ).fetchall()
        parts = [r[0] for r in found]
    for part in parts:
        conn.execute(
            sql.SQL("DROP TABLE IF EXISTS {staged}").format(staged=_part(part, STAGING_SCHEMA))
        )


def partitions_of(conn: psycopg.Connection, table: str, dataset_id: int) -> list[str]:
    """The partitions of ``table`` attached for ``dataset_id`` (any generation)."""
    prefix = f"{table}_d{dataset_id}_"
    found = conn.execute(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
        " JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE i.inhparent = %s::regclass AND n.nspname = %s AND left(c.relname, %s) = %s",
        (f"public.{table}", PARTITION_SCHEMA, len(prefix), prefix),
    ).fetchall()
    return [r[0] for r in found]


def drop_partitions(conn: psycopg.Connection, table: str, dataset_id: int) -> None:
    """Detach and drop the partitions of ``table`` of ``dataset_id`` (catalog work; DETACH
    locks the parent exclusively until the transaction ends)."""
    for old in partitions_of(conn, table, dataset_id):
        conn.execute(
            sql.SQL("ALTER TABLE {parent} DETACH PARTITION {old}").format(
                parent=_parent(table), old=_part(old)
            )
        )
        conn.execute(sql.SQL("DROP TABLE {old}").format(old=_part(old)))


def lock_parents(conn: psycopg.Connection, dataset: str, seconds: float) -> None:
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
    tables = sql.SQL(", ").join(_parent(name) for name in names)
    statement = sql.SQL("LOCK TABLE {} IN ACCESS EXCLUSIVE MODE NOWAIT").format(tables)
    deadline = time.monotonic() + seconds
    delay = 0.005
    while True:
        try:
            with conn.transaction():  # a savepoint
                conn.execute(statement)
            return
        except psycopg.errors.LockNotAvailable:
            if time.monotonic() > deadline:
                raise LoadError(
                    f"dataset {dataset!r}: the tables stayed in use by other sessions "
                    f"for {seconds:g} s, so the new version could not replace the "
                    "old one. Nothing was changed; run the load again when the long "
                    "queries have finished."
                ) from None
            time.sleep(delay)
            delay = min(delay * 2, 0.25)

"""SQL helpers of the PostgreSQL loader: rows for psycopg's COPY, partition lookup, views."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import psycopg
from psycopg import sql

from connectomedb.etl.load.pgcopy import CopyColumn
from connectomedb.schema import PARTITION_SCHEMA


def text_rows(columns: Sequence[CopyColumn], n: int) -> Iterator[list[object]]:
    values = []
    for c in columns:
        if c.values is None:
            values.append([c.constant] * n)
        else:
            listed = c.values.tolist()
            if c.null is not None:
                nulls = c.null.tolist()
                listed = [None if null else v for v, null in zip(listed, nulls, strict=True)]
            values.append(listed)
    for i in range(n):
        yield [col[i] for col in values]


def refresh_materialized_views(conn: psycopg.Connection) -> None:
    """Gather the statistics of the partitioned parents the queries join, refresh the
    materialized views and gather theirs, all inside the load's transaction, so they change
    together with the data (CONCURRENTLY: readers keep the old contents until the commit).

    ``ANALYZE`` of a partition leaves its parent without statistics, and PostgreSQL plans a join
    over a partitioned table with the parent's; autovacuum never analyzes a parent. The view
    refresh itself joins the parents, so they are analyzed first."""
    try:
        from connectomedb.queries.views import ANALYZED, MATERIALIZED
    except ModuleNotFoundError:
        return
    conn.execute(
        sql.SQL("ANALYZE {tables}").format(
            tables=sql.SQL(", ").join(sql.Identifier("public", t) for t in ANALYZED)
        )
    )
    rows = conn.execute(
        "SELECT matviewname, ispopulated FROM pg_matviews WHERE schemaname = 'public'"
    ).fetchall()
    present = {name: populated for name, populated in rows}
    refreshed = []
    for view in MATERIALIZED:
        if view not in present:
            continue  # a schema version without this view
        statement = (
            "REFRESH MATERIALIZED VIEW CONCURRENTLY {v}"
            if present[view]
            else ("REFRESH MATERIALIZED VIEW {v}")
        )
        conn.execute(sql.SQL(statement).format(v=sql.Identifier("public", view)))
        refreshed.append(view)
    if refreshed:
        conn.execute(
            sql.SQL("ANALYZE {views}").format(
                views=sql.SQL(", ").join(sql.Identifier("public", v) for v in refreshed)
            )
        )


def partitions_of(conn: psycopg.Connection, table: str, dataset_id: int) -> list[str]:
    prefix = f"{table}_d{dataset_id}_"
    found = conn.execute(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
        " JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE i.inhparent = %s::regclass AND n.nspname = %s AND left(c.relname, %s) = %s",
        (f"public.{table}", PARTITION_SCHEMA, len(prefix), prefix),
    ).fetchall()
    return [r[0] for r in found]

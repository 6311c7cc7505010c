"""Whatever PostgreSQL connection a caller has: psycopg 3, a SQLAlchemy Engine or Connection,
or a DB-API connection (psycopg2). One statement runs through :func:`execute` or
:func:`fetch`; :func:`psycopg_connection` gives a psycopg connection from any of them or from a
URL; :func:`detect_engine` tells a SQL connection from a graph store.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias, cast

from connectomedb.errors import QueryError

if TYPE_CHECKING:
    import psycopg
    from psycopg.sql import Composable
    from sqlalchemy.engine import Connection as SAConnection
    from sqlalchemy.engine import Engine

    from connectomedb.stores.graph import GraphStore


class DbApiConnection(Protocol):
    """A DB-API 2.0 connection (psycopg2's, for example)."""

    def cursor(self) -> Any: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...


#: A connection to PostgreSQL, as the library accepts it.
SqlConnection: TypeAlias = "psycopg.Connection[Any] | Engine | SAConnection | DbApiConnection"
#: What a query runs on: PostgreSQL (SQL) or a graph store (Cypher).
Connection: TypeAlias = "SqlConnection | GraphStore"

Rows = list[tuple[Any, ...]]


def is_graph_store(conn: object) -> bool:
    return callable(getattr(conn, "run", None)) and callable(getattr(conn, "dataset_key", None))


def is_sql_connection(conn: object) -> bool:
    return type(conn).__module__.startswith(("sqlalchemy", "psycopg"))


def detect_engine(conn: object) -> str:
    """``sql`` for SQLAlchemy and psycopg connections, ``cypher`` for a graph store."""
    if is_graph_store(conn):
        return "cypher"
    if is_sql_connection(conn):
        return "sql"
    raise QueryError(
        f"cannot run a query on a {type(conn).__name__}. Pass a SQLAlchemy Engine or "
        "Connection, a psycopg connection, or a graph store (connectomedb.stores.graph)."
    )


def _run(
    conn: SqlConnection, sql: str | Composable, params: Mapping[str, Any] | None
) -> tuple[list[str] | None, Rows]:
    """(column names, rows) of one statement; ``None`` columns for a statement without a
    result. An Engine lends a connection for the statement. A statement composed with
    :mod:`psycopg.sql` is rendered by the psycopg connection underneath."""
    if type(conn).__module__.startswith("sqlalchemy"):
        from sqlalchemy.engine import Connection as SAConnection
        from sqlalchemy.engine import Engine

        if isinstance(conn, Engine):
            with conn.connect() as connection:
                return _run(connection, sql, params)
        sa = cast(SAConnection, conn)
        text = sql if isinstance(sql, str) else sql.as_string(sa.connection.driver_connection)
        result = (
            sa.exec_driver_sql(text) if params is None else sa.exec_driver_sql(text, dict(params))
        )
        if not result.returns_rows:
            return None, []
        return list(result.keys()), [tuple(r) for r in result.fetchall()]
    cur = cast(DbApiConnection, conn).cursor()
    try:
        cur.execute(sql, params)
        if cur.description is None:
            return None, []
        return [d[0] for d in cur.description], cur.fetchall()
    finally:
        cur.close()


def fetch(
    conn: SqlConnection, sql: str, params: Mapping[str, Any] | None = None
) -> tuple[list[str], Rows]:
    """Run one statement that returns rows; (column names, rows)."""
    columns, rows = _run(conn, sql, params)
    return columns or [], rows


def execute(
    conn: SqlConnection, sql: str | Composable, params: Mapping[str, Any] | None = None
) -> Rows:
    """Run one statement; its rows (none for a statement without a result). The caller
    commits."""
    return _run(conn, sql, params)[1]


@contextmanager
def psycopg_connection(pg: SqlConnection | str) -> Iterator[psycopg.Connection[Any]]:
    """A psycopg connection from a psycopg connection, a SQLAlchemy Engine or Connection, or a
    PostgreSQL URL (opened and closed here)."""
    import psycopg

    if isinstance(pg, psycopg.Connection):
        yield pg
        return
    if isinstance(pg, str):
        from connectomedb.stores.postgres import connect

        with connect(pg) as conn:
            yield conn
        return
    from sqlalchemy.engine import Connection as SAConnection
    from sqlalchemy.engine import Engine

    if isinstance(pg, Engine):
        raw = pg.raw_connection()
        try:
            yield raw.driver_connection  # type: ignore[misc]
        finally:
            raw.close()
        return
    if isinstance(pg, SAConnection):
        yield pg.connection.driver_connection  # type: ignore[misc]
        return
    raise TypeError(
        f"expected a psycopg connection, a SQLAlchemy engine or connection, or a URL; "
        f"found {type(pg).__name__}"
    )

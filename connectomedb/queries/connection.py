"""Running one SQL statement on whatever PostgreSQL connection the caller gave the library."""

from __future__ import annotations

from typing import Any


def sql_fetch(conn: Any, sql: str, params: dict[str, Any]) -> tuple[list[str], list[tuple]]:
    """Run one statement on a SQLAlchemy Engine/Connection or a psycopg connection;
    (columns, rows)."""
    module = type(conn).__module__
    if module.startswith("sqlalchemy"):
        from sqlalchemy.engine import Engine

        if isinstance(conn, Engine):
            with conn.connect() as connection:
                return sql_fetch(connection, sql, params)
        result = conn.exec_driver_sql(sql, params)
        return list(result.keys()), [tuple(r) for r in result.fetchall()]
    with conn.cursor() as cur:
        cur.execute(sql, params)
        columns = [d.name for d in cur.description]
        return columns, cur.fetchall()


def sql_datasets(conn: Any) -> list[str]:
    """The names of the datasets loaded in PostgreSQL, sorted."""
    _, rows = sql_fetch(conn, "SELECT name FROM dataset ORDER BY name", {})
    return [r[0] for r in rows]

"""SQL statements typed by a user, run on the configured PostgreSQL.

Every statement runs in its own transaction, ``READ ONLY`` unless the console was opened with
``write=True`` (PostgreSQL then refuses any write, whatever the statement); a statement with a
clause that writes is refused before it is sent, with the way to allow it. ``%(dataset)s``
stands for the dataset name.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import psycopg

from connectomedb.config import Settings
from connectomedb.console.session import Session, refusal
from connectomedb.errors import QueryError

SCHEMA = (
    "SELECT CASE WHEN t.table_type = 'VIEW' THEN 'view' ELSE 'table' END AS kind, "
    "c.table_name AS name, string_agg(c.column_name || ' ' || c.data_type, ', ' "
    "ORDER BY c.ordinal_position) AS properties, '' AS connects "
    "FROM information_schema.columns c JOIN information_schema.tables t "
    "USING (table_schema, table_name) WHERE c.table_schema = current_schema() "
    "AND c.table_name <> 'alembic_version' GROUP BY 1, 2 "
    "UNION ALL SELECT 'view', m.matviewname, string_agg(a.attname || ' ' || "
    "format_type(a.atttypid, a.atttypmod), ', ' ORDER BY a.attnum), '' "
    "FROM pg_matviews m JOIN pg_attribute a ON a.attrelid = (quote_ident(m.schemaname) || '.' "
    "|| quote_ident(m.matviewname))::regclass AND a.attnum > 0 AND NOT a.attisdropped "
    "WHERE m.schemaname = current_schema() GROUP BY 2 ORDER BY 1, 2"
)


class SqlConsole(Session):
    """One user's SQL session on the configured PostgreSQL."""

    language = "sql"

    def __init__(self, settings: Settings, *, dataset: str | None = None, write: bool = False):
        from connectomedb.stores.postgres import psycopg_url, resolve

        super().__init__(dataset=dataset, write=write)
        target = resolve(settings)
        try:
            self.conn = psycopg.connect(psycopg_url(target.url))
        except psycopg.OperationalError as error:
            raise QueryError(f"sql: cannot connect to PostgreSQL: {error}".strip()) from None
        self.conn.read_only = not write

    def _connection(self) -> psycopg.Connection[Any]:
        return self.conn

    def _only_dataset(self) -> str:
        name = super()._only_dataset()
        self.conn.rollback()  # ends the listing's transaction: each statement runs in its own
        return name

    def describe_params(self) -> dict[str, Any]:
        return {"dataset": self.dataset}

    def _one(self, statement: str, params: dict[str, Any]) -> pd.DataFrame:
        # Placeholders only when the statement has one: a bare '%' (LIKE 'a%') stays text.
        values = {**params, "dataset": self.dataset} if "%(" in statement else None
        try:
            with self.conn.transaction(), self.conn.cursor() as cur:
                cur.execute(statement, values)  # type: ignore[arg-type]
                if cur.description is None:
                    return pd.DataFrame({"status": [cur.statusmessage or ""]})
                columns = [d.name for d in cur.description]
                return pd.DataFrame.from_records(cur.fetchall(), columns=columns)
        except psycopg.errors.ReadOnlySqlTransaction:
            raise refusal("the server refused a write", self.language) from None
        except (psycopg.Error, KeyError) as error:
            message = (
                str(error).strip()
                if not isinstance(error, KeyError)
                else (f"no parameter {error}. Set it with -p NAME VALUE or :param NAME VALUE")
            )
            raise QueryError(f"sql: PostgreSQL rejected the statement: {message}") from None

    def schema(self) -> pd.DataFrame:
        return self._one(SCHEMA, {})

    def close(self) -> None:
        self.conn.close()

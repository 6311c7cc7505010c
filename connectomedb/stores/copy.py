"""``COPY`` of a small DataFrame into a PostgreSQL table (the catalogue tables of tracings and
training cubes)."""

from __future__ import annotations

import io

import pandas as pd
import psycopg


def copy_frame(conn: psycopg.Connection, table: str, frame: pd.DataFrame) -> None:
    """``COPY table (columns of frame)`` from ``frame`` rendered as CSV by Arrow: strings are
    quoted, NULL is an unquoted empty field (so an empty comment stays an empty string)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    buffer = io.BytesIO()
    arrow = pa.Table.from_pandas(frame, preserve_index=False)
    pacsv.write_csv(arrow, buffer, write_options=pacsv.WriteOptions(include_header=False))
    columns = ", ".join(frame.columns)  # the model's own column names, never user input
    with conn.cursor() as cur:
        with cur.copy(f"COPY {table} ({columns}) FROM STDIN (FORMAT csv)") as copy:
            copy.write(buffer.getbuffer())

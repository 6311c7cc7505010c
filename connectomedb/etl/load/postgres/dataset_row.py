"""The ``dataset`` row of a load: the version of the dataset it writes, where it came from and
the data model its rows are built with (:data:`~connectomedb.schema.POSTGRES_MODEL_VERSION`)."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from connectomedb.etl.frames import SourceDataset
from connectomedb.schema import POSTGRES_MODEL_VERSION


def files_record(source: SourceDataset) -> dict[str, dict[str, Any]]:
    """What the row records of the files ``source`` was read from: file name → sha256, size,
    info."""
    return {
        name: {"sha256": f.sha256, "size": f.size, "info": f.info}
        for name, f in sorted(source.files.items())
    }


def insert_dataset(
    conn: psycopg.Connection, name: str, source: str, files: dict[str, Any], loader: str
) -> int:
    """A new ``dataset`` row (its row counts are set once they are verified): its id."""
    row = conn.execute(
        "INSERT INTO public.dataset (name, source, files, loader_version, model_version)"
        " VALUES (%s, %s, %s, %s, %s) RETURNING dataset_id",
        (name, source, Jsonb(files), loader, POSTGRES_MODEL_VERSION),
    ).fetchone()
    assert row is not None  # INSERT … RETURNING returns the row it inserted
    return int(row[0])


def finish_dataset(
    conn: psycopg.Connection,
    dataset_id: int,
    source: str,
    files: dict[str, Any],
    counts: dict[str, int],
    loader: str,
) -> None:
    """The verified row counts, and the time the load's rows were complete."""
    conn.execute(
        "UPDATE public.dataset SET source = %s, files = %s, row_counts = %s,"
        " loaded_at = clock_timestamp(), loader_version = %s, model_version = %s"
        " WHERE dataset_id = %s",
        (source, Jsonb(files), Jsonb(counts), loader, POSTGRES_MODEL_VERSION, dataset_id),
    )

"""What a load COPYs into each table: the columns with their PostgreSQL types, checked to fit
before the table's COPY (a failing check rolls the load's transaction back), and how their rows
reach ``COPY … FROM STDIN``.

::

    plan = copy_plan(frames)                  # InputError when a value does not fit
    for step in plan:
        step = step.for_dataset(dataset_id)
        with cur.copy(copy_statement(part, step.column_names)) as copy:
            step.write(copy)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from sqlalchemy import BigInteger, Boolean, Double, Integer, SmallInteger, Table, Text
from sqlalchemy.dialects.postgresql import REAL

from connectomedb.config import mask_secrets, mask_url
from connectomedb.errors import InputError, LoadError
from connectomedb.etl.load.postgres.pgcopy import (
    CopyColumn,
    ValueRangeError,
    check_range,
    copy_chunks,
)
from connectomedb.etl.tables import TableFrame
from connectomedb.schema import DATA_TABLES

#: Which source file a table's rows come from, for error messages.
TABLE_FILES: dict[str, str] = {
    "axon_class": "axons.hdf5",
    "axon": "axons.hdf5",
    "axon_segment": "axons.hdf5",
    "axon_skeleton_node": "axons.hdf5",
    "axon_skeleton_edge": "axons.hdf5",
    "target_class": "dendrites.hdf5",
    "target": "dendrites.hdf5",
    "neuron": "dendrites.hdf5",
    "target_segment": "dendrites.hdf5",
    "target_skeleton_node": "dendrites.hdf5",
    "target_skeleton_edge": "dendrites.hdf5",
    "spine_head": "dendrites.hdf5",
    "spine_head_segment": "dendrites.hdf5",
    "synapse_type": "synapses.hdf5",
    "synapse": "synapses.hdf5",
    "synapse_pre_segment": "synapses.hdf5",
    "synapse_post_segment": "synapses.hdf5",
    "segment": "segments.hdf5",
    "class_connectome": "connectome.csv",
    "connection": "synapses.hdf5",
    "axon_pair": "synapses.hdf5",
    "motif_histogram": "synapses.hdf5",
    "class_synapse_stat": "synapses.hdf5",
    "class_degree_cell": "synapses.hdf5",
    "class_axon_fraction": "synapses.hdf5",
    "neurite_class_stat": "synapses.hdf5",
    "class_pair_cv": "synapses.hdf5",
    "connectome_synapse": "synapses.hdf5",
    "bi_class_matrix_data": "synapses.hdf5",
    "bi_axon_summary_data": "axons.hdf5",
    "bi_target_summary_data": "dendrites.hdf5",
    "bi_neuron_inputs_data": "synapses.hdf5",
    "class_specificity": "synapses.hdf5",
    "class_connectome_sum": "connectome.csv",
    "class_degree_suffix": "synapses.hdf5",
    "class_specificity_target": "synapses.hdf5",
}


def load_error(dataset: str, url: str, where: str, error: BaseException) -> LoadError:
    """The error of a load of ``dataset`` that failed ``where`` (``"<phase> <table>"``) with
    ``error``: which file refers to what is missing, for a foreign key the rows break."""
    table = where.partition(" ")[2]
    text = str(error).strip().replace("\n", " ")
    if type(error).__name__ == "ForeignKeyViolation":
        source_file = TABLE_FILES.get(table, "the source files")
        return LoadError(
            f"loading dataset {dataset!r} into PostgreSQL failed: {source_file} refers "
            f"to an object that does not exist ({text}). Nothing was changed; the previous "
            "data is intact. Fix the file and load again."
        )
    return LoadError(
        f"loading dataset {dataset!r} into PostgreSQL at {mask_url(url)} failed "
        f"during {where}: {mask_secrets(text, url)}. "
        "Nothing was changed; the previous data is intact. Load again once the cause is fixed."
    )


_PG_TYPES = (
    (SmallInteger, "int2"),
    (BigInteger, "int8"),
    (Integer, "int4"),
    (REAL, "float4"),
    (Double, "float8"),
    (Text, "text"),
    (Boolean, "bool"),
)


def pg_type(column: Any) -> str:
    """The PostgreSQL type name (``int4``…) a model column is copied as."""
    for sa_type, name in _PG_TYPES:
        if isinstance(column.type, sa_type):
            return name
    raise TypeError(f"no COPY type for {column.table.name}.{column.name} ({column.type!r})")


@dataclass(frozen=True)
class TableCopy:
    """The rows of one table: its model, the frame and the columns in table order
    (``dataset_id`` a constant)."""

    table: Table
    frame: TableFrame
    columns: list[CopyColumn]

    @property
    def rows(self) -> int:
        return self.frame.n

    @property
    def nbytes(self) -> int:
        """Bytes the rows' values and NULL masks hold (what sending them frees)."""
        return sum(
            (0 if c.values is None else c.values.nbytes) + (0 if c.null is None else c.null.nbytes)
            for c in self.columns
        )

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def for_dataset(self, dataset_id: int) -> TableCopy:
        """The same rows with ``dataset_id`` set to this dataset's."""
        columns = [
            CopyColumn(c.name, c.pg_type, constant=dataset_id) if c.name == "dataset_id" else c
            for c in self.columns
        ]
        return replace(self, columns=columns)

    @property
    def has_text(self) -> bool:
        """Whether rows have text columns (and so differ in size)."""
        return any(c.pg_type == "text" for c in self.columns)

    def in_order(self, key: tuple[str, ...]) -> bool:
        """Whether the rows come sorted by the columns ``key`` as an index on them orders
        them: ascending by the first, rows equal in it by the second, and so on (a column with
        NULLs or text counts as unsorted: text sorts by the database's collation)."""
        by_name = {c.name: c for c in self.columns}
        tied = np.ones(max(self.rows - 1, 0), dtype=bool)  # row i+1 equals row i so far
        for name in key:
            col = by_name[name]
            if col.values is None:
                continue  # a constant
            if col.pg_type == "text" or (col.null is not None and bool(col.null.any())):
                return False
            before, after = col.values[:-1], col.values[1:]
            if bool((tied & (after < before)).any()):
                return False
            tied &= after == before
            if not tied.any():
                break
        return True

    def chunks(self) -> Iterator[tuple[memoryview | bytes, int]]:
        """PGCOPY buffers and the rows in each."""
        return copy_chunks(self.columns, self.frame.n)

    def write(self, copy: Any, progress: Callable[[int], None] | None = None) -> None:
        """Send every row to an open psycopg ``Copy``; ``progress(rows)`` after each chunk."""
        for buffer, rows in self.chunks():
            copy.write(buffer)
            if rows and progress is not None:
                progress(rows)


def copy_plan(frames: dict[str, TableFrame], dataset_id: int = 0) -> list[TableCopy]:
    """Every data table's :class:`TableCopy`, in load order. Raises
    :class:`~connectomedb.errors.InputError` (naming the source file, table, column and row)
    when a value does not fit its column's type or a required column has none."""
    return [table_copy(table, frames[table.name], dataset_id) for table in DATA_TABLES]


def table_copy(table: Table, frame: TableFrame, dataset_id: int = 0) -> TableCopy:
    """The :class:`TableCopy` of one table, its values checked as :func:`copy_plan` does."""
    columns = []
    for column in table.columns:
        kind = pg_type(column)
        if column.name == "dataset_id":
            columns.append(CopyColumn("dataset_id", kind, constant=dataset_id))
            continue
        col = frame.column(column.name)
        copy_col = CopyColumn(column.name, kind, col.values, col.null)
        _check(table, column, copy_col)
        columns.append(copy_col)
    return TableCopy(table, frame, columns)


def _check(table: Table, column: Any, copy_col: CopyColumn) -> None:
    where = f"table {table.name}, column {column.name}"
    source_file = TABLE_FILES.get(table.name, table.name)
    try:
        check_range(copy_col)
    except ValueRangeError as error:
        raise InputError(
            source_file,
            where,
            f"a value that fits PostgreSQL {copy_col.pg_type}",
            str(error.value),
            element=error.row + 1,
        ) from None
    null = copy_col.null
    if not column.nullable and null is not None and bool(null.any()):
        raise InputError(
            source_file,
            where,
            "a value (the column is required)",
            "none",
            element=int(np.flatnonzero(null)[0]) + 1,
        )

"""Binary COPY buffers built from NumPy round-trip through PostgreSQL exactly (property test);
the order check of the copied rows agrees with sorting them."""

from __future__ import annotations

import numpy as np
import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from connectomedb.etl.load.postgres.pgcopy import (
    CopyColumn,
    ValueRangeError,
    check_range,
    copy_chunks,
)
from connectomedb.schema import DATA_TABLES

TYPES = {
    "int2": np.int16,
    "int4": np.int32,
    "int8": np.int64,
    "float4": np.float32,
    "float8": np.float64,
}


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[CopyColumn], int]:
    n = draw(st.integers(0, 40))
    kinds = draw(st.lists(st.sampled_from(sorted(TYPES)), min_size=1, max_size=6))
    columns = []
    for i, kind in enumerate(kinds):
        dtype = TYPES[kind]
        if kind.startswith("float"):
            elements = st.floats(width=32 if kind == "float4" else 64, allow_nan=False)
        else:
            info = np.iinfo(dtype)
            elements = st.integers(int(info.min), int(info.max))
        values = draw(hnp.arrays(dtype, n, elements=elements))
        null = draw(st.one_of(st.none(), hnp.arrays(np.bool_, n)))
        columns.append(CopyColumn(f"c{i}", kind, values, null))
    return columns, n


@pytest.fixture
def conn(fresh_db_url: str):  # type: ignore[no-untyped-def]
    with psycopg.connect(fresh_db_url, autocommit=True) as connection:
        connection.prepare_threshold = None  # the table changes shape between examples
        yield connection


def _round_trip(
    conn: psycopg.Connection, columns: list[CopyColumn], n: int, chunk: int
) -> list[tuple[object, ...]]:
    """The rows of a fresh table ``rt`` after a binary COPY of ``columns`` in chunks of
    ``chunk`` rows."""
    conn.execute("DROP TABLE IF EXISTS rt")
    conn.execute("CREATE TABLE rt (" + ", ".join(f"{c.name} {c.pg_type}" for c in columns) + ")")
    with conn.cursor().copy("COPY rt FROM STDIN (FORMAT BINARY)") as copy:
        for buffer, _rows in copy_chunks(columns, n, rows_per_chunk=chunk):
            copy.write(buffer)
    return conn.execute("SELECT " + ", ".join(c.name for c in columns) + " FROM rt").fetchall()


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(table=tables(), chunk=st.integers(1, 7))
def test_binary_copy_round_trip(conn: psycopg.Connection, table, chunk: int) -> None:  # type: ignore[no-untyped-def]
    columns, n = table
    got = _round_trip(conn, columns, n, chunk)
    # COPY keeps the row order of a fresh heap table written by one command
    assert len(got) == n
    for j, col in enumerate(columns):
        assert col.values is not None
        for i in range(n):
            value = got[i][j]
            if col.null is not None and col.null[i]:
                assert value is None
            elif col.pg_type == "float4":
                # float4 comes back as its shortest decimal text: compare as float32
                assert np.float32(value) == col.values[i]
            elif col.pg_type == "float8":
                assert value == float(col.values[i])
            else:
                assert value == int(col.values[i])


def test_range_check_names_the_first_bad_row() -> None:
    values = np.array([1, 2**31, -(2**31) - 1], dtype=np.int64)
    with pytest.raises(ValueRangeError) as info:
        check_range(CopyColumn("axon_id", "int4", values))
    assert (info.value.row, info.value.value) == (1, 2**31)
    # a NULL row is not checked
    check_range(CopyColumn("axon_id", "int4", values, np.array([False, True, True])))


@st.composite
def tables_with_text(draw: st.DrawFn) -> tuple[list[CopyColumn], int]:
    """Tables mixing text (any Unicode, empty strings, NULLs), booleans and fixed-width
    columns, one of them possibly a constant."""
    n = draw(st.integers(0, 40))
    kinds = draw(
        st.lists(
            st.sampled_from(["text", "bool", "int2", "int8", "float8"]), min_size=1, max_size=6
        )
    )
    columns = []
    for i, kind in enumerate(kinds):
        null = draw(st.one_of(st.none(), hnp.arrays(np.bool_, n)))
        if kind == "text":
            # PostgreSQL text holds any character but NUL
            letters = st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",))
            # values of up to a few bytes, or also some too long for a slot of their own
            longest = draw(st.sampled_from([12, 12, 300]))
            words = draw(st.lists(st.text(letters, max_size=longest), min_size=n, max_size=n))
            values = np.array(words, dtype=object)
            if null is not None:
                values[null] = None  # as the frames hold NULL text
        elif kind == "bool":
            values = draw(hnp.arrays(np.bool_, n))
        elif kind == "float8":
            values = draw(hnp.arrays(np.float64, n, elements=st.floats(allow_nan=False)))
        else:
            info = np.iinfo(TYPES[kind])
            values = draw(hnp.arrays(TYPES[kind], n, elements=st.integers(info.min, info.max)))
        columns.append(CopyColumn(f"c{i}", kind, values, null))
    if draw(st.booleans()):
        columns.append(CopyColumn("constant", "int2", constant=draw(st.integers(0, 99))))
    return columns, n


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(table=tables_with_text(), chunk=st.integers(1, 7))
def test_binary_copy_round_trip_with_text(conn: psycopg.Connection, table, chunk: int) -> None:  # type: ignore[no-untyped-def]
    columns, n = table
    got = _round_trip(conn, columns, n, chunk)
    assert len(got) == n
    for j, col in enumerate(columns):
        for i in range(n):
            value = got[i][j]
            if col.values is None:
                assert value == col.constant
            elif col.null is not None and col.null[i]:
                assert value is None
            elif col.pg_type == "float8":
                assert value == float(col.values[i])
            elif col.pg_type == "text":
                assert value == col.values[i]
            else:
                assert value == col.values[i].item()


def _skeleton_nodes(owner: np.ndarray, node: np.ndarray, segment: np.ndarray | None = None):  # type: ignore[no-untyped-def]
    from connectomedb.etl.load.postgres.copy_plan import table_copy
    from connectomedb.etl.tables import Column, TableFrame

    n = len(owner)
    columns = [Column("axon_id", owner), Column("node_index", node)]
    columns += [Column(c, np.zeros(n, dtype=np.int32)) for c in "xyz"]
    null = None if segment is None else segment == 0
    seg = np.zeros(n, dtype=np.int64) if segment is None else segment
    columns.append(Column("segment_id", seg, null))
    table = next(t for t in DATA_TABLES if t.name == "axon_skeleton_node")
    return table_copy(table, TableFrame(table.name, n, tuple(columns)), dataset_id=3)


@given(
    rows=st.lists(st.tuples(st.integers(0, 3), st.integers(-2, 2)), max_size=12),
    sort=st.booleans(),
)
def test_in_order_tells_rows_sorted_as_an_index_orders_them(rows, sort: bool) -> None:  # type: ignore[no-untyped-def]
    rows = sorted(rows) if sort else rows
    owner = np.array([r[0] for r in rows], dtype=np.int32)
    node = np.array([r[1] for r in rows], dtype=np.int32)
    step = _skeleton_nodes(owner, node)
    assert step.in_order(("dataset_id", "axon_id", "node_index")) == (rows == sorted(rows))
    owners = [r[0] for r in rows]
    assert step.in_order(("dataset_id", "axon_id")) == (owners == sorted(owners))
    assert step.in_order(("dataset_id",))  # a constant


def test_in_order_counts_a_column_with_nulls_as_unsorted() -> None:
    one = np.ones(3, dtype=np.int32)
    step = _skeleton_nodes(one, np.arange(3, dtype=np.int32), np.array([0, 5, 6], dtype=np.int64))
    assert not step.in_order(("dataset_id", "segment_id"))
    step = _skeleton_nodes(one, np.arange(3, dtype=np.int32), np.array([4, 5, 6], dtype=np.int64))
    assert step.in_order(("dataset_id", "segment_id"))

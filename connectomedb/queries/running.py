"""Running a named query, or a statement that is not one, on PostgreSQL or a graph store.

The dataset is the given one or the only loaded one; PostgreSQL refuses a dataset it does not
hold with :class:`~connectomedb.errors.NotLoadedError` (a graph store does the same when it is
asked for the dataset's key). A named query's result has its columns and declared types on
both engines.

A graph loaded without its segment layer (the default) holds no ``Segment`` nodes and no
``PRE``, ``POST`` or ``HAS_SEGMENT`` relationships. No named query reads them (the tracing
queries read relationships written with the tracings); a statement that is not a named query
and reads them is refused there with :class:`~connectomedb.errors.MissingSegmentLayerError`
rather than run to an empty answer.
"""

from __future__ import annotations

from typing import Any, cast

import pandas as pd

from connectomedb.errors import NotLoadedError, QueryError
from connectomedb.queries.parameters import canonical_classes, engine_params
from connectomedb.queries.plans import run_cypher
from connectomedb.queries.registry import get as get_query
from connectomedb.queries.results import cut, tidy
from connectomedb.stores.current_model import (
    reads_segment_layer,
    require_current_model,
    require_segment_layer,
)
from connectomedb.stores.datasets import require_loaded, resolve_dataset
from connectomedb.stores.graph import GraphStore
from connectomedb.stores.sql import Connection, SqlConnection, detect_engine, fetch

ENGINES = ("sql", "cypher")

#: A source file -> the table its rows are loaded into (a dataset built in memory has no file
#: names, so rows in that table also count as having the file).
FILE_TABLES = {"connectome.csv": "class_connectome"}


def check_required_files(
    conn: SqlConnection, query: str, requires: tuple[str, ...], dataset: str
) -> None:
    """Refuse a query that compares with a source file the dataset was loaded without."""
    for file in requires:
        _, rows = fetch(
            conn,
            "SELECT (files -> %(file)s) IS NOT NULL "
            "OR coalesce((row_counts ->> %(table)s)::bigint, 0) > 0 "
            "FROM dataset WHERE name = %(dataset)s",
            {"file": file, "table": FILE_TABLES.get(file, ""), "dataset": dataset},
        )
        if rows and not rows[0][0]:
            raise QueryError(
                f"query {query!r}: dataset {dataset!r} was loaded without {file}, so there is no "
                f"{file} to compare with. Put {file} in the dataset's folder and load it again "
                f"(`connectomedb load <folder> --dataset {dataset} --replace`), or run "
                "class_matrix for the counts alone."
            )


def run_statements(
    conn: Connection,
    statements: list[tuple[str, str]],
    *,
    params: dict[str, Any] | None = None,
    dataset: str | None = None,
    error: type[NotLoadedError] = NotLoadedError,
) -> list[pd.DataFrame]:
    """Run statements that are not named queries (a compiled motif, an analysis's reads) on
    one dataset of ``conn``: of each ``(sql, cypher)`` pair, ``sql`` on PostgreSQL, ``cypher``
    on a graph store, with ``$dataset`` / ``%(dataset)s`` filled in the same way as
    :func:`run`. The dataset is resolved and checked once; ``error`` is raised, with the load
    hint, for a dataset PostgreSQL does not hold."""
    engine = detect_engine(conn)
    name = resolve_dataset(conn, dataset, engine)
    if engine == "sql":
        sql_conn = cast(SqlConnection, conn)
        require_loaded(sql_conn, name, error=error)
        require_current_model(sql_conn, name)
        values = {**(params or {}), "dataset": name}
        frames = []
        for sql, _ in statements:
            columns, rows = fetch(sql_conn, sql, values)
            frames.append(pd.DataFrame.from_records(rows, columns=columns))
        return frames
    store = cast(GraphStore, conn)
    values = {**(params or {}), "dataset": store.dataset_key(name)}
    require_current_model(store, name)
    if any(reads_segment_layer(cypher) for _, cypher in statements):
        require_segment_layer(store, name)
    return [store.run(cypher, values) for _, cypher in statements]


def run_statement(
    conn: Connection,
    *,
    sql: str,
    cypher: str,
    params: dict[str, Any] | None = None,
    dataset: str | None = None,
    error: type[NotLoadedError] = NotLoadedError,
) -> pd.DataFrame:
    """One statement as :func:`run_statements` runs it."""
    return run_statements(conn, [(sql, cypher)], params=params, dataset=dataset, error=error)[0]


def run(
    name: str,
    conn: Connection,
    *,
    engine: str | None = None,
    dataset: str | None = None,
    **params: Any,
) -> pd.DataFrame:
    """Run the named query and return its result (columns: ``get_query(name).columns``).

    ``engine`` (``sql`` or ``cypher``) defaults to the kind of ``conn``; ``dataset`` to the
    only loaded dataset. Parameters are validated and typed (:class:`QueryError` says how to
    fix a bad one); class names (``axon_class``, ``target_class``, ``synapse_type``) are matched
    case-insensitively against the dataset's names.

    A listing with a ``limit`` that cut it short says so: ``df.attrs["truncated"]`` is true
    when more rows matched than the ``df.attrs["limit"]`` returned (``limit=None`` returns
    every row).
    """
    query = get_query(name)
    detected = detect_engine(conn)
    if engine is not None and engine not in ENGINES:
        raise QueryError(f"unknown engine {engine!r}; choose sql or cypher.")
    if engine is not None and engine != detected:
        raise QueryError(
            f"engine {engine!r} was asked for but the connection is a {detected} connection. "
            f"Pass a {'graph store' if engine == 'cypher' else 'PostgreSQL connection'}."
        )
    engine = detected
    values = query.bind(params)
    limit = values.get("limit")
    bound = engine_params(query, values)
    if limit is not None:
        bound["limit"] = limit + 1  # one row more than asked, to know when the list was cut
    if engine == "sql":
        if query.sql is None:
            raise QueryError(f"query {name!r} has no SQL version. Run it with --engine cypher.")
        sql_conn = cast(SqlConnection, conn)
        name_ = resolve_dataset(sql_conn, dataset, "sql")
        require_loaded(sql_conn, name_)
        require_current_model(sql_conn, name_)
        check_required_files(sql_conn, name, query.requires, name_)
        bound = canonical_classes(sql_conn, "sql", name, bound, name_, name_)
        columns, rows = fetch(sql_conn, query.sql, {**bound, "dataset": name_})
        frame = pd.DataFrame.from_records(rows, columns=columns)
    else:
        if query.cypher is None:
            raise QueryError(
                f"query {name!r} has no Cypher version (the graph does not hold what it "
                "reads). Run it with --engine sql."
            )
        store = cast(GraphStore, conn)
        name_ = resolve_dataset(store, dataset, "cypher")
        text = query.cypher
        if getattr(store, "engine", "") == "neo4j" and query.cypher_neo4j:
            text = query.cypher_neo4j
        key = store.dataset_key(name_)
        require_current_model(store, name_)
        bound = canonical_classes(store, "cypher", name, bound, name_, key)
        frame = run_cypher(store, name, text, {**bound, "dataset": key})
        if frame.empty and list(frame.columns) != list(query.columns):
            frame = pd.DataFrame(columns=list(query.columns))
    return cut(tidy(frame, query), limit)

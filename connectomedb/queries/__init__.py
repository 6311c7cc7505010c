"""The query library: named SQL and Cypher analyses returning DataFrames.

::

    from connectomedb import queries

    queries.list_queries()                                  # name, description, engines, ...
    df = queries.run("class_matrix", engine, dataset="l4dense", min_axon_synapses=10)
    df = queries.run("bifans", graph_store, axon_class="Inhibitory", limit=50)

``conn`` is a SQLAlchemy ``Engine``/``Connection`` or a psycopg connection (the SQL version
runs), or a graph store of :mod:`connectomedb.stores.graph` (the Cypher version runs; Neo4j
uses its own variant where it has one). Every query's result columns are listed by
``get_query(name).columns`` and in docs/queries.md; they are the same on both engines.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from connectomedb.errors import QueryError
from connectomedb.queries.connection import sql_datasets, sql_fetch
from connectomedb.queries.registry import Param, Query, describe_default, load_queries
from connectomedb.queries.registry import get as get_query
from connectomedb.queries.results import typed
from connectomedb.queries.vocabulary import canonical_classes, check_required_files

__all__ = [
    "Param",
    "Query",
    "QueryError",
    "get_query",
    "list_queries",
    "run",
    "detect_engine",
    "resolve_dataset",
    "class_matrix",
    "target_specificity",
    "synapse_type_mix",
    "asi_by_class",
    "neuron_inputs",
    "multi_synaptic_connections",
    "bifans",
    "common_targets",
    "common_axons",
    "motif_counts",
]

ENGINES = ("sql", "cypher")
#: Stands for "no limit" where an engine needs a number (Cypher's LIMIT takes no null).
NO_LIMIT = 2**62


def list_queries() -> pd.DataFrame:
    """One row per named query: ``name``, ``description``, ``engines`` (e.g. ``sql, cypher``),
    ``params`` (``name type default``, comma separated; ``required`` where there is no
    default), ``columns``, ``rule``, ``types`` (``column type``, comma separated)."""
    rows = [
        {
            "name": q.name,
            "description": q.description,
            "engines": ", ".join(q.engines),
            "params": ", ".join(
                f"{p.name} {p.type} {describe_default(p).removeprefix('default ')}"
                for p in q.params
            ),
            "columns": ", ".join(q.columns),
            "types": ", ".join(f"{c} {t}" for c, t in q.column_types().items()),
            "rule": q.rule,
        }
        for q in load_queries().values()
    ]
    columns = ["name", "description", "engines", "params", "columns", "rule", "types"]
    return pd.DataFrame(rows, columns=columns)


def _is_graph_store(conn: Any) -> bool:
    return callable(getattr(conn, "run", None)) and callable(getattr(conn, "dataset_key", None))


def detect_engine(conn: Any) -> str:
    """``sql`` for SQLAlchemy and psycopg connections, ``cypher`` for a graph store."""
    if _is_graph_store(conn):
        return "cypher"
    module = type(conn).__module__
    if module.startswith(("sqlalchemy", "psycopg")):
        return "sql"
    raise QueryError(
        f"cannot run a query on a {type(conn).__name__}. Pass a SQLAlchemy Engine or "
        "Connection, a psycopg connection, or a graph store (connectomedb.stores.graph)."
    )


# --- SQL -----------------------------------------------------------------------------------


def _sql_datasets(conn: Any) -> list[str]:
    return sql_datasets(conn)


def resolve_dataset(conn: Any, dataset: str | None, engine: str | None = None) -> str:
    """The dataset name to query: the given one, or the only loaded one."""
    if dataset is not None:
        return dataset
    engine = engine or detect_engine(conn)
    if engine == "sql":
        names = _sql_datasets(conn)
    else:
        frame = conn.datasets()
        names = sorted(frame["name"].astype(str).tolist()) if len(frame) else []
    if len(names) == 1:
        return names[0]
    if not names:
        raise QueryError(
            "no dataset is loaded. Load one with `connectomedb load <folder>` first."
        )
    raise QueryError(
        f"{len(names)} datasets are loaded ({', '.join(names)}); say which one with "
        "dataset=<name> (or --dataset NAME)."
    )


# --- running -------------------------------------------------------------------------------


def _engine_params(query: Query, bound: dict[str, Any]) -> dict[str, Any]:
    params = dict(bound)
    for p in query.params:
        if p.name == "limit" and params[p.name] is None:
            params[p.name] = NO_LIMIT
        elif p.type.endswith("[]") and params[p.name] is None:
            params[p.name] = []
        elif p.type.endswith("[]"):
            params[p.name] = list(dict.fromkeys(params[p.name]))  # deduplicated, order kept
    return params


def _tidy(frame: pd.DataFrame, query: Query) -> pd.DataFrame:
    """Same column order and types whatever the engine: the types of the query's header."""
    if list(frame.columns) != list(query.columns):
        raise QueryError(
            f"query {query.name!r} returned columns {list(frame.columns)}, expected "
            f"{list(query.columns)}. The query file is out of date with its header."
        )
    return typed(frame, query.name, query.column_types())


def _cut(frame: pd.DataFrame, limit: int | None) -> pd.DataFrame:
    """The first ``limit`` rows; ``attrs`` say whether more rows matched (one extra row was
    fetched to know it) and what the limit was."""
    truncated = limit is not None and len(frame) > limit
    if truncated:
        frame = frame.iloc[:limit]
    frame.attrs["limit"] = limit
    frame.attrs["truncated"] = truncated
    return frame


def _loaded_in_postgres(conn: Any, name: str, error: type[QueryError] = QueryError) -> None:
    if name not in _sql_datasets(conn):
        raise error(
            f"dataset {name!r} is not loaded in PostgreSQL. Load it with "
            f"`connectomedb load <folder> --dataset {name}`."
        )


def run_statement(
    conn: Any,
    *,
    sql: str,
    cypher: str,
    params: dict[str, Any] | None = None,
    dataset: str | None = None,
    error: type[QueryError] = QueryError,
) -> pd.DataFrame:
    """Run a statement that is not a named query (a compiled motif, an analysis's read) on
    ``conn``: ``sql`` on PostgreSQL, ``cypher`` on a graph store, with ``$dataset`` /
    ``%(dataset)s`` filled in the same way as :func:`run` (``error`` is raised, with the load
    hint, for a dataset PostgreSQL does not hold)."""
    engine = detect_engine(conn)
    name = resolve_dataset(conn, dataset, engine)
    if engine == "sql":
        _loaded_in_postgres(conn, name, error)
        columns, rows = sql_fetch(conn, sql, {**(params or {}), "dataset": name})
        return pd.DataFrame.from_records(rows, columns=columns)
    return conn.run(cypher, {**(params or {}), "dataset": conn.dataset_key(name)})


def run(
    name: str,
    conn: Any,
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
    bound = _engine_params(query, values)
    if limit is not None:
        bound["limit"] = limit + 1  # one row more than asked, to know when the list was cut
    if engine == "sql":
        if query.sql is None:
            raise QueryError(f"query {name!r} has no SQL version. Run it with --engine cypher.")
        name_ = resolve_dataset(conn, dataset, "sql")
        _loaded_in_postgres(conn, name_)
        check_required_files(conn, name, query.requires, name_)
        bound = canonical_classes(conn, "sql", name, bound, name_, name_)
        columns, rows = sql_fetch(conn, query.sql, {**bound, "dataset": name_})
        frame = pd.DataFrame.from_records(rows, columns=columns)
    else:
        if query.cypher is None:
            raise QueryError(
                f"query {name!r} has no Cypher version (the graph does not hold what it "
                "reads). Run it with --engine sql."
            )
        name_ = resolve_dataset(conn, dataset, "cypher")
        text = query.cypher
        if getattr(conn, "engine", "") == "neo4j" and query.cypher_neo4j:
            text = query.cypher_neo4j
        key = conn.dataset_key(name_)
        bound = canonical_classes(conn, "cypher", name, bound, name_, key)
        frame = conn.run(text, {**bound, "dataset": key})
        if frame.empty and list(frame.columns) != list(query.columns):
            frame = pd.DataFrame(columns=list(query.columns))
    return _cut(_tidy(frame, query), limit)


# --- typed wrappers for the common analyses ------------------------------------------------


def class_matrix(conn: Any, *, dataset: str | None = None, min_axon_synapses: int = 1,
                 min_target_synapses: int = 1) -> pd.DataFrame:
    """Synapses by axon class x target class. Columns: axon_class, target_class, synapses,
    axons, targets, fraction (of the axon class's kept synapses)."""
    return run("class_matrix", conn, dataset=dataset, min_axon_synapses=min_axon_synapses,
               min_target_synapses=min_target_synapses)


def target_specificity(conn: Any, *, dataset: str | None = None, min_axon_synapses: int = 1,
                       min_target_synapses: int = 1,
                       axon_class: str | None = None) -> pd.DataFrame:
    """Columns: axon_class, target_class, axons, synapses, fraction, axon_fraction_mean,
    axon_fraction_median, axon_fraction_q1, axon_fraction_q3."""
    return run("target_specificity", conn, dataset=dataset, axon_class=axon_class,
               min_axon_synapses=min_axon_synapses, min_target_synapses=min_target_synapses)


def synapse_type_mix(conn: Any, *, dataset: str | None = None) -> pd.DataFrame:
    """Columns: side (axon/target), class, synapse_type, synapses, fraction."""
    return run("synapse_type_mix", conn, dataset=dataset)


def asi_by_class(conn: Any, *, dataset: str | None = None,
                 synapse_type: str | None = None) -> pd.DataFrame:
    """Columns: axon_class, target_class, synapses, asi_count, asi_missing, asi_mean,
    asi_median, asi_q1, asi_q3 (µm²)."""
    return run("asi_by_class", conn, dataset=dataset, synapse_type=synapse_type)


def neuron_inputs(conn: Any, *, dataset: str | None = None,
                  neuron_id: int | None = None) -> pd.DataFrame:
    """Columns: neuron_id, axon_class, targets, synapses, fraction."""
    return run("neuron_inputs", conn, dataset=dataset, neuron_id=neuron_id)


def multi_synaptic_connections(conn: Any, *, dataset: str | None = None, min_synapses: int = 2,
                               axon_class: str | None = None, target_class: str | None = None,
                               limit: int | None = 1000) -> pd.DataFrame:
    """Columns: axon_id, target_id, axon_class, target_class, synapses."""
    return run("multi_synaptic_connections", conn, dataset=dataset, min_synapses=min_synapses,
               axon_class=axon_class, target_class=target_class, limit=limit)


def bifans(conn: Any, *, dataset: str | None = None, axon_class: str | None = None,
           target_class: str | None = None, limit: int | None = 1000) -> pd.DataFrame:
    """Columns: axon_a, axon_b, target_a, target_b (axon_a < axon_b, target_a < target_b)."""
    return run("bifans", conn, dataset=dataset, axon_class=axon_class,
               target_class=target_class, limit=limit)


def common_targets(conn: Any, axon_ids: list[int], *, dataset: str | None = None,
                   limit: int | None = 1000) -> pd.DataFrame:
    """Targets connected to every given axon. Columns: target_id, target_class, neuron_id,
    synapses."""
    return run("common_targets", conn, dataset=dataset, axon_ids=axon_ids, limit=limit)


def common_axons(conn: Any, target_ids: list[int], *, dataset: str | None = None,
                 limit: int | None = 1000) -> pd.DataFrame:
    """Axons connected to every given target. Columns: axon_id, axon_class, synapses."""
    return run("common_axons", conn, dataset=dataset, target_ids=target_ids, limit=limit)


def motif_counts(conn: Any, *, dataset: str | None = None, **params: Any) -> pd.DataFrame:
    """Columns: motif, instances (parameters as the query ``motif_counts``)."""
    return run("motif_counts", conn, dataset=dataset, **params)

"""A query's parameters as each engine takes them.

``limit`` None stands for "no limit" (:data:`NO_LIMIT`, Cypher's LIMIT takes no null), a list
parameter is deduplicated with its order kept, and a class parameter (``axon_class``,
``target_class``, ``synapse_type``) is matched case-insensitively against the names the dataset
holds and replaced by their canonical spelling; an unknown name is refused with the list of
valid ones, instead of silently matching nothing.
"""

from __future__ import annotations

from typing import Any, cast

from connectomedb.errors import QueryError
from connectomedb.queries.registry import Query
from connectomedb.stores.graph import GraphStore
from connectomedb.stores.sql import Connection, SqlConnection, fetch

#: Stands for "no limit" where an engine needs a number (Cypher's LIMIT takes no null).
NO_LIMIT = 2**62


def engine_params(query: Query, bound: dict[str, Any]) -> dict[str, Any]:
    """The validated parameters of ``query`` as the engines take them (see the module)."""
    params = dict(bound)
    for p in query.params:
        if p.name == "limit" and params[p.name] is None:
            params[p.name] = NO_LIMIT
        elif p.type.endswith("[]") and params[p.name] is None:
            params[p.name] = []
        elif p.type.endswith("[]"):
            params[p.name] = list(dict.fromkeys(params[p.name]))  # deduplicated, order kept
    return params


#: Parameter -> (what it names, the SQL listing the names, the Cypher listing them). Fixed
#: statements: the dataset is the only value and it is a parameter.
CLASS_PARAMS: dict[str, tuple[str, str, str]] = {
    "axon_class": (
        "axon class",
        "SELECT DISTINCT c.name FROM axon_class c JOIN dataset d USING (dataset_id) "
        "WHERE d.name = %(dataset)s",
        "MATCH (c:AxonClass {dataset: $dataset}) RETURN DISTINCT c.name AS name",
    ),
    "target_class": (
        "target class",
        "SELECT DISTINCT c.name FROM target_class c JOIN dataset d USING (dataset_id) "
        "WHERE d.name = %(dataset)s",
        "MATCH (c:TargetClass {dataset: $dataset}) RETURN DISTINCT c.name AS name",
    ),
    "synapse_type": (
        "synapse type",
        "SELECT DISTINCT c.name FROM synapse_type c JOIN dataset d USING (dataset_id) "
        "WHERE d.name = %(dataset)s",
        # The graph has no synapse-type nodes: the types are those its synapses carry.
        "MATCH (s:Synapse {dataset: $dataset}) WHERE s.type IS NOT NULL "
        "RETURN DISTINCT s.type AS name",
    ),
}


def class_names(conn: Connection, engine: str, param: str, dataset: str, key: str) -> list[str]:
    """The names ``param`` may take on the dataset (``dataset`` is its name, ``key`` the value
    the graph store gave for it), sorted."""
    _, sql, cypher = CLASS_PARAMS[param]
    if engine == "sql":
        _, rows = fetch(cast(SqlConnection, conn), sql, {"dataset": dataset})
        names = [r[0] for r in rows]
    else:
        frame = cast(GraphStore, conn).run(cypher, {"dataset": key})
        names = frame["name"].tolist() if len(frame) else []
    return sorted({str(n) for n in names if n is not None})


def canonical_classes(
    conn: Connection, engine: str, query: str, values: dict[str, Any], dataset: str, key: str
) -> dict[str, Any]:
    """``values`` with every class parameter spelled as the dataset spells it."""
    out = dict(values)
    for param, value in values.items():
        if param not in CLASS_PARAMS or value is None:
            continue
        names = class_names(conn, engine, param, dataset, key)
        by_fold = {n.casefold(): n for n in names}
        match = by_fold.get(str(value).strip().casefold())
        if match is None:
            what = CLASS_PARAMS[param][0]
            shown = repr(value) if len(str(value)) <= 60 else repr(str(value)[:60]) + "…"
            raise QueryError(
                f"query {query!r}: parameter {param!r} is {shown}, which is no {what} of "
                f"dataset {dataset!r}. Valid names (any case): {', '.join(names) or 'none'}."
            )
        out[param] = match
    return out

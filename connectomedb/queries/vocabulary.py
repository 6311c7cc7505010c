"""What a dataset can be asked about: its class and synapse-type names, and its source files.

A class parameter (``axon_class``, ``target_class``, ``synapse_type``) is matched
case-insensitively against the names the dataset holds and replaced by their canonical
spelling; an unknown name is refused with the list of valid ones, instead of silently matching
nothing. A query that needs a source file (``requires: connectome.csv``) is refused on a dataset
loaded without it.
"""

from __future__ import annotations

from typing import Any

from connectomedb.errors import QueryError
from connectomedb.queries.connection import sql_fetch

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


def class_names(conn: Any, engine: str, param: str, dataset: str, key: str) -> list[str]:
    """The names ``param`` may take on the dataset (``dataset`` is its name, ``key`` the value
    the graph store gave for it), sorted."""
    _, sql, cypher = CLASS_PARAMS[param]
    if engine == "sql":
        _, rows = sql_fetch(conn, sql, {"dataset": dataset})
        names = [r[0] for r in rows]
    else:
        frame = conn.run(cypher, {"dataset": key})
        names = frame["name"].tolist() if len(frame) else []
    return sorted({str(n) for n in names if n is not None})


def canonical_classes(conn: Any, engine: str, query: str, values: dict[str, Any],
                      dataset: str, key: str) -> dict[str, Any]:
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


#: A source file -> the table its rows are loaded into (a dataset built in memory has no file
#: names, so rows in that table also count as having the file).
FILE_TABLES = {"connectome.csv": "class_connectome"}


def check_required_files(conn: Any, query: str, requires: tuple[str, ...], dataset: str) -> None:
    """Refuse a query that compares with a source file the dataset was loaded without."""
    for file in requires:
        _, rows = sql_fetch(
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

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

import pandas as pd

from connectomedb.errors import NotLoadedError, QueryError
from connectomedb.queries.functions import (
    asi_by_class,
    bifans,
    class_matrix,
    common_axons,
    common_targets,
    motif_counts,
    multi_synaptic_connections,
    neuron_inputs,
    synapse_type_mix,
    target_specificity,
)
from connectomedb.queries.registry import Param, Query, describe_default, load_queries
from connectomedb.queries.registry import get as get_query
from connectomedb.queries.running import run, run_statement, run_statements
from connectomedb.stores.datasets import resolve_dataset
from connectomedb.stores.sql import detect_engine

__all__ = [
    "Param",
    "Query",
    "QueryError",
    "NotLoadedError",
    "get_query",
    "list_queries",
    "run",
    "run_statement",
    "run_statements",
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

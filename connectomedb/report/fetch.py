"""Fetch the report's frames from PostgreSQL through the query library.

Every frame of :class:`ReportData` is one named query of :mod:`connectomedb.queries`, run with
the parameters listed in :data:`REPORT_QUERIES`; only the dataset header is read here, straight
from the ``dataset`` table.
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from connectomedb.report.data import DatasetHeader, ReportData
from connectomedb.stores import datasets
from connectomedb.stores.graph import GraphStore
from connectomedb.stores.sql import SqlConnection, fetch
from connectomedb.vocabulary import MIN_SYNAPSES

#: frame of ReportData -> (query name, parameters); ``limit`` None keeps every row.
REPORT_QUERIES: dict[str, tuple[str, dict[str, object]]] = {
    "class_matrix": (
        "class_matrix_vs_csv",
        {"min_axon_synapses": MIN_SYNAPSES, "min_target_synapses": MIN_SYNAPSES},
    ),
    "specificity": ("target_specificity", {}),
    "type_mix": ("synapse_type_mix", {}),
    "asi": ("asi_by_class", {}),
    "axon_degree": ("divergent_axons", {"min_targets": 1, "limit": None}),
    "target_degree": ("convergent_targets", {"min_axons": 1, "limit": None}),
    "connections": ("multi_synaptic_connections", {"min_synapses": 1, "limit": None}),
    "multiplicity": ("multiplicity_by_class", {}),
    "asi_cv": ("asi_pair_cv", {}),
}

_HEADER_SQL = """
SELECT name, source, files, row_counts, loaded_at, loader_version
FROM dataset
WHERE name = %(name)s
"""


def resolve_dataset(conn: SqlConnection, name: str | None) -> str:
    """``name``, or the only loaded dataset when ``name`` is None; a
    :class:`~connectomedb.errors.NotLoadedError` naming the loaded datasets otherwise."""
    name = datasets.resolve_dataset(conn, name, "sql")
    datasets.require_loaded(conn, name, list_loaded=True)
    return name


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, (str, bytes)) else value


def read_header(conn: SqlConnection, dataset: str) -> DatasetHeader:
    """The ``dataset`` row of ``dataset`` as a :class:`DatasetHeader`."""
    datasets.require_loaded(conn, dataset, list_loaded=True)
    _, rows = fetch(conn, _HEADER_SQL, {"name": dataset})
    name, source, files, row_counts, loaded_at, loader_version = rows[0]
    files = _json(files) or {}
    file_rows = [
        {
            "file": file,
            "sha256": str((info or {}).get("sha256", "")),
            "size": int((info or {}).get("size") or 0),
        }
        for file, info in sorted(files.items())
    ]
    counts = _json(row_counts) or {}
    count_rows = [
        {"table": table, "rows": int(rows)}
        for table, rows in counts.items()
        if isinstance(rows, (int, float))
    ]
    return DatasetHeader(
        name=name,
        source=str(source or ""),
        loaded_at=loaded_at.isoformat(sep=" ", timespec="seconds") if loaded_at else "",
        loader_version=str(loader_version or ""),
        files=pd.DataFrame(file_rows, columns=["file", "sha256", "size"]),
        row_counts=pd.DataFrame(count_rows, columns=["table", "rows"]),
    )


def run_query(conn: SqlConnection, name: str, dataset: str, **params: Any) -> pd.DataFrame:
    """One named query of the library: the one place the report calls it."""
    from connectomedb import queries

    return queries.run(name, conn, dataset=dataset, **params)


def fetch_report_data(
    conn: SqlConnection, dataset: str, graph: GraphStore | None = None
) -> ReportData:
    """Every frame of the report for ``dataset`` (see :class:`ReportData`); with a graph store,
    also its node and relationship counts and whether its class matrix agrees."""
    header = read_header(conn, dataset)
    frames = {
        key: run_query(conn, name, dataset, **params)
        for key, (name, params) in REPORT_QUERIES.items()
    }
    notes = [
        "Class × class matrices count only axons and targets with at least "
        f"{MIN_SYNAPSES} connectome synapses (axon initial segments always kept), as "
        "connectome.csv does; every other figure counts every connectome synapse.",
    ]
    graph_counts = None
    if graph is not None:
        graph_counts, agreement = graph_check(conn, graph, dataset)
        notes.append(agreement)
    from connectomedb.report.paper import paper_tables

    return ReportData(
        header=header,
        graph_counts=graph_counts,
        queries=dict(REPORT_QUERIES),
        notes=notes,
        paper=paper_tables(conn, dataset),
        **frames,
    )


def graph_check(conn: SqlConnection, graph: GraphStore, dataset: str) -> tuple[pd.DataFrame, str]:
    """The graph's counts (columns ``name``, ``count``) and a sentence saying whether the graph's
    ``class_matrix`` equals PostgreSQL's."""
    from connectomedb import queries

    counts = graph.counts(dataset)
    frame = pd.DataFrame(
        [{"name": name, "count": int(n)} for name, n in counts.items()], columns=["name", "count"]
    )
    keys = ["axon_class", "target_class", "synapses"]
    in_sql = run_query(conn, "class_matrix", dataset)[keys]
    in_graph = queries.run("class_matrix", graph, dataset=dataset)[keys]
    both = in_sql.merge(
        in_graph, on=["axon_class", "target_class"], how="outer", suffixes=("_sql", "_graph")
    ).fillna(0)
    differ = both[both["synapses_sql"] != both["synapses_graph"]]
    engine = getattr(graph, "engine", "graph")
    if differ.empty:
        sentence = (
            f"The graph store ({engine}) gives the same class × class synapse counts as "
            f"PostgreSQL for all {len(both)} class pairs."
        )
    else:
        pairs = ", ".join(
            f"{r.axon_class} → {r.target_class} ({int(r.synapses_sql)} vs {int(r.synapses_graph)})"
            for r in differ.head(5).itertuples()
        )
        sentence = (
            f"The graph store ({engine}) DIFFERS from PostgreSQL in {len(differ)} of "
            f"{len(both)} class pairs: {pairs}."
        )
    return frame, sentence

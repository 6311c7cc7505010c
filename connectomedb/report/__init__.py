"""The connectome report: one self-contained HTML page of figures built from the query library.

>>> build_report("postgresql://…/connectomedb", "demo", Path("report.html"))

The page embeds Plotly's JavaScript, so it opens without network access.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from connectomedb.report.data import DatasetHeader, ReportData
from connectomedb.report.fetch import fetch_report_data
from connectomedb.report.figures import Figure, build_figures
from connectomedb.report.page import render_page
from connectomedb.stores.graph import GraphStore
from connectomedb.stores.sql import SqlConnection, psycopg_connection

__all__ = [
    "DatasetHeader",
    "Figure",
    "ReportData",
    "build_figures",
    "build_report",
    "fetch_report_data",
    "render_html",
]


def render_html(data: ReportData, *, generated_at: datetime | None = None) -> str:
    """The report page for ``data``."""
    when = (generated_at or datetime.now(timezone.utc)).isoformat(sep=" ", timespec="seconds")
    return render_page(
        data.header,
        build_figures(data),
        data.notes,
        when,
        graph_counts=data.graph_counts,
        queries=data.queries,
        paper=data.paper,
    )


def build_report(
    pg_conn_or_engine: SqlConnection | str,
    dataset: str,
    out: Path,
    *,
    graph: GraphStore | None = None,
) -> Path:
    """Write the report of ``dataset`` to ``out`` (an ``.html`` file) and return its path.

    ``pg_conn_or_engine``: a psycopg connection, a SQLAlchemy engine or connection, or a
    PostgreSQL URL. ``graph``: a graph store; when given, the class matrix is also counted in
    the graph and the page says whether both stores agree.
    """
    with psycopg_connection(pg_conn_or_engine) as conn:
        data = fetch_report_data(conn, dataset, graph=graph)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    tmp.write_text(render_html(data), encoding="utf-8")
    tmp.replace(out)  # a reader never sees a half-written page
    return out

"""Datasets loaded into both stores for the tests that compare engines: PostgreSQL (a fresh
database on a shared server) and the embedded LadybugDB graph (a folder)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pandas as pd
import psycopg

from connectomedb.config import Settings
from connectomedb.etl.frames import SourceDataset
from connectomedb.etl.load.graph import GraphLoadReport, begin_graph_load
from connectomedb.etl.load.graph.ladybug import begin_ladybug_load
from connectomedb.etl.load.postgres import load_dataset
from connectomedb.stores.graph import LadybugGraphStore
from connectomedb.stores.postgres import upgrade
from connectomedb.stores.views import refresh_views
from support.servers import fresh_database


@dataclass
class Loaded:
    """Datasets side by side in PostgreSQL (``url``) and LadybugDB (``store``), with their
    sources and, for generated ones, their ground truth."""

    url: str
    store: LadybugGraphStore
    sources: dict[str, SourceDataset]
    truths: dict[str, dict] = field(default_factory=dict)


def load_both(url: str, graph_root: Path, sources: dict[str, SourceDataset]) -> None:
    """Upgrade the database at ``url``, load every source under its name into it and into the
    graph under ``graph_root``, then gather the planner statistics (``refresh_views``)."""
    upgrade(url)
    for dataset, source in sources.items():
        load_dataset(url, source, dataset)
        graph_load = begin_ladybug_load(graph_root, source, dataset, replace=False)
        assert graph_load is not None
        graph_load.prepare()
        graph_load.commit()
    with psycopg.connect(url) as conn:
        refresh_views(conn)


def side_by_side(
    base_url: str,
    graph_root: Path,
    sources: dict[str, SourceDataset],
    truths: dict[str, dict] | None = None,
) -> Iterator[Loaded]:
    """``sources`` loaded into a fresh database on the server of ``base_url`` and into a graph
    under ``graph_root``; both removed afterwards (``yield from`` it in a fixture)."""
    for url in fresh_database(base_url):
        load_both(url, graph_root, sources)
        store = LadybugGraphStore(graph_root)
        try:
            yield Loaded(url, store, sources, truths or {})
        finally:
            store.close()
            shutil.rmtree(graph_root, ignore_errors=True)


def load_graph(
    settings: Settings, source: SourceDataset, name: str, **options: Any
) -> GraphLoadReport | None:
    """Load ``source`` as ``name`` into the graph store of ``settings`` the way the pipeline
    does: prepare, then commit (abort on any error). ``options`` go to ``begin_graph_load``
    (``replace`` is False unless given, ``progress``). Returns the load's report, or None when
    the same files are loaded already."""
    options.setdefault("replace", False)
    job = begin_graph_load(settings, source, name, **options)
    if job is None:
        return None
    try:
        report = job.prepare()
    except BaseException:
        job.abort()
        raise
    job.commit()
    return report


def query_frame(conn: psycopg.Connection, sql: str, params: tuple = ()) -> pd.DataFrame:
    """The rows of ``sql`` as a DataFrame with the statement's column names."""
    cur = conn.execute(sql, params)
    return pd.DataFrame(cur.fetchall(), columns=[d.name for d in cur.description])


def as_login(url: str, user: str, password: str) -> str:
    """``url`` with the login ``user``/``password`` instead of its own."""
    parts = urlsplit(url)
    host = parts.netloc.split("@")[-1]
    return urlunsplit((parts.scheme, f"{user}:{password}@{host}", parts.path, parts.query, ""))

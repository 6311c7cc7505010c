"""The rows each load writes for ``connectome_synapse`` and the BI views (migration 0011) equal
what the materialized views' SQL (migrations 0002, 0003 and 0010) computes from the same data:
with two datasets loaded, after a ``--replace`` (the name shown is the final one), and across
the migration in both directions on a loaded database."""

from __future__ import annotations

import importlib.util
from types import ModuleType

import numpy as np
import pandas as pd
import psycopg
import pytest
from alembic import command
from support.datasets import make_source
from support.stores import query_frame

from connectomedb.etl.load.postgres import load_dataset
from connectomedb.stores.postgres import alembic_config, migrations_dir, upgrade
from connectomedb.stores.views import BI_VIEWS, WRITTEN_BY_LOAD
from connectomedb.synth.generate import generate


def _migration() -> ModuleType:
    """Migration 0011, which holds the materialized views' SQL."""
    (path,) = (migrations_dir() / "versions").glob("0011_*.py")
    spec = importlib.util.spec_from_file_location("migration_0011", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _old_rows(conn: psycopg.Connection, view: str) -> pd.DataFrame:
    """The rows ``view`` had as a materialized view, computed now from the data tables."""
    m = _migration()
    if view == "connectome_synapse":
        return query_frame(conn, m._CONNECTOME_SYNAPSE)
    return query_frame(conn, m._rows(view, named=True))


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    """Float columns (NULL as NaN) as float64, the rows sorted by every other column."""
    frame = frame.copy()
    for column in frame.columns:
        present = frame[column].dropna()
        if len(present) and all(isinstance(v, float) for v in present):
            frame[column] = frame[column].astype(np.float64)
    keys = [c for c in frame.columns if frame[c].dtype.kind != "f"]
    return frame.sort_values(keys, ignore_index=True, na_position="first")


def assert_same_rows(got: pd.DataFrame, want: pd.DataFrame, what: str) -> None:
    """Same columns in the same order and the same rows in any order (means and ratios equal
    up to the order PostgreSQL summed them in)."""
    assert list(got.columns) == list(want.columns), what
    assert len(got) == len(want) > 0, what
    pd.testing.assert_frame_equal(
        _sorted(got), _sorted(want), check_dtype=False, rtol=1e-12, obj=what
    )


def _current(conn: psycopg.Connection, view: str) -> pd.DataFrame:
    return query_frame(conn, f"SELECT * FROM public.{view}")


@pytest.fixture
def loaded_url(fresh_db_url: str) -> str:
    """Two datasets, the first one replaced by other files under the same name."""
    upgrade(fresh_db_url)
    load_dataset(fresh_db_url, generate("tiny", 0).dataset, "tiny")
    load_dataset(fresh_db_url, make_source(0), "l4")
    load_dataset(fresh_db_url, make_source(1, n_synapses=200, variant="new"), "tiny", replace=True)
    return fresh_db_url


def test_rows_equal_the_views_sql(loaded_url: str) -> None:
    with psycopg.connect(loaded_url) as conn:
        for view in WRITTEN_BY_LOAD:
            got = _current(conn, view)
            assert_same_rows(got, _old_rows(conn, view), view)
        names = query_frame(conn, "SELECT DISTINCT dataset FROM bi_class_matrix ORDER BY 1")
        assert names["dataset"].tolist() == ["l4", "tiny"]  # no provisional name left
        ids = query_frame(conn, "SELECT DISTINCT dataset_id FROM connectome_synapse ORDER BY 1")
        stored = query_frame(conn, "SELECT dataset_id FROM dataset ORDER BY 1")
        assert ids["dataset_id"].tolist() == stored["dataset_id"].tolist()


def test_migration_keeps_the_rows_both_ways(loaded_url: str) -> None:
    config = alembic_config(loaded_url)
    with psycopg.connect(loaded_url) as conn:
        before = {view: _current(conn, view) for view in WRITTEN_BY_LOAD}
        charted = {view: query_frame(conn, f"SELECT * FROM bi.{view}") for view in BI_VIEWS}
    command.downgrade(config, "0010")
    with psycopg.connect(loaded_url) as conn:
        kinds = conn.execute(
            "SELECT count(*) FROM pg_matviews WHERE schemaname = 'public'"
            " AND matviewname = ANY(%s)",
            (list(WRITTEN_BY_LOAD),),
        ).fetchone()
        assert kinds == (len(WRITTEN_BY_LOAD),)
        for view in WRITTEN_BY_LOAD:
            assert_same_rows(_current(conn, view), before[view], f"{view} at 0010")
        for view, frame in charted.items():
            assert_same_rows(query_frame(conn, f"SELECT * FROM bi.{view}"), frame, f"bi.{view}")
    command.upgrade(config, "head")  # a loaded database at 0010: its rows are computed
    command.check(config)
    with psycopg.connect(loaded_url) as conn:
        for view in WRITTEN_BY_LOAD:
            assert_same_rows(_current(conn, view), before[view], f"{view} at 0011")
        for view, frame in charted.items():
            assert_same_rows(query_frame(conn, f"SELECT * FROM bi.{view}"), frame, f"bi.{view}")
        comments = conn.execute(
            "SELECT count(*) FROM pg_description d JOIN pg_class c ON c.oid = d.objoid"
            " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'bi'"
        ).fetchone()
        columns = sum(len(columns) for columns in BI_VIEWS.values())
        assert comments == (len(BI_VIEWS) + columns,)
    # The next load replaces the migrated partitions like its own.
    load_dataset(loaded_url, make_source(2, n_synapses=150, variant="again"), "l4", replace=True)
    with psycopg.connect(loaded_url) as conn:
        for view in WRITTEN_BY_LOAD:
            assert_same_rows(_current(conn, view), _old_rows(conn, view), f"{view} reloaded")
        parts = conn.execute(
            "SELECT count(*) FROM pg_inherits WHERE inhparent = 'connectome_synapse'::regclass"
        ).fetchone()
        assert parts == (2,)


def test_no_row_for_a_neurite_is_missing(loaded_url: str) -> None:
    with psycopg.connect(loaded_url) as conn:
        for view, table in (("bi_axon_summary", "axon"), ("bi_target_summary", "target")):
            counts = conn.execute(
                f"SELECT (SELECT count(*) FROM {view}), (SELECT count(*) FROM {table})"
            ).fetchone()
            assert counts is not None and counts[0] == counts[1], view
        empty = np.asarray(
            query_frame(conn, "SELECT synapses FROM bi_axon_summary WHERE synapses = 0")
        )
        assert len(empty) > 0  # axons without a connectome synapse are listed too

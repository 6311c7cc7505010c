"""The BI views (migration 0002) against the pandas oracle, their refresh after a reload, and
the read-only role: it can SELECT, it cannot write."""

from __future__ import annotations

import uuid

import numpy as np
import pandas as pd
import psycopg
import pytest
from support import oracle
from support.datasets import handmade_source
from support.stores import as_login, query_frame

from connectomedb import queries
from connectomedb.errors import ConfigError
from connectomedb.etl.load.postgres import load_dataset
from connectomedb.stores.postgres import upgrade
from connectomedb.stores.views import (
    BI_VIEWS,
    MATERIALIZED,
    VIEWS,
    grant_reader,
    refresh_views,
)
from connectomedb.synth.generate import generate


@pytest.fixture
def tiny_url(fresh_db_url: str) -> str:
    upgrade(fresh_db_url)
    load_dataset(fresh_db_url, generate("tiny", 0).dataset, "tiny")
    with psycopg.connect(fresh_db_url) as conn:
        assert refresh_views(conn) == list(MATERIALIZED)
    return fresh_db_url


def test_views_have_the_documented_columns(tiny_url: str) -> None:
    with psycopg.connect(tiny_url) as conn:
        for view, columns in VIEWS.items():
            cur = conn.execute(f"SELECT * FROM {view} LIMIT 0")
            assert tuple(d.name for d in cur.description) == columns, view


def test_views_equal_the_oracle(tiny_url: str) -> None:
    source = generate("tiny", 0).dataset
    f = oracle.frames(source)
    with psycopg.connect(tiny_url) as conn:
        matrix = query_frame(
            conn,
            "SELECT axon_class, target_class, synapses, axons, targets, "
            "fraction FROM bi_class_matrix WHERE dataset = %s "
            "ORDER BY axon_class, target_class",
            ("tiny",),
        )
        expected = oracle.answer("class_matrix", source)
        pd.testing.assert_frame_equal(matrix, expected, check_dtype=False)
        connections = query_frame(
            conn, "SELECT axon_class, target_class, connections FROM bi_class_matrix ORDER BY 1, 2"
        )
        want = f.pairs.groupby(["axon_class", "target_class"]).size()
        assert connections.set_index(["axon_class", "target_class"]).connections.to_dict() == (
            want.to_dict()
        )

        axons = query_frame(
            conn,
            "SELECT axon_id, axon_class, synapses, targets, path_length_um "
            "FROM bi_axon_summary ORDER BY axon_id",
        )
        assert axons.axon_id.tolist() == f.axons.axon_id.tolist()  # every axon, also silent ones
        assert axons.axon_class.tolist() == f.axons.axon_class.tolist()
        degree = f.syn.groupby("axon_id").size()
        assert axons.synapses.tolist() == [int(degree.get(a, 0)) for a in axons.axon_id]
        partners = f.pairs.groupby("axon_id").size()
        assert axons.targets.tolist() == [int(partners.get(a, 0)) for a in axons.axon_id]
        np.testing.assert_allclose(axons.path_length_um, f.axons.path_length_um, rtol=1e-9)

        targets = query_frame(
            conn,
            "SELECT target_id, neuron_id, synapses, axons "
            "FROM bi_target_summary ORDER BY target_id",
        )
        assert targets.target_id.tolist() == f.targets.target_id.tolist()
        incoming = f.pairs.groupby("target_id").size()
        assert targets.axons.tolist() == [int(incoming.get(t, 0)) for t in targets.target_id]

        inputs = query_frame(
            conn,
            "SELECT neuron_id, axon_class, targets, synapses, fraction "
            "FROM bi_neuron_inputs ORDER BY neuron_id, axon_class",
        )
        pd.testing.assert_frame_equal(
            inputs, oracle.answer("neuron_inputs", source), check_dtype=False
        )

        fact = query_frame(
            conn,
            "SELECT synapse_id, synapse_type, axon_class, target_class, "
            "in_connectome FROM bi_synapse ORDER BY synapse_id",
        )
        assert len(fact) == source.synapses.n
        in_conn = fact[fact.in_connectome]
        assert in_conn.synapse_id.tolist() == f.syn.synapse_id.tolist()
        assert in_conn.axon_class.tolist() == f.syn.axon_class.tolist()
        assert in_conn.synapse_type.tolist() == f.syn.synapse_type.tolist()
        assert fact[~fact.in_connectome].axon_class.isna().sum() > 0  # no class without axon


def test_views_follow_a_second_load(tiny_url: str) -> None:
    other = handmade_source(5)
    load_dataset(tiny_url, other, "other")  # the load refreshes the materialized views
    with psycopg.connect(tiny_url) as conn:
        loaded = conn.execute("SELECT sum(synapses) FROM bi_class_matrix WHERE dataset = 'other'")
        expected = int(oracle.answer("class_matrix", other).synapses.sum())
        assert int(loaded.fetchone()[0]) == expected
        assert refresh_views(conn) == list(MATERIALIZED)  # and refreshing again is harmless
        matrix = query_frame(
            conn,
            "SELECT axon_class, target_class, synapses, axons, targets, "
            "fraction FROM bi_class_matrix WHERE dataset = %s "
            "ORDER BY axon_class, target_class",
            ("other",),
        )
        pd.testing.assert_frame_equal(
            matrix, oracle.answer("class_matrix", other), check_dtype=False
        )
        # The query on the base tables and the view agree for each dataset.
        for name in ("tiny", "other"):
            q = queries.run("class_matrix", conn, dataset=name)
            v = query_frame(
                conn,
                "SELECT axon_class, target_class, synapses, axons, targets, "
                "fraction FROM bi_class_matrix WHERE dataset = %s "
                "ORDER BY axon_class, target_class",
                (name,),
            )
            pd.testing.assert_frame_equal(q, v, check_dtype=False)


def test_reader_can_select_and_cannot_write(tiny_url: str) -> None:
    login = "bi_reader_" + uuid.uuid4().hex[:8]  # roles are per server, databases per test
    with psycopg.connect(tiny_url) as admin:
        assert grant_reader(admin, login, "s3cret-pw") is True
        assert grant_reader(admin, login, "s3cret-pw2") is False  # exists: updated
    reader_url = as_login(tiny_url, login, "s3cret-pw2")
    with psycopg.connect(reader_url, autocommit=True) as reader:
        assert reader.execute("SHOW default_transaction_read_only").fetchone() == ("on",)
        reader.execute("SET default_transaction_read_only = off")  # privileges still refuse
        for view in BI_VIEWS:  # the schema bi is the reader's search path
            assert reader.execute(f"SELECT count(*) FROM {view}").fetchone()[0] > 0, view
        for table in ("public.synapse", "public.bi_class_matrix", *(f"public.{v}" for v in VIEWS)):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                reader.execute(f"SELECT count(*) FROM {table}")
        for statement in (
            "INSERT INTO public.dataset (name) VALUES ('x')",
            "UPDATE public.synapse SET asi_area = 0",
            "DELETE FROM public.axon",
            "CREATE TABLE public.scratch (x int)",
            "TRUNCATE public.bi_class_matrix_data",
            "DROP VIEW public.bi_synapse",
            "DROP VIEW bi.class_matrix",
            "CREATE VIEW bi.scratch AS SELECT 1",
            "TRUNCATE public.synapse",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                reader.execute(statement)
    with psycopg.connect(tiny_url) as admin:
        rows = admin.execute("SELECT count(*) FROM synapse").fetchone()[0]
        assert rows == generate("tiny", 0).dataset.synapses.n


def test_grant_reader_refuses_bad_names_and_unknown_logins(tiny_url: str) -> None:
    with psycopg.connect(tiny_url) as admin:
        with pytest.raises(ConfigError) as bad:
            grant_reader(admin, 'x"; DROP TABLE synapse; --', "pw")
        assert "expected lower-case letters, digits and _" in str(bad.value)
        with pytest.raises(ConfigError) as unknown:
            grant_reader(admin, "nobody_here", None)
        assert str(unknown.value) == (
            "PostgreSQL has no login 'nobody_here'. Give its password to create it "
            "(CONNECTOMEDB_READER_PASSWORD, --prompt or --password), or create it first "
            "(CREATE ROLE ... LOGIN)."
        )
        assert admin.execute("SELECT count(*) FROM synapse").fetchone()[0] > 0


def test_reader_role_exists_after_upgrade(fresh_db_url: str) -> None:
    upgrade(fresh_db_url)
    with psycopg.connect(fresh_db_url) as conn:
        row = conn.execute(
            "SELECT rolcanlogin FROM pg_roles WHERE rolname = 'connectomedb_reader'"
        ).fetchone()
        assert row == (False,)
        granted = conn.execute(
            "SELECT has_table_privilege('connectomedb_reader', 'public.synapse', 'SELECT'), "
            "has_table_privilege('connectomedb_reader', 'public.synapse', 'INSERT'), "
            "has_table_privilege('connectomedb_reader', 'public.bi_class_matrix', 'SELECT'), "
            "has_table_privilege('connectomedb_reader', 'bi.class_matrix', 'SELECT'), "
            "has_schema_privilege('connectomedb_reader', 'bi', 'USAGE')"
        ).fetchone()
        # Migration 0004: the views of the schema bi only.
        assert granted == (False, False, False, True, True)


def test_refresh_gathers_statistics_and_keeps_the_rows(tiny_url: str) -> None:
    """Nothing is materialized any more (migration 0011): a refresh gathers the planner
    statistics, the views keep their rows, and the next load fills its own rows."""
    with psycopg.connect(tiny_url) as conn:
        expected = query_frame(conn, "SELECT * FROM bi_class_matrix ORDER BY 1, 2, 3")
        assert refresh_views(conn) == list(MATERIALIZED) == []
        pd.testing.assert_frame_equal(
            query_frame(conn, "SELECT * FROM bi_class_matrix ORDER BY 1, 2, 3"), expected
        )
        analyzed = conn.execute(
            "SELECT count(*) FROM pg_stats WHERE schemaname = 'public'"
            " AND tablename = 'connectome_synapse' AND inherited"
        ).fetchone()
        assert analyzed is not None and analyzed[0] > 0
    load_dataset(tiny_url, handmade_source(seed=3), "another")
    with psycopg.connect(tiny_url) as conn:
        loaded = conn.execute(
            "SELECT count(*) FROM connectome_synapse c JOIN dataset d USING (dataset_id)"
            " WHERE d.name = 'another'"
        ).fetchone()
        assert loaded is not None and loaded[0] > 0

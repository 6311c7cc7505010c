"""The PostgreSQL loader against real servers: content, no-op reloads, --replace, atomicity."""

from __future__ import annotations

import re
import threading

import numpy as np
import pandas as pd
import psycopg
import pytest
from support.datasets import make_source
from support.warehouse import assert_dataset_equals, dataset_id, read_frame, read_table, snapshot

from connectomedb.errors import InputError, LoadError
from connectomedb.etl.frames import SourceDataset
from connectomedb.etl.load.postgres import PostgresLoad, load_dataset
from connectomedb.schema import DATA_TABLES, PARTITION_SCHEMA
from connectomedb.stores.postgres import upgrade

VOXEL = np.array([11.24, 11.24, 28.0])


def _old_loaded(db_url: str) -> tuple[SourceDataset, dict[str, list]]:
    """The older dataset loaded as ``l4``, and a snapshot of every table."""
    old = make_source(0)
    load_dataset(db_url, old, "l4")
    return old, snapshot(db_url)


@pytest.fixture
def db_url(fresh_db_url: str) -> str:
    upgrade(fresh_db_url)
    return fresh_db_url


def test_load_writes_every_table_as_in_the_source(db_url: str) -> None:
    src = make_source(0)
    report = load_dataset(db_url, src, "l4")
    assert report.status == "loaded"
    assert_dataset_equals(db_url, "l4", src)
    stored = read_frame(db_url, "select source, files, row_counts, loader_version from dataset")
    assert stored.loc[0, "files"]["synapses.hdf5"]["sha256"] == src.files["synapses.hdf5"].sha256
    assert stored.loc[0, "row_counts"]["synapse"] == src.synapses.n == report.row_counts["synapse"]
    assert stored.loc[0, "loader_version"].startswith("connectomedb ")


def test_reload_of_the_same_files_is_a_no_op(db_url: str) -> None:
    src = make_source(0)
    load_dataset(db_url, src, "l4")
    before = snapshot(db_url)
    report = load_dataset(db_url, make_source(0), "l4")
    assert report.status == "unchanged" and report.rows == 0
    assert snapshot(db_url) == before


def test_other_files_under_a_loaded_name_need_replace(db_url: str) -> None:
    load_dataset(db_url, make_source(0), "l4")
    before = snapshot(db_url)
    with pytest.raises(LoadError, match="already in PostgreSQL, loaded from other files"):
        load_dataset(db_url, make_source(1, variant="new"), "l4")
    assert snapshot(db_url) == before


def test_replace_swaps_the_dataset_under_a_new_id(db_url: str) -> None:
    load_dataset(db_url, make_source(0), "l4")
    load_dataset(db_url, make_source(7), "other")
    other_before = {t: read_table(db_url, t.name, "other") for t in DATA_TABLES}
    first_id = dataset_id(db_url, "l4")
    new = make_source(1, n_synapses=200, n_axons=30, variant="new")
    report = load_dataset(db_url, new, "l4", replace=True)
    assert report.status == "replaced" and report.dataset_id == dataset_id(db_url, "l4") != first_id
    names = read_frame(db_url, "select name from dataset order by name")["name"].tolist()
    assert names == ["l4", "other"]
    assert_dataset_equals(db_url, "l4", new)
    for table, frame in other_before.items():
        pd.testing.assert_frame_equal(read_table(db_url, table.name, "other"), frame)
    parts = snapshot(db_url)["partitions"]
    assert len(parts) == 2 * len(DATA_TABLES)  # the old partitions are gone


def test_two_datasets_side_by_side(db_url: str) -> None:
    a, b = make_source(0), make_source(1, n_synapses=120)
    load_dataset(db_url, a, "a")
    load_dataset(db_url, b, "b")
    assert_dataset_equals(db_url, "a", a)
    assert_dataset_equals(db_url, "b", b)
    counts = read_frame(
        db_url,
        "select d.name, count(*) from synapse s join dataset d using (dataset_id)"
        " group by d.name order by 1",
    )
    assert counts.values.tolist() == [["a", a.synapses.n], ["b", b.synapses.n]]


class Boom(RuntimeError):
    pass


@pytest.mark.parametrize(
    "phase,table",
    [
        ("copy", "synapse"),
        ("index", "target_segment"),
        ("attach", "synapse_post_segment"),
        ("staged-commit", ""),  # the second connection's tables written, not committed
        ("staged", ""),  # and committed in the staging schema
        ("verify", ""),
        ("analyze", "segment"),
        ("detach", "synapse"),  # commit(): dropping the old version
        ("detach", "axon_class"),
        ("rename", ""),
        ("commit", ""),
    ],
)
def test_failure_at_any_step_leaves_the_previous_dataset_intact(
    db_url: str, phase: str, table: str
) -> None:
    old, before = _old_loaded(db_url)

    def checkpoint(p: str, t: str) -> None:
        if (p, t) == (phase, table):
            raise Boom(f"injected at {p} {t}")

    load = PostgresLoad(
        db_url, make_source(2, variant="new"), "l4", replace=True, checkpoint=checkpoint
    )
    with pytest.raises(LoadError, match=f"failed during {phase}.*injected"):
        load.prepare()
        load.commit()
    assert snapshot(db_url) == before
    assert_dataset_equals(db_url, "l4", old)
    # and the next load goes through
    new = make_source(2, variant="new")
    assert load_dataset(db_url, new, "l4", replace=True).status == "replaced"
    assert_dataset_equals(db_url, "l4", new)


@pytest.mark.parametrize("phase", ["create", "copy", "index", "analyze"])
def test_a_failure_on_the_second_connection_leaves_the_previous_dataset_intact(
    db_url: str, phase: str
) -> None:
    old, before = _old_loaded(db_url)
    failed: list[str] = []

    def checkpoint(p: str, t: str) -> None:
        if p == phase and threading.current_thread().name == "postgres-staging" and not failed:
            failed.append(t)
            raise Boom(f"injected at {p} {t}")

    load = PostgresLoad(
        db_url, make_source(2, variant="new"), "l4", replace=True, checkpoint=checkpoint
    )
    with pytest.raises(LoadError, match=f"failed during {phase} .*injected"):
        load.prepare()
    assert failed  # the second connection wrote a table and failed there
    assert snapshot(db_url) == before
    assert_dataset_equals(db_url, "l4", old)


def test_the_second_connection_writes_tables_that_the_load_attaches(db_url: str) -> None:
    staged: list[str] = []

    def checkpoint(p: str, t: str) -> None:
        if p == "copy" and threading.current_thread().name == "postgres-staging":
            staged.append(t)

    source = make_source(2)
    load = PostgresLoad(db_url, source, "l4", checkpoint=checkpoint)
    load.prepare()
    load.commit()
    assert staged and len(staged) < len(DATA_TABLES)
    assert_dataset_equals(db_url, "l4", source)
    assert snapshot(db_url)["staged"] == []
    with psycopg.connect(db_url) as conn:
        attached = conn.execute(
            "select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid"
            " join pg_namespace n on n.oid = c.relnamespace where n.nspname = %s",
            (PARTITION_SCHEMA,),
        ).fetchall()
        # Statistics of every staged partition with rows (its second connection analyzed it).
        analyzed = conn.execute(
            "select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace"
            " where n.nspname = %s and c.relkind = 'r' and (c.reltuples = 0 or exists"
            " (select 1 from pg_statistic s where s.starelid = c.oid))",
            (PARTITION_SCHEMA,),
        ).fetchall()
    base = lambda name: re.sub(r"_d[0-9]+_[0-9a-f]+$", "", name)  # noqa: E731
    assert set(staged) <= {base(r[0]) for r in attached}
    assert set(staged) <= {base(r[0]) for r in analyzed}


def test_a_failed_first_load_leaves_no_trace(db_url: str) -> None:
    load_dataset(db_url, make_source(0), "a")
    before = snapshot(db_url)

    def checkpoint(p: str, t: str) -> None:
        if p == "analyze":
            raise Boom("late")

    with pytest.raises(LoadError):
        PostgresLoad(db_url, make_source(1), "b", checkpoint=checkpoint).prepare()
    assert snapshot(db_url) == before


def test_a_dangling_reference_found_late_rolls_back(db_url: str) -> None:
    old, before = _old_loaded(db_url)
    bad = make_source(3, variant="bad")
    bad.synapses.axon_id[5] = bad.axons.n + 10  # no such axon: found when the FK is validated
    with pytest.raises(LoadError) as info:
        load_dataset(db_url, bad, "l4", replace=True)
    assert "synapses.hdf5 refers to an object that does not exist" in str(info.value)
    assert "previous data is intact" in str(info.value)
    assert snapshot(db_url) == before
    assert_dataset_equals(db_url, "l4", old)


def test_an_id_too_large_for_the_column_is_an_input_error_before_writing(db_url: str) -> None:
    bad = make_source(4)
    bad.synapses.target_id[9] = 2**40
    with pytest.raises(InputError) as info:
        load_dataset(db_url, bad, "l4")
    assert str(info.value) == (
        "synapses.hdf5: table synapse, column target_id: element 10: expected a value that fits"
        " PostgreSQL int4, found 1099511627776."
    )
    assert read_frame(db_url, "select count(*) from dataset").iloc[0, 0] == 0


@pytest.mark.parametrize("phase,table", [("index", "synapse"), ("detach", "target")])
def test_a_killed_connection_mid_load_leaves_the_previous_dataset(
    db_url: str, phase: str, table: str
) -> None:
    old, before = _old_loaded(db_url)
    backends: dict[str, int] = {}  # thread name -> the backend of the connection it writes on
    killed: list[int] = []

    def checkpoint(p: str, t: str) -> None:
        thread = threading.current_thread().name
        if thread == "postgres-staging":  # (its first steps may run before _staging is set)
            conn = load._staging._conn if load._staging is not None else None
        else:
            conn = load._conn  # None while it commits: the connection is detached then
        if conn is not None:
            backends.setdefault(thread, conn.info.backend_pid)
        if (p, t) == (phase, table):
            with psycopg.connect(db_url, autocommit=True) as other:
                other.execute("select pg_terminate_backend(%s)", (backends[thread],))
            killed.append(backends[thread])

    load = PostgresLoad(
        db_url, make_source(5, variant="new"), "l4", replace=True, checkpoint=checkpoint
    )
    with pytest.raises(LoadError, match=f"failed during {phase} {table}"):
        load.prepare()
        load.commit()
    assert len(killed) == 1
    assert snapshot(db_url) == before
    new = make_source(5, variant="new")
    assert load_dataset(db_url, new, "l4", replace=True).status == "replaced"
    assert_dataset_equals(db_url, "l4", new)


def test_readers_see_the_old_data_until_commit(db_url: str) -> None:
    load_dataset(db_url, make_source(0), "a")
    new = make_source(1, n_synapses=77)
    load = PostgresLoad(db_url, new, "b")
    report = load.prepare()
    assert report.row_counts["synapse"] == 77
    seen = read_frame(db_url, "select name from dataset order by 1")["name"].tolist()
    assert seen == ["a"]
    load.commit()
    assert read_frame(db_url, "select name from dataset order by 1")["name"].tolist() == ["a", "b"]
    assert_dataset_equals(db_url, "b", new)


def test_abort_after_prepare_discards_everything(db_url: str) -> None:
    load_dataset(db_url, make_source(0), "a")
    before = snapshot(db_url)
    load = PostgresLoad(db_url, make_source(1, variant="x"), "a", replace=True)
    load.prepare()
    load.abort()
    load.abort()  # twice is fine
    assert snapshot(db_url) == before


def test_concurrent_loads_are_serialised(db_url: str) -> None:
    errors: list[BaseException] = []

    def run(name: str, seed: int) -> None:
        try:
            load_dataset(db_url, make_source(seed), name)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(f"d{i}", i)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    ids = read_frame(db_url, "select name, dataset_id from dataset order by name")
    assert ids["name"].tolist() == ["d0", "d1", "d2"]
    for i in range(3):
        assert_dataset_equals(db_url, f"d{i}", make_source(i))


def test_readers_of_a_dataset_being_replaced_are_not_blocked(db_url: str) -> None:
    old, new = make_source(0), make_source(1, n_synapses=55, variant="new")
    load_dataset(db_url, old, "l4")
    load = PostgresLoad(db_url, new, "l4", replace=True)
    load.prepare()
    try:
        with psycopg.connect(db_url) as reader:
            reader.execute("set lock_timeout = '2s'")
            seen = reader.execute(
                "select count(*) from synapse s join dataset d using (dataset_id)"
                " where d.name = 'l4'"
            ).fetchone()
            names = reader.execute("select name from dataset").fetchall()
        assert seen == (old.synapses.n,) and names == [("l4",)]
    finally:
        load.commit()
    assert_dataset_equals(db_url, "l4", new)


def test_materialized_views_change_with_the_data(db_url: str) -> None:
    def connectome_synapses(src: SourceDataset) -> int:
        return int(((src.synapses.axon_id > 0) & (src.synapses.target_id > 0)).sum())

    def in_view(name: str) -> int:
        found = read_frame(
            db_url,
            "select coalesce(sum(synapses), 0) from bi_class_matrix where dataset = %s",
            (name,),
        ).iloc[0, 0]
        return int(found)

    old, new = make_source(0), make_source(1, n_synapses=150, variant="new")
    load_dataset(db_url, old, "l4")
    assert in_view("l4") == connectome_synapses(old) > 0
    load = PostgresLoad(db_url, new, "l4", replace=True)
    load.prepare()
    assert in_view("l4") == connectome_synapses(old)  # readers keep the old contents
    load.commit()
    assert in_view("l4") == connectome_synapses(new) != connectome_synapses(old)


def _parent_statistics(db_url: str) -> dict[str, tuple[float, int]]:
    """Per partitioned parent the queries join: (pg_class.reltuples, pg_stats rows of the
    parent as a whole)."""
    from connectomedb.stores.views import ANALYZED

    found = read_frame(
        db_url,
        "select c.relname, c.reltuples,"
        " (select count(*) from pg_stats s where s.schemaname = 'public'"
        "  and s.tablename = c.relname and s.inherited) as columns"
        " from pg_class c join pg_namespace n on n.oid = c.relnamespace"
        " where n.nspname = 'public' and c.relkind = 'p' and c.relname = any(%s)",
        (list(ANALYZED),),
    )
    return {r.relname: (float(r.reltuples), int(r.columns)) for r in found.itertuples()}


def _partitions_without_statistics(db_url: str) -> list[str]:
    """The partitions holding rows that have no statistics of their own."""
    found = read_frame(
        db_url,
        "select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid"
        " join pg_class p on p.oid = i.inhparent"
        " join public.dataset d on c.relname like p.relname || '_d' || d.dataset_id || '_%%'"
        " where (d.row_counts ->> p.relname)::bigint > 0 and not exists (select 1 from pg_stats s"
        "  where s.tablename = c.relname and s.schemaname = %s and not s.inherited)",
        (PARTITION_SCHEMA,),
    )
    return list(found.relname)


def test_the_load_analyzes_the_parent_tables(db_url: str) -> None:
    def connectome_synapses(src: SourceDataset) -> int:
        return int(((src.synapses.axon_id > 0) & (src.synapses.target_id > 0)).sum())

    old, new = make_source(0), make_source(1, n_synapses=170, n_axons=35, variant="new")
    load_dataset(db_url, old, "l4")
    stats = _parent_statistics(db_url)
    # Small tables: ANALYZE reads every row, so reltuples is the exact row count.
    synapse_columns = len(next(t for t in DATA_TABLES if t.name == "synapse").columns)
    assert stats["synapse"] == (float(old.synapses.n), synapse_columns)
    assert stats["axon"][0] == float(old.axons.n) and stats["axon"][1] > 0
    assert stats["target"][0] == float(old.targets.n) and stats["target"][1] > 0
    view = read_frame(db_url, "select reltuples from pg_class where relname = 'connectome_synapse'")
    assert float(view.iloc[0, 0]) == connectome_synapses(old)
    assert _partitions_without_statistics(db_url) == []

    load = PostgresLoad(db_url, new, "l4", replace=True)
    load.prepare()
    load.commit()
    # Analyzed after the old version was dropped: the statistics count the new rows only.
    stats = _parent_statistics(db_url)
    assert stats["synapse"][0] == float(new.synapses.n) != float(old.synapses.n)
    assert stats["axon"][0] == float(new.axons.n) != float(old.axons.n)
    view = read_frame(db_url, "select reltuples from pg_class where relname = 'connectome_synapse'")
    assert float(view.iloc[0, 0]) == connectome_synapses(new) != connectome_synapses(old)
    rows = read_frame(db_url, "select count(*) from connectome_synapse").iloc[0, 0]
    assert int(rows) == connectome_synapses(new)
    assert _partitions_without_statistics(db_url) == []


def test_replace_waits_for_readers_without_holding_their_tables(db_url: str) -> None:
    """A reader in the middle of a query holds `dataset` and a class table; the swap of a
    replace must wait for it without first taking other tables the reader still needs (which
    would deadlock), then finish."""
    load_dataset(db_url, make_source(0), "l4")
    load = PostgresLoad(db_url, make_source(3, variant="new"), "l4", replace=True)
    load.prepare()
    with psycopg.connect(db_url) as reader:
        reader.execute("SELECT count(*) FROM dataset").fetchone()
        reader.execute("SELECT count(*) FROM axon_class").fetchone()
        committing = threading.Thread(target=load.commit)
        committing.start()
        committing.join(timeout=1.0)
        assert committing.is_alive()  # the swap waits for the reader's transaction
        # ... and holds nothing the reader goes on to need.
        reader.execute("SET LOCAL lock_timeout = '5s'")
        assert reader.execute("SELECT count(*) FROM synapse").fetchone()[0] > 0
        assert reader.execute("SELECT count(*) FROM target_class").fetchone()[0] > 0
        reader.rollback()
    committing.join(timeout=60)
    assert not committing.is_alive()
    assert_dataset_equals(db_url, "l4", make_source(3, variant="new"))


def test_the_load_builds_its_indexes_without_parallel_workers(db_url: str) -> None:
    # The load keeps every core busy itself: workers would only add their own work.
    settings = "max_parallel_maintenance_workers", "max_parallel_workers_per_gather"
    query = "select " + ", ".join(f"current_setting('{name}')" for name in settings)
    seen: dict[tuple[str, str], tuple[str, ...]] = {}
    loads: list[PostgresLoad] = []

    def checkpoint(phase: str, table: str) -> None:
        conn = loads[0]._conn
        if phase in ("index", "attach") and table == "synapse" and conn is not None:
            seen[(phase, table)] = tuple(conn.execute(query).fetchone() or ())

        staging = loads[0]._staging
        if phase == "staged-commit" and staging is not None:  # the second connection's
            seen[(phase, table)] = tuple(staging._conn.execute(query).fetchone() or ())

    loads.append(PostgresLoad(db_url, make_source(1), "a", checkpoint=checkpoint))
    loads[0].prepare()
    loads[0].commit()
    assert seen == {
        ("index", "synapse"): ("0", "0"),
        ("attach", "synapse"): ("0", "0"),
        ("staged-commit", ""): ("0", "0"),
    }

"""The PostgreSQL loader against real servers: content, no-op reloads, --replace, atomicity."""

from __future__ import annotations

import math
import threading

import numpy as np
import pandas as pd
import psycopg
import pytest
from pg_source import make_source

from connectomedb.errors import InputError, LoadError
from connectomedb.etl.frames import SourceDataset
from connectomedb.etl.load.postgres import PostgresLoad, load_dataset
from connectomedb.schema import DATA_TABLES
from connectomedb.stores.postgres import upgrade

VOXEL = np.array([11.24, 11.24, 28.0])


@pytest.fixture
def db(pg_url: str) -> str:
    upgrade(pg_url)
    return pg_url


def _query(url: str, text: str, params: tuple = ()) -> pd.DataFrame:
    with psycopg.connect(url) as conn:
        cur = conn.execute(text, params)
        names = [d.name for d in cur.description]
        return pd.DataFrame(cur.fetchall(), columns=names)


def _dataset_id(url: str, name: str) -> int:
    return int(_query(url, "select dataset_id from dataset where name = %s", (name,)).iloc[0, 0])


def _table(url: str, table: str, name: str) -> pd.DataFrame:
    """All rows of a table for one dataset, without dataset_id, in a canonical order."""
    frame = _query(
        url,
        f"select t.* from {table} t join dataset d using (dataset_id) where d.name = %s",
        (name,),
    ).drop(columns=["dataset_id"])
    return frame.sort_values(list(frame.columns)).reset_index(drop=True)


def _none(values: np.ndarray, null: np.ndarray) -> list:
    return [None if n else v for v, n in zip(values.tolist(), null.tolist(), strict=True)]


def _membership(owner: str, ragged) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    rows = [(i, int(s)) for i, items in enumerate(ragged.to_lists(), 1) for s in items]
    return pd.DataFrame(rows, columns=[owner, "segment_id"])


def _path_length(skel) -> list[float]:  # type: ignore[no-untyped-def]
    out = []
    for i in range(1, len(skel.nodes) + 1):
        nodes = skel.nodes.element(i).astype(float)
        out.append(
            sum(
                math.dist(nodes[a - 1] * VOXEL, nodes[b - 1] * VOXEL) / 1000
                for a, b in skel.edges.element(i)
            )
        )
    return out


def expected_tables(src: SourceDataset) -> dict[str, pd.DataFrame]:
    """Every table as the model says it must look, computed straight from the source."""
    ax, tg, sh, sy = src.axons, src.targets, src.spine_heads, src.synapses
    assert ax.skeleton is not None and tg.skeleton is not None and src.segments is not None
    out: dict[str, pd.DataFrame] = {}
    for table, codes in (
        ("axon_class", ax.classes),
        ("target_class", tg.classes),
        ("synapse_type", sy.types),
    ):
        out[table] = codes.frame[["code", "label", "name"]].astype({"code": int})
    seg = src.segments
    out["segment"] = pd.DataFrame(
        {
            "segment_id": np.arange(1, seg.n + 1),
            "x": seg.position[:, 0],
            "y": seg.position[:, 1],
            "z": seg.position[:, 2],
            "voxel_count": seg.voxel_count,
        }
    )
    out["neuron"] = pd.DataFrame({"neuron_id": sorted({int(v) for v in tg.neuron_id if v})})
    out["axon"] = pd.DataFrame(
        {
            "axon_id": np.arange(1, ax.n + 1),
            "class_code": ax.class_code,
            "mapped_seg_id": _none(ax.mapped_seg_id, ax.mapped_seg_id == 0),
            "path_length_um": _path_length(ax.skeleton),
        }
    )
    out["target"] = pd.DataFrame(
        {
            "target_id": np.arange(1, tg.n + 1),
            "class_code": tg.class_code,
            "neuron_id": _none(tg.neuron_id, tg.neuron_id == 0),
            "mapped_seg_id": _none(tg.mapped_seg_id, tg.mapped_seg_id == 0),
            "path_length_um": _path_length(tg.skeleton),
        }
    )
    out["spine_head"] = pd.DataFrame(
        {
            "spine_head_id": np.arange(1, sh.n + 1),
            "volume_um3": _none(sh.volume, np.isnan(sh.volume)),
        }
    )
    out["axon_segment"] = _membership("axon_id", ax.agglomerate)
    out["target_segment"] = _membership("target_id", tg.agglomerate)
    out["spine_head_segment"] = _membership("spine_head_id", sh.agglomerate)
    out["synapse_pre_segment"] = _membership("synapse_id", sy.pre_seg)
    out["synapse_post_segment"] = _membership("synapse_id", sy.post_seg)
    for kind, owner, skel in (
        ("axon", "axon_id", ax.skeleton),
        ("target", "target_id", tg.skeleton),
    ):
        nodes, edges = [], []
        for i in range(1, len(skel.nodes) + 1):
            for k, (xyz, seg_id) in enumerate(
                zip(skel.nodes.element(i), skel.seg_ids.element(i), strict=True), 1
            ):
                nodes.append((i, k, *map(int, xyz), int(seg_id) or None))
            edges += [(i, int(a), int(b)) for a, b in skel.edges.element(i)]
        out[f"{kind}_skeleton_node"] = pd.DataFrame(
            nodes, columns=[owner, "node_index", "x", "y", "z", "segment_id"]
        )
        out[f"{kind}_skeleton_edge"] = pd.DataFrame(
            edges, columns=[owner, "source_index", "target_index"]
        )
    syn = {"synapse_id": np.arange(1, sy.n + 1), "type_code": sy.type_code}
    for prefix, pos in (
        ("pre_", sy.pre_position),
        ("syn_", sy.syn_position),
        ("post_", sy.post_position),
    ):
        for i, a in enumerate("xyz"):
            syn[prefix + a] = pos[:, i]
    for col, values in (
        ("axon_id", sy.axon_id),
        ("split_axon_id", sy.split_axon_id),
        ("target_id", sy.target_id),
        ("spine_head_id", sy.spine_head_id),
    ):
        syn[col] = _none(values, values == 0)
    syn["asi_area"] = _none(sy.asi_area, np.isnan(sy.asi_area))
    out["synapse"] = pd.DataFrame(syn)
    assert src.connectome is not None
    out["class_connectome"] = src.connectome.entries.rename(
        columns={"row": "row_index", "col": "col_index"}
    )
    return out


FLOAT_COLUMNS = {"path_length_um", "asi_area", "volume_um3"}


def _norm(value: object, column: str) -> object:
    """One comparable value: NULL/NaN → None, numbers as float (rounded where computed)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, str):
        return value
    number = float(value)  # type: ignore[arg-type]
    if math.isnan(number):
        return None
    return round(number, 5) if column in FLOAT_COLUMNS else number


def _rows(frame: pd.DataFrame, columns: list[str]) -> list[tuple]:
    rows = [
        tuple(_norm(v, c) for v, c in zip(row, columns, strict=True))
        for row in frame[columns].itertuples(index=False, name=None)
    ]
    return sorted(rows, key=lambda r: tuple((v is None, v if v is not None else 0) for v in r))


def assert_dataset_equals(url: str, name: str, src: SourceDataset) -> None:
    expected = expected_tables(src)
    assert set(expected) == {t.name for t in DATA_TABLES}
    for table, want in expected.items():
        got = _table(url, table, name)
        columns = list(got.columns)
        assert sorted(columns) == sorted(want.columns), table
        assert _rows(got, columns) == _rows(want, columns), table


def snapshot(url: str) -> dict[str, list]:
    """Every row of every table (datasets and data), to show a failed load changed nothing."""
    out = {}
    with psycopg.connect(url) as conn:
        for table in ["dataset"] + [t.name for t in DATA_TABLES]:
            out[table] = sorted(map(repr, conn.execute(f"select * from {table}").fetchall()))
        out["partitions"] = sorted(
            r[0]
            for r in conn.execute(
                "select relname from pg_class c join pg_namespace n on n.oid = c.relnamespace"
                " where n.nspname = 'connectomedb_partitions' and c.relkind = 'r'"
            ).fetchall()
        )
    return out


def test_load_writes_every_table_as_in_the_source(db: str) -> None:
    src = make_source(0)
    report = load_dataset(db, src, "l4")
    assert report.status == "loaded"
    assert_dataset_equals(db, "l4", src)
    stored = _query(db, "select source, files, row_counts, loader_version from dataset")
    assert stored.loc[0, "files"]["synapses.hdf5"]["sha256"] == src.files["synapses.hdf5"].sha256
    assert stored.loc[0, "row_counts"]["synapse"] == src.synapses.n == report.row_counts["synapse"]
    assert stored.loc[0, "loader_version"].startswith("connectomedb ")


def test_reload_of_the_same_files_is_a_no_op(db: str) -> None:
    src = make_source(0)
    load_dataset(db, src, "l4")
    before = snapshot(db)
    report = load_dataset(db, make_source(0), "l4")
    assert report.status == "unchanged" and report.rows == 0
    assert snapshot(db) == before


def test_other_files_under_a_loaded_name_need_replace(db: str) -> None:
    load_dataset(db, make_source(0), "l4")
    before = snapshot(db)
    with pytest.raises(LoadError, match="already in PostgreSQL, loaded from other files"):
        load_dataset(db, make_source(1, variant="new"), "l4")
    assert snapshot(db) == before


def test_replace_swaps_the_dataset_and_keeps_its_id(db: str) -> None:
    load_dataset(db, make_source(0), "l4")
    load_dataset(db, make_source(7), "other")
    other_before = {t: _table(db, t.name, "other") for t in DATA_TABLES}
    first_id = _dataset_id(db, "l4")
    new = make_source(1, n_synapses=200, n_axons=30, variant="new")
    report = load_dataset(db, new, "l4", replace=True)
    assert report.status == "replaced" and report.dataset_id == first_id
    assert_dataset_equals(db, "l4", new)
    for table, frame in other_before.items():
        pd.testing.assert_frame_equal(_table(db, table.name, "other"), frame)
    parts = snapshot(db)["partitions"]
    assert len(parts) == 2 * len(DATA_TABLES)  # the old partitions are gone


def test_two_datasets_side_by_side(db: str) -> None:
    a, b = make_source(0), make_source(1, n_synapses=120)
    load_dataset(db, a, "a")
    load_dataset(db, b, "b")
    assert_dataset_equals(db, "a", a)
    assert_dataset_equals(db, "b", b)
    counts = _query(
        db,
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
        ("verify", ""),
    ],
)
def test_failure_at_any_step_leaves_the_previous_dataset_intact(
    db: str, phase: str, table: str
) -> None:
    old = make_source(0)
    load_dataset(db, old, "l4")
    before = snapshot(db)

    def checkpoint(p: str, t: str) -> None:
        if (p, t) == (phase, table):
            raise Boom(f"injected at {p} {t}")

    load = PostgresLoad(
        db, make_source(2, variant="new"), "l4", replace=True, checkpoint=checkpoint
    )
    with pytest.raises(LoadError, match=f"failed during {phase}.*injected"):
        load.prepare()
    assert snapshot(db) == before
    assert_dataset_equals(db, "l4", old)
    # and the next load goes through
    new = make_source(2, variant="new")
    assert load_dataset(db, new, "l4", replace=True).status == "replaced"
    assert_dataset_equals(db, "l4", new)


def test_a_failed_first_load_leaves_no_trace(db: str) -> None:
    load_dataset(db, make_source(0), "a")
    before = snapshot(db)

    def checkpoint(p: str, t: str) -> None:
        if p == "analyze":
            raise Boom("late")

    with pytest.raises(LoadError):
        PostgresLoad(db, make_source(1), "b", checkpoint=checkpoint).prepare()
    assert snapshot(db) == before


def test_a_dangling_reference_found_late_rolls_back(db: str) -> None:
    old = make_source(0)
    load_dataset(db, old, "l4")
    before = snapshot(db)
    bad = make_source(3, variant="bad")
    bad.synapses.axon_id[5] = bad.axons.n + 10  # no such axon: found when the FK is validated
    with pytest.raises(LoadError) as info:
        load_dataset(db, bad, "l4", replace=True)
    assert "synapses.hdf5 refers to an object that does not exist" in str(info.value)
    assert "previous data is intact" in str(info.value)
    assert snapshot(db) == before
    assert_dataset_equals(db, "l4", old)


def test_an_id_too_large_for_the_column_is_an_input_error_before_writing(db: str) -> None:
    bad = make_source(4)
    bad.synapses.target_id[9] = 2**40
    with pytest.raises(InputError) as info:
        load_dataset(db, bad, "l4")
    assert str(info.value) == (
        "synapses.hdf5: table synapse, column target_id: element 10: expected a value that fits"
        " PostgreSQL int4, found 1099511627776."
    )
    assert _query(db, "select count(*) from dataset").iloc[0, 0] == 0


def test_a_killed_connection_mid_load_leaves_the_previous_dataset(db: str) -> None:
    old = make_source(0)
    load_dataset(db, old, "l4")
    before = snapshot(db)
    killed: list[int] = []

    def checkpoint(p: str, t: str) -> None:
        if (p, t) == ("index", "synapse"):
            with psycopg.connect(db, autocommit=True) as other:
                pids = other.execute(
                    "select pid from pg_stat_activity where datname = current_database()"
                    " and pid <> pg_backend_pid() and state like 'idle in transaction%'"
                ).fetchall()
                for (pid,) in pids:
                    other.execute("select pg_terminate_backend(%s)", (pid,))
                    killed.append(pid)

    load = PostgresLoad(
        db, make_source(5, variant="new"), "l4", replace=True, checkpoint=checkpoint
    )
    with pytest.raises(LoadError, match="failed during index synapse"):
        load.prepare()
    assert len(killed) == 1
    assert snapshot(db) == before
    new = make_source(5, variant="new")
    assert load_dataset(db, new, "l4", replace=True).status == "replaced"
    assert_dataset_equals(db, "l4", new)


def test_readers_see_the_old_data_until_commit(db: str) -> None:
    load_dataset(db, make_source(0), "a")
    new = make_source(1, n_synapses=77)
    load = PostgresLoad(db, new, "b")
    report = load.prepare()
    assert report.row_counts["synapse"] == 77
    seen = _query(db, "select name from dataset order by 1")["name"].tolist()
    assert seen == ["a"]
    load.commit()
    assert _query(db, "select name from dataset order by 1")["name"].tolist() == ["a", "b"]
    assert_dataset_equals(db, "b", new)


def test_abort_after_prepare_discards_everything(db: str) -> None:
    load_dataset(db, make_source(0), "a")
    before = snapshot(db)
    load = PostgresLoad(db, make_source(1, variant="x"), "a", replace=True)
    load.prepare()
    load.abort()
    load.abort()  # twice is fine
    assert snapshot(db) == before


def test_concurrent_loads_are_serialised(db: str) -> None:
    errors: list[BaseException] = []

    def run(name: str, seed: int) -> None:
        try:
            load_dataset(db, make_source(seed), name)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(f"d{i}", i)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    ids = _query(db, "select name, dataset_id from dataset order by name")
    assert ids["name"].tolist() == ["d0", "d1", "d2"]
    for i in range(3):
        assert_dataset_equals(db, f"d{i}", make_source(i))

"""``locate`` against an independent NumPy/pandas computation on the synthetic volumes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import psycopg
import pytest
from support.cli import cli_env, run_cli
from support.volumes import FOLDERS, Assembled, truth  # noqa: F401

import connectomedb
from connectomedb.errors import QueryError
from connectomedb.etl.extract import read_dataset
from connectomedb.etl.load.postgres import load_dataset
from connectomedb.stores.postgres import upgrade
from connectomedb.volumes import lookup, scan
from connectomedb.volumes.catalogue import register
from connectomedb.volumes.locate import COLUMNS


@pytest.fixture
def loaded(fresh_db_url: str, synth_volumes: Path, tmp_path: Path) -> tuple[str, Path]:
    """The tiny dataset loaded, its volumes registered; the segmentation lacks cube x1y1z1."""
    upgrade(fresh_db_url)
    load_dataset(fresh_db_url, read_dataset(synth_volumes), "tiny")
    seg = tmp_path / "seg"
    shutil.copytree(synth_volumes / FOLDERS["segmentation"], seg)
    (seg / "x1y1z1.hdf5").unlink()
    register(fresh_db_url, scan(seg, "segmentation"), "tiny")
    for kind in ("mapped-segmentation", "blood-vessels", "em"):
        register(fresh_db_url, scan(synth_volumes / FOLDERS[kind], kind), "tiny")
    return fresh_db_url, synth_volumes


def _points(folder: Path) -> np.ndarray:
    ds = read_dataset(folder)
    lo, hi = truth(folder)["volumes"]["segmentation_extent"]
    rng = np.random.default_rng(5)
    random = rng.integers(np.array(lo) - 3, np.array(hi) + 4, size=(3000, 3))
    return np.concatenate([
        ds.segments.position, ds.synapses.pre_position, ds.synapses.post_position,
        ds.axons.skeleton.nodes.values, random, [[0, 0, 0], [20, 20, 20], [17, 17, 17]],
    ]).astype(np.int64)  # fmt: skip


def _owners(frame_agg, n: int) -> dict[int, int]:
    owner: dict[int, int] = {}
    for i in range(n, 0, -1):  # smallest ID wins
        for s in frame_agg.element(i):
            owner[int(s)] = i
    return owner


def test_locate_matches_numpy(loaded: tuple[str, Path]) -> None:
    url, folder = loaded
    points = _points(folder)
    frame = connectomedb.locate(points, "tiny", url=url)
    assert list(frame.columns) == list(COLUMNS)
    assert len(frame) == len(points)

    # Oracle: the whole volumes in memory, the extent and the missing cube by hand.
    seg = Assembled(folder / FOLDERS["segmentation"])
    mapped = Assembled(folder / FOLDERS["mapped-segmentation"])
    vessel = Assembled(folder / FOLDERS["blood-vessels"])
    lo, hi = (np.array(v) for v in truth(folder)["volumes"]["segmentation_extent"])
    inside = np.all((points >= lo) & (points <= hi), axis=1)
    cube = (points - 1) // 16
    missing = inside & np.all(cube == [1, 1, 1], axis=1)
    ok = inside & ~missing
    expected_status = np.where(ok, "ok", np.where(missing, "missing-cube", "outside"))
    assert frame["status"].tolist() == expected_status.tolist()
    assert {"ok", "missing-cube", "outside"} <= set(expected_status)

    got = frame[ok]
    assert got["segment_id"].to_numpy(np.int64).tolist() == seg.at(points[ok]).tolist()
    assert got["mapped_segment_id"].to_numpy(np.int64).tolist() == mapped.at(points[ok]).tolist()
    assert got["in_blood_vessel"].to_numpy(bool).tolist() == (vessel.at(points[ok]) > 0).tolist()
    assert frame.loc[~ok, "segment_id"].isna().all()
    # The mapped and vessel volumes have x1y1z1: answered even where the segmentation is not.
    assert frame.loc[missing, "mapped_segment_id"].notna().all()

    ds = read_dataset(folder)
    axon_of = _owners(ds.axons.agglomerate, ds.axons.n)
    target_of = _owners(ds.targets.agglomerate, ds.targets.n)
    spine_of = _owners(ds.spine_heads.agglomerate, ds.spine_heads.n)
    names_a = dict(zip(ds.axons.classes.frame["code"], ds.axons.classes.frame["name"], strict=True))
    names_t = dict(
        zip(ds.targets.classes.frame["code"], ds.targets.classes.frame["name"], strict=True)
    )
    for row in got.itertuples(index=False):
        s = int(row.segment_id)
        a, t, h = axon_of.get(s), target_of.get(s), spine_of.get(s)
        assert (None if pd.isna(row.axon_id) else int(row.axon_id)) == a
        assert (None if pd.isna(row.target_id) else int(row.target_id)) == t
        assert (None if pd.isna(row.spine_head_id) else int(row.spine_head_id)) == h
        if a is not None:
            assert row.axon_class == names_a[int(ds.axons.class_code[a - 1])]
        if t is not None:
            assert row.target_class == names_t[int(ds.targets.class_code[t - 1])]
            neuron = int(ds.targets.neuron_id[t - 1])
            assert (None if pd.isna(row.neuron_id) else int(row.neuron_id)) == (neuron or None)
    assert got["axon_id"].notna().sum() > 50 and got["target_id"].notna().sum() > 50
    assert got["spine_head_id"].notna().sum() > 10 and got["neuron_id"].notna().sum() > 5


def test_lookup_api_without_a_database(synth_volumes: Path) -> None:
    folder = synth_volumes / FOLDERS["segmentation"]
    ds = read_dataset(synth_volumes)
    ids = lookup(ds.segments.position, folder)
    assert ids.dtype == np.uint32
    planted = {
        p["segment_id"] for p in truth(synth_volumes)["volumes"]["planted"]["segment_position"]
    }
    wrong = set(np.flatnonzero(ids != np.arange(1, ds.segments.n + 1)) + 1)
    assert wrong == planted
    result = lookup([[1, 1, 1], [10**6, 5, 5], [3, 3, 3]], folder, with_status=True)
    assert result.status_names().tolist() == ["outside", "outside", "ok"]
    with pytest.raises(ValueError, match=r"expected an \(N, 3\) array"):
        lookup([[1, 2]], folder)


def test_locate_without_a_registered_segmentation(fresh_db_url: str) -> None:
    upgrade(fresh_db_url)
    with psycopg.connect(fresh_db_url) as conn, pytest.raises(QueryError) as info:
        connectomedb.locate([[1, 2, 3]], "nothing", conn=conn)
    assert str(info.value) == (
        "dataset 'nothing' has no segmentation volume registered. Register it first: "
        "connectomedb volumes add FOLDER --kind segmentation --dataset nothing"
    )


def test_locate_cli(loaded: tuple[str, Path], tmp_path: Path) -> None:
    url, folder = loaded
    ds = read_dataset(folder)
    x, y, z = (int(v) for v in ds.segments.position[9])
    base = ["--postgres-url", url, "--home", str(tmp_path / "home")]
    one = run_cli("locate", str(x), str(y), str(z), "--format", "json", *base, env=cli_env())
    assert one.returncode == 0, one.stderr
    rows = json.loads(one.stdout)
    assert rows[0]["segment_id"] == 10 and rows[0]["status"] == "ok"

    csv = tmp_path / "points.csv"
    csv.write_text(f"x,y,z\n{x},{y},{z}\n0,0,0\n")
    many = run_cli("locate", "--points", str(csv), "--format", "csv", *base, env=cli_env())
    assert many.returncode == 0, many.stderr
    frame = pd.read_csv(pd.io.common.StringIO(many.stdout))
    assert frame["status"].tolist() == ["ok", "outside"]
    assert frame["segment_id"].tolist()[0] == 10

    csv.write_text("x,y,z\n1,2,3\n4,five,6\n")
    bad = run_cli("locate", "--points", str(csv), *base, env=cli_env())
    assert bad.returncode == 3
    assert bad.stderr.strip() == (
        f"Error: {csv}: line 3, column 2: expected an integer voxel coordinate, found 'five'."
    )

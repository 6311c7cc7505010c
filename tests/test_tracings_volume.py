"""Tracing nodes linked to segments through the segmentation volume, end to end on the real
engines: synth --volumes --tracings, load, tracings add before and after the volume is
registered, volumes add filling the nodes of earlier tracings, tracings segments
--from-volume, and the evaluation query against the planted truth and the CSV-filled result.
The node segments are compared with an independent NumPy reading of the cube files."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import psycopg
import pytest
from support.cli import invoke_ok
from support.tracings import tracing_evaluation, webknossos_frames
from support.volumes import Assembled
from support.warehouse import read_frame

from connectomedb.config import load_settings
from connectomedb.errors import InputError
from connectomedb.synth.generate import generate
from connectomedb.tracings.synth import write_connectem
from connectomedb.tracings.volume_segments import link_after_register, segments_at
from connectomedb.volumes import scan
from connectomedb.volumes.catalogue import register, registered
from connectomedb.volumes.synth import place

CUBE = 16


def _node_segments(url: str, kind_files: list[str]) -> pd.DataFrame:
    return read_frame(
        url,
        "SELECT f.name AS file, t.tree_id, n.node_id, n.x, n.y, n.z, n.segment_id"
        " FROM tracing_node n JOIN tracing t USING (tracing_id) JOIN tracing_file f"
        " USING (file_id) WHERE f.name = ANY(%s) ORDER BY 1, 2, 3",
        (kind_files,),
    )


def _check_against_volume(db: pd.DataFrame, folder: Path, volume: Assembled) -> None:
    """Stored segments = NumPy read of the cubes at the stored positions = node_segments.csv,
    and the stored positions are those webknossos reads."""
    _, nodes, _ = webknossos_frames(folder)
    key = ["file", "tree_id", "node_id"]
    merged = db.merge(nodes[[*key, "x", "y", "z"]], on=key, suffixes=("", "_wk"))
    assert len(merged) == len(db) == len(nodes) > 0
    assert (merged[["x", "y", "z"]].to_numpy() == merged[["x_wk", "y_wk", "z_wk"]].to_numpy()).all()
    assert db.segment_id.notna().all()
    expected = volume.at(db[["x", "y", "z"]].to_numpy())
    np.testing.assert_array_equal(db.segment_id.to_numpy(dtype=np.int64), expected)
    planted = pd.read_csv(folder / "node_segments.csv").merge(db, on=key)
    assert len(planted) == len(db)
    np.testing.assert_array_equal(planted.segment_id_x.to_numpy(), planted.segment_id_y.to_numpy())
    assert (db.segment_id == 0).any() and (db.segment_id > 0).any()


def test_nodes_get_their_segments_from_the_volume(
    fresh_embedded_db_url: str, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    store = ["--home", str(tmp_path / "home"), "--postgres-url", fresh_embedded_db_url]
    invoke_ok(
        "synth",
        str(data),
        "--scale",
        "tiny",
        "--volumes",
        "--cube-size",
        str(CUBE),
        "--tracings",
        "-q",
    )
    connectem = data / "tracings" / "connectem"
    truth = json.loads((connectem / "truth.json").read_text())
    volume = Assembled(data / "segmentation-volume")
    invoke_ok("load", str(data), "--dataset", "tiny", *store, "-q")

    # Tracings added before the volume is registered: no segments yet.
    out = invoke_ok(
        "tracings", "add", str(connectem), "--kind", "connectem", "--dataset", "tiny", *store
    )
    assert "No segmentation volume registered for 'tiny'" in out
    assert _node_segments(fresh_embedded_db_url, truth["files"]).segment_id.isna().all()

    # Registering the segmentation fills them, in the same transaction.
    out = invoke_ok(
        "volumes",
        "add",
        str(data / "segmentation-volume"),
        "--kind",
        "segmentation",
        "--dataset",
        "tiny",
        *store,
    )
    nodes = sum(t["nodes"] for t in truth["tracings"])
    assert f"tracing node segments: {nodes:,} nodes looked up" in out
    _check_against_volume(_node_segments(fresh_embedded_db_url, truth["files"]), connectem, volume)
    by_volume = {e: tracing_evaluation(store, e) for e in ("sql", "cypher")}
    pd.testing.assert_frame_equal(by_volume["sql"], by_volume["cypher"], check_exact=False)
    best = {(r.file, r.tree_id): (r.best_kind, r.best_id) for r in by_volume["sql"].itertuples()}
    assert best == {(t["file"], t["tree_id"]): (t["kind"], t["id"]) for t in truth["tracings"]}
    for t in truth["tracings"]:
        row = by_volume["sql"][
            (by_volume["sql"].file == t["file"]) & (by_volume["sql"].tree_id == t["tree_id"])
        ].iloc[0]
        if t["gap_nodes"]:
            assert row.recall < 1 and row.nodes_on_segments <= t["nodes"] - t["gap_nodes"]
        if t["merger"]:
            assert row.agglomerates >= 2

    # The CSV path gives the same evaluation, in both engines.
    invoke_ok(
        "tracings", "segments", str(connectem / "node_segments.csv"), "--dataset", "tiny", *store
    )
    for engine in ("sql", "cypher"):
        pd.testing.assert_frame_equal(tracing_evaluation(store, engine), by_volume[engine])

    # --from-volume after the segments were lost (as after a late registration) restores them.
    with psycopg.connect(fresh_embedded_db_url) as conn:
        conn.execute("UPDATE tracing_node SET segment_id = NULL")
    invoke_ok("tracings", "graph", "--dataset", "tiny", *store)
    assert tracing_evaluation(store, "cypher").nodes_on_segments.sum() == 0
    out = invoke_ok("tracings", "segments", "--from-volume", "--dataset", "tiny", *store)
    assert f"Segments: {nodes:,} nodes looked up" in out
    _check_against_volume(_node_segments(fresh_embedded_db_url, truth["files"]), connectem, volume)
    for engine in ("sql", "cypher"):
        pd.testing.assert_frame_equal(tracing_evaluation(store, engine), by_volume[engine])

    # Tracings added once the volume is registered get their segments at once.
    result, plan = place(generate("tiny", 0), CUBE, 0)
    later = tmp_path / "later"
    later_truth = write_connectem(result.dataset, later, seed=1, per_file=50, volume_plan=plan)
    for path in later.glob("*.nml"):
        path.rename(later / f"later-{path.name}")
    segs = pd.read_csv(later / "node_segments.csv")
    segs["file"] = "later-" + segs["file"]
    segs.to_csv(later / "node_segments.csv", index=False)
    out = invoke_ok(
        "tracings", "add", str(later), "--kind", "connectem", "--dataset", "tiny", *store
    )
    later_nodes = sum(t["nodes"] for t in later_truth["tracings"])
    assert f"Segments: {later_nodes:,} nodes looked up" in out
    files = ["later-" + f for f in later_truth["files"]]
    _check_against_volume(_node_segments(fresh_embedded_db_url, files), later, volume)

    # A lookup that fails while a new volume is registered leaves volume and nodes as they were.
    before = _node_segments(fresh_embedded_db_url, truth["files"])
    copy = tmp_path / "segmentation-copy"
    shutil.copytree(data / "segmentation-volume", copy)
    replacement = scan(copy, "segmentation")
    first = before[["x", "y", "z"]].to_numpy()[0]
    (copy / "x{}y{}z{}.hdf5".format(*((first - 1) // CUBE))).unlink()
    settings = load_settings().with_overrides(
        home=str(tmp_path / "home"), postgres_url=fresh_embedded_db_url
    )
    with pytest.raises(InputError, match="no such file"):
        register(
            fresh_embedded_db_url,
            replacement,
            "tiny",
            replace=True,
            after=link_after_register(settings, "tiny", []),
        )
    with psycopg.connect(fresh_embedded_db_url) as conn:
        assert registered(conn, "tiny", "segmentation").folder == data / "segmentation-volume"
    pd.testing.assert_frame_equal(_node_segments(fresh_embedded_db_url, truth["files"]), before)


def test_outside_the_volume_is_0_and_a_missing_cube_is_null(tmp_path: Path) -> None:
    data = tmp_path / "data"
    invoke_ok("synth", str(data), "--scale", "tiny", "--volumes", "--cube-size", str(CUBE), "-q")
    full = scan(data / "segmentation-volume", "segmentation")
    gone = min(full.cubes)
    volume = dataclasses.replace(full, cubes={k: v for k, v in full.cubes.items() if k != gone})
    lo, hi = full.extent
    in_gone = np.asarray(gone) * CUBE + CUBE // 2
    inside = np.asarray(hi) - 1
    points = np.array([in_gone, inside, np.asarray(lo) - 1, np.asarray(hi) + 1])
    values, counts = segments_at(volume, points)
    expected = Assembled(data / "segmentation-volume").at(inside[None, :])[0]
    assert values.isna().tolist() == [True, False, False, False]
    assert values.iloc[1:].tolist() == [expected, 0, 0]
    assert (counts.missing_cube, counts.outside, counts.nodes) == (1, 2, 4)
    assert counts.on_segment + counts.background == 1

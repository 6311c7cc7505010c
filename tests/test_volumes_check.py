"""``check segmentation`` finds exactly the planted disagreements of the synthetic volumes."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
from support.cli import cli_env, run_cli
from support.volumes import FOLDERS, truth  # noqa: F401

from connectomedb.etl.extract import read_dataset
from connectomedb.etl.load.postgres import load_dataset
from connectomedb.stores.postgres import upgrade
from connectomedb.volumes.catalogue import register
from connectomedb.volumes.check import check_segmentation
from connectomedb.volumes.cubes import scan


def _setup(url: str, folder: Path) -> None:
    upgrade(url)
    load_dataset(url, read_dataset(folder), "tiny")
    for kind in ("segmentation", "mapped-segmentation"):
        register(url, scan(folder / FOLDERS[kind], kind), "tiny")


def test_finds_exactly_the_planted(fresh_db_url: str, synth_volumes: Path) -> None:
    _setup(fresh_db_url, synth_volumes)
    planted = truth(synth_volumes)["volumes"]["planted"]
    ds = read_dataset(synth_volumes)
    with psycopg.connect(fresh_db_url) as conn:
        results = {r.name: r for r in check_segmentation(conn, "tiny")}
    assert list(results) == ["synapse_pre", "synapse_post", "segment_position", "mapped_node"]

    for side in ("pre", "post"):
        r = results[f"synapse_{side}"]
        bad = r.disagreements
        assert sorted(zip(bad["synapse_id"], bad["found"], strict=True)) == sorted(
            (p["synapse_id"], p["found_segment"]) for p in planted[f"synapse_{side}"]
        )
        assert r.checked == ds.synapses.n and r.agreeing == ds.synapses.n - len(bad)
        assert r.not_checked == 0
    r = results["segment_position"]
    assert sorted(zip(r.disagreements["segment_id"], r.disagreements["found"], strict=True)) == (
        sorted((p["segment_id"], p["found_segment"]) for p in planted["segment_position"])
    )
    assert r.checked == ds.segments.n
    r = results["mapped_node"]
    assert sorted(
        zip(
            r.disagreements["neurite"],
            r.disagreements["id"],
            r.disagreements["node_index"],
            strict=True,
        )
    ) == sorted((p["neurite"], p["id"], p["node_index"]) for p in planted["mapped_node"])
    assert (r.disagreements["found"] == 0).all()
    # Checked: nodes on a segment of a neurite with a mapped ID, counted independently.
    checkable = 0
    for frame in (ds.axons, ds.targets):
        owners = frame.skeleton.seg_ids.owner_ids()
        checkable += int(
            ((frame.skeleton.seg_ids.values > 0) & (frame.mapped_seg_id[owners - 1] > 0)).sum()
        )
    total = len(ds.axons.skeleton.seg_ids.values) + len(ds.targets.skeleton.seg_ids.values)
    assert r.checked == checkable and r.not_checked == total - checkable


def test_cli_sample_and_store(fresh_db_url: str, synth_volumes: Path, tmp_path: Path) -> None:
    _setup(fresh_db_url, synth_volumes)
    base = ["--postgres-url", fresh_db_url, "--home", str(tmp_path)]
    out = run_cli("check", "segmentation", "--format", "json", "--store", *base, env=cli_env())
    assert out.returncode == 0, out.stderr
    rows = {r["check"]: r for r in json.loads(out.stdout)}
    assert rows["synapse_pre"]["checked"] - rows["synapse_pre"]["agreeing"] == 2
    assert len(rows["segment_position"]["examples"]) == 2
    with psycopg.connect(fresh_db_url) as conn:
        stored = conn.execute(
            "SELECT check_name, checked - agreeing, sample FROM segmentation_check ORDER BY 1"
        ).fetchall()
    assert stored == [("mapped_node", 2, None), ("segment_position", 2, None),
                      ("synapse_post", 2, None), ("synapse_pre", 2, None)]  # fmt: skip

    sampled = run_cli("check", "segmentation", "--sample", "20", *base, env=cli_env())
    assert sampled.returncode == 0, sampled.stderr
    assert "synapse_pre" in sampled.stdout and "fraction" in sampled.stdout
    js = run_cli("check", "segmentation", "--sample", "20", "--format", "json", *base,
                 env=cli_env())  # fmt: skip
    assert all(r["checked"] + r["not_checked"] <= 20 or r["check"] == "mapped_node"
               for r in json.loads(js.stdout))  # fmt: skip
    assert all(r["checked"] == 20 for r in json.loads(js.stdout))

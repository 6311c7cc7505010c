"""The documented workflow end to end through the command line: synth --tracings, load,
tracings add, tracings segments, the evaluation query in SQL and Cypher, training add."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from support.cli import invoke_ok
from support.tracings import tracing_evaluation


def test_synth_load_add_segments_and_evaluate(fresh_embedded_db_url: str, tmp_path: Path) -> None:
    data = tmp_path / "data"
    store = ["--home", str(tmp_path / "home"), "--postgres-url", fresh_embedded_db_url]
    invoke_ok("synth", str(data), "--scale", "tiny", "--tracings", "-q")
    truth = json.loads((data / "tracings" / "connectem" / "truth.json").read_text())
    invoke_ok("load", str(data), "--dataset", "tiny", *store, "-q")
    out = invoke_ok(
        "tracings",
        "add",
        str(data / "tracings" / "connectem"),
        "--kind",
        "connectem",
        "--dataset",
        "tiny",
        *store,
    )
    assert f"Added {len(truth['files'])} file(s): {len(truth['tracings'])} tracings" in out
    out = invoke_ok(
        "tracings",
        "segments",
        str(data / "tracings" / "connectem" / "node_segments.csv"),
        "--dataset",
        "tiny",
        *store,
    )
    nodes = sum(t["nodes"] for t in truth["tracings"])
    assert f"Set the segment of {nodes:,} nodes." in out
    frames = {engine: tracing_evaluation(store, engine) for engine in ("sql", "cypher")}
    pd.testing.assert_frame_equal(frames["sql"], frames["cypher"], check_exact=False)
    best = {(r.file, r.tree_id): (r.best_kind, r.best_id) for r in frames["sql"].itertuples()}
    assert best == {(t["file"], t["tree_id"]): (t["kind"], t["id"]) for t in truth["tracings"]}

    out = invoke_ok(
        "training",
        "add",
        str(data / "training" / "synem-interfaces"),
        "--kind",
        "synem-interfaces",
        *store,
    )
    assert "Registered 2 cube(s)" in out
    listed = invoke_ok("training", "list", *store)
    assert "synem-interfaces\tcube-1.hdf5\t32x32x16" in listed

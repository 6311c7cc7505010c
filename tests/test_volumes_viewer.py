"""The neuroglancer viewer, offline, in headless Chromium: layers load, no errors, segments drawn.

Chromium is required (``apt-get install -y chromium``, done by ``.ci/run``).
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import psycopg
from PIL import Image
from support.cli import cli_env, run_cli
from support.volumes import FOLDERS  # noqa: F401

from connectomedb.etl.extract import read_dataset
from connectomedb.etl.load.postgres import load_dataset
from connectomedb.stores.postgres import upgrade
from connectomedb.volumes.catalogue import register
from connectomedb.volumes.cubes import scan
from connectomedb.volumes.viewer import build_viewer, check_in_chromium, focus


def _setup(url: str, folder: Path) -> None:
    upgrade(url)
    load_dataset(url, read_dataset(folder), "tiny")
    for kind in ("em", "segmentation", "mapped-segmentation"):
        register(url, scan(folder / FOLDERS[kind], kind), "tiny")


def _coloured_pixels(png: bytes) -> int:
    rgb = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    spread = rgb.max(axis=2) - rgb.min(axis=2)
    return int((spread > 60).sum())


def test_viewer_loads_its_layers_offline(fresh_embedded_db_url: str, synth_volumes: Path) -> None:
    _setup(fresh_embedded_db_url, synth_volumes)
    ds = read_dataset(synth_volumes)
    with psycopg.connect(fresh_embedded_db_url) as conn:
        where = focus(conn, "tiny", "synapse", 3)
        assert where.centre == tuple(int(v) for v in ds.synapses.syn_position[2])
        expected = set(ds.synapses.pre_seg.element(3)) | set(ds.synapses.post_seg.element(3))
        assert set(where.segments) == {int(s) for s in expected}
        axon = focus(conn, "tiny", "axon", 2)
        assert set(axon.segments) == {int(s) for s in ds.axons.agglomerate.element(2)}
        viewer = build_viewer(conn, "tiny", where, radius=(24, 24, 8))
    check = check_in_chromium(viewer)
    assert [layer["name"] for layer in check.layers] == [
        "em", "segmentation", "mapped segmentation"
    ]  # fmt: skip
    assert all(layer["created"] and layer["sources"] == ["ok"] for layer in check.layers)
    assert check.ready
    assert check.console_errors == []
    assert check.external_requests == []
    assert check.screenshot is not None and check.screenshot[:8] == b"\x89PNG\r\n\x1a\n"
    assert _coloured_pixels(check.screenshot) > 100  # the selected segments are drawn


def test_view_cli_writes_a_png(
    fresh_embedded_db_url: str, synth_volumes: Path, tmp_path: Path
) -> None:
    _setup(fresh_embedded_db_url, synth_volumes)
    png = tmp_path / "axon.png"
    base = ["--postgres-url", fresh_embedded_db_url, "--home", str(tmp_path)]
    done = run_cli("volumes", "view", "--axon", "2", "--png", str(png), "--radius", "24", *base,
                   env=cli_env())  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "axon 2 at" in done.stdout and png.read_bytes()[:4] == b"\x89PNG"
    missing = run_cli("volumes", "view", "--synapse", "99999", "--postgres-url",
                      fresh_embedded_db_url, "--home", str(tmp_path), env=cli_env())  # fmt: skip
    assert missing.returncode == 6
    assert missing.stderr.strip() == "Error: dataset 'tiny' has no synapse 99999 (with a position)."

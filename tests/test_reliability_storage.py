"""A graph disk that is completely full: one clean storage error (exit code 5), and both
stores as they were. The graph folder is a small tmpfs, so the test needs root (as CI has)."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.cli import run_load
from support.datasets import valid_dataset
from support.fingerprints import graph_fingerprint, pg_fingerprint
from support.reliability import database_holding

from connectomedb.errors import LoadError


def _mount_tmpfs(path: Path, size: str) -> bool:
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    path.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True
    )
    return done.returncode == 0


@pytest.fixture
def full_disk(tmp_path: Path, embedded_server_url: str) -> Iterator[dict]:
    home = tmp_path / "home"
    graph = home / "graph"
    if not _mount_tmpfs(graph, "64m"):
        pytest.skip("needs root to mount a small tmpfs as the graph folder")
    try:
        folder = valid_dataset(tmp_path / "tiny", seed=0)
        for url in database_holding(embedded_server_url, folder, "keep", home):
            # Fill the rest of the disk.
            with open(graph / "filler", "wb") as fh:
                try:
                    while True:
                        fh.write(b"\0" * (1 << 16))
                        fh.flush()
                except OSError:
                    pass
            assert shutil.disk_usage(graph).free < (1 << 16)
            yield {"url": url, "home": home, "graph": graph}
    finally:
        subprocess.run(["umount", "-l", str(graph)], capture_output=True)


def test_a_full_graph_disk_is_a_clean_error_and_changes_nothing(
    full_disk: dict, tmp_path: Path
) -> None:
    other = valid_dataset(tmp_path / "other", seed=1)
    before_pg = pg_fingerprint(full_disk["url"])
    before_graph = graph_fingerprint(full_disk["home"], "keep")
    for name, extra in (("keep", ["--replace"]), ("new", [])):
        result = run_load(other, name, full_disk["home"], full_disk["url"], *extra)
        assert result.returncode == LoadError.exit_code, result.stderr
        assert "Traceback" not in result.stdout + result.stderr
        assert result.stderr.startswith(
            f"Error: graph: cannot write the graph of dataset {name!r} under "
            f"{full_disk['graph']}: the disk is full ("
        ), result.stderr
        assert result.stderr.endswith(
            "). Nothing was changed; the previous data is intact. Free space there (or fix the "
            "disk) and load again.\n"
        )
        assert result.stderr.count("\n") == 1
        assert pg_fingerprint(full_disk["url"]) == before_pg
        after = graph_fingerprint(full_disk["home"], "keep")
        # The new dataset may leave its empty folder with the lock file, nothing else.
        assert [f for f in after["files"] if not f[0].startswith("new/")] == before_graph["files"]
        assert {k: v for k, v in after.items() if k != "files"} == {
            k: v for k, v in before_graph.items() if k != "files"
        }
    # With room again, the same load succeeds.
    (full_disk["graph"] / "filler").unlink()
    result = run_load(other, "keep", full_disk["home"], full_disk["url"], "--replace")
    assert result.returncode == 0, result.stderr

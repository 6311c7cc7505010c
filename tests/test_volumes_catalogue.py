"""The volume catalogue: validation messages, idempotent and atomic registration."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import h5py
import numpy as np
import psycopg
import pytest
from support.cli import cli_env, run_cli
from support.volumes import FOLDERS  # noqa: F401

from connectomedb.errors import InputError, LoadError
from connectomedb.stores.postgres import upgrade
from connectomedb.volumes.catalogue import catalogue, register, registered
from connectomedb.volumes.cubes import scan
from connectomedb.volumes.lookup import read_points


def _cube(folder: Path, name: str, shape=(16, 16, 16), dtype="uint32") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    with h5py.File(folder / name, "w") as f:
        f.create_dataset("data", shape=shape, dtype=dtype, chunks=(4, 4, 4), compression="gzip")
    return folder / name


def _error(folder: Path, kind: str = "segmentation") -> str:
    with pytest.raises(InputError) as info:
        scan(folder, kind)
    return str(info.value)


def test_wrong_name(tmp_path: Path) -> None:
    _cube(tmp_path, "x0y0z0.hdf5")
    _cube(tmp_path, "cube-1.hdf5")
    assert _error(tmp_path) == (
        f"{tmp_path}/cube-1.hdf5: expected a cube file named x{{i}}y{{j}}z{{k}}.hdf5 (i, j, k "
        "without leading zeros), found 'cube-1.hdf5'. Rename it or move it out of the folder."
    )


def test_wrong_shape(tmp_path: Path) -> None:
    _cube(tmp_path, "x0y0z0.hdf5", shape=(16, 16, 8))
    assert _error(tmp_path) == (
        f"{tmp_path}/x0y0z0.hdf5: /data: expected a cube of shape (C, C, C), found (16, 16, 8)."
    )


def _beside_a_larger_cube(folder: Path, name: str) -> str:
    """The scan's error on a folder with a 16-voxel cube x0y0z0 and an 8-voxel cube ``name``."""
    _cube(folder, "x0y0z0.hdf5", shape=(16, 16, 16))
    _cube(folder, name, shape=(8, 8, 8))
    return _error(folder)


def test_shape_differs_from_the_others(tmp_path: Path) -> None:
    assert _beside_a_larger_cube(tmp_path, "x5y0z0.hdf5") == (
        f"{tmp_path}/x5y0z0.hdf5: /data: expected shape (16, 16, 16) like x0y0z0.hdf5, "
        "found (8, 8, 8)."
    )


def test_wrong_dtype(tmp_path: Path) -> None:
    _cube(tmp_path, "x0y0z0.hdf5", dtype="float32")
    assert _error(tmp_path) == (
        f"{tmp_path}/x0y0z0.hdf5: /data: expected dtype uint32 for a segmentation volume, "
        "found float32. Check --kind."
    )
    assert "expected dtype uint8 for a em volume, found float32" in _error(tmp_path, "em")
    assert "expected dtype an integer type for a blood-vessels volume" in _error(
        tmp_path, "blood-vessels"
    )


def test_overlapping_cubes(tmp_path: Path) -> None:
    assert _beside_a_larger_cube(tmp_path, "x1y0z0.hdf5") == (
        f"{tmp_path}/x1y0z0.hdf5: /data: expected a cube that overlaps no other cube "
        "(x1y0z0.hdf5: edge 8 at (9, 1, 1)), found it overlaps x0y0z0.hdf5 (edge 16 at "
        "(1, 1, 1)). Remove one of the two files."
    )


def test_outside_the_extents(tmp_path: Path) -> None:
    # 16-voxel cubes: the segmentation extent x 129-5574 becomes x 3-88, so x9 (145-160) is out.
    _cube(tmp_path, "x9y0z0.hdf5")
    assert _error(tmp_path) == (
        f"{tmp_path}/x9y0z0.hdf5: expected a cube inside the published segmentation extent "
        "x 3–88, y 3–133, z 3–54 (cubes of edge 16), found a cube at x 145–160, y 1–16, z 1–16."
    )
    # The EM extent is wider: x9 of 16-voxel EM cubes is still refused, x6 is accepted.
    _cube(tmp_path / "em", "x6y0z0.hdf5", dtype="uint8")
    assert scan(tmp_path / "em", "em").cubes.keys() == {(6, 0, 0)}


def test_no_data_and_not_hdf5(tmp_path: Path) -> None:
    tmp_path.mkdir(exist_ok=True)
    with h5py.File(tmp_path / "x0y0z0.hdf5", "w") as f:
        f.create_dataset("em", data=np.zeros((4, 4, 4), np.uint8))
    assert _error(tmp_path).endswith(
        "x0y0z0.hdf5: /data: expected one dataset /data of voxels indexed [z, y, x], "
        "found no /data."
    )
    (tmp_path / "x0y0z0.hdf5").write_bytes(b"not hdf5")
    assert "x0y0z0.hdf5: expected an HDF5 file, found unreadable" in _error(tmp_path)
    assert "expected at least one cube file" in _error(tmp_path / "..")


def test_missing_cubes_are_reported(tmp_path: Path) -> None:
    _cube(tmp_path, "x1y1z1.hdf5")
    volume = scan(tmp_path, "segmentation")
    assert len(volume.expected()) == 216
    assert len(volume.missing()) == 215 and "x1y1z1.hdf5" not in volume.missing()


def _counts(url: str) -> tuple[int, int]:
    with psycopg.connect(url) as conn:
        v = conn.execute("SELECT count(*) FROM volume").fetchone()[0]
        c = conn.execute("SELECT count(*) FROM volume_cube").fetchone()[0]
    return v, c


def test_register_twice_is_a_no_op(fresh_db_url: str, synth_volumes: Path, tmp_path: Path) -> None:
    upgrade(fresh_db_url)
    volume = scan(synth_volumes / FOLDERS["segmentation"], "segmentation")
    assert register(fresh_db_url, volume, "tiny").action == "registered"
    with psycopg.connect(fresh_db_url) as conn:
        before = conn.execute("SELECT xmin::text, registered_at FROM volume").fetchall()
    assert register(fresh_db_url, scan(volume.folder, "segmentation"), "tiny").action == "unchanged"
    with psycopg.connect(fresh_db_url) as conn:
        assert conn.execute("SELECT xmin::text, registered_at FROM volume").fetchall() == before
        back = registered(conn, "tiny", "segmentation")
        frame = catalogue(conn)
    assert back == volume
    assert frame[["dataset", "kind", "cubes", "missing_cubes"]].values.tolist() == [
        ["tiny", "segmentation", 216, 0]
    ]
    assert _counts(fresh_db_url) == (1, 216)

    # Another folder needs --replace; with it, the catalogue switches in one go.
    other = tmp_path / "seg"
    shutil.copytree(volume.folder, other)
    (other / "x0y0z0.hdf5").unlink()
    with pytest.raises(LoadError, match="Pass --replace"):
        register(fresh_db_url, scan(other, "segmentation"), "tiny")
    assert (
        register(fresh_db_url, scan(other, "segmentation"), "tiny", replace=True).action
        == "replaced"
    )
    assert _counts(fresh_db_url) == (1, 215)


def test_changed_cube_is_caught_when_read(
    fresh_db_url: str, synth_volumes: Path, tmp_path: Path
) -> None:
    upgrade(fresh_db_url)
    folder = tmp_path / "seg"
    shutil.copytree(synth_volumes / FOLDERS["segmentation"], folder)
    register(fresh_db_url, scan(folder, "segmentation"), "tiny")
    with psycopg.connect(fresh_db_url) as conn:
        volume = registered(conn, "tiny", "segmentation")
    assert read_points([[5, 5, 5]], volume).status.tolist() == [0]
    st = (folder / "x0y0z0.hdf5").stat()
    os.utime(folder / "x0y0z0.hdf5", ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    with pytest.raises(InputError, match="It changed since; register the folder again"):
        read_points([[5, 5, 5]], volume)
    assert read_points([[40, 5, 5]], volume).status.tolist() == [0]  # other cubes still read


@pytest.mark.parametrize("point", ["volumes:volume", "volumes:volume_cube"])
def test_killed_registration_leaves_nothing(
    fresh_db_url: str,
    synth_volumes: Path,
    tmp_path: Path,
    point: str,
) -> None:
    upgrade(fresh_db_url)
    args = [
        "volumes",
        "add",
        str(synth_volumes / FOLDERS["em"]),
        "--kind",
        "em",
        "--dataset",
        "tiny",
        "--postgres-url",
        fresh_db_url,
        "--home",
        str(tmp_path),
    ]
    killed = run_cli(*args, env=cli_env(CONNECTOMEDB_TEST_KILL_AT=point))
    assert killed.returncode == -9, killed.stderr
    assert _counts(fresh_db_url) == (0, 0)
    done = run_cli(*args, env=cli_env())
    assert done.returncode == 0, done.stderr
    assert "em volume of 'tiny' registered" in done.stdout
    assert _counts(fresh_db_url) == (1, 216)
    again = run_cli(*args, env=cli_env())
    assert "already registered, unchanged" in again.stdout
    info = run_cli(
        "info", "--postgres-url", fresh_db_url, "--home", str(tmp_path), env=cli_env(COLUMNS="200")
    )
    assert "Registered volumes" in info.stdout and "electron-microscopy-volume" in info.stdout


def test_cli_error_exit(tmp_path: Path) -> None:
    _cube(tmp_path / "v", "x0y0z0.hdf5", dtype="float64")
    result = run_cli(
        "volumes",
        "add",
        str(tmp_path / "v"),
        "--kind",
        "segmentation",
        "--home",
        str(tmp_path / "home"),
        env=cli_env(),
    )
    assert result.returncode == 3
    assert result.stderr.startswith(f"Error: {tmp_path}/v/x0y0z0.hdf5: /data: expected dtype")
    assert "Traceback" not in result.stderr

"""SynEM cubes: the catalogue in PostgreSQL against the generator's truth, the voxel helper
against the raw HDF5 contents, tolerated layout variants, and errors."""

from __future__ import annotations

import json
from pathlib import Path

import h5py
import numpy as np
import psycopg
import pytest
from click.testing import CliRunner
from support.warehouse import fetch_rows

from connectomedb.cli import main
from connectomedb.errors import InputError
from connectomedb.stores.postgres import upgrade
from connectomedb.training.store import find_cubes, register_cubes
from connectomedb.training.synem import EM_PADDING, cube_arrays
from connectomedb.training.synth import write_training


@pytest.fixture(scope="module")
def cubes(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    folder = tmp_path_factory.mktemp("training")
    return folder, write_training(folder, seed=3)


@pytest.fixture
def db_url(fresh_db_url: str) -> str:
    upgrade(fresh_db_url)
    return fresh_db_url


def _cli(db_url: str, *args: str) -> str:
    result = CliRunner().invoke(main, ["training", *args, "--postgres-url", db_url])
    assert result.exit_code == 0, result.output
    return result.output


def test_catalogue_counts_equal_the_truth(db_url: str, cubes: tuple[Path, dict]) -> None:
    folder, truth = cubes
    out = _cli(db_url, "add", str(folder / "synem-interfaces"), "--kind", "synem-interfaces")
    n = sum(c["interfaces"] for c in truth["synem-interfaces"])
    assert f"Registered 2 cube(s) with {n:,} interfaces." in out
    _cli(db_url, "add", str(folder / "synem-test"), "--kind", "synem-test")
    _cli(db_url, "add", str(folder / "svm"), "--kind", "svm")
    rows = fetch_rows(
        db_url,
        "SELECT i.label || '/' || i.target_type, count(*) FROM training_interface i"
        " JOIN training_cube c USING (cube_id) WHERE c.kind = 'synem-interfaces' GROUP BY 1",
    )
    expected: dict[str, int] = {}
    for cube in truth["synem-interfaces"]:
        for key, count in cube["label_target_counts"].items():
            expected[key] = expected.get(key, 0) + count
    assert dict(rows) == expected
    with psycopg.connect(db_url) as conn:
        voxels = conn.execute(
            "SELECT c.name, array_agg(i.voxels ORDER BY i.interface_id) FROM training_interface"
            " i JOIN training_cube c USING (cube_id) WHERE c.kind <> 'svm' GROUP BY c.name,"
            " c.kind ORDER BY c.name"
        ).fetchall()
        by_name = {
            c["file"]: c["voxels"] for k in ("synem-interfaces", "synem-test") for c in truth[k]
        }
        assert {name: list(v) for name, v in voxels} == by_name
        test = truth["synem-test"][0]
        assert conn.execute(
            "SELECT count(*) FILTER (WHERE synapse_id > 0), count(*) FILTER (WHERE"
            " is_inhibitory), count(*) FILTER (WHERE label IS NULL) FROM training_interface i"
            " JOIN training_cube c USING (cube_id) WHERE c.kind = 'synem-test'"
        ).fetchone() == (test["synapses"], test["inhibitory"], test["interfaces"])
        svm = conn.execute(
            "SELECT c.name, l.label, l.voxels FROM training_label_count l JOIN training_cube c"
            " USING (cube_id)"
        ).fetchall()
        assert {(n, lab): v for n, lab, v in svm} == {
            (c["file"], lab): v for c in truth["svm"] for lab, v in c["voxels"].items()
        }
        sizes = conn.execute(
            "SELECT DISTINCT kind, size_x, size_y, size_z FROM training_cube ORDER BY kind"
        ).fetchall()
        assert sizes == [
            ("svm", 24, 24, 10),
            ("synem-interfaces", 32, 32, 16),
            ("synem-test", 32, 32, 16),
        ]
    again = _cli(db_url, "add", str(folder), "--kind", "svm")
    assert "Skipped 5 cube(s) already registered." in again


def test_cube_arrays_match_the_raw_file(cubes: tuple[Path, dict]) -> None:
    folder, truth = cubes
    path = folder / "synem-interfaces" / "cube-1.hdf5"
    arrays = cube_arrays(path)
    with h5py.File(path, "r") as f:
        raw_seg = f["segmentation"][()]
        raw_interfaces = [f["interfaces"][str(i)][()] for i in range(1, len(f["interfaces"]) + 1)]
    assert arrays.segmentation is not None
    assert arrays.segmentation.shape == raw_seg.shape[::-1] == (32, 32, 16)
    assert arrays.em.shape == tuple(
        s + 2 * p for s, p in zip((32, 32, 16), EM_PADDING, strict=True)
    )
    # (x, y, z) of MATLAB's 1-based column-major index i, the MATLAB way.
    for i, flat in enumerate(raw_interfaces, start=1):
        mask = arrays.interface_mask(i)
        assert mask.sum() == len(flat) == truth["synem-interfaces"][0]["voxels"][i - 1]
        xyz = np.unravel_index(flat.astype(np.int64) - 1, (32, 32, 16), order="F")
        assert mask[xyz].all()
        assert (arrays.segmentation[xyz] == raw_seg[xyz[2], xyz[1], xyz[0]]).all()
    labels = arrays.interface_labels()
    assert set(np.unique(labels)) <= set(range(len(raw_interfaces) + 1))


def test_older_layout_variants_are_tolerated(
    db_url: str, tmp_path: Path, cubes: tuple[Path, dict]
) -> None:
    folder, truth = cubes
    src = folder / "synem-interfaces" / "cube-1.hdf5"
    variant = tmp_path / "variant.hdf5"
    with h5py.File(src, "r") as f, h5py.File(variant, "w") as g:
        for name in ("em", "segmentation", "interfaces"):
            f.copy(name, g)
        g["edges"] = f["edges"][()].T  # (N, 2)
        g["labels"] = f["labels"][()].reshape(-1, 1)  # (N, 1), no code attributes
        g["targetTypes"] = f["targetTypes"][()].reshape(1, -1)  # (1, N)
    register_cubes(db_url, [variant], "synem-interfaces")
    with psycopg.connect(db_url) as conn:
        rows = dict(
            conn.execute(
                "SELECT label || '/' || target_type, count(*) FROM training_interface GROUP BY 1"
            ).fetchall()
        )
    assert rows == truth["synem-interfaces"][0]["label_target_counts"]


def test_wrong_kind_is_refused_and_stores_nothing(db_url: str, cubes: tuple[Path, dict]) -> None:
    folder, _ = cubes
    paths = find_cubes([folder / "synem-interfaces", folder / "svm"])
    with pytest.raises(InputError) as caught:
        register_cubes(db_url, paths, "synem-interfaces")
    assert str(caught.value) == (
        f"{folder / 'svm' / 'cube-1.hdf5'}: /segmentation: expected the segmentation of a "
        "synem-interfaces cube, found none. Check --kind."
    )
    with psycopg.connect(db_url) as conn:
        assert conn.execute("SELECT count(*) FROM training_cube").fetchone() == (0,)
    result = CliRunner().invoke(
        main,
        ["training", "add", str(folder / "svm"), "--kind", "synem-test", "--postgres-url", db_url],
    )
    assert result.exit_code == InputError.exit_code
    assert "Traceback" not in result.output


def test_truth_file_is_json(cubes: tuple[Path, dict]) -> None:
    folder, truth = cubes
    assert json.loads((folder / "truth.json").read_text()) == truth

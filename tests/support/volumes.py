"""Synthetic volumes for the volume tests, and an independent NumPy reading of them.

``synth_volumes`` writes the tiny dataset with 16-voxel cubes once per test session; the
``assemble`` helper reads every cube of a folder with plain h5py into one global array (its own
index arithmetic, not connectomedb's), the oracle the look-ups are compared with.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import h5py
import numpy as np
import pytest
from click.testing import CliRunner

from connectomedb.cli import main

CUBE = 16
FOLDERS = {
    "em": "electron-microscopy-volume",
    "segmentation": "segmentation-volume",
    "mapped-segmentation": "mapped-segmentation-volume",
    "blood-vessels": "blood-vessel-segmentation-volume",
}


def write_synth(outdir: Path, cube: int = CUBE, scale: str = "tiny") -> Path:
    result = CliRunner().invoke(
        main, ["synth", str(outdir), "--scale", scale, "--volumes", "--cube-size", str(cube), "-q"]
    )
    assert result.exit_code == 0, result.output
    return outdir


@pytest.fixture(scope="session")
def synth_volumes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_synth(tmp_path_factory.mktemp("vol") / "tiny")


def truth(folder: Path) -> dict:
    return json.loads((folder / "truth.json").read_text())


class Assembled:
    """A whole volume as one array indexed [x, y, z] by global 1-based coordinates."""

    def __init__(self, folder: Path) -> None:
        cubes = {}
        for p in folder.glob("*.hdf5"):
            i, j, k = (int(v) for v in re.match(r"x(\d+)y(\d+)z(\d+)", p.name).groups())
            with h5py.File(p, "r") as f:
                cubes[(i, j, k)] = f["data"][()]
        edge = next(iter(cubes.values())).shape[0]
        n = np.max(np.array(list(cubes)), axis=0) + 1
        self.array = np.zeros(
            tuple(int(v) * edge + 1 for v in n), dtype=next(iter(cubes.values())).dtype
        )
        for (i, j, k), data in cubes.items():
            # data is [z, y, x]; global voxel (x, y, z) of local (0, 0, 0) is (i*edge + 1, ...)
            self.array[
                i * edge + 1 : (i + 1) * edge + 1,
                j * edge + 1 : (j + 1) * edge + 1,
                k * edge + 1 : (k + 1) * edge + 1,
            ] = data.transpose(2, 1, 0)

    def at(self, points: np.ndarray) -> np.ndarray:
        p = np.asarray(points, dtype=np.int64)
        return self.array[p[:, 0], p[:, 1], p[:, 2]]

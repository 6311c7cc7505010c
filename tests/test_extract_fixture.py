"""The extract tests' file writer writes the published layout."""

from __future__ import annotations

from pathlib import Path

import h5py
from support.extract_files import make_truth, write_folder


def test_fixture_writes_published_layout(tmp_path: Path) -> None:
    truth = make_truth(1)
    folder = write_folder(truth, tmp_path)
    with h5py.File(folder / "synapses.hdf5", "r") as f:
        assert f["/synapses/synPosition"].shape == (3, len(truth["syn_type"]))
        assert sorted(f["/synapses/preSegIds"], key=int) == [
            str(i) for i in range(1, len(truth["syn_type"]) + 1)
        ]
    with h5py.File(folder / "axons.hdf5", "r") as f:
        assert f["/axons/skeleton/1/nodes"].shape[0] == 3

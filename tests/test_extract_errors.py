"""Bad input raises InputError with the exact, documented message text."""

from __future__ import annotations

import shutil
from pathlib import Path

import h5py
import numpy as np
import pytest
from support.badinput import NAMES, REEXPORT, SAME
from support.badinput.edits import length, read_values, replace_dataset, set_values
from support.extract_files import make_truth, write_folder

from connectomedb.errors import InputError
from connectomedb.etl.extract import read_dataset


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, Path]:
    t = make_truth(11, n_ax=10, n_den=12, n_sh=5, n_syn=30, n_seg=50)
    return t, write_folder(t, tmp_path_factory.mktemp("good"))


@pytest.fixture
def folder(good: tuple[dict, Path], tmp_path: Path) -> Path:
    dest = tmp_path / "data"
    shutil.copytree(good[1], dest)
    return dest


def error_of(folder: Path, fast: bool = True) -> str:
    with pytest.raises(InputError) as info:
        read_dataset(folder, fast=fast)
    return str(info.value)


def problem_in(folder: Path, file: str, fast: bool = True, hint: str = REEXPORT) -> str:
    """The error of reading ``folder``, which must name ``file`` first and end with ``hint``
    (by default, to re-export the file): the text between the two."""
    message = error_of(folder, fast)
    prefix, suffix = f"{folder}/{file}: ", f" {hint}"
    assert message.startswith(prefix) and message.endswith(suffix), message
    return message[len(prefix) : -len(suffix)]


def remove(path: Path, name: str) -> None:
    with h5py.File(path, "r+") as f:
        del f[name]


def add(path: Path, name: str, data: np.ndarray) -> None:
    with h5py.File(path, "r+") as f:
        f.create_dataset(name, data=data)


def test_missing_file(folder: Path) -> None:
    (folder / "synapses.hdf5").unlink()
    assert error_of(folder) == (
        f"{folder}/synapses.hdf5: expected the file to exist, found no such file. "
        f"{folder} must hold axons.hdf5, dendrites.hdf5, synapses.hdf5."
    )


def test_missing_folder(tmp_path: Path) -> None:
    assert error_of(tmp_path / "nope") == (
        f"{tmp_path}/nope: expected a folder with the L4dense files, found no such folder. "
        "Pass the folder that holds axons.hdf5, dendrites.hdf5 and synapses.hdf5."
    )


def test_empty_file(folder: Path) -> None:
    (folder / "axons.hdf5").write_bytes(b"")
    assert error_of(folder) == (
        f"{folder}/axons.hdf5: expected an HDF5 file, found an empty file. {REEXPORT}"
    )


def test_not_hdf5(folder: Path) -> None:
    (folder / "dendrites.hdf5").write_text("id,class\n1,2\n")
    message = error_of(folder)
    assert message.startswith(
        f"{folder}/dendrites.hdf5: expected an HDF5 file, found a file HDF5 cannot open ("
    )
    assert message.endswith(REEXPORT)


def test_truncated_file(folder: Path) -> None:
    path = folder / "synapses.hdf5"
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    message = error_of(folder)
    assert message.startswith(f"{path}: expected an HDF5 file, found a file HDF5 cannot open (")
    assert "truncated" in message


def test_directory_instead_of_file(folder: Path) -> None:
    (folder / "axons.hdf5").unlink()
    (folder / "axons.hdf5").mkdir()
    assert error_of(folder) == (
        f"{folder}/axons.hdf5: expected a regular file, found a directory. "
        "Check the folder passed to the command."
    )


@pytest.mark.parametrize("fast", [True, False])
def test_missing_element(folder: Path, fast: bool) -> None:
    remove(folder / "synapses.hdf5", "/synapses/preSegIds/17")
    assert problem_in(folder, "synapses.hdf5", fast, hint=NAMES) == (
        "/synapses/preSegIds: element 17: expected members for IDs "
        "1 to 30, one per row of /synapses/type, found 1 missing (first: 17)."
    )


@pytest.mark.parametrize(
    ("file", "added", "problem"),
    [
        (
            "axons.hdf5",
            "/axons/agglomerate/11",
            "/axons/agglomerate: element 11: expected members for IDs 1 to 10, one per row of "
            "/axons/class, found a member for ID 11.",
        ),
        (
            "synapses.hdf5",
            "/synapses/postSegIds/07",
            "/synapses/postSegIds: element 7: expected one member per element, found members "
            "'07' and '7' for the same ID.",
        ),
    ],
    ids=["extra-element", "duplicate-member"],
)
@pytest.mark.parametrize("fast", [True, False])
def test_member_too_many(folder: Path, file: str, added: str, problem: str, fast: bool) -> None:
    add(folder / file, added, np.array([1], "u4"))
    assert problem_in(folder, file, fast, hint=NAMES) == problem


@pytest.mark.parametrize("name", ["x1", "0", "-3", "1.0", " 4"])
def test_bad_member_name(folder: Path, name: str) -> None:
    add(folder / "synapses.hdf5", f"/synapses/postSegIds/{name}", np.array([1], "u4"))
    assert problem_in(folder, "synapses.hdf5", hint=NAMES) == (
        "/synapses/postSegIds: expected members named by positive "
        f"decimal IDs, found a member named {name!r}."
    )


@pytest.mark.parametrize(
    ("data", "expected", "found"),
    [
        (np.array([3.0, 2.5]), "segment IDs as whole numbers", "2.5"),
        (np.array([np.nan]), "segment IDs as whole numbers", "nan"),
        (np.array([4, -2], dtype="i4"), "segment IDs of at least 0", "-2"),
    ],
)
@pytest.mark.parametrize("fast", [True, False])
def test_bad_segment_values(
    folder: Path, data: np.ndarray, expected: str, found: str, fast: bool
) -> None:
    replace_dataset(folder / "synapses.hdf5", "/synapses/preSegIds/9", data)
    with pytest.raises(InputError) as info:
        read_dataset(folder, fast=fast)
    assert str(info.value).startswith(f"{folder}/synapses.hdf5: /synapses/preSegIds: element 9:")
    assert str(info.value) == (
        f"{folder}/synapses.hdf5: /synapses/preSegIds: element 9: expected {expected}, "
        f"found {found}. {REEXPORT}"
    )


def test_segment_id_beyond_segments_file(folder: Path) -> None:
    replace_dataset(folder / "dendrites.hdf5", "/spineHeads/agglomerate/4", np.array([3, 51], "u4"))
    assert problem_in(folder, "dendrites.hdf5") == (
        "/spineHeads/agglomerate: element 4: expected segment IDs "
        "of at most 50 (segments.hdf5 has 50 segments), found 51."
    )


def test_axon_id_out_of_range(folder: Path) -> None:
    ids = read_values(folder / "synapses.hdf5", "/synapses/preAxonId")
    ids[5] = 11
    set_values(folder / "synapses.hdf5", "/synapses/preAxonId", ids)
    assert error_of(folder) == (
        f"{folder}/synapses.hdf5: /synapses/preAxonId: element 6: expected axon IDs "
        f"of at most 10 (axons.hdf5 has 10 axons), found 11. {SAME}"
    )


def test_length_mismatch(folder: Path) -> None:
    replace_dataset(folder / "synapses.hdf5", "/synapses/postDendriteId", np.ones(29, "u4"))
    assert problem_in(folder, "synapses.hdf5") == (
        "/synapses/postDendriteId: expected 30 values, one per row of /synapses/type, found 29."
    )


@pytest.mark.parametrize(
    ("file", "removed", "problem"),
    [
        (
            "synapses.hdf5",
            "/synapses/postDendriteId",
            "/synapses/postDendriteId: expected a dataset with one target ID per synapse, found "
            "nothing at that path nor at /synapses/postDendId.",
        ),
        (
            "dendrites.hdf5",
            "/dendrites/skeleton/2/edges",
            "/dendrites/skeleton/2: expected a group with datasets nodes, edges and segIds, "
            "found members ['nodes', 'segIds'].",
        ),
    ],
    ids=["required-dataset", "skeleton-edges"],
)
def test_missing_dataset(folder: Path, file: str, removed: str, problem: str) -> None:
    remove(folder / file, removed)
    assert problem_in(folder, file) == problem


def test_float_ids_must_be_integral(folder: Path) -> None:
    replace_dataset(folder / "dendrites.hdf5", "/dendrites/neuronId", np.r_[np.zeros(11), 1.5])
    assert problem_in(folder, "dendrites.hdf5") == (
        "/dendrites/neuronId: element 12: expected neuron IDs as whole numbers, found 1.5."
    )


@pytest.mark.parametrize("fast", [True, False])
def test_skeleton_edge_beyond_nodes(folder: Path, fast: bool) -> None:
    n = length(folder / "axons.hdf5", "/axons/skeleton/3/nodes")
    replace_dataset(
        folder / "axons.hdf5", "/axons/skeleton/3/edges", np.array([[1], [n + 1]], "u4")
    )
    assert problem_in(folder, "axons.hdf5", fast) == (
        "/axons/skeleton/3/edges: element 3: expected node indices from "
        f"1 to {n} (the skeleton's nodes), found the edge (1, {n + 1})."
    )


def test_matrix_where_a_set_is_expected(folder: Path) -> None:
    replace_dataset(folder / "axons.hdf5", "/axons/agglomerate/2", np.ones((2, 3), "u4"))
    assert problem_in(folder, "axons.hdf5") == (
        "/axons/agglomerate: element 2: expected a vector of shape (k,), "
        "(k, 1) or (1, k), found shape (2, 3)."
    )


def test_positions_must_be_3_by_n(folder: Path) -> None:
    positions = read_values(folder / "synapses.hdf5", "/synapses/synPosition")
    replace_dataset(folder / "synapses.hdf5", "/synapses/synPosition", positions.T)
    assert problem_in(folder, "synapses.hdf5") == (
        "/synapses/synPosition: expected coordinates of shape (3, N), found shape (30, 3)."
    )

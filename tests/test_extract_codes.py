"""Categorical code tables: from the attributes, with fallbacks for what the file lacks."""

from __future__ import annotations

from pathlib import Path

import h5py
import numpy as np
import pytest

from connectomedb.errors import InputError
from connectomedb.etl.extract.categories import AXON_CLASSES, TARGET_CLASSES, read_codes
from connectomedb.etl.extract.hdf5 import attr_text, integral, read_vector


def table_of(tmp_path: Path, codes: np.ndarray, attrs: dict, table: dict) -> tuple:
    path = tmp_path / "codes.h5"
    with h5py.File(path, "w") as f:
        ds = f.create_dataset("/dendrites/class", data=codes)
        for k, v in attrs.items():
            ds.attrs[k] = v
    with h5py.File(path, "r") as f:
        return read_codes(f, "/dendrites/class", table)


def rows(table) -> dict[int, tuple[str, str, str]]:
    f = table.frame
    assert f["code"].dtype == np.int16
    return {
        int(c): (lab, name, src)
        for c, lab, name, src in zip(f["code"], f["label"], f["name"], f["source"], strict=True)
    }


def test_codes_from_attributes_unknown_and_undefined(tmp_path: Path) -> None:
    codes = np.array([1, 3, 0, 12, 3], dtype=np.uint8)
    attrs = {
        "apicaldendrite": np.uint8(1),
        "ignore": np.array([3], dtype=np.float64),
        "soma": np.array([8], dtype=np.uint8),
    }
    got, table = table_of(tmp_path, codes, attrs, TARGET_CLASSES)
    assert got.dtype == np.int16
    np.testing.assert_array_equal(got, codes)
    assert rows(table) == {
        0: ("undefined", "Undefined", "unknown"),
        1: ("apicaldendrite", "ApicalDendrite", "file"),
        3: ("ignore", "Unknown", "file"),
        8: ("soma", "Soma", "file"),
        12: ("unknown", "Unknown", "unknown"),
    }
    names = table.name_of(got)
    assert names.tolist() == ["ApicalDendrite", "Unknown", "Undefined", "Unknown", "Unknown"]


def test_fallback_table_without_attributes(tmp_path: Path) -> None:
    _, table = table_of(tmp_path, np.array([2, 4], dtype=np.uint8), {}, AXON_CLASSES)
    assert rows(table) == {
        code: (label, name, "fallback") for label, (code, name) in AXON_CLASSES.items()
    }


def test_codes_renumbered_in_file_win(tmp_path: Path) -> None:
    # The file's attributes are the truth; the documented numbering is only a fallback.
    _, table = table_of(
        tmp_path,
        np.array([1, 2], dtype=np.uint8),
        {"inhibitory": np.uint8(1), "other": np.uint8(2)},
        AXON_CLASSES,
    )
    assert rows(table) == {1: ("inhibitory", "Inhibitory", "file"), 2: ("other", "Other", "file")}


def test_attribute_text_forms() -> None:
    assert attr_text(b"abc") == "abc"
    assert attr_text(np.array([b"abc"])) == "abc"
    assert attr_text("abc") == "abc"
    assert attr_text(np.array(["x"], dtype=object)) == "x"


@pytest.mark.parametrize("shape", [(5,), (5, 1), (1, 5)])
def test_vector_shapes(tmp_path: Path, shape: tuple[int, ...]) -> None:
    path = tmp_path / "v.h5"
    with h5py.File(path, "w") as f:
        f.create_dataset("v", data=np.arange(5, dtype="u4").reshape(shape))
    with h5py.File(path, "r") as f:
        np.testing.assert_array_equal(read_vector(f, "v"), np.arange(5))


def test_uint64_beyond_int64_is_rejected() -> None:
    values = np.array([1, 2**63 + 5], dtype=np.uint64)
    with pytest.raises(InputError) as info:
        integral(values, "axons.hdf5", "/axons/mappedSegIds", "segment labels")
    assert str(info.value) == (
        "axons.hdf5: /axons/mappedSegIds: element 2: expected segment labels below 2^63, "
        "found 9223372036854775813. Check that the file is the published one, complete and "
        "unmodified."
    )

"""connectome.csv: parsing against an independent reading, and exact error messages."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from connectomedb.errors import InputError
from connectomedb.etl.extract.connectome_csv import (
    HINT,
    _parse_slowly,
    _plain_counts,
    read_connectome,
)

TARGETS = "Soma,ProximalDendrite,SmoothDendrite,ApicalDendrite,AxonInitialSegment,OtherDendrite"


def write(tmp_path: Path, text: str, newline: str = "\n") -> Path:
    path = tmp_path / "connectome.csv"
    path.write_bytes(text.replace("\n", newline).encode())
    return path


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_parse_matches_a_dense_reading(tmp_path: Path, newline: str) -> None:
    rng = np.random.default_rng(4)
    counts = rng.integers(0, 4, (9, 6)) * (rng.random((9, 6)) < 0.5)
    labels = ["Corticocortical", "thalamocortical", "OTHER", "Inhibitory"] * 2 + ["Other"]
    lines = ["," + TARGETS.replace("Soma,", "soma,", 1)]
    lines += [lab + "," + ",".join(map(str, row)) for lab, row in zip(labels, counts, strict=True)]
    cc = read_connectome(write(tmp_path, "\n".join(lines) + "\n", newline))
    assert cc.col_classes == TARGETS.split(",")
    assert cc.row_classes == ["Corticocortical", "Thalamocortical", "Other", "Inhibitory"] * 2 + [
        "Other"
    ]
    dense = np.zeros_like(counts)
    dense[cc.entries["row"], cc.entries["col"]] = cc.entries["synapses"]
    np.testing.assert_array_equal(dense, counts)
    assert (cc.entries["synapses"] > 0).all()
    assert len(cc.entries) == int((counts > 0).sum())
    for r, c, a, t in zip(
        cc.entries["row"],
        cc.entries["col"],
        cc.entries["axon_class"],
        cc.entries["target_class"],
        strict=True,
    ):
        assert a == cc.row_classes[r] and t == cc.col_classes[c]


def test_somata_and_wholecell_columns(tmp_path: Path) -> None:
    cc = read_connectome(write(tmp_path, ",Somata,wholecell\nOther,1,0\n"))
    assert cc.col_classes == ["Somata", "WholeCell"]
    assert cc.entries["synapses"].tolist() == [1]


def error(tmp_path: Path, text: str) -> str:
    path = write(tmp_path, text)
    with pytest.raises(InputError) as info:
        read_connectome(path)
    return str(info.value).removeprefix(f"{path}: ")


def test_empty_file(tmp_path: Path) -> None:
    assert error(tmp_path, "") == f"line 1: expected a header row, found an empty file. {HINT}"


def test_first_header_cell_not_empty(tmp_path: Path) -> None:
    assert error(tmp_path, "class,Soma\nOther,1\n") == (
        f"line 1, column 1: expected an empty first header cell, found 'class'. {HINT}"
    )


def test_unknown_target_class(tmp_path: Path) -> None:
    assert error(tmp_path, ",Soma,Dendrite\nOther,1,2\n") == (
        "line 1, column 3: expected a target class (ApicalDendrite, AxonInitialSegment, "
        "OtherDendrite, ProximalDendrite, SmoothDendrite, Soma, Somata, Unknown, WholeCell), "
        f"found 'Dendrite'. {HINT}"
    )


def test_unknown_axon_class(tmp_path: Path) -> None:
    assert error(tmp_path, ",Soma\nOther,1\nExcitatory,2\n") == (
        "line 3, column 1: expected an axon class (Corticocortical, Inhibitory, Other, "
        f"Thalamocortical), found 'Excitatory'. {HINT}"
    )


def test_short_row(tmp_path: Path) -> None:
    assert error(
        tmp_path, ",Soma,Shaft\n".replace("Shaft", "OtherDendrite") + "Other,1,2\nInhibitory,3\n"
    ) == (f"line 3: expected 3 cells like the header, found 2. {HINT}")


def test_long_row(tmp_path: Path) -> None:
    assert error(tmp_path, ",Soma\nOther,1\nOther,1,5\n") == (
        f"line 3: expected 2 cells like the header, found 3. {HINT}"
    )


@pytest.mark.parametrize("cell", ["-1", "2.5", "x", ""])
def test_bad_count(tmp_path: Path, cell: str) -> None:
    assert error(tmp_path, f",Soma,OtherDendrite\nOther,1,2\nInhibitory,3,{cell}\n") == (
        f"line 3, column 3: expected a non-negative integer synapse count, found {cell!r}. {HINT}"
    )


@pytest.mark.parametrize(
    ("high", "cells"),
    [(10, "single digits"), (12_345, "mixed widths"), (2**31 - 1, "up to the largest count")],
)
def test_whole_body_parse_equals_the_cell_by_cell_parse(
    tmp_path: Path, high: int, cells: str
) -> None:
    """The one-pass parse of plain text and the cell-by-cell parse give the same counts."""
    rng = np.random.default_rng(high)
    counts = rng.integers(0, high, (7, 5), endpoint=high == 2**31 - 1)
    counts[0, 0] = high - 1 if high < 2**31 - 1 else high
    rows = ["Other," + ",".join(map(str, row)) for row in counts]
    lengths = [len(r.partition(",")[2]) for r in rows]
    plain = _plain_counts(",".join(r.partition(",")[2] for r in rows), lengths, 5)
    assert plain is not None, cells
    slow = _parse_slowly(tmp_path / "connectome.csv", rows, 6)
    np.testing.assert_array_equal(plain, counts)
    np.testing.assert_array_equal(slow, counts)


@pytest.mark.parametrize(
    "rest",
    [
        ["1,2", "3,4,5"],  # a row one cell short, the total still right with the next
        ["1,2,3", "4"],
        ["1, 2,3", "4,5,6"],  # a space: the cell-by-cell parse accepts it
        ["12345678901,0,0", "0,0,0"],  # eleven digits
        ["2147483648,0,0", "0,0,0"],  # above the largest count
        ["1,2,3", "4,5,"],
    ],
)
def test_whole_body_parse_declines_what_is_not_plain(rest: list[str]) -> None:
    assert _plain_counts(",".join(rest), [len(r) for r in rest], 3) is None

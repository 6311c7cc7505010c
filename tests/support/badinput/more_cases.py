"""The second bad-input corpus: input that crashed, hung or loaded wrong values before.

Each case breaks a copy of a valid ``tiny`` dataset and returns the exact message a user must
see (written here from the file layout, not taken from the loader).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import h5py
import numpy as np

from support.badinput.edits import csv_lines
from support.badinput.messages import CSV_HINT, REEXPORT, Case

CHANGED = (
    "Wait until the file is completely written (copied, downloaded, exported), then load again."
)
FOLDER_HINT = "Check the folder passed to the command."


def _edit(path: Path, change: Callable[[h5py.File], None]) -> None:
    with h5py.File(path, "r+") as f:
        change(f)


def _relink(path: Path, name: str, link: object) -> None:
    def change(f: h5py.File) -> None:
        del f[name]
        f[name] = link

    _edit(path, change)


def _soft_member(d: Path) -> str:
    _relink(d / "synapses.hdf5", "/synapses/preSegIds/5", h5py.SoftLink("/nowhere"))
    return (
        f"{d}/synapses.hdf5: /synapses/preSegIds/5: expected a dataset, found a soft link "
        f"to /nowhere that points nowhere. {REEXPORT}"
    )


def _soft_dataset(d: Path) -> str:
    _relink(d / "synapses.hdf5", "/synapses/preAxonId", h5py.SoftLink("/nowhere"))
    return (
        f"{d}/synapses.hdf5: /synapses/preAxonId: expected a dataset or group, found a soft "
        f"link to /nowhere that points nowhere. {REEXPORT}"
    )


def _soft_optional(d: Path) -> str:
    _relink(d / "synapses.hdf5", "/synapses/asiArea", h5py.SoftLink("/synapses/gone"))
    return (
        f"{d}/synapses.hdf5: /synapses/asiArea: expected a dataset or group, found a soft "
        f"link to /synapses/gone that points nowhere. {REEXPORT}"
    )


def _external_dataset(d: Path) -> str:
    _relink(d / "dendrites.hdf5", "/dendrites/class", h5py.ExternalLink("missing.h5", "/x"))
    return (
        f"{d}/dendrites.hdf5: /dendrites/class: expected data stored in the file itself, "
        f"found an external link to missing.h5:/x. {REEXPORT}"
    )


def _external_member(d: Path) -> str:
    _relink(d / "axons.hdf5", "/axons/agglomerate/3", h5py.ExternalLink("missing.h5", "/x"))
    return (
        f"{d}/axons.hdf5: /axons/agglomerate/3: expected data stored in the file itself, "
        f"found an external link to missing.h5:/x. {REEXPORT}"
    )


def _external_group(d: Path) -> str:
    _relink(d / "synapses.hdf5", "/synapses/postSegIds", h5py.ExternalLink("other.h5", "/g"))
    return (
        f"{d}/synapses.hdf5: /synapses/postSegIds: expected data stored in the file itself, "
        f"found an external link to other.h5:/g. {REEXPORT}"
    )


def _absurd_shape(d: Path) -> str:
    def change(f: h5py.File) -> None:
        del f["/segments/voxelCount"]
        f.create_dataset("/segments/voxelCount", shape=(3_000_000_000,), dtype="u4")

    _edit(d / "segments.hdf5", change)
    return (
        f"{d}/segments.hdf5: /segments/voxelCount: expected at most 2,147,483,647 values, "
        f"found shape (3000000000,) (3,000,000,000 values). {REEXPORT}"
    )


def _absurd_member(d: Path) -> str:
    path = d / "synapses.hdf5"

    def change(f: h5py.File) -> None:
        del f["/synapses/preSegIds/7"]
        f.create_dataset("/synapses/preSegIds/7", shape=(1_000_000_000,), dtype="u8")

    _edit(path, change)
    size = path.stat().st_size
    return (
        f"{path}: /synapses/preSegIds/7: expected data the file holds (0 bytes stored for it "
        f"in a file of {size / 1024:.1f} kB), found shape (1000000000,) declaring 7.5 GB. "
        f"{REEXPORT}"
    )


def _special(kind: str) -> Callable[[Path], str]:
    def make(d: Path) -> str:
        path = d / "connectome.csv"
        path.unlink()
        if kind == "fifo":
            os.mkfifo(path)
            found = "a FIFO (named pipe)"
        else:
            path.symlink_to("/dev/zero")
            found = "a character device"
        return f"{path}: expected a regular file, found {found}. {FOLDER_HINT}"

    return make


def _csv_long_line(d: Path) -> str:
    lines = csv_lines(d)
    cells = lines[1].split(",")
    cells[2] = "7" + "x" * 50_000_000
    lines[1] = ",".join(cells)
    (d / "connectome.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return (
        f"{d}/connectome.csv: line 2, column 3: expected a non-negative integer synapse "
        f"count, found '7{'x' * 198}… (50,000,003 characters). {CSV_HINT}"
    )


def _csv_huge_count(d: Path) -> str:
    lines = csv_lines(d)
    cells = lines[2].split(",")
    cells[4] = str(2**63 - 1)
    lines[2] = ",".join(cells)
    (d / "connectome.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return (
        f"{d}/connectome.csv: line 3, column 5: expected a synapse count of at most "
        f"2147483647, found 9223372036854775807. {CSV_HINT}"
    )


def _set_value(path: Path, name: str, index: int, value: float) -> None:
    def change(f: h5py.File) -> None:
        values = f[name][()].astype(np.float64)
        values[index] = value
        f[name][...] = values

    _edit(path, change)


def _quantity(
    name: str, file: str, index: int, value: float, what: str, shown: str
) -> Callable[[Path], str]:
    def make(d: Path) -> str:
        _set_value(d / file, name, index, value)
        return (
            f"{d}/{file}: {name}: element {index + 1}: expected {what}: finite and not "
            f"negative (NaN where not available), found {shown}. {REEXPORT}"
        )

    return make


def _neuron_too_big(d: Path) -> str:
    def change(f: h5py.File) -> None:
        values = f["/dendrites/neuronId"][()].astype(np.uint32)
        values[1] = 4_000_000_000
        del f["/dendrites/neuronId"]
        f["/dendrites/neuronId"] = values

    _edit(d / "dendrites.hdf5", change)
    return (
        f"{d}/dendrites.hdf5: /dendrites/neuronId: element 2: expected neuron IDs of at "
        f"most 2147483647, found 4000000000. {REEXPORT}"
    )


CASES2: list[Case] = [
    Case("dangling-soft-link-member", _soft_member),
    Case("dangling-soft-link-dataset", _soft_dataset),
    Case("dangling-soft-link-optional-dataset", _soft_optional),
    Case("external-link-dataset", _external_dataset),
    Case("external-link-member", _external_member),
    Case("external-link-group", _external_group),
    Case("absurd-declared-shape", _absurd_shape),
    Case("absurd-declared-member-shape", _absurd_member),
    Case("csv-fifo", _special("fifo")),
    Case("csv-dev-zero", _special("zero")),
    Case("csv-50-mb-line", _csv_long_line),
    Case("csv-count-2^63-1", _csv_huge_count),
    Case(
        "asi-area-inf",
        _quantity("/synapses/asiArea", "synapses.hdf5", 4, np.inf, "areas in µm²", "inf"),
    ),
    Case(
        "asi-area-minus-inf",
        _quantity("/synapses/asiArea", "synapses.hdf5", 0, -np.inf, "areas in µm²", "-inf"),
    ),
    Case(
        "asi-area-negative",
        _quantity("/synapses/asiArea", "synapses.hdf5", 9, -0.5, "areas in µm²", "-0.5"),
    ),
    Case(
        "spine-head-volume-inf",
        _quantity("/spineHeads/volume", "dendrites.hdf5", 2, np.inf, "volumes in µm³", "inf"),
    ),
    Case(
        "spine-head-volume-negative",
        _quantity("/spineHeads/volume", "dendrites.hdf5", 3, -1.0, "volumes in µm³", "-1.0"),
    ),
    Case("neuron-id-beyond-32-bit", _neuron_too_big),
]

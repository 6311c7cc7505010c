"""Editing a copy of a valid dataset: HDF5 datasets and the lines of connectome.csv."""

from __future__ import annotations

from pathlib import Path

import h5py
import numpy as np


def replace_dataset(path: Path, name: str, data: np.ndarray, attrs: bool = True) -> None:
    """Replace dataset ``name`` of ``path`` by ``data`` (keeping its attributes)."""
    with h5py.File(path, "r+") as f:
        kept = dict(f[name].attrs) if attrs else {}
        del f[name]
        ds = f.create_dataset(name, data=data)
        for key, value in kept.items():
            ds.attrs[key] = value


def read_values(path: Path, name: str) -> np.ndarray:
    with h5py.File(path, "r") as f:
        return f[name][()]


def length(path: Path, name: str) -> int:
    """Rows of a per-object vector (or columns of a (3, N) matrix)."""
    with h5py.File(path, "r") as f:
        shape = f[name].shape
    return int(shape[-1])


def set_values(path: Path, name: str, values: np.ndarray) -> None:
    with h5py.File(path, "r+") as f:
        f[name][...] = values


def csv_lines(d: Path) -> list[str]:
    return (d / "connectome.csv").read_text(encoding="utf-8").splitlines()


def write_csv(d: Path, lines: list[str]) -> None:
    (d / "connectome.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def set_unknown_codes(folder: Path) -> tuple[int, int]:
    """Give the last target and the first synapse category codes that no attribute names
    (a valid file: they must load as ``Unknown``). Returns (target ID, synapse ID)."""
    targets = read_values(folder / "dendrites.hdf5", "/dendrites/class")
    targets[-1] = 42
    set_values(folder / "dendrites.hdf5", "/dendrites/class", targets)
    types = read_values(folder / "synapses.hdf5", "/synapses/type")
    types[0] = 77
    set_values(folder / "synapses.hdf5", "/synapses/type", types)
    return len(targets), 1

"""SynEM training and test cubes: a catalogue in PostgreSQL, voxels left in the files.

Layouts (inferred from the authors' export scripts, so the reader is tolerant; see
``docs/tracings.md``):

* ``synem-interfaces``: ``/em`` (uint8, padded), ``/segmentation``, ``/interfaces/<i>``
  (MATLAB linear voxel indices into the segmentation cube, 1-based, column-major),
  ``/edges`` (the two segments of each interface), ``/labels`` and ``/targetTypes``
  (uint8 categorical, one attribute per category);
* ``synem-test``: the same without labels, with ``/synapseIds`` and ``/isInhibitory``;
* ``svm``: ``/em`` and ``/label`` (uint8 categorical: background, synapse, vesicle,
  mitochondrion).

Accepted variations: vectors as ``(N,)``, ``(N, 1)`` or ``(1, N)``; ``/edges`` as ``(2, N)``
or ``(N, 2)``; code tables from the attributes or, when absent, the published ones; missing
``/targetTypes``, ``/edges``, ``/synapseIds`` or ``/isInhibitory`` (NULL in the catalogue).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import h5py
import numpy as np
import pandas as pd

from connectomedb.errors import InputError

KINDS = ("synem-interfaces", "synem-test", "svm")

LABELS = {1: "nosynapse", 2: "pretopostsynapse", 3: "posttopresynapse"}
TARGET_TYPES = {1: "nosynapse", 2: "spinehead", 3: "spineneck", 4: "shaft", 5: "soma"}
SVM_LABELS = {1: "background", 2: "synapse", 3: "vesicle", 4: "mitochondrion"}

#: Padding of ``/em`` around the segmentation cube, voxels per side (x, y, z).
EM_PADDING = (100, 100, 40)


@dataclass
class CubeRecord:
    """One cube as catalogue rows: ``cube`` (training_cube columns without IDs) and
    ``interfaces`` / ``label_counts`` frames."""

    path: Path
    kind: str
    size: tuple[int, int, int] | None
    interfaces: pd.DataFrame
    label_counts: pd.DataFrame


def _vector(f: h5py.File, path: Path, name: str, n: int | None) -> np.ndarray | None:
    if name not in f:
        return None
    data = f[name]
    if not isinstance(data, h5py.Dataset):
        raise InputError(path, f"/{name}", "a dataset", "a group")
    values = np.asarray(data[()])
    if values.ndim == 2 and 1 in values.shape:
        values = values.ravel()
    if values.ndim != 1 or (n is not None and values.shape[0] != n):
        expected = "a vector" if n is None else f"a vector of {n} values (one per interface)"
        raise InputError(path, f"/{name}", expected, f"shape {data.shape}")
    return values


def _codes(f: h5py.File, name: str, fallback: dict[int, str]) -> dict[int, str]:
    """The code table from the dataset's attributes (name = category, value = code)."""
    table = {}
    for key, value in f[name].attrs.items():
        code = np.asarray(value).ravel()
        if code.size == 1 and np.issubdtype(code.dtype, np.integer):
            table[int(code[0])] = str(key).lower()
    return table or dict(fallback)


def _named(codes: np.ndarray, table: dict[int, str]) -> list[str | None]:
    return [None if int(c) == 0 else table.get(int(c), f"unknown({int(c)})") for c in codes]


def _size(f: h5py.File, name: str) -> tuple[int, int, int] | None:
    if name not in f or f[name].ndim != 3:
        return None
    z, y, x = f[name].shape  # MATLAB (x, y, z) seen by h5py as (z, y, x)
    return int(x), int(y), int(z)


def _interface_ids(f: h5py.File, path: Path) -> list[int]:
    group = f["interfaces"]
    if not isinstance(group, h5py.Group):
        raise InputError(path, "/interfaces", "a group of one dataset per interface", "a dataset")
    try:
        ids = sorted(int(name) for name in group)
    except ValueError:
        raise InputError(
            path, "/interfaces", "members named by 1-based interface IDs", f"{sorted(group)[:3]}"
        ) from None
    return ids


def read_cube(path: Path, kind: str) -> CubeRecord:
    """Read the catalogue rows of one cube file (no voxel arrays but ``/label`` of svm)."""
    path = Path(path)
    try:
        f = h5py.File(path, "r")
    except OSError as error:
        raise InputError(path, None, "an HDF5 file", str(error)) from None
    with f:
        if "em" not in f:
            raise InputError(
                path, "/em", "the EM cube", "none", hint=f"Is this a {kind} cube? Check --kind."
            )
        if kind == "svm":
            return _read_svm(f, path)
        for name in ("segmentation", "interfaces"):
            if name not in f:
                raise InputError(
                    path, f"/{name}", f"the {name} of a {kind} cube", "none", hint="Check --kind."
                )
        ids = _interface_ids(f, path)
        n = len(ids)
        if ids != list(range(1, n + 1)):
            raise InputError(path, "/interfaces", f"interfaces 1…{n}", "gaps in the numbering")
        voxels = [int(f["interfaces"][str(i)].size) for i in ids]
        frame = pd.DataFrame({"interface_id": ids, "voxels": voxels})
        frame["segment_a"], frame["segment_b"] = _edges(f, path, n)
        labels = _vector(f, path, "labels", n)
        targets = _vector(f, path, "targetTypes", n)
        frame["label"] = None if labels is None else _named(labels, _codes(f, "labels", LABELS))
        frame["target_type"] = (
            None if targets is None else _named(targets, _codes(f, "targetTypes", TARGET_TYPES))
        )
        synapses = _vector(f, path, "synapseIds", n)
        inhibitory = _vector(f, path, "isInhibitory", n)
        frame["synapse_id"] = pd.array(synapses, dtype="Int64") if synapses is not None else None
        frame["is_inhibitory"] = (
            pd.array(inhibitory.astype(bool), dtype="boolean") if inhibitory is not None else None
        )
        if kind == "synem-interfaces" and labels is None:
            raise InputError(
                path,
                "/labels",
                "one label per interface",
                "none",
                hint="A test cube? Use --kind synem-test.",
            )
        return CubeRecord(path, kind, _size(f, "segmentation"), frame, _empty_counts())


def _edges(f: h5py.File, path: Path, n: int) -> tuple[Any, Any]:
    if "edges" not in f:
        return None, None
    edges = np.asarray(f["edges"][()])
    if edges.ndim == 2 and edges.shape[0] == 2 and edges.shape[1] == n:
        edges = edges.T
    if edges.shape != (n, 2):
        raise InputError(
            path,
            "/edges",
            f"2 × {n} segment pairs (one per interface)",
            f"shape {f['edges'].shape}",
        )
    return pd.array(edges[:, 0], dtype="Int64"), pd.array(edges[:, 1], dtype="Int64")


def _empty_counts() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "code": pd.Series(dtype="int64"),
            "label": pd.Series(dtype=object),
            "voxels": pd.Series(dtype="int64"),
        }
    )


def _read_svm(f: h5py.File, path: Path) -> CubeRecord:
    if "label" not in f:
        raise InputError(
            path, "/label", "the label cube of an svm cube", "none", hint="Check --kind."
        )
    table = _codes(f, "label", SVM_LABELS)
    codes, counts = np.unique(np.asarray(f["label"][()]), return_counts=True)
    label_counts = pd.DataFrame(
        {
            "code": codes.astype("int64"),
            "label": [
                table.get(int(c), "undefined" if c == 0 else f"unknown({int(c)})") for c in codes
            ],
            "voxels": counts.astype("int64"),
        }
    )
    interfaces = pd.DataFrame(columns=["interface_id", "voxels"])
    return CubeRecord(path, "svm", _size(f, "label"), interfaces, label_counts)


# --- the voxels of one cube ----------------------------------------------------------------


@dataclass
class CubeArrays:
    """One cube's voxels, in (x, y, z) order (the file's MATLAB order).

    ``em`` is padded by :data:`EM_PADDING` around ``segmentation``; ``interfaces`` holds, per
    interface (1-based ID at index ``id - 1``), the flat 0-based column-major indices into
    ``segmentation``.
    """

    em: np.ndarray
    segmentation: np.ndarray | None
    interfaces: list[np.ndarray]

    def interface_mask(self, interface_id: int) -> np.ndarray:
        """Boolean mask (segmentation's shape) of interface ``interface_id`` (1-based)."""
        assert self.segmentation is not None
        mask = np.zeros(self.segmentation.size, dtype=bool)
        mask[self.interfaces[interface_id - 1]] = True
        return mask.reshape(self.segmentation.shape, order="F")

    def interface_labels(self) -> np.ndarray:
        """int32 volume: the ID of the interface at each voxel (0 = none; the higher ID
        where interfaces overlap)."""
        assert self.segmentation is not None
        out = np.zeros(self.segmentation.size, dtype=np.int32)
        for i, flat in enumerate(self.interfaces, start=1):
            out[flat] = i
        return out.reshape(self.segmentation.shape, order="F")


def cube_arrays(path: str | Path) -> CubeArrays:
    """EM, segmentation and interfaces of one SynEM cube file as NumPy arrays."""
    path = Path(path)
    with h5py.File(path, "r") as f:
        em = np.asarray(f["em"][()]).transpose()
        segmentation = (
            np.asarray(f["segmentation"][()]).transpose() if "segmentation" in f else None
        )
        interfaces = []
        if "interfaces" in f:
            for i in _interface_ids(f, path):
                flat = np.asarray(f["interfaces"][str(i)][()]).ravel().astype(np.int64) - 1
                if segmentation is not None and (
                    flat.min(initial=0) < 0 or flat.max(initial=0) >= segmentation.size
                ):
                    raise InputError(
                        path,
                        f"/interfaces/{i}",
                        f"voxel indices 1…{segmentation.size}",
                        f"{flat.min() + 1}…{flat.max() + 1}",
                    )
                interfaces.append(flat)
    return CubeArrays(em, segmentation, interfaces)

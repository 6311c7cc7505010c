"""Synthetic SynEM-layout cubes (interfaces, test set, label cubes) with their truth.

Written the way MATLAB writes them: arrays in (x, y, z) order appear to h5py as (z, y, x);
interfaces are 1-based column-major linear indices into the segmentation cube; ``/edges``
is (2, N); categorical fields are uint8 with one attribute per category.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import h5py
import numpy as np

from connectomedb.training.synem import EM_PADDING, LABELS, SVM_LABELS, TARGET_TYPES

SEG_SIZE = (32, 32, 16)  # x, y, z
SVM_SIZE = (24, 24, 10)


def _matlab(f: h5py.File, name: str, xyz: np.ndarray, **kwargs: Any) -> h5py.Dataset:
    return f.create_dataset(name, data=np.ascontiguousarray(xyz.transpose()), **kwargs)


def _categorical(f: h5py.File, name: str, codes: np.ndarray, table: dict[int, str]) -> None:
    data = f.create_dataset(name, data=codes.astype(np.uint8))
    for code, label in table.items():
        data.attrs[label] = np.uint8(code)


def _segmentation(rng: np.random.Generator) -> np.ndarray:
    """Blocks of 8×8×4 voxels, each its own segment, with a boundary (0) between some."""
    x, y, z = np.indices(SEG_SIZE)
    seg = (x // 8) + 4 * (y // 8) + 16 * (z // 4) + 1
    seg[rng.random(SEG_SIZE) < 0.05] = 0
    return seg.astype(np.uint32)


def _interfaces(rng: np.random.Generator, n: int) -> list[np.ndarray]:
    total = int(np.prod(SEG_SIZE))
    return [
        np.sort(rng.choice(total, size=int(rng.integers(5, 40)), replace=False)) + 1
        for _ in range(n)
    ]


def write_interface_cube(path: Path, rng: np.random.Generator, n: int, *, test: bool) -> dict:
    seg = _segmentation(rng)
    em_shape = tuple(s + 2 * p for s, p in zip(SEG_SIZE, EM_PADDING, strict=True))
    interfaces = _interfaces(rng, n)
    edges = rng.integers(1, int(seg.max()) + 1, size=(2, n)).astype(np.uint32)
    labels = rng.choice([1, 1, 1, 2, 3], size=n)
    targets = np.where(labels == 1, 1, rng.integers(2, 6, size=n))
    synapse_ids = np.where(labels > 1, np.arange(1, n + 1), 0).astype(np.uint32)
    inhibitory = (rng.random(n) < 0.3) & (labels > 1)
    with h5py.File(path, "w") as f:
        _matlab(f, "em", rng.integers(0, 256, size=em_shape, dtype=np.uint8), compression="gzip")
        _matlab(f, "segmentation", seg, compression="gzip")
        group = f.create_group("interfaces")
        for i, flat in enumerate(interfaces, start=1):
            group.create_dataset(str(i), data=flat.astype(np.uint32))
        f.create_dataset("edges", data=edges)
        if test:
            f.create_dataset("synapseIds", data=synapse_ids)
            f.create_dataset("isInhibitory", data=inhibitory.astype(np.uint8))
        else:
            _categorical(f, "labels", labels, LABELS)
            _categorical(f, "targetTypes", targets, TARGET_TYPES)
    truth: dict[str, Any] = {
        "file": path.name,
        "interfaces": n,
        "voxels": [int(len(x)) for x in interfaces],
    }
    if test:
        truth["synapses"] = int((synapse_ids > 0).sum())
        truth["inhibitory"] = int(inhibitory.sum())
    else:
        pairs: dict[str, int] = {}
        for label, target in zip(labels, targets, strict=True):
            key = f"{LABELS[int(label)]}/{TARGET_TYPES[int(target)]}"
            pairs[key] = pairs.get(key, 0) + 1
        truth["label_target_counts"] = pairs
    return truth


def write_svm_cube(path: Path, rng: np.random.Generator) -> dict:
    label = rng.choice([1, 1, 1, 2, 3, 4], size=SVM_SIZE).astype(np.uint8)
    with h5py.File(path, "w") as f:
        _matlab(f, "em", rng.integers(0, 256, size=SVM_SIZE, dtype=np.uint8))
        data = _matlab(f, "label", label)
        for code, name in SVM_LABELS.items():
            data.attrs[name] = np.uint8(code)
    codes, counts = np.unique(label, return_counts=True)
    return {
        "file": path.name,
        "voxels": {SVM_LABELS[int(c)]: int(n) for c, n in zip(codes, counts, strict=True)},
    }


def write_training(outdir: Path, *, seed: int = 0) -> dict[str, Any]:
    """``synem-interfaces/`` (2 cubes), ``synem-test/`` (1), ``svm/`` (2) and ``truth.json``."""
    rng = np.random.default_rng(seed)
    truth: dict[str, Any] = {"synem-interfaces": [], "synem-test": [], "svm": []}
    for kind in truth:
        (outdir / kind).mkdir(parents=True, exist_ok=True)
    for i in (1, 2):
        truth["synem-interfaces"].append(
            write_interface_cube(
                outdir / "synem-interfaces" / f"cube-{i}.hdf5", rng, 20 + 10 * i, test=False
            )
        )
        truth["svm"].append(write_svm_cube(outdir / "svm" / f"cube-{i}.hdf5", rng))
    truth["synem-test"].append(
        write_interface_cube(outdir / "synem-test" / "test-1.hdf5", rng, 25, test=True)
    )
    (outdir / "truth.json").write_text(json.dumps(truth, indent=1) + "\n")
    return truth

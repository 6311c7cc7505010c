"""A small writer of L4dense files in the published layout, for the extract tests.

``make_truth`` draws a random dataset as plain Python/NumPy values; ``write_folder`` writes it
with h5py exactly as the export does (MATLAB ``(3, n)`` transposition, 1-based IDs, one dataset
per set element, categorical attributes). The expected frames in the tests are computed from
the truth, never from the reader.
"""

from __future__ import annotations

from pathlib import Path

import h5py
import numpy as np

from support.datasets import AXON_CLASSES, PUBLISHED_TARGET_CLASSES, SYNAPSE_TYPES


def _attributes(table: list[tuple[int, str, str]]) -> dict[str, int]:
    """The category attributes of a published code table: label -> code, in code order."""
    return {label: code for code, label, _ in table}


AXON_ATTRS = _attributes(AXON_CLASSES)
TARGET_ATTRS = _attributes(PUBLISHED_TARGET_CLASSES)
SYNAPSE_ATTRS = _attributes(SYNAPSE_TYPES)


def _sets(rng: np.random.Generator, n: int, n_seg: int, max_len: int = 4) -> list[np.ndarray]:
    return [
        rng.integers(1, n_seg + 1, int(rng.integers(0, max_len + 1))).astype(np.int64)
        for _ in range(n)
    ]


def _skeletons(rng: np.random.Generator, n: int, n_seg: int) -> list[dict]:
    out = []
    for _ in range(n):
        k = int(rng.integers(1, 6))
        nodes = rng.integers(1, 5000, (k, 3)).astype(np.int64)
        if k == 1:
            edges = np.array([[1, 1]], dtype=np.int64)
        else:
            edges = np.stack([np.arange(1, k), np.arange(2, k + 1)], axis=1).astype(np.int64)
        seg = rng.integers(0, n_seg + 1, k).astype(np.int64)
        out.append({"nodes": nodes, "edges": edges, "segIds": seg})
    return out


def make_truth(
    seed: int = 0, n_ax: int = 12, n_den: int = 15, n_sh: int = 7, n_syn: int = 40, n_seg: int = 60
) -> dict:
    """A random dataset as plain arrays (IDs 1-based, coordinates ``(n, 3)``)."""
    rng = np.random.default_rng(seed)
    return {
        "n_seg": n_seg,
        "seg_position": rng.integers(1, 5000, (n_seg, 3)).astype(np.int64),
        "seg_voxels": rng.integers(1, 10_000, n_seg).astype(np.int64),
        "axon_class": rng.integers(1, 5, n_ax).astype(np.int64),
        "axon_mapped": rng.integers(0, n_seg + 1, n_ax).astype(np.int64),
        "axon_agg": _sets(rng, n_ax, n_seg),
        "axon_skel": _skeletons(rng, n_ax, n_seg),
        "target_class": rng.integers(1, 10, n_den).astype(np.int64),
        "neuron_id": rng.integers(0, 4, n_den).astype(np.int64),
        "target_mapped": rng.integers(0, n_seg + 1, n_den).astype(np.int64),
        "target_agg": _sets(rng, n_den, n_seg),
        "target_skel": _skeletons(rng, n_den, n_seg),
        "sh_agg": _sets(rng, n_sh, n_seg),
        "sh_volume": rng.random(n_sh).astype(np.float32),
        "syn_type": rng.integers(1, 5, n_syn).astype(np.int64),
        "pre_pos": rng.integers(1, 5000, (n_syn, 3)).astype(np.int64),
        "syn_pos": rng.integers(1, 5000, (n_syn, 3)).astype(np.int64),
        "post_pos": rng.integers(1, 5000, (n_syn, 3)).astype(np.int64),
        "axon_id": rng.integers(0, n_ax + 1, n_syn).astype(np.int64),
        "split_axon_id": rng.integers(0, 100, n_syn).astype(np.int64),
        "target_id": rng.integers(0, n_den + 1, n_syn).astype(np.int64),
        "spine_head_id": rng.integers(0, n_sh + 1, n_syn).astype(np.int64),
        "asi": np.where(rng.random(n_syn) < 0.2, np.nan, rng.random(n_syn)),
        "pre_seg": _sets(rng, n_syn, n_seg),
        "post_seg": _sets(rng, n_syn, n_seg),
    }


def _categorical(f: h5py.File, path: str, codes: np.ndarray, attrs: dict[str, int]) -> None:
    ds = f.create_dataset(path, data=codes.astype(np.uint8))
    for i, (name, code) in enumerate(attrs.items()):
        # Alternate scalar and 1-element array attribute values, as both occur.
        ds.attrs[name] = np.uint8(code) if i % 2 else np.array([code], dtype=np.uint8)


def _write_sets(f: h5py.File, path: str, sets: list[np.ndarray], dtype: str = "u4") -> None:
    group = f.require_group(path)
    for i, values in enumerate(sets, start=1):
        group.create_dataset(str(i), data=np.asarray(values).astype(dtype))


def _write_skeletons(f: h5py.File, path: str, skels: list[dict]) -> None:
    group = f.require_group(path)
    for i, sk in enumerate(skels, start=1):
        g = group.create_group(str(i))
        g.create_dataset("nodes", data=sk["nodes"].T.astype(np.uint32))
        g.create_dataset("edges", data=sk["edges"].T.astype(np.uint32))
        g.create_dataset("segIds", data=sk["segIds"].astype(np.uint32))


def write_folder(
    truth: dict,
    folder: Path,
    *,
    libver: str = "earliest",
    old: bool = False,
    segments: bool = True,
    optional: bool = True,
) -> Path:
    """Write the HDF5 files of ``truth`` into ``folder``.

    ``old``: the older names of section 7 of the format description (``/axonClasses``,
    ``postDendId``, single ``position`` …). ``optional=False`` leaves out ``neuronId``,
    ``mappedSegIds`` and ``/spineHeads/volume``.
    """
    folder.mkdir(parents=True, exist_ok=True)
    info = np.bytes_(b"exportForPublication.m; git abc123; MATLAB 9.3")
    if segments:
        with h5py.File(folder / "segments.hdf5", "w", libver=libver) as f:
            f.attrs["info"] = info
            f.create_dataset("/segments/position", data=truth["seg_position"].T.astype("u4"))
            f.create_dataset("/segments/voxelCount", data=truth["seg_voxels"].astype("u4"))
    with h5py.File(folder / "axons.hdf5", "w", libver=libver) as f:
        f.attrs["info"] = info
        _categorical(f, "/axonClasses" if old else "/axons/class", truth["axon_class"], AXON_ATTRS)
        if optional:
            f.create_dataset("/axons/mappedSegIds", data=truth["axon_mapped"].astype("u8"))
        _write_sets(f, "/axonAgglomerates" if old else "/axons/agglomerate", truth["axon_agg"])
        _write_skeletons(f, "/axonSkeletons" if old else "/axons/skeleton", truth["axon_skel"])
    with h5py.File(folder / "dendrites.hdf5", "w", libver=libver) as f:
        f.attrs["info"] = np.array([info])
        _categorical(
            f, "/targetClasses" if old else "/dendrites/class", truth["target_class"], TARGET_ATTRS
        )
        if optional:
            f.create_dataset("/dendrites/neuronId", data=truth["neuron_id"].astype("u4"))
            f.create_dataset("/dendrites/mappedSegIds", data=truth["target_mapped"].astype("u4"))
            f.create_dataset("/spineHeads/volume", data=truth["sh_volume"])
        _write_sets(
            f, "/dendriteAgglomerates" if old else "/dendrites/agglomerate", truth["target_agg"]
        )
        _write_skeletons(
            f, "/dendriteSkeletons" if old else "/dendrites/skeleton", truth["target_skel"]
        )
        _write_sets(
            f, "/spineHeadAgglomerates" if old else "/spineHeads/agglomerate", truth["sh_agg"]
        )
    with h5py.File(folder / "synapses.hdf5", "w", libver=libver) as f:
        f.attrs["info"] = "exportForPublication.m (str attribute)"
        _categorical(f, "/synapses/type", truth["syn_type"], SYNAPSE_ATTRS)
        if old:
            f.create_dataset("/synapses/position", data=truth["syn_pos"].T.astype("u4"))
        else:
            for name, key in (
                ("prePosition", "pre_pos"),
                ("synPosition", "syn_pos"),
                ("postPosition", "post_pos"),
            ):
                f.create_dataset(f"/synapses/{name}", data=truth[key].T.astype("u4"))
        f.create_dataset("/synapses/preAxonId", data=truth["axon_id"].astype("u4"))
        f.create_dataset("/synapses/preSplitAxonId", data=truth["split_axon_id"].astype("u4"))
        f.create_dataset(
            "/synapses/postDendId" if old else "/synapses/postDendriteId",
            data=truth["target_id"].astype("u4"),
        )
        f.create_dataset("/synapses/postSpineHeadId", data=truth["spine_head_id"].astype("u4"))
        f.create_dataset("/synapses/asiArea", data=truth["asi"])
        _write_sets(f, "/synapses/preSegIds", truth["pre_seg"])
        _write_sets(f, "/synapses/postSegIds", truth["post_seg"])
    return folder

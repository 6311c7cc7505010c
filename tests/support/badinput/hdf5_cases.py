"""Broken HDF5 files: each case breaks a copy of a valid folder and returns the exact message
(or its start) a user must see."""

from __future__ import annotations

from pathlib import Path

import h5py
import numpy as np

from support.badinput.edits import length, read_values, replace_dataset, set_values
from support.badinput.messages import (
    NAMES,
    REEXPORT,
    SAME,
    Case,
)


def _truncated(d: Path) -> str:
    path = d / "synapses.hdf5"
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return f"{path}: expected an HDF5 file, found a file HDF5 cannot open ("


def _not_hdf5(d: Path) -> str:
    path = d / "dendrites.hdf5"
    path.write_text("id,class\n1,2\n", encoding="utf-8")
    return f"{path}: expected an HDF5 file, found a file HDF5 cannot open ("


def _empty(d: Path) -> str:
    path = d / "axons.hdf5"
    path.write_bytes(b"")
    return f"{path}: expected an HDF5 file, found an empty file. {REEXPORT}"


def _missing_file(d: Path) -> str:
    (d / "synapses.hdf5").unlink()
    return (
        f"{d}/synapses.hdf5: expected the file to exist, found no such file. "
        f"{d} must hold axons.hdf5, dendrites.hdf5, synapses.hdf5."
    )


def _missing_dataset(d: Path) -> str:
    with h5py.File(d / "synapses.hdf5", "r+") as f:
        del f["/synapses/postDendriteId"]
    return (
        f"{d}/synapses.hdf5: /synapses/postDendriteId: expected a dataset with one target ID "
        f"per synapse, found nothing at that path nor at /synapses/postDendId. {REEXPORT}"
    )


def _fractional_ids(d: Path) -> str:
    path = d / "dendrites.hdf5"
    ids = read_values(path, "/dendrites/neuronId").astype(np.float64)
    ids[-1] = 1.5
    replace_dataset(path, "/dendrites/neuronId", ids)
    return (
        f"{path}: /dendrites/neuronId: element {len(ids)}: expected neuron IDs as whole "
        f"numbers, found 1.5. {REEXPORT}"
    )


def _string_ids(d: Path) -> str:
    path = d / "synapses.hdf5"
    ids = read_values(path, "/synapses/preAxonId")
    text = np.array([str(v).encode() for v in ids])
    replace_dataset(path, "/synapses/preAxonId", text)
    return (
        f"{path}: /synapses/preAxonId: expected axon IDs of an integer type, found dtype "
        f"{text.dtype}. {REEXPORT}"
    )


def _transposed_positions(d: Path) -> str:
    path = d / "synapses.hdf5"
    pos = read_values(path, "/synapses/synPosition")
    replace_dataset(path, "/synapses/synPosition", np.ascontiguousarray(pos.T))
    return (
        f"{path}: /synapses/synPosition: expected coordinates of shape (3, N), found shape "
        f"{pos.T.shape}. {REEXPORT}"
    )


def _matrix_class(d: Path) -> str:
    path = d / "axons.hdf5"
    cls = read_values(path, "/axons/class")
    n = len(cls) - len(cls) % 2
    bad = np.ascontiguousarray(cls[:n].reshape(2, n // 2))
    replace_dataset(path, "/axons/class", bad)
    return (
        f"{path}: /axons/class: expected a vector of shape (N,), (N, 1) or (1, N), found "
        f"shape {bad.shape}. {REEXPORT}"
    )


def _short_field(d: Path) -> str:
    path = d / "synapses.hdf5"
    ids = read_values(path, "/synapses/postDendriteId")
    replace_dataset(path, "/synapses/postDendriteId", ids[:-1])
    return (
        f"{path}: /synapses/postDendriteId: expected {len(ids)} values, one per row of "
        f"/synapses/type, found {len(ids) - 1}. {REEXPORT}"
    )


def _long_field(d: Path) -> str:
    path = d / "dendrites.hdf5"
    ids = read_values(path, "/dendrites/neuronId")
    replace_dataset(path, "/dendrites/neuronId", np.r_[ids, ids[:2]].astype(ids.dtype))
    return (
        f"{path}: /dendrites/neuronId: expected {len(ids)} values, one per row of "
        f"/dendrites/class, found {len(ids) + 2}. {REEXPORT}"
    )


def _axon_out_of_range(d: Path) -> str:
    path = d / "synapses.hdf5"
    n_axons = length(d / "axons.hdf5", "/axons/class")
    ids = read_values(path, "/synapses/preAxonId")
    ids[3] = n_axons + 1
    set_values(path, "/synapses/preAxonId", ids)
    return (
        f"{path}: /synapses/preAxonId: element 4: expected axon IDs of at most {n_axons} "
        f"(axons.hdf5 has {n_axons} axons), found {n_axons + 1}. {SAME}"
    )


def _target_out_of_range(d: Path) -> str:
    path = d / "synapses.hdf5"
    n_targets = length(d / "dendrites.hdf5", "/dendrites/class")
    ids = read_values(path, "/synapses/postDendriteId")
    ids[-1] = n_targets + 7
    set_values(path, "/synapses/postDendriteId", ids)
    return (
        f"{path}: /synapses/postDendriteId: element {len(ids)}: expected target IDs of at most "
        f"{n_targets} (dendrites.hdf5 has {n_targets} targets), found {n_targets + 7}. {SAME}"
    )


def _segment_out_of_range(d: Path) -> str:
    path = d / "axons.hdf5"
    n_seg = length(d / "segments.hdf5", "/segments/voxelCount")
    members = read_values(path, "/axons/agglomerate/2")
    members[0] = n_seg + 1
    replace_dataset(path, "/axons/agglomerate/2", members)
    return (
        f"{path}: /axons/agglomerate: element 2: expected segment IDs of at most {n_seg} "
        f"(segments.hdf5 has {n_seg} segments), found {n_seg + 1}. {REEXPORT}"
    )


def _negative_segment(d: Path) -> str:
    path = d / "synapses.hdf5"
    replace_dataset(path, "/synapses/preSegIds/5", np.array([4, -2], dtype=np.int32))
    return (
        f"{path}: /synapses/preSegIds: element 5: expected segment IDs of at least 0, "
        f"found -2. {REEXPORT}"
    )


def _fractional_segment(d: Path) -> str:
    path = d / "synapses.hdf5"
    replace_dataset(path, "/synapses/postSegIds/3", np.array([3.0, 2.5]))
    return (
        f"{path}: /synapses/postSegIds: element 3: expected segment IDs as whole numbers, "
        f"found 2.5. {REEXPORT}"
    )


def _gap(d: Path) -> str:
    path = d / "synapses.hdf5"
    n = length(path, "/synapses/type")
    with h5py.File(path, "r+") as f:
        del f["/synapses/preSegIds/7"]
    return (
        f"{path}: /synapses/preSegIds: element 7: expected members for IDs 1 to {n}, one per "
        f"row of /synapses/type, found 1 missing (first: 7). {NAMES}"
    )


def _duplicate(d: Path) -> str:
    path = d / "synapses.hdf5"
    with h5py.File(path, "r+") as f:
        f.create_dataset("/synapses/postSegIds/07", data=np.array([1], "u4"))
    return (
        f"{path}: /synapses/postSegIds: element 7: expected one member per element, found "
        f"members '07' and '7' for the same ID. {NAMES}"
    )


def _extra_element(d: Path) -> str:
    path = d / "axons.hdf5"
    n = length(path, "/axons/class")
    with h5py.File(path, "r+") as f:
        f.create_dataset(f"/axons/agglomerate/{n + 1}", data=np.array([1], "u4"))
    return (
        f"{path}: /axons/agglomerate: element {n + 1}: expected members for IDs 1 to {n}, one "
        f"per row of /axons/class, found a member for ID {n + 1}. {NAMES}"
    )


def _non_numeric_name(d: Path) -> str:
    path = d / "dendrites.hdf5"
    with h5py.File(path, "r+") as f:
        f.create_dataset("/dendrites/agglomerate/x1", data=np.array([1], "u4"))
    return (
        f"{path}: /dendrites/agglomerate: expected members named by positive decimal IDs, "
        f"found a member named 'x1'. {NAMES}"
    )


def _edge_past_nodes(d: Path) -> str:
    path = d / "axons.hdf5"
    n = length(path, "/axons/skeleton/3/nodes")
    replace_dataset(path, "/axons/skeleton/3/edges", np.array([[1], [n + 1]], "u4"))
    return (
        f"{path}: /axons/skeleton/3/edges: element 3: expected node indices from 1 to {n} "
        f"(the skeleton's nodes), found the edge (1, {n + 1}). {REEXPORT}"
    )


def _skeleton_without_edges(d: Path) -> str:
    path = d / "dendrites.hdf5"
    with h5py.File(path, "r+") as f:
        del f["/dendrites/skeleton/2/edges"]
    return (
        f"{path}: /dendrites/skeleton/2: expected a group with datasets nodes, edges and "
        f"segIds, found members ['nodes', 'segIds']. {REEXPORT}"
    )


def _fractional_coordinates(d: Path) -> str:
    path = d / "synapses.hdf5"
    pos = read_values(path, "/synapses/prePosition").astype(np.float64)
    pos[1, 4] += 0.25
    replace_dataset(path, "/synapses/prePosition", pos)
    return (
        f"{path}: /synapses/prePosition: element 5: expected voxel coordinates as whole "
        f"numbers, found {float(pos[1, 4])!r}. {REEXPORT}"
    )


def _spine_head_out_of_range(d: Path) -> str:
    path = d / "synapses.hdf5"
    n_sh = length(d / "dendrites.hdf5", "/spineHeads/volume")
    ids = read_values(path, "/synapses/postSpineHeadId")
    ids[0] = n_sh + 3
    set_values(path, "/synapses/postSpineHeadId", ids)
    return (
        f"{path}: /synapses/postSpineHeadId: element 1: expected spine head IDs of at most "
        f"{n_sh} (dendrites.hdf5 has {n_sh} spine heads), found {n_sh + 3}. {SAME}"
    )


HDF5_CASES: list[Case] = [
    Case("truncated-hdf5", _truncated, exact=False, suffix=REEXPORT),
    Case("not-hdf5", _not_hdf5, exact=False, suffix=REEXPORT),
    Case("empty-file", _empty),
    Case("missing-file", _missing_file),
    Case("missing-dataset", _missing_dataset),
    Case("fractional-float-ids", _fractional_ids),
    Case("string-ids", _string_ids),
    Case("transposed-positions", _transposed_positions),
    Case("matrix-instead-of-vector", _matrix_class),
    Case("field-shorter", _short_field),
    Case("field-longer", _long_field),
    Case("axon-id-out-of-range", _axon_out_of_range),
    Case("target-id-out-of-range", _target_out_of_range),
    Case("spine-head-id-out-of-range", _spine_head_out_of_range),
    Case("segment-id-out-of-range", _segment_out_of_range),
    Case("negative-segment-id", _negative_segment),
    Case("fractional-segment-id", _fractional_segment),
    Case("fractional-coordinate", _fractional_coordinates),
    Case("element-gap", _gap),
    Case("element-duplicate", _duplicate),
    Case("element-beyond-n", _extra_element),
    Case("element-name-not-numeric", _non_numeric_name),
    Case("skeleton-edge-past-nodes", _edge_past_nodes),
    Case("skeleton-without-edges", _skeleton_without_edges),
]

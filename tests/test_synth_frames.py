"""``generate`` returns frames in the conventions of ``connectomedb.etl.frames``, equal to what
the written files hold."""

from __future__ import annotations

from pathlib import Path

import h5py
import numpy as np
import pytest

from connectomedb.etl.frames import Ragged
from connectomedb.synth import generate, write


@pytest.fixture(scope="module")
def result():
    return generate("tiny", seed=8)


def _ragged_ok(r: Ragged, n: int, dtype: type, width: int | None = None) -> None:
    assert len(r) == n and r.offsets.dtype == np.int64 and r.offsets[0] == 0
    assert (np.diff(r.offsets) >= 0).all() and r.offsets[-1] == r.values.shape[0]
    assert r.values.dtype == dtype
    if width is not None:
        assert r.values.ndim == 2 and r.values.shape[1] == width


def test_frame_dtypes_and_shapes(result) -> None:
    ds = result.dataset
    assert ds.files == {}
    ax, tg, sh, syn, seg = ds.axons, ds.targets, ds.spine_heads, ds.synapses, ds.segments
    assert ax.class_code.dtype == tg.class_code.dtype == syn.type_code.dtype == np.int16
    assert ax.mapped_seg_id.dtype == tg.neuron_id.dtype == syn.axon_id.dtype == np.int64
    assert syn.target_id.dtype == syn.spine_head_id.dtype == syn.split_axon_id.dtype == np.int64
    for pos in (syn.pre_position, syn.syn_position, syn.post_position, seg.position):
        assert pos.dtype == np.int32 and pos.ndim == 2 and pos.shape[1] == 3
    assert syn.asi_area.dtype == np.float64 and sh.volume.dtype == np.float32
    for r, n in ((ax.agglomerate, ax.n), (tg.agglomerate, tg.n), (sh.agglomerate, sh.n),
                 (syn.pre_seg, syn.n), (syn.post_seg, syn.n)):  # fmt: skip
        _ragged_ok(r, n, np.int64)
    for sk, n in ((ax.skeleton, ax.n), (tg.skeleton, tg.n)):
        _ragged_ok(sk.nodes, n, np.int32, 3)
        _ragged_ok(sk.seg_ids, n, np.int64)
        _ragged_ok(sk.edges, n, np.int32, 2)
        assert (sk.nodes.offsets == sk.seg_ids.offsets).all()
    for table, codes in ((ax.classes, ax.class_code), (tg.classes, tg.class_code),
                         (syn.types, syn.type_code)):  # fmt: skip
        assert set(np.unique(codes).tolist()) <= set(table.frame["code"].tolist())
        assert list(table.frame.columns) == ["code", "label", "name", "source"]
    assert tg.classes.name_of(np.array([1, 3, 8], dtype=np.int16)).tolist() == [
        "ApicalDendrite", "Unknown", "Soma",
    ]  # fmt: skip
    e = ds.connectome.entries
    assert e["row"].dtype == np.int32 and e["synapses"].dtype == np.int64


def test_frames_equal_the_written_files(result, tmp_path: Path) -> None:
    out = write(result, tmp_path)
    ds = result.dataset
    with h5py.File(out / "synapses.hdf5", "r") as f:
        s = f["synapses"]
        np.testing.assert_array_equal(s["synPosition"][()].T, ds.synapses.syn_position)
        np.testing.assert_array_equal(s["postDendriteId"][()], ds.synapses.target_id)
        np.testing.assert_array_equal(s["asiArea"][()], ds.synapses.asi_area)
        for i in (1, ds.synapses.n):
            np.testing.assert_array_equal(s[f"postSegIds/{i}"][()], ds.synapses.post_seg.element(i))
    with h5py.File(out / "dendrites.hdf5", "r") as f:
        np.testing.assert_array_equal(f["dendrites/neuronId"][()], ds.targets.neuron_id)
        np.testing.assert_array_equal(f["spineHeads/volume"][()], ds.spine_heads.volume)
        sk = ds.targets.skeleton
        for i in range(1, ds.targets.n + 1):
            g = f[f"dendrites/skeleton/{i}"]
            np.testing.assert_array_equal(g["nodes"][()].T, sk.nodes.element(i))
            np.testing.assert_array_equal(g["edges"][()].T, sk.edges.element(i))
            np.testing.assert_array_equal(g["segIds"][()], sk.seg_ids.element(i))
    with h5py.File(out / "segments.hdf5", "r") as f:
        np.testing.assert_array_equal(f["segments/voxelCount"][()], ds.segments.voxel_count)


def test_unknown_scale_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown scale 'huge'"):
        generate("huge")

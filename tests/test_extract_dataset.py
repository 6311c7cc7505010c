"""read_dataset on folders written in the published layout: every field equals the truth."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from support.datasets import AXON_CLASSES, SYNAPSE_TYPES
from support.extract_files import AXON_ATTRS, SYNAPSE_ATTRS, TARGET_ATTRS, make_truth, write_folder

from connectomedb.etl.extract import ExtractReport, read_dataset
from connectomedb.etl.frames import Ragged, SourceDataset


def assert_ragged(r: Ragged, sets: list[np.ndarray]) -> None:
    assert len(r) == len(sets)
    assert r.offsets.dtype == np.int64
    for i, expected in enumerate(sets, start=1):
        np.testing.assert_array_equal(r.element(i), expected)


def assert_skeletons(sk, truth_skels: list[dict]) -> None:
    assert sk.nodes.values.dtype == np.int32 and sk.edges.values.dtype == np.int32
    assert sk.nodes.values.shape[1:] == (3,) and sk.edges.values.shape[1:] == (2,)
    for i, t in enumerate(truth_skels, start=1):
        np.testing.assert_array_equal(sk.nodes.element(i), t["nodes"])
        np.testing.assert_array_equal(sk.edges.element(i), t["edges"])
        np.testing.assert_array_equal(sk.seg_ids.element(i), t["segIds"])


def names(table, attrs: dict[str, int]) -> dict[int, str]:
    frame = table.frame
    assert set(frame["code"]) >= set(attrs.values())
    return dict(zip(frame["code"].tolist(), frame["name"].tolist(), strict=True))


def check(ds: SourceDataset, t: dict, *, old: bool = False, optional: bool = True) -> None:
    a = ds.axons
    assert a.n == len(t["axon_class"])
    assert a.class_code.dtype == np.int16
    np.testing.assert_array_equal(a.class_code, t["axon_class"])
    assert names(a.classes, AXON_ATTRS) == {code: name for code, _, name in AXON_CLASSES}
    if optional:
        np.testing.assert_array_equal(a.mapped_seg_id, t["axon_mapped"])
        assert a.mapped_seg_id.dtype == np.int64
    else:
        assert a.mapped_seg_id is None
    assert_ragged(a.agglomerate, t["axon_agg"])
    assert_skeletons(a.skeleton, t["axon_skel"])

    d = ds.targets
    np.testing.assert_array_equal(d.class_code, t["target_class"])
    target_names = names(d.classes, TARGET_ATTRS)
    assert target_names[3] == "Unknown" and target_names[9] == "ProximalDendrite"
    assert target_names[6] == "Somata" and target_names[7] == "WholeCell"
    frame = d.classes.frame
    label = dict(zip(frame["code"].tolist(), frame["label"].tolist(), strict=True))
    assert label[3] == "ignore"
    if optional:
        np.testing.assert_array_equal(d.neuron_id, t["neuron_id"])
        np.testing.assert_array_equal(d.mapped_seg_id, t["target_mapped"])
        np.testing.assert_array_equal(ds.spine_heads.volume, t["sh_volume"])
    else:
        assert d.neuron_id is None and d.mapped_seg_id is None and ds.spine_heads.volume is None
    assert_ragged(d.agglomerate, t["target_agg"])
    assert_skeletons(d.skeleton, t["target_skel"])
    assert ds.spine_heads.n == len(t["sh_agg"])
    assert_ragged(ds.spine_heads.agglomerate, t["sh_agg"])

    s = ds.synapses
    np.testing.assert_array_equal(s.type_code, t["syn_type"])
    assert names(s.types, SYNAPSE_ATTRS) == {code: name for code, _, name in SYNAPSE_TYPES}
    assert s.syn_position.dtype == np.int32
    np.testing.assert_array_equal(s.syn_position, t["syn_pos"])
    if old:
        assert s.pre_position is None and s.post_position is None
    else:
        np.testing.assert_array_equal(s.pre_position, t["pre_pos"])
        np.testing.assert_array_equal(s.post_position, t["post_pos"])
    for field, key in (
        ("axon_id", "axon_id"),
        ("target_id", "target_id"),
        ("split_axon_id", "split_axon_id"),
        ("spine_head_id", "spine_head_id"),
    ):
        got = getattr(s, field)
        assert got.dtype == np.int64
        np.testing.assert_array_equal(got, t[key])
    np.testing.assert_array_equal(s.asi_area, t["asi"])  # NaN positions must match too
    assert_ragged(s.pre_seg, t["pre_seg"])
    assert_ragged(s.post_seg, t["post_seg"])

    assert ds.segments is not None
    np.testing.assert_array_equal(ds.segments.position, t["seg_position"])
    np.testing.assert_array_equal(ds.segments.voxel_count, t["seg_voxels"])


@pytest.mark.parametrize("libver", ["earliest", "latest"])
def test_read_dataset_equals_truth(tmp_path: Path, libver: str) -> None:
    t = make_truth(5)
    folder = write_folder(t, tmp_path / libver, libver=libver)
    report = ExtractReport()
    ds = read_dataset(folder, report=report)
    check(ds, t)
    assert all(g.mode == "fast" for g in report.groups), [(g.path, g.reason) for g in report.groups]
    assert set(ds.files) == {"axons.hdf5", "dendrites.hdf5", "synapses.hdf5", "segments.hdf5"}
    import hashlib

    for name, info in ds.files.items():
        data = (folder / name).read_bytes()
        assert info.sha256 == hashlib.sha256(data).hexdigest()
        assert info.size == len(data)
    assert ds.files["axons.hdf5"].info == "exportForPublication.m; git abc123; MATLAB 9.3"
    assert ds.files["dendrites.hdf5"].info == "exportForPublication.m; git abc123; MATLAB 9.3"
    assert ds.files["synapses.hdf5"].info == "exportForPublication.m (str attribute)"


def test_fast_and_h5py_paths_agree_on_a_whole_folder(tmp_path: Path) -> None:
    t = make_truth(8, n_syn=60)
    folder = write_folder(t, tmp_path)
    report = ExtractReport()
    slow = read_dataset(folder, fast=False, report=report)
    assert all(g.mode == "h5py" for g in report.groups)
    check(slow, t)


def test_older_variant(tmp_path: Path) -> None:
    t = make_truth(6)
    ds = read_dataset(write_folder(t, tmp_path, old=True))
    check(ds, t, old=True)


def test_optional_datasets_missing(tmp_path: Path) -> None:
    t = make_truth(7)
    ds = read_dataset(write_folder(t, tmp_path, optional=False))
    check(ds, t, optional=False)


def test_segments_file_is_optional(tmp_path: Path) -> None:
    t = make_truth(9)
    ds = read_dataset(write_folder(t, tmp_path, segments=False))
    assert ds.segments is None
    assert "segments.hdf5" not in ds.files
    assert_ragged(ds.synapses.pre_seg, t["pre_seg"])


def test_progress_reports_each_file(tmp_path: Path) -> None:
    t = make_truth(10)
    lines: list[str] = []
    read_dataset(write_folder(t, tmp_path), progress=lines.append)
    assert lines == [
        "reading segments.hdf5",
        "reading axons.hdf5",
        "reading dendrites.hdf5",
        "reading synapses.hdf5",
    ]

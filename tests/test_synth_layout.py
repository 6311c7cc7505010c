"""The synthetic files, read back with plain h5py: the published MATLAB layout and variants."""

from __future__ import annotations

import json
import time
from pathlib import Path

import h5py
import numpy as np
import pytest
from support.datasets import SYNTH_FILES
from support.extract_files import AXON_ATTRS, SYNAPSE_ATTRS, TARGET_ATTRS

from connectomedb.synth import VARIANTS, generate, write


@pytest.fixture(scope="module")
def tiny_result():
    return generate("tiny", seed=3)


@pytest.fixture(scope="module")
def folder(tiny_result, tmp_path_factory) -> Path:
    return write(tiny_result, tmp_path_factory.mktemp("synth") / "current")


def _contents(path: Path) -> dict:
    """Every dataset and attribute of an HDF5 file, as plain values."""
    out: dict = {}
    with h5py.File(path, "r") as f:
        out["/"] = {k: bytes(v) for k, v in f.attrs.items()}

        def visit(name: str, obj: h5py.HLObject) -> None:
            attrs = {k: np.asarray(v).tolist() for k, v in obj.attrs.items()}
            if isinstance(obj, h5py.Dataset):
                out[name] = (str(obj.dtype), obj.shape, obj[()].tobytes(), attrs)
            else:
                out[name] = ("group", attrs)

        f.visititems(visit)
    return out


def _attrs(ds: h5py.Dataset) -> dict[str, int]:
    return {k: int(np.asarray(v).ravel()[0]) for k, v in ds.attrs.items()}


def test_same_seed_same_files_other_seed_other_data(tmp_path: Path) -> None:
    a = write(generate("tiny", seed=11), tmp_path / "a")
    second = int(time.time())
    while int(time.time()) == second:  # write b in a later second: no time stamps in the files
        time.sleep(0.05)
    b = write(generate("tiny", seed=11), tmp_path / "b")
    c = write(generate("tiny", seed=12), tmp_path / "c")
    for name in ("axons.hdf5", "dendrites.hdf5", "synapses.hdf5", "segments.hdf5"):
        assert _contents(a / name) == _contents(b / name), name
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    for name in ("connectome.csv", "truth.json"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    assert _contents(a / "synapses.hdf5") != _contents(c / "synapses.hdf5")


def test_files_and_truth_written_last(folder: Path) -> None:
    assert {p.name for p in folder.iterdir()} == SYNTH_FILES
    truth_time = (folder / "truth.json").stat().st_mtime_ns
    assert all(p.stat().st_mtime_ns <= truth_time for p in folder.iterdir())
    truth = json.loads((folder / "truth.json").read_text())
    assert truth["files"] == [
        "axons.hdf5",
        "dendrites.hdf5",
        "synapses.hdf5",
        "segments.hdf5",
        "connectome.csv",
    ]


def test_root_info_is_fixed_length_text(folder: Path) -> None:
    for name in ("axons.hdf5", "dendrites.hdf5", "synapses.hdf5", "segments.hdf5"):
        with h5py.File(folder / name, "r") as f:
            info = f.attrs["info"]
            assert isinstance(info, bytes)
            text = info.decode()
            assert name in text and "seed 3" in text and "MATLAB version" in text


def _assert_categories(dataset: h5py.Dataset, n: int, attrs: dict[str, int]) -> None:
    """One uint8 category code per element, the codes named by the dataset's attributes."""
    assert dataset.dtype == np.uint8 and dataset.shape == (n,)
    assert _attrs(dataset) == attrs


def test_axons_layout(folder: Path, tiny_result) -> None:
    n = tiny_result.truth["counts"]["axons"]
    with h5py.File(folder / "axons.hdf5", "r") as f:
        _assert_categories(f["/axons/class"], n, AXON_ATTRS)
        assert f["/axons/mappedSegIds"].dtype == np.uint32
        agg = f["/axons/agglomerate"]
        assert sorted(int(k) for k in agg) == list(range(1, n + 1))
        assert all(agg[k].dtype == np.uint32 and agg[k].ndim == 1 for k in agg)
        sk = f["/axons/skeleton"]
        assert sorted(int(k) for k in sk) == list(range(1, n + 1))
        for k in sk:
            nodes, edges, seg = sk[k]["nodes"], sk[k]["edges"], sk[k]["segIds"]
            assert nodes.dtype == edges.dtype == seg.dtype == np.uint32
            assert nodes.shape[0] == 3 and edges.shape[0] == 2
            assert seg.shape == (nodes.shape[1],)
            e = edges[()]
            if nodes.shape[1] == 1:
                assert e.tolist() == [[1], [1]]  # the self-edge rule
            else:
                assert e.shape[1] == nodes.shape[1] - 1
                assert e.min() >= 1 and e.max() <= nodes.shape[1]
            seg_set = set(agg[k][()].tolist())
            assert set(seg[()][seg[()] > 0].tolist()) <= seg_set
        # Tiny has a synapse-less single-node axon (13) to show the self-edge.
        assert sk["13"]["nodes"].shape == (3, 1)


def test_dendrites_layout(folder: Path, tiny_result) -> None:
    n = tiny_result.truth["counts"]["targets"]
    n_sh = tiny_result.truth["counts"]["spine_heads"]
    with h5py.File(folder / "dendrites.hdf5", "r") as f:
        _assert_categories(f["/dendrites/class"], n, TARGET_ATTRS)
        assert f["/dendrites/neuronId"].dtype == np.uint32
        assert f["/dendrites/neuronId"].shape == (n,)
        assert f["/dendrites/mappedSegIds"].dtype == np.uint32
        assert sorted(int(k) for k in f["/dendrites/agglomerate"]) == list(range(1, n + 1))
        assert sorted(int(k) for k in f["/dendrites/skeleton"]) == list(range(1, n + 1))
        assert sorted(int(k) for k in f["/spineHeads/agglomerate"]) == list(range(1, n_sh + 1))
        vol = f["/spineHeads/volume"]
        assert vol.dtype == np.float32 and vol.shape == (n_sh,) and (vol[()] > 0).all()


def test_synapses_layout(folder: Path, tiny_result) -> None:
    n = tiny_result.truth["counts"]["synapses"]
    with h5py.File(folder / "synapses.hdf5", "r") as f:
        s = f["/synapses"]
        assert s["type"].dtype == np.uint8 and _attrs(s["type"]) == SYNAPSE_ATTRS
        for name in ("prePosition", "synPosition", "postPosition"):
            assert s[name].dtype == np.uint32 and s[name].shape == (3, n)
            xyz = s[name][()]
            assert (xyz[0] >= 129).all() and (xyz[0] <= 5574).all()
            assert (xyz[1] >= 129).all() and (xyz[1] <= 8509).all()
            assert (xyz[2] >= 129).all() and (xyz[2] <= 3414).all()
        for name in ("preAxonId", "preSplitAxonId", "postDendriteId", "postSpineHeadId"):
            assert s[name].dtype == np.uint32 and s[name].shape == (n,)
        asi = s["asiArea"][()]
        assert s["asiArea"].dtype == np.float64
        types = s["type"][()]
        spine = np.isin(types, [1, 2])
        assert np.isnan(asi[~spine]).all() and np.isfinite(asi[spine]).all()
        assert (asi[spine] > 0).all()
        for group in ("preSegIds", "postSegIds"):
            names = sorted(int(k) for k in s[group])
            assert names == list(range(1, n + 1))
            lengths = [s[group][k].shape[0] for k in s[group]]
            assert min(lengths) >= 1 and max(lengths) <= 4
            assert all(s[group][k].dtype == np.uint32 for k in s[group])
        assert f["/synapses/preSegIds/17"].ndim == 1


def test_segments_layout(folder: Path, tiny_result) -> None:
    n = tiny_result.truth["counts"]["segments"]
    with h5py.File(folder / "segments.hdf5", "r") as f:
        assert f["/segments/position"].shape == (3, n)
        assert f["/segments/position"].dtype == np.uint32
        assert f["/segments/voxelCount"].shape == (n,)
        assert (f["/segments/voxelCount"][()] > 0).all()


def test_datasets_are_contiguous_and_uncompressed(folder: Path) -> None:
    with h5py.File(folder / "synapses.hdf5", "r") as f:
        for ds in (f["/synapses/type"], f["/synapses/preSegIds/1"], f["/synapses/synPosition"]):
            assert ds.chunks is None and ds.compression is None


def test_connectome_csv_text(folder: Path, tiny_result) -> None:
    raw = (folder / "connectome.csv").read_bytes()
    assert b"\r" not in raw and b'"' not in raw and raw.endswith(b"\n")
    lines = raw.decode().splitlines()
    header = lines[0].split(",")
    assert header[0] == ""
    assert len(lines) - 1 == tiny_result.truth["connectome_csv"]["rows"]
    assert len(header) - 1 == tiny_result.truth["connectome_csv"]["columns"]
    order = ["Soma", "ProximalDendrite", "SmoothDendrite", "ApicalDendrite",
             "AxonInitialSegment", "OtherDendrite"]  # fmt: skip
    groups = [order.index(c) for c in header[1:]]
    assert groups == sorted(groups)
    rows = [line.split(",")[0] for line in lines[1:]]
    row_order = ["Corticocortical", "Thalamocortical", "Other", "Inhibitory"]
    assert [row_order.index(r) for r in rows] == sorted(row_order.index(r) for r in rows)
    assert all(len(line.split(",")) == len(header) for line in lines[1:])


def _paths(path: Path) -> set[str]:
    with h5py.File(path, "r") as f:
        names: set[str] = set()
        f.visit(names.add)
        return names


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_variant_writes_what_it_says(variant: str, tiny_result, tmp_path: Path) -> None:
    out = write(tiny_result, tmp_path / variant, variant=variant)
    ax, den, syn = (_paths(out / f) for f in ("axons.hdf5", "dendrites.hdf5", "synapses.hdf5"))
    old = variant == "old-names"
    minimal = variant == "minimal"
    assert ("axonClasses" in ax) == old and ("axons/class" in ax) == (not old)
    assert ("axonAgglomerates/1" in ax) == old and ("axonSkeletons/1/nodes" in ax) == old
    assert ("targetClasses" in den) == old and ("dendriteAgglomerates/1" in den) == old
    assert ("dendriteSkeletons/1/edges" in den) == old
    assert ("spineHeadAgglomerates/1" in den) == old
    assert ("synapses/postDendId" in syn) == old and ("synapses/position" in syn) == old
    assert ("synapses/synPosition" in syn) == (not old)
    assert ("dendrites/neuronId" in den) == (not minimal)
    assert ("axons/mappedSegIds" in ax) == (not minimal)
    assert ("dendrites/mappedSegIds" in den) == (not minimal)
    assert ("spineHeads/volume" in den) == (not minimal)
    assert (out / "segments.hdf5").exists() == (not minimal)
    assert (out / "connectome.csv").exists() == (not minimal)
    assert json.loads((out / "truth.json").read_text())["variant"] == [variant]

    n_ax = tiny_result.truth["counts"]["axons"]
    n_syn = tiny_result.truth["counts"]["synapses"]
    with h5py.File(out / "axons.hdf5", "r") as a, h5py.File(out / "synapses.hdf5", "r") as s:
        cls = a["axonClasses" if old else "axons/class"]
        pre = s["synapses/preSegIds/5"]
        agg = a["axonAgglomerates/2" if old else "axons/agglomerate/2"]
        if variant == "column-vectors":
            assert cls.shape == (n_ax, 1) and s["synapses/preAxonId"].shape == (n_syn, 1)
            assert pre.ndim == 2 and pre.shape[0] == 1
            assert np.asarray(cls.attrs["inhibitory"]).shape == (1,)
        else:
            assert cls.shape == (n_ax,) and pre.ndim == 1
        if variant == "float-segids":
            assert pre.dtype == np.float64 and agg.dtype == np.float64
            values = agg[()]
            assert (values == np.round(values)).all()
        else:
            assert pre.dtype == np.uint32 and agg.dtype == np.uint32
        if variant == "uint64-mapped":
            assert a["axons/mappedSegIds"].dtype == np.uint64
        elif not minimal:
            assert a["axons/mappedSegIds"].dtype == np.uint32
        # Whatever the variant, the values are the generated ones.
        np.testing.assert_array_equal(np.ravel(cls[()]), tiny_result.dataset.axons.class_code)
        np.testing.assert_array_equal(
            np.ravel(pre[()]).astype(np.int64), tiny_result.dataset.synapses.pre_seg.element(5)
        )


def test_combined_variants(tiny_result, tmp_path: Path) -> None:
    out = write(tiny_result, tmp_path / "both", variant={"old-names", "minimal"})
    den = _paths(out / "dendrites.hdf5")
    assert "targetClasses" in den and "dendrites/neuronId" not in den
    assert not (out / "connectome.csv").exists()
    with pytest.raises(ValueError, match="unknown variant"):
        write(tiny_result, tmp_path / "bad", variant="newest")

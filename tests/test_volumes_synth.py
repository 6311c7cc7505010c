"""``synth --volumes``: the published cube layout, consistent with the dataset files."""

from __future__ import annotations

from pathlib import Path

import h5py
import numpy as np
from support.volumes import CUBE, FOLDERS, Assembled, truth  # noqa: F401

from connectomedb.etl.extract import read_dataset


def test_layout_of_every_volume(synth_volumes: Path) -> None:
    for kind, folder in FOLDERS.items():
        names = sorted(p.name for p in (synth_volumes / folder).iterdir())
        expected = sorted(
            f"x{i}y{j}z{k}.hdf5" for i in range(6) for j in range(9) for k in range(4)
        )
        assert names == expected, kind
        with h5py.File(synth_volumes / folder / "x1y2z3.hdf5", "r") as f:
            data = f["data"]
            assert list(f.keys()) == ["data"]
            assert data.shape == (CUBE, CUBE, CUBE)
            assert data.chunks == (4, 4, 4)
            assert data.compression == "gzip"
            assert str(data.dtype) == {"em": "uint8", "blood-vessels": "uint8"}.get(kind, "uint32")


def test_volumes_agree_with_the_files_except_the_planted(synth_volumes: Path) -> None:
    ds = read_dataset(synth_volumes)
    planted = truth(synth_volumes)["volumes"]["planted"]
    seg = Assembled(synth_volumes / FOLDERS["segmentation"])
    mapped = Assembled(synth_volumes / FOLDERS["mapped-segmentation"])

    ids = np.arange(1, ds.segments.n + 1)
    wrong = ids[seg.at(ds.segments.position) != ids]
    assert sorted(wrong.tolist()) == sorted(p["segment_id"] for p in planted["segment_position"])
    assert (np.bincount(seg.array[seg.array > 0]) > 1).sum() > ds.segments.n // 2  # blobs

    for side, pos, sets in (
        ("pre", ds.synapses.pre_position, ds.synapses.pre_seg),
        ("post", ds.synapses.post_position, ds.synapses.post_seg),
    ):
        found = seg.at(pos)
        bad = [s for s in range(1, ds.synapses.n + 1) if found[s - 1] not in sets.element(s)]
        assert bad == sorted(p["synapse_id"] for p in planted[f"synapse_{side}"]), side

    # The mapped volume is the segmentation with each agglomerate relabelled.
    lut = {}
    for frame in (ds.targets, ds.axons):
        for i in range(1, frame.n + 1):
            if frame.mapped_seg_id[i - 1] > 0:
                for s in frame.agglomerate.element(i):
                    lut[int(s)] = int(frame.mapped_seg_id[i - 1])
    flat_seg, flat_map = seg.array.ravel(), mapped.array.ravel()
    nz = np.flatnonzero(flat_seg)
    expect = np.array([lut.get(int(s), int(s)) for s in flat_seg[nz]])
    assert np.array_equal(flat_map[nz], expect)
    assert not flat_map[flat_seg == 0].any()

    bad_nodes = []
    for kind, frame in (("axon", ds.axons), ("target", ds.targets)):
        sk = frame.skeleton
        for i in range(1, frame.n + 1):
            m = frame.mapped_seg_id[i - 1]
            nodes, segs = sk.nodes.element(i), sk.seg_ids.element(i)
            for n, (xyz, s) in enumerate(zip(nodes, segs, strict=True), start=1):
                if m > 0 and s > 0 and mapped.at(xyz[None])[0] != m:
                    bad_nodes.append((kind, i, n))
    assert sorted(bad_nodes) == sorted(
        (p["neurite"], p["id"], p["node_index"]) for p in planted["mapped_node"]
    )


def test_em_and_vessels(synth_volumes: Path) -> None:
    vessels = truth(synth_volumes)["volumes"]["blood_vessels"]
    bv = Assembled(synth_volumes / FOLDERS["blood-vessels"])
    v = vessels[0]
    assert bv.array[v["x"], v["y"], 20] == 1
    assert bv.array.mean() < 0.2
    em = Assembled(synth_volumes / FOLDERS["em"])
    assert em.array[v["x"], v["y"], 20] > 200


def test_volumes_need_the_published_layout(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from connectomedb.cli import main

    result = CliRunner().invoke(
        main, ["synth", str(tmp_path / "x"), "--volumes", "--variant", "old-names", "-q"]
    )
    assert result.exit_code == 2
    assert "--volumes needs the published layout (no --variant)." in result.output
    assert not (tmp_path / "x").exists()

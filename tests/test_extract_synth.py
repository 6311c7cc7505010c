"""Round trip through the synthetic generator: generate → write → read_dataset gives back the
generated SourceDataset, field by field, for every layout variant."""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from connectomedb.etl.extract import ExtractReport, read_dataset
from connectomedb.etl.frames import CodeTable, FileInfo, Ragged, SourceDataset
from connectomedb.synth import VARIANTS, generate, write


def assert_same(got: object, want: object, where: str) -> None:
    """Deep equality of frames: arrays exactly (NaN = NaN), dtypes included."""
    if isinstance(want, np.ndarray):
        assert isinstance(got, np.ndarray), where
        assert got.dtype == want.dtype, f"{where}: dtype {got.dtype} != {want.dtype}"
        np.testing.assert_array_equal(got, want, err_msg=where)
    elif isinstance(want, pd.DataFrame):
        pd.testing.assert_frame_equal(
            got.reset_index(drop=True), want.reset_index(drop=True), obj=where
        )
    elif isinstance(want, CodeTable):
        # Every code present must carry the same name; the reader's table may list more codes.
        frame = got.frame.set_index("code")
        for code, name in zip(want.frame["code"], want.frame["name"], strict=True):
            assert frame.loc[code, "name"] == name, f"{where}: code {code}"
    elif dataclasses.is_dataclass(want) and not isinstance(want, type):
        assert type(got) is type(want), where
        for f in dataclasses.fields(want):
            assert_same(getattr(got, f.name), getattr(want, f.name), f"{where}.{f.name}")
    elif isinstance(want, list):
        assert list(got) == want, where
    else:
        assert got == want, f"{where}: {got!r} != {want!r}"


def check_round_trip(got: SourceDataset, want: SourceDataset, folder: Path) -> None:
    for name in ("axons", "targets", "spine_heads", "synapses", "segments", "connectome"):
        w = getattr(want, name)
        if w is None:
            assert getattr(got, name) is None, name
        else:
            assert_same(getattr(got, name), w, name)
    for name, info in got.files.items():
        assert isinstance(info, FileInfo)
        assert info.sha256 == hashlib.sha256((folder / name).read_bytes()).hexdigest()


@pytest.mark.parametrize("scale", ["tiny", "demo"])
def test_round_trip_current_layout(tmp_path: Path, scale: str) -> None:
    result = generate(scale, 7)
    folder = write(result, tmp_path / scale)
    report = ExtractReport()
    got = read_dataset(folder, report=report)
    check_round_trip(got, result.dataset, folder)
    assert all(g.mode == "fast" for g in report.groups), [(g.path, g.reason) for g in report.groups]
    assert set(got.files) == {
        "axons.hdf5",
        "dendrites.hdf5",
        "synapses.hdf5",
        "segments.hdf5",
        "connectome.csv",
    }


@pytest.mark.parametrize("variant", [v for v in VARIANTS if v != "current"])
def test_round_trip_variants(tmp_path: Path, variant: str) -> None:
    result = generate("tiny", 3)
    folder = write(result, tmp_path / variant, variant=variant)
    got = read_dataset(folder)
    want = result.dataset
    if variant == "old-names":
        want = dataclasses.replace(
            want, synapses=dataclasses.replace(want.synapses, pre_position=None, post_position=None)
        )
    if variant == "minimal":
        want = dataclasses.replace(
            want,
            segments=None,
            connectome=None,
            axons=dataclasses.replace(want.axons, mapped_seg_id=None),
            targets=dataclasses.replace(want.targets, neuron_id=None, mapped_seg_id=None),
            spine_heads=dataclasses.replace(want.spine_heads, volume=None),
        )
    check_round_trip(got, want, folder)


def test_all_variants_combined(tmp_path: Path) -> None:
    result = generate("tiny", 4)
    combo = {"old-names", "column-vectors", "float-segids", "uint64-mapped"}
    folder = write(result, tmp_path / "combo", variant=combo)
    got = read_dataset(folder)
    want = dataclasses.replace(
        result.dataset,
        synapses=dataclasses.replace(
            result.dataset.synapses, pre_position=None, post_position=None
        ),
    )
    check_round_trip(got, want, folder)
    assert isinstance(got.synapses.pre_seg, Ragged)

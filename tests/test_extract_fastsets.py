"""The fast per-element reader gives exactly what opening every dataset through h5py gives."""

from __future__ import annotations

from pathlib import Path

import h5py
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connectomedb.etl.extract import h5batch
from connectomedb.etl.extract.fastsets import ElementReader
from connectomedb.etl.frames import Ragged

DTYPES = ["u1", "u2", "<u4", ">u4", "u8", "i1", "<i2", ">i4", "i8", "<f4", ">f8", "f8"]
SHAPES = ["flat", "column", "row"]


def _limit(dtype: str) -> int:
    dt = np.dtype(dtype)
    if dt.kind == "f":
        return 2**24 if dt.itemsize == 4 else 2**53
    return min(int(np.iinfo(dt).max), 2**63 - 1)


@st.composite
def set_groups(draw: st.DrawFn) -> list[tuple[str, str, list[int]]]:
    n = draw(st.integers(0, 24))
    out = []
    for _ in range(n):
        dtype = draw(st.sampled_from(DTYPES))
        shape = draw(st.sampled_from(SHAPES))
        values = draw(st.lists(st.integers(0, _limit(dtype)), max_size=6))
        out.append((dtype, shape, values))
    return out


def write_group(
    path: Path, libver: str, members: list[tuple[str, str, list[int]]], **kwargs: object
) -> None:
    with h5py.File(path, "w", libver=libver) as f:
        g = f.create_group("/synapses/preSegIds")
        for i, (dtype, shape, values) in enumerate(members, start=1):
            data = np.array(values, dtype=dtype)
            if shape == "column":
                data = data.reshape(-1, 1)
            elif shape == "row":
                data = data.reshape(1, -1)
            g.create_dataset(str(i), data=data, **kwargs)


def read_both(path: Path, n: int) -> tuple[Ragged, Ragged, str]:
    with h5py.File(path, "r") as f:
        fast_reader = ElementReader(f)
        fast = fast_reader.sets("/synapses/preSegIds", n, "test")
        slow = ElementReader(f, fast=False).sets("/synapses/preSegIds", n, "test")
        fast_reader.close()
    return fast, slow, fast_reader.stats[0].mode


def expected(members: list[tuple[str, str, list[int]]]) -> Ragged:
    return Ragged.from_lists([v for _, _, v in members], dtype=np.int64)


@pytest.mark.parametrize("libver", ["earliest", "latest"])
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(members=set_groups())
def test_fast_equals_h5py(
    tmp_path: Path, libver: str, members: list[tuple[str, str, list[int]]]
) -> None:
    path = tmp_path / f"sets-{libver}.h5"
    write_group(path, libver, members)
    fast, slow, mode = read_both(path, len(members))
    assert mode == "fast"
    want = expected(members)
    for got in (fast, slow):
        assert got.values.dtype == np.int64 and got.offsets.dtype == np.int64
        np.testing.assert_array_equal(got.offsets, want.offsets)
        np.testing.assert_array_equal(got.values, want.values)


@pytest.mark.parametrize("libver", ["earliest", "latest"])
def test_modification_times_do_not_defeat_templates(tmp_path: Path, libver: str) -> None:
    # The HDF5 default (and MATLAB) records a modification time in every object header.
    rng = np.random.default_rng(2)
    members = [
        ("<u4", "flat", rng.integers(0, 9999, rng.integers(0, 5)).tolist()) for _ in range(300)
    ]
    path = tmp_path / "times.h5"
    write_group(path, libver, members, track_times=True)
    fast, slow, mode = read_both(path, len(members))
    assert mode == "fast"
    np.testing.assert_array_equal(fast.values, expected(members).values)
    np.testing.assert_array_equal(fast.offsets, slow.offsets)


def test_many_chunks_of_headers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(h5batch, "_CHUNK", 7)
    members = [("u4" if i % 3 else "u8", "flat", list(range(i % 5))) for i in range(100)]
    path = tmp_path / "chunks.h5"
    write_group(path, "earliest", members)
    fast, slow, mode = read_both(path, len(members))
    assert mode == "fast"
    np.testing.assert_array_equal(fast.values, expected(members).values)
    np.testing.assert_array_equal(fast.offsets, expected(members).offsets)


def test_chunked_members_fall_back_to_h5py(tmp_path: Path) -> None:
    path = tmp_path / "chunked.h5"
    members = [("u4", "flat", [1, 2, 3]), ("u4", "flat", [4]), ("u4", "flat", [5, 6])]
    with h5py.File(path, "w") as f:
        g = f.create_group("/synapses/preSegIds")
        for i, (_, _, values) in enumerate(members, start=1):
            g.create_dataset(
                str(i), data=np.array(values, "u4"), **({"compression": "gzip"} if i == 2 else {})
            )
    with h5py.File(path, "r") as f:
        reader = ElementReader(f)
        got = reader.sets("/synapses/preSegIds", 3, "test")
        assert reader.stats[0].mode == "h5py"
        assert reader.stats[0].reason
        reader.close()
    np.testing.assert_array_equal(got.values, [1, 2, 3, 4, 5, 6])
    np.testing.assert_array_equal(got.offsets, [0, 3, 4, 6])


def test_compact_layout_is_read_inline(tmp_path: Path) -> None:
    path = tmp_path / "compact.h5"
    with h5py.File(path, "w") as f:
        g = f.create_group("/synapses/preSegIds")
        g.create_dataset("1", data=np.array([10, 11], "u4"))
        dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
        dcpl.set_layout(h5py.h5d.COMPACT)
        space = h5py.h5s.create_simple((3,))
        dsid = h5py.h5d.create(g.id, b"2", h5py.h5t.STD_U16LE, space, dcpl=dcpl)
        dsid.write(h5py.h5s.ALL, h5py.h5s.ALL, np.array([7, 8, 9], dtype="<u2"))
        g.create_dataset("3", data=np.zeros(0, "u4"))
    fast, slow, mode = read_both(path, 3)
    assert mode == "fast"
    np.testing.assert_array_equal(fast.values, [10, 11, 7, 8, 9])
    np.testing.assert_array_equal(fast.offsets, [0, 2, 5, 5])
    np.testing.assert_array_equal(slow.values, fast.values)


@st.composite
def skeleton_lists(draw: st.DrawFn) -> list[tuple[np.ndarray, np.ndarray, np.ndarray, str]]:
    out = []
    for _ in range(draw(st.integers(0, 12))):
        k = draw(st.integers(1, 5))
        nodes = np.array(
            draw(st.lists(st.integers(0, 2**31 - 1), min_size=3 * k, max_size=3 * k))
        ).reshape(k, 3)
        m = draw(st.integers(1, 4))
        edges = np.array(draw(st.lists(st.integers(1, k), min_size=2 * m, max_size=2 * m))).reshape(
            m, 2
        )
        seg = np.array(draw(st.lists(st.integers(0, 2**40), min_size=k, max_size=k)))
        out.append((nodes, edges, seg, draw(st.sampled_from(["<u4", ">i8", "f8"]))))
    return out


@pytest.mark.parametrize("libver", ["earliest", "latest"])
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(skels=skeleton_lists())
def test_skeletons_fast_equals_h5py(tmp_path: Path, libver: str, skels: list) -> None:
    path = tmp_path / f"skel-{libver}.h5"
    with h5py.File(path, "w", libver=libver) as f:
        g = f.create_group("/axons/skeleton")
        for i, (nodes, edges, seg, node_dtype) in enumerate(skels, start=1):
            s = g.create_group(str(i))
            s.create_dataset("nodes", data=nodes.T.astype(node_dtype))
            s.create_dataset("edges", data=edges.T.astype("u4"))
            s.create_dataset("segIds", data=seg.astype("u8"))
    with h5py.File(path, "r") as f:
        reader = ElementReader(f)
        fast = reader.skeletons("/axons/skeleton", len(skels), "test")
        slow = ElementReader(f, fast=False).skeletons("/axons/skeleton", len(skels), "test")
        assert reader.stats[0].mode == "fast"
        reader.close()
    for got in (fast, slow):
        for i, (nodes, edges, seg, _) in enumerate(skels, start=1):
            np.testing.assert_array_equal(got.nodes.element(i), nodes)
            np.testing.assert_array_equal(got.edges.element(i), edges)
            np.testing.assert_array_equal(got.seg_ids.element(i), seg)
        assert got.nodes.values.dtype == np.int32 and got.seg_ids.values.dtype == np.int64


def test_file_with_a_user_block(tmp_path: Path) -> None:
    # Addresses are relative to the superblock, which a user block moves away from byte 0.
    path = tmp_path / "userblock.h5"
    members = [("u4", "flat", [i, i + 1]) for i in range(20)]
    with h5py.File(path, "w", userblock_size=1024) as f:
        g = f.create_group("/synapses/preSegIds")
        for i, (dtype, _, values) in enumerate(members, start=1):
            g.create_dataset(str(i), data=np.array(values, dtype=dtype))
    fast, slow, mode = read_both(path, len(members))
    assert mode == "fast"
    np.testing.assert_array_equal(fast.values, expected(members).values)
    np.testing.assert_array_equal(slow.values, fast.values)


@pytest.mark.parametrize("libver", ["earliest", "latest"])
def test_soft_link_member_is_read_like_h5py(tmp_path: Path, libver: str) -> None:
    # A soft link is no dataset of its own: the library resolves it, so the fast path must
    # not guess and must hand the group to h5py.
    path = tmp_path / "soft.h5"
    with h5py.File(path, "w", libver=libver) as f:
        g = f.create_group("/synapses/preSegIds")
        g.create_dataset("1", data=np.array([4, 5], "u4"))
        g["2"] = h5py.SoftLink("/synapses/preSegIds/1")
    fast, slow, mode = read_both(path, 2)
    assert mode == "h5py"
    np.testing.assert_array_equal(fast.values, [4, 5, 4, 5])
    np.testing.assert_array_equal(slow.offsets, fast.offsets)

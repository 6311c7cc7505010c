"""PostgreSQL's load overlaps the read of the files: the segments are copied as soon as
``segments.hdf5`` is read, and a read that fails afterwards still leaves every store as it was,
with no thread left behind."""

from __future__ import annotations

import hashlib
import shutil
import threading
import time
from pathlib import Path

import h5py
import numpy as np
import psycopg
import pytest
from support.datasets import valid_dataset
from support.warehouse import assert_dataset_equals, read_frame, snapshot

from connectomedb.config import Settings
from connectomedb.errors import InputError
from connectomedb.etl.extract import files as extract_files
from connectomedb.etl.extract import folder_checksums, read_dataset
from connectomedb.etl.extract.segments import read_segments
from connectomedb.etl.incoming import IncomingSource, SourceUnavailable
from connectomedb.etl.load.postgres import load as pg_load
from connectomedb.etl.pipeline import run_load
from connectomedb.etl.transform import iter_frames

#: The threads a load starts; none may outlive it.
LOAD_THREADS = ("postgres-load", "postgres-frames", "postgres-staging")


@pytest.fixture(scope="module")
def tiny_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return valid_dataset(tmp_path_factory.mktemp("synth") / "tiny")


@pytest.fixture(scope="module")
def bad_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A dataset whose last file read, synapses.hdf5, names an axon that does not exist."""
    folder = tmp_path_factory.mktemp("synth") / "bad"
    valid_dataset(folder, 2)
    with h5py.File(folder / "synapses.hdf5", "r+") as h5:
        ids = h5["synapses/preAxonId"][...]
        ids[-1] = 10_000_000
        h5["synapses/preAxonId"][...] = ids
    return folder


@pytest.fixture
def settings(fresh_db_url: str, tmp_path: Path) -> Settings:
    return Settings(home=tmp_path / "home", postgres_url=fresh_db_url)


def _segments_in(folder: Path) -> int:
    with h5py.File(folder / "segments.hdf5", "r") as h5:
        return read_segments(h5).n


def _load_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith(LOAD_THREADS)]


class SegmentsCopied:
    """A progress callback that records when the segment table's COPY ended and, on reaching
    the read of ``hold_at``, waits (at most a minute) until it has."""

    def __init__(self, segments: int, hold_at: str) -> None:
        self.segments = segments
        self.hold_at = hold_at
        self.copied = threading.Event()
        self.before_hold: bool | None = None

    def __call__(self, step: str, done: int, total: int) -> None:
        if step == "copy segment" and done >= self.segments:
            self.copied.set()
        if step == f"reading {self.hold_at}":
            self.before_hold = self.copied.wait(timeout=60)


def test_the_segments_are_copied_while_the_other_files_are_read(
    settings: Settings, tiny_folder: Path
) -> None:
    source = read_dataset(tiny_folder)
    assert source.segments is not None and source.segments.n > 0
    progress = SegmentsCopied(source.segments.n, "dendrites.hdf5")
    report = run_load(settings, tiny_folder, graph=False, progress=progress)
    assert progress.before_hold is True  # copied before dendrites.hdf5 was read
    assert report.stage("postgres").detail == "loaded"
    assert_dataset_equals(settings.postgres_url, "tiny", source)  # type: ignore[arg-type]
    assert [t.table for t in report.postgres.tables][0] == "segment"  # type: ignore[union-attr]
    # The checksums recorded are those of the files read.
    files = read_frame(settings.postgres_url, "select files from dataset").iloc[0, 0]  # type: ignore[arg-type]
    assert {k: v["sha256"] for k, v in files.items()} == {
        name: hashlib.sha256((tiny_folder / name).read_bytes()).hexdigest() for name in files
    }
    assert set(files) == set(source.files)
    assert _load_threads() == []


def test_a_bad_later_file_rolls_back_the_copied_segments(
    settings: Settings, tiny_folder: Path, bad_folder: Path
) -> None:
    run_load(settings, tiny_folder, graph=False)
    before = snapshot(settings.postgres_url)  # type: ignore[arg-type]
    progress = SegmentsCopied(_segments_in(bad_folder), "synapses.hdf5")
    with pytest.raises(InputError) as info:
        run_load(settings, bad_folder, dataset="tiny", replace=True, graph=False, progress=progress)
    assert progress.before_hold is True  # PostgreSQL had copied the new segments
    assert "synapses.hdf5" in str(info.value) and "preAxonId" in str(info.value)
    assert snapshot(settings.postgres_url) == before  # type: ignore[arg-type]
    assert _load_threads() == []


def test_a_failed_read_stops_a_statement_postgresql_is_waiting_in(
    settings: Settings, tiny_folder: Path, bad_folder: Path
) -> None:
    """PostgreSQL's load waits in the server (for the load lock another session holds) when
    the read fails: the load still ends at once with the read's error, rolled back."""
    run_load(settings, tiny_folder, graph=False)
    before = snapshot(settings.postgres_url)  # type: ignore[arg-type]
    outcome: list[BaseException | None] = []

    def load() -> None:
        try:
            run_load(settings, bad_folder, dataset="tiny", replace=True, graph=False)
            outcome.append(None)
        except BaseException as error:  # noqa: BLE001 - checked below
            outcome.append(error)

    with psycopg.connect(settings.postgres_url, autocommit=True) as holder:  # type: ignore[arg-type]
        holder.execute("SELECT pg_advisory_lock(%s)", (pg_load._LOAD_LOCK_KEY,))
        started = time.monotonic()
        thread = threading.Thread(target=load)
        thread.start()
        thread.join(timeout=60)
        seconds = time.monotonic() - started
        holder.execute("SELECT pg_advisory_unlock(%s)", (pg_load._LOAD_LOCK_KEY,))
    thread.join()
    assert seconds < 60, "the load waited for PostgreSQL after its read had failed"
    assert len(outcome) == 1 and isinstance(outcome[0], InputError), outcome
    assert "preAxonId" in str(outcome[0])
    assert snapshot(settings.postgres_url) == before  # type: ignore[arg-type]
    assert _load_threads() == []


def test_an_interrupted_read_leaves_postgresql_as_it_was(
    settings: Settings, tiny_folder: Path, bad_folder: Path
) -> None:
    run_load(settings, tiny_folder, graph=False)
    before = snapshot(settings.postgres_url)  # type: ignore[arg-type]
    copied = SegmentsCopied(_segments_in(tiny_folder), "dendrites.hdf5")

    def progress(step: str, done: int, total: int) -> None:
        copied(step, done, total)
        if step == "reading dendrites.hdf5":
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_load(settings, tiny_folder, dataset="other", graph=False, progress=progress)
    assert copied.before_hold is True
    assert snapshot(settings.postgres_url) == before  # type: ignore[arg-type]
    assert _load_threads() == []


def test_a_folder_without_segments_loads(
    settings: Settings, tiny_folder: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "tiny"
    shutil.copytree(tiny_folder, folder)
    (folder / "segments.hdf5").unlink()
    source = read_dataset(folder)
    assert source.segments is None
    report = run_load(settings, folder, graph=False)
    assert report.stage("postgres").detail == "loaded"
    counts = read_frame(
        settings.postgres_url,  # type: ignore[arg-type]
        "select (select count(*) from segment) as segment, (select count(*) from axon) as axon,"
        " (select count(*) from synapse) as synapse,"
        " (select count(*) from synapse_pre_segment) as pre",
    ).iloc[0]
    assert counts.to_dict() == {
        "segment": 0,
        "axon": source.axons.n,
        "synapse": source.synapses.n,
        "pre": len(source.synapses.pre_seg.values),
    }
    assert _load_threads() == []


# --- the read's side: checksums computed beforehand, the segments handed over first --------


def test_checksums_computed_before_the_read_are_recorded_not_computed_again(
    tiny_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    checksums = folder_checksums(tiny_folder)
    assert checksums.sha256 == {
        name: hashlib.sha256((tiny_folder / name).read_bytes()).hexdigest()
        for name in checksums.sha256
    }

    def no_hashing(path: Path) -> str:
        raise AssertionError(f"{path} hashed again")

    monkeypatch.setattr(extract_files, "sha256_of", no_hashing)
    source = read_dataset(tiny_folder, checksums=checksums)
    assert {n: f.sha256 for n, f in source.files.items()} == checksums.sha256


def test_a_file_changed_after_its_checksum_is_refused(tiny_folder: Path, tmp_path: Path) -> None:
    folder = tmp_path / "d"
    shutil.copytree(tiny_folder, folder)
    checksums = folder_checksums(folder)
    time.sleep(0.01)  # a later modification time, whatever the file system's resolution
    data = bytearray((folder / "axons.hdf5").read_bytes())
    data[-1] ^= 0xFF
    (folder / "axons.hdf5").write_bytes(data)
    with pytest.raises(InputError, match=r"axons\.hdf5: .*\(it was modified in place\)"):
        read_dataset(folder, checksums=checksums)


def test_a_file_removed_or_added_after_the_checksums_is_refused(
    tiny_folder: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "d"
    shutil.copytree(tiny_folder, folder)
    checksums = folder_checksums(folder)
    csv = (folder / "connectome.csv").read_bytes()
    (folder / "connectome.csv").unlink()
    with pytest.raises(InputError, match=r"connectome\.csv: .*\(it was removed\)"):
        read_dataset(folder, checksums=checksums)
    without = folder_checksums(folder)
    (folder / "connectome.csv").write_bytes(csv)
    with pytest.raises(InputError, match=r"connectome\.csv: .*\(it appeared\)"):
        read_dataset(folder, checksums=without)


def test_the_segments_are_handed_over_before_the_next_file_is_read(
    tiny_folder: Path, tmp_path: Path
) -> None:
    events: list[object] = []
    source = read_dataset(tiny_folder, progress=events.append, segments_read=events.append)
    assert events[:3] == ["reading segments.hdf5", source.segments, "reading axons.hdf5"]
    folder = tmp_path / "d"
    shutil.copytree(tiny_folder, folder)
    (folder / "segments.hdf5").unlink()
    events.clear()
    read_dataset(folder, progress=events.append, segments_read=events.append)
    assert events[:2] == [None, "reading axons.hdf5"]


# --- IncomingSource --------------------------------------------------------------------------


def _waiting(call: object) -> tuple[threading.Thread, list[object]]:
    got: list[object] = []

    def run() -> None:
        try:
            got.append(call())  # type: ignore[operator]
        except BaseException as error:  # noqa: BLE001 - checked by the test
            got.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    return thread, got


def test_incoming_source_hands_over_its_parts(tiny_folder: Path) -> None:
    source = read_dataset(tiny_folder)
    incoming = IncomingSource(tiny_folder)
    segments, got_segments = _waiting(incoming.segments)
    whole, got_whole = _waiting(incoming.result)
    time.sleep(0.05)
    assert got_segments == [] and got_whole == [] and not incoming.ready
    incoming.segments_read(source.segments)
    segments.join(timeout=10)
    assert got_segments == [source.segments] and got_whole == []
    incoming.complete(source)
    whole.join(timeout=10)
    assert got_whole == [source] and incoming.ready
    assert incoming.fingerprint() == {n: f.sha256 for n, f in source.files.items()}
    assert IncomingSource(tiny_folder, {"a": "b"}).fingerprint() == {"a": "b"}  # at once


@pytest.mark.parametrize("how", ["fail", "stop_waiting"])
def test_incoming_source_wakes_its_waiters_when_nothing_more_comes(
    tiny_folder: Path, how: str
) -> None:
    incoming = IncomingSource(tiny_folder)
    waiters = [_waiting(incoming.segments), _waiting(incoming.result)]
    time.sleep(0.05)
    if how == "fail":
        incoming.fail(InputError(tiny_folder / "axons.hdf5", None, "x", "y"))
    else:
        incoming.stop_waiting()
    for thread, got in waiters:
        thread.join(timeout=10)
        assert not thread.is_alive()
        assert len(got) == 1 and isinstance(got[0], SourceUnavailable), got
    with pytest.raises(SourceUnavailable):
        incoming.result()


@pytest.mark.parametrize("release", [True, False])
def test_the_segment_arrays_go_once_their_rows_are_built_unless_kept(
    tiny_folder: Path, release: bool
) -> None:
    source = read_dataset(tiny_folder)
    segments = source.segments
    assert segments is not None
    position, voxels = segments.position.copy(), segments.voxel_count
    assert voxels is not None
    voxels = voxels.copy()
    incoming = IncomingSource(tiny_folder, release_segments=release)
    incoming.segments_read(segments)
    incoming.complete(source)
    frames = iter_frames(incoming)
    rows = next(frames)
    assert rows.table == "segment" and not segments.released
    next(frames)  # the feed asks for the next table: the segment rows are built
    assert segments.released is release and segments.n == len(position)
    assert (len(segments.position) == 0) is release
    # The rows still hold every value until they are copied.
    values = {c.name: c.values for c in rows.columns}
    for axis, name in enumerate("xyz"):
        assert np.array_equal(values[name], position[:, axis])
    assert np.array_equal(values["voxel_count"], voxels)

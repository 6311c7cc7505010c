"""The load pipeline and the load/db/info commands, from files written by the generator."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import h5py
import pytest
from click.testing import CliRunner
from support.datasets import valid_dataset
from support.warehouse import assert_dataset_equals, read_frame, snapshot

from connectomedb.cli import main
from connectomedb.config import Settings
from connectomedb.errors import InputError, LoadError
from connectomedb.etl import pipeline
from connectomedb.etl.extract import read_dataset
from connectomedb.etl.pipeline import run_load
from connectomedb.stores.graph import open_graph_store
from connectomedb.stores.postgres import head_revision, upgrade


@pytest.fixture(scope="module")
def tiny_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return valid_dataset(tmp_path_factory.mktemp("synth") / "tiny")


@pytest.fixture(scope="module")
def tiny_other(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return valid_dataset(tmp_path_factory.mktemp("synth") / "tiny", 1)


@pytest.fixture
def settings(fresh_db_url: str, tmp_path: Path) -> Settings:
    return Settings(home=tmp_path / "home", postgres_url=fresh_db_url)


def _graph_counts(settings: Settings, name: str) -> dict[str, int]:
    with open_graph_store(settings) as store:
        return store.counts(name)


def test_load_fills_postgres_and_the_graph_from_the_files(
    settings: Settings, tiny_folder: Path
) -> None:
    report = run_load(settings, tiny_folder)
    assert report.dataset == "tiny"
    assert [s.stage for s in report.stages] == ["extract", "transform", "postgres", "graph"]
    assert report.stage("postgres").detail == "loaded"
    source = read_dataset(tiny_folder)
    assert_dataset_equals(settings.postgres_url, "tiny", source)  # type: ignore[arg-type]
    counts = _graph_counts(settings, "tiny")
    assert counts["Synapse"] == source.synapses.n
    assert counts["Axon"] == source.axons.n
    assert counts["Target"] == source.targets.n
    # PostgreSQL and the graph agree on the connectome synapses
    connectome = read_frame(
        settings.postgres_url,  # type: ignore[arg-type]
        "select count(*) from synapse where axon_id is not null and target_id is not null",
    ).iloc[0, 0]
    assert counts["MAKES"] >= connectome > 0


def test_second_load_is_a_no_op_for_both_stores(settings: Settings, tiny_folder: Path) -> None:
    run_load(settings, tiny_folder)
    before = snapshot(settings.postgres_url)  # type: ignore[arg-type]
    report = run_load(settings, tiny_folder)
    assert report.unchanged
    assert report.stage("postgres").status == "unchanged"
    assert report.stage("graph").status == "unchanged"
    assert report.stage("extract").status == "skipped"  # decided from the checksums alone
    assert snapshot(settings.postgres_url) == before  # type: ignore[arg-type]


def test_files_unchanged_in_postgres_only_still_load_the_graph(
    settings: Settings, tiny_folder: Path
) -> None:
    run_load(settings, tiny_folder, graph=False)
    report = run_load(settings, tiny_folder)
    assert report.stage("extract").status == "done"  # the graph needs the data
    assert report.stage("postgres").status == "unchanged"
    assert report.stage("graph").status == "done"
    assert _graph_counts(settings, "tiny")["Synapse"] == read_dataset(tiny_folder).synapses.n
    again = run_load(settings, tiny_folder)
    assert again.unchanged and again.stage("extract").status == "skipped"


def test_a_changed_file_is_not_taken_for_unchanged(
    settings: Settings, tiny_folder: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "tiny"
    shutil.copytree(tiny_folder, folder)
    run_load(settings, folder)
    with h5py.File(folder / "axons.hdf5", "a") as h5:  # same data, other bytes
        h5.attrs["info"] = "exported again"
    with pytest.raises(LoadError, match="--replace"):
        run_load(settings, folder)


def test_replace_reloads_both_stores(
    settings: Settings, tiny_folder: Path, tiny_other: Path
) -> None:
    run_load(settings, tiny_folder)
    with pytest.raises(LoadError, match="--replace"):
        run_load(settings, tiny_other, dataset="tiny")
    report = run_load(settings, tiny_other, dataset="tiny", replace=True)
    assert report.stage("postgres").detail == "replaced"
    other = read_dataset(tiny_other)
    assert_dataset_equals(settings.postgres_url, "tiny", other)  # type: ignore[arg-type]
    assert _graph_counts(settings, "tiny")["Synapse"] == other.synapses.n


def test_a_failing_graph_load_rolls_postgres_back(
    settings: Settings, tiny_folder: Path, tiny_other: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_load(settings, tiny_folder)
    before = snapshot(settings.postgres_url)  # type: ignore[arg-type]
    real_begin = pipeline.graph_loader()
    assert real_begin is not None

    class FailingAfterPrepare:
        """The real graph load, failing after its prepare (a late error in the graph store)."""

        def __init__(self, inner):  # type: ignore[no-untyped-def]
            self.inner = inner

        def prepare(self):  # type: ignore[no-untyped-def]
            self.inner.prepare()
            raise RuntimeError("graph disk full")

        def commit(self) -> None:
            self.inner.commit()

        def abort(self) -> None:
            self.inner.abort()

    def begin(*args, **kwargs):  # type: ignore[no-untyped-def]
        load = real_begin(*args, **kwargs)
        return None if load is None else FailingAfterPrepare(load)

    monkeypatch.setattr(pipeline, "graph_loader", lambda: begin)
    with pytest.raises(RuntimeError, match="graph disk full"):
        run_load(settings, tiny_other, dataset="tiny", replace=True)
    assert snapshot(settings.postgres_url) == before  # type: ignore[arg-type]
    assert _graph_counts(settings, "tiny")["Synapse"] == read_dataset(tiny_folder).synapses.n
    monkeypatch.undo()
    assert run_load(settings, tiny_other, dataset="tiny", replace=True).stage(
        "postgres"
    ).detail == ("replaced")


def test_no_graph_loads_postgres_only(settings: Settings, tiny_folder: Path) -> None:
    report = run_load(settings, tiny_folder, dataset="pg-only", graph=False)
    assert report.stage("graph").status == "skipped"
    names = read_frame(settings.postgres_url, "select name from dataset")["name"].tolist()  # type: ignore[arg-type]
    assert names == ["pg-only"]
    with open_graph_store(settings) as store:
        assert "pg-only" not in store.datasets()["name"].tolist()


def test_a_bad_file_leaves_the_loaded_dataset_intact(
    settings: Settings, tiny_folder: Path, tmp_path: Path
) -> None:
    run_load(settings, tiny_folder)
    before = snapshot(settings.postgres_url)  # type: ignore[arg-type]
    bad = tmp_path / "bad"
    valid_dataset(bad, 2)
    with h5py.File(bad / "synapses.hdf5", "r+") as h5:
        ids = h5["synapses/preAxonId"][...]
        ids[-1] = 10_000_000  # an axon that does not exist, in the last row
        h5["synapses/preAxonId"][...] = ids
    with pytest.raises(InputError) as info:
        run_load(settings, bad, dataset="tiny", replace=True)
    assert "synapses.hdf5" in str(info.value) and "preAxonId" in str(info.value)
    assert snapshot(settings.postgres_url) == before  # type: ignore[arg-type]


def test_cli_load_info_and_errors(fresh_db_url: str, tmp_path: Path, tiny_folder: Path) -> None:
    runner = CliRunner()
    common = ["--postgres-url", fresh_db_url, "--home", str(tmp_path / "home")]
    result = runner.invoke(main, ["load", str(tiny_folder), "--dataset", "cli", "--quiet", *common])
    assert result.exit_code == 0, result.output
    source = read_dataset(tiny_folder)
    assert "synapse_pre_segment" in result.output
    assert f"{source.synapses.n:,}" in result.output
    again = runner.invoke(main, ["load", str(tiny_folder), "--dataset", "cli", "--quiet", *common])
    assert again.exit_code == 0 and "already loaded from these files" in again.output
    info = runner.invoke(main, ["info", *common])
    assert info.exit_code == 0, info.output
    assert "cli" in info.output
    assert f"schema version: {head_revision()} (current)" in info.output
    missing = runner.invoke(main, ["load", str(tmp_path / "nope"), *common])
    assert missing.exit_code == 2  # click: the folder does not exist
    empty = tmp_path / "empty"
    empty.mkdir()
    no_files = runner.invoke(main, ["load", str(empty), *common])
    assert no_files.exit_code == 3 and "axons.hdf5" in no_files.output


def test_cli_help_texts_have_examples() -> None:
    runner = CliRunner()
    for args in (["load"], ["db"], ["db", "upgrade"], ["db", "stop"], ["info"]):
        result = runner.invoke(main, [*args, "--help"])
        assert result.exit_code == 0 and "Example:" in result.output, args


def test_password_is_masked_in_info(fresh_db_url: str, tmp_path: Path) -> None:
    upgrade(fresh_db_url)
    with_password = re.sub(r"://postgres:?@", "://postgres:s3cret@", fresh_db_url)
    assert with_password != fresh_db_url
    result = CliRunner().invoke(
        main, ["info", "--postgres-url", with_password, "--home", str(tmp_path / "h")]
    )
    assert result.exit_code == 0, result.output
    assert "s3cret" not in result.output and "postgres:***@" in result.output

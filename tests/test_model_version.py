"""A dataset built under an older data model: queries refuse it, the next load of the same files
rebuilds it, and migration 0013 (which records the model) goes both ways on a loaded database.

An "older load" is simulated the way it looked after migrations 0008, 0009 and 0012: the
dataset's derived tables hold none of its rows, and its row records no model version (or an
older one). The rebuilt dataset is compared with what the model says its tables must hold,
computed straight from the source (``support.warehouse``).
"""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from alembic import command
from support.cli import cli_runner
from support.datasets import handmade_source, make_source, valid_dataset
from support.stores import load_graph
from support.warehouse import assert_dataset_equals, fetch_rows

from connectomedb.cli import main
from connectomedb.config import Settings
from connectomedb.errors import OutdatedDatasetError
from connectomedb.etl import transform_graph
from connectomedb.etl.extract import read_dataset
from connectomedb.etl.load.postgres import load_dataset
from connectomedb.etl.pipeline import run_load
from connectomedb.queries import run
from connectomedb.schema import POSTGRES_MODEL_VERSION
from connectomedb.schema.derived import DERIVED_TABLES
from connectomedb.schema.graph import GRAPH_MODEL_VERSION
from connectomedb.stores.graph import open_graph_store
from connectomedb.stores.postgres import alembic_config, head_revision, stored_dataset, upgrade


def _age(url: str, name: str, model_version: int | None) -> None:
    """Make dataset ``name`` look loaded by an older connectomedb: no derived rows, and
    ``model_version`` recorded (``None``: loaded before the model version was recorded)."""
    with psycopg.connect(url) as conn:
        (dataset_id,) = conn.execute(
            "UPDATE dataset SET model_version = %s WHERE name = %s RETURNING dataset_id",
            (model_version, name),
        ).fetchone()  # type: ignore[misc]
        for table in reversed(DERIVED_TABLES):  # rows that others refer to go last
            conn.execute(f"DELETE FROM {table.name} WHERE dataset_id = %s", (dataset_id,))


def _model_version(url: str, name: str) -> int | None:
    with psycopg.connect(url) as conn:
        stored = stored_dataset(conn, name)
    assert stored is not None
    return stored.model_version


def _outdated_message(name: str, store: str, built: str, current: int, source: str) -> str:
    return (
        f"dataset {name!r} in {store} was built under another data model ({built}; this "
        f"connectomedb reads version {current}): rows it needs may be missing, so it is not "
        f"queried. Rebuild it by loading its files again: `connectomedb load <folder> "
        f"--dataset {name}` (it was loaded from {source})."
    )


@pytest.mark.parametrize("recorded", [None, POSTGRES_MODEL_VERSION - 1])
def test_a_dataset_of_an_older_model_is_refused_then_rebuilt(
    fresh_db_url: str, recorded: int | None
) -> None:
    upgrade(fresh_db_url)
    src = make_source(0)
    first = load_dataset(fresh_db_url, src, "a")
    assert first.status == "loaded" and first.reason == ""
    assert _model_version(fresh_db_url, "a") == POSTGRES_MODEL_VERSION
    _age(fresh_db_url, "a", recorded)
    assert _model_version(fresh_db_url, "a") == recorded

    built = "no version recorded" if recorded is None else f"version {recorded}"
    with psycopg.connect(fresh_db_url) as conn:
        with pytest.raises(OutdatedDatasetError) as info:
            run("class_matrix", conn, dataset="a")
    assert str(info.value) == _outdated_message(
        "a", "PostgreSQL", built, POSTGRES_MODEL_VERSION, str(src.folder)
    )

    # The same files, no --replace: rebuilt, and said why.
    again = load_dataset(fresh_db_url, src, "a")
    assert again.status == "replaced"
    was = (
        "loaded by an older connectomedb (no data model version recorded)"
        if recorded is None
        else f"built under data model version {recorded}"
    )
    assert again.reason == (
        f"{was}; rebuilt from the same files under version {POSTGRES_MODEL_VERSION}"
    )
    assert again.dataset_id != first.dataset_id
    assert _model_version(fresh_db_url, "a") == POSTGRES_MODEL_VERSION
    assert_dataset_equals(fresh_db_url, "a", src)
    with psycopg.connect(fresh_db_url) as conn:
        assert len(run("class_matrix", conn, dataset="a")) > 0
    assert load_dataset(fresh_db_url, src, "a").status == "unchanged"


def test_the_cli_refuses_then_a_plain_load_rebuilds(fresh_db_url: str, tmp_path: Path) -> None:
    upgrade(fresh_db_url)
    folder = valid_dataset(tmp_path / "tiny")
    common = ["--postgres-url", fresh_db_url, "--home", str(tmp_path / "home")]
    runner = cli_runner()
    loaded = runner.invoke(main, ["load", str(folder), "--no-graph", "-q", *common])
    assert loaded.exit_code == 0, loaded.output
    _age(fresh_db_url, "tiny", None)

    query = ["query", "run", "class_matrix", "--engine", "sql", *common]
    refused = runner.invoke(main, query)
    assert refused.exit_code == 6
    assert "Traceback" not in refused.stderr + refused.stdout
    assert refused.stderr.strip() == "Error: " + _outdated_message(
        "tiny", "PostgreSQL", "no version recorded", POSTGRES_MODEL_VERSION, str(folder)
    )

    # The checksums alone match: the load must still rebuild, not report "unchanged".
    rebuilt = runner.invoke(main, ["load", str(folder), "--no-graph", "-q", *common])
    assert rebuilt.exit_code == 0, rebuilt.output
    text = " ".join(rebuilt.stdout.split())
    assert "PostgreSQL: dataset 'tiny' replaced: loaded by an older connectomedb" in text
    assert f"rebuilt from the same files under version {POSTGRES_MODEL_VERSION}." in text
    assert_dataset_equals(fresh_db_url, "tiny", read_dataset(folder))
    answered = runner.invoke(main, query)
    assert answered.exit_code == 0, answered.stderr

    settings = Settings(home=tmp_path / "home", postgres_url=fresh_db_url)
    report = run_load(settings, folder, graph=False)
    assert report.stage("postgres").status == "unchanged"


def test_migration_0013_both_ways_on_a_loaded_database(fresh_db_url: str) -> None:
    upgrade(fresh_db_url)
    src = make_source(0)
    load_dataset(fresh_db_url, src, "a")
    config = alembic_config(fresh_db_url)

    command.downgrade(config, "0012")
    columns = fetch_rows(
        fresh_db_url,
        "select column_name from information_schema.columns"
        " where table_schema = 'public' and table_name = 'dataset'",
    )
    assert ("model_version",) not in columns
    assert fetch_rows(fresh_db_url, "select name from dataset") == [("a",)]

    command.upgrade(config, "head")
    assert fetch_rows(fresh_db_url, "select version_num from alembic_version") == [
        (head_revision(),)
    ]
    command.check(config)  # the models and the database agree again
    # The upgrade cannot know which derived rows the dataset has: it records none.
    assert _model_version(fresh_db_url, "a") is None
    with psycopg.connect(fresh_db_url) as conn, pytest.raises(OutdatedDatasetError):
        run("class_matrix", conn, dataset="a")
    assert load_dataset(fresh_db_url, src, "a").status == "replaced"
    assert _model_version(fresh_db_url, "a") == POSTGRES_MODEL_VERSION
    assert_dataset_equals(fresh_db_url, "a", src)
    command.check(config)


def test_a_graph_of_an_older_model_is_refused_then_rebuilt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(home=tmp_path / "home")
    src = handmade_source()
    with monkeypatch.context() as patched:  # the Dataset node records the model it was built by
        patched.setattr(transform_graph, "GRAPH_MODEL_VERSION", GRAPH_MODEL_VERSION - 1)
        assert load_graph(settings, src, "ds") is not None
    with open_graph_store(settings) as store:
        with pytest.raises(OutdatedDatasetError) as info:
            run("class_matrix", store, dataset="ds")
        assert str(info.value) == _outdated_message(
            "ds",
            "the graph",
            f"version {GRAPH_MODEL_VERSION - 1}",
            GRAPH_MODEL_VERSION,
            str(src.folder),
        )
    assert load_graph(settings, src, "ds") is not None  # same files, other model: rebuilt
    with open_graph_store(settings) as store:
        assert len(run("class_matrix", store, dataset="ds")) > 0

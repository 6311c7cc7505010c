"""Bad input: an exact error naming file, dataset/line, element and expectation; the CLI exits
non-zero without a traceback; PostgreSQL and the graph stay byte-for-byte as they were.

An older valid dataset (``tiny`` seed 1) is loaded as ``l4`` first, and every broken folder is
loaded over it with ``--replace``, the most dangerous way to load it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support.badinput import CASES, Case, build_case, message_matches, set_unknown_codes
from support.cli import cli_env, load_args, run_cli_as, run_load, server_user_home
from support.fingerprints import pg_fingerprint
from support.reliability import OLDER_DATASET, assert_as_loaded, assert_refused, load_over
from support.warehouse import fetch_rows

from connectomedb.config import Settings
from connectomedb.errors import InputError
from connectomedb.etl.extract import read_dataset
from connectomedb.stores.graph import open_graph_store

DATASET = OLDER_DATASET


def _message(case: Case, folder: Path) -> str:
    with pytest.raises(InputError) as info:
        read_dataset(folder)
    return str(info.value)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_is_reported_exactly_and_changes_nothing(
    case: Case, valid_tiny_folder: Path, older_l4_stores: dict, tmp_path: Path
) -> None:
    folder = tmp_path / "broken"
    expected = build_case(case, valid_tiny_folder, folder)
    # The library raises the documented message...
    message = _message(case, folder)
    assert message_matches(case, expected, message), (message, expected)
    # ...the command prints exactly that, exits with the input-error code, no traceback, and
    # neither store changed by a single byte.
    assert_refused(older_l4_stores, load_over(older_l4_stores, folder), message)


def test_the_corpus_has_at_least_25_distinct_cases() -> None:
    assert len({c.name for c in CASES}) == len(CASES) >= 25


def test_after_every_case_the_older_dataset_reads_as_before(older_l4_stores: dict) -> None:
    """After the whole corpus (run above)."""
    assert_as_loaded(older_l4_stores)


def test_unknown_category_codes_load_as_unknown(
    valid_tiny_folder: Path, fresh_embedded_db_url: str, tmp_path: Path
) -> None:
    folder = tmp_path / "codes"
    shutil.copytree(valid_tiny_folder, folder)
    target_id, synapse_id = set_unknown_codes(folder)
    home = tmp_path / "home"
    result = run_load(folder, "codes", home, fresh_embedded_db_url)
    assert result.returncode == 0, result.stderr
    rows = fetch_rows(
        fresh_embedded_db_url,
        "SELECT t.class_code, c.label, c.name FROM target t JOIN dataset d USING (dataset_id)"
        " JOIN target_class c ON c.dataset_id = t.dataset_id AND c.code = t.class_code"
        " WHERE d.name = 'codes' AND t.target_id = %s",
        (target_id,),
    )
    assert rows == [(42, "unknown", "Unknown")]
    rows = fetch_rows(
        fresh_embedded_db_url,
        "SELECT s.type_code, c.name FROM synapse s JOIN dataset d USING (dataset_id)"
        " JOIN synapse_type c ON c.dataset_id = s.dataset_id AND c.code = s.type_code"
        " WHERE d.name = 'codes' AND s.synapse_id = %s",
        (synapse_id,),
    )
    assert rows == [(77, "Unknown")]
    with open_graph_store(Settings(home=home, postgres_url=fresh_embedded_db_url)) as store:
        frame = store.run(
            "MATCH (t:Target {dataset: $dataset, id: $id})-[:IN_CLASS]->(c:TargetClass) "
            "RETURN t.class AS class, t.class_code AS code, c.name AS node",
            {"dataset": store.dataset_key("codes"), "id": target_id},
        )
    assert frame.to_dict("records") == [{"class": "Unknown", "code": 42, "node": "Unknown"}]


def test_unreadable_file_as_an_unprivileged_user(
    valid_tiny_folder: Path, older_l4_stores: dict, embedded_server_url: str
) -> None:
    """Root reads any file whatever its mode, so this loader runs as the unprivileged system
    user the embedded PostgreSQL runs as (it can reach the server's socket)."""
    with server_user_home("cdb-unreadable-") as (user, scratch, home):
        folder = scratch / "data"
        shutil.copytree(valid_tiny_folder, folder)
        for path in [folder, *folder.iterdir()]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        (folder / "axons.hdf5").chmod(0o000)
        before = pg_fingerprint(older_l4_stores["url"])
        result = run_cli_as(
            user,
            *load_args(folder, DATASET, home, older_l4_stores["url"], "--replace"),
            env=cli_env(HOME=str(home)),
        )
        assert result.returncode == InputError.exit_code, result.stderr
        assert result.stderr == (
            f"Error: {folder}/axons.hdf5: expected a readable file, found Permission denied. "
            "Check the file permissions.\n"
        )
        assert "Traceback" not in result.stdout + result.stderr
        assert pg_fingerprint(older_l4_stores["url"]) == before
        assert not (home / "graph").exists() or not any((home / "graph").iterdir())

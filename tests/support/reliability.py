"""The shared set-up of the reliability tests: a valid folder to break, and stores that hold an
older dataset every broken folder is loaded over (``--replace``, the most dangerous way)."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from connectomedb.errors import InputError
from support.cli import cli_env, run_load
from support.datasets import valid_dataset
from support.fingerprints import graph_files, graph_fingerprint, pg_fingerprint
from support.servers import fresh_database

#: The name the older dataset is loaded under.
OLDER_DATASET = "l4"


def database_holding(server_url: str, folder: Path, dataset: str, home: Path) -> Iterator[str]:
    """A fresh database on ``server_url`` (see :func:`support.servers.fresh_database`) into
    which the command loaded ``folder`` as ``dataset``, the graph into ``home``."""
    for url in fresh_database(server_url):
        done = run_load(folder, dataset, home, url)
        assert done.returncode == 0, done.stderr
        yield url


@pytest.fixture(scope="module")
def valid_tiny_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A valid ``tiny`` folder (seed 0), to copy and break."""
    return valid_dataset(tmp_path_factory.mktemp("valid") / "tiny", seed=0)


@pytest.fixture(scope="module")
def older_l4_stores(
    tmp_path_factory: pytest.TempPathFactory, embedded_server_url: str
) -> Iterator[dict]:
    """A fresh database (``url``) and graph home (``home``) holding the older dataset (``tiny``
    seed 1 as ``l4``), with their fingerprints (``pg``, ``graph``)."""
    older = valid_dataset(tmp_path_factory.mktemp("older") / "tiny", seed=1)
    home = tmp_path_factory.mktemp("home")
    for url in database_holding(embedded_server_url, older, OLDER_DATASET, home):
        yield {
            "url": url,
            "home": home,
            "pg": pg_fingerprint(url),
            "graph": graph_fingerprint(home, OLDER_DATASET),
        }


def assert_untouched(stores: dict) -> None:
    """Every table's rows (md5) and every byte of the graph's files as before."""
    assert pg_fingerprint(stores["url"]) == stores["pg"]
    assert graph_files(stores["home"]) == stores["graph"]["files"]


def assert_as_loaded(stores: dict) -> None:
    """Counts and a hash of every node's and relationship's properties read through the graph
    store, and every table, as right after the good load."""
    assert graph_fingerprint(stores["home"], OLDER_DATASET) == stores["graph"]
    assert pg_fingerprint(stores["url"]) == stores["pg"]


def load_over(
    stores: dict, folder: Path, timeout: float = 300, **env: str
) -> subprocess.CompletedProcess[str]:
    """``folder`` loaded over the older dataset with ``--replace`` (``env``: extra variables)."""
    return run_load(
        folder,
        OLDER_DATASET,
        stores["home"],
        stores["url"],
        "--replace",
        env=cli_env(**env),
        timeout=timeout,
    )


def assert_refused(stores: dict, result: subprocess.CompletedProcess[str], message: str) -> None:
    """The command printed exactly ``message``, exited with the input-error code without a
    traceback, and neither store changed (:func:`assert_untouched`)."""
    assert result.returncode == InputError.exit_code, result.stderr
    assert result.stderr == f"Error: {message}\n"
    assert "Traceback" not in result.stdout + result.stderr
    assert_untouched(stores)

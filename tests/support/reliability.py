"""The shared set-up of the reliability tests: a valid folder to break, and stores that hold an
older dataset every broken folder is loaded over (``--replace``, the most dangerous way)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from support.cli import run_cli
from support.datasets import valid_dataset
from support.fingerprints import graph_files, graph_fingerprint, pg_fingerprint
from support.servers import fresh_database

#: The name the older dataset is loaded under.
OLDER_DATASET = "l4"


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
    for url in fresh_database(embedded_server_url):
        done = run_cli(
            "load",
            str(older),
            "--dataset",
            OLDER_DATASET,
            "--quiet",
            "--home",
            str(home),
            "--postgres-url",
            url,
        )
        assert done.returncode == 0, done.stderr
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

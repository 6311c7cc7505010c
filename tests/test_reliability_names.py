"""Dataset names never escape their folder: every dangerous name is refused or encoded, and
another dataset, the graph folder and the user's other folders survive each attempt."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.cli import run_load
from support.datasets import valid_dataset
from support.fingerprints import graph_content, pg_fingerprint
from support.reliability import database_holding

from connectomedb.config import Settings
from connectomedb.errors import ConfigError
from connectomedb.etl.pipeline import run_load as load_dataset
from connectomedb.stores.datasets import folder_name
from connectomedb.stores.ladybug_layout import dataset_dir, remove_version_dir

KEEP = "keep"

#: Refused before anything is read: (name, the end of the message).
REFUSED = [
    ("", "is empty"),
    (" ", "is empty"),
    ("\t\n", "is empty"),
    (".", "is a path component ('.' and '..' name folders, not datasets)"),
    ("..", "is a path component ('.' and '..' name folders, not datasets)"),
]
#: Loaded under an encoded folder inside the graph folder.
ENCODED = ["../keep", "../..", "/", "a/b", "/tmp/x", "..\\x", "./.", "keep/..", "%2e%2e", "..."]


def _tree(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


@pytest.fixture(scope="module")
def keep_stores(
    tmp_path_factory: pytest.TempPathFactory, embedded_server_url: str
) -> Iterator[dict]:
    """A database (``url``) and a home (``home``) holding the dataset ``keep`` (its graph as
    ``keep_graph``), inside a user data folder (``data_dir``) with precious folders beside the
    home and beside the graph folder; ``folder`` is the valid dataset to load again."""
    folder = valid_dataset(tmp_path_factory.mktemp("data") / "tiny", seed=0)
    data_dir = tmp_path_factory.mktemp("user")
    home = data_dir / "connectomedb"
    # The user's other folders beside the home and beside the graph folder.
    for sibling in (data_dir / "thesis", home / "notes"):
        sibling.mkdir(parents=True)
        (sibling / "draft.txt").write_text("precious\n")
    for url in database_holding(embedded_server_url, folder, KEEP, home):
        yield {
            "url": url,
            "home": home,
            "data_dir": data_dir,
            "folder": folder,
            "keep_graph": graph_content(home, KEEP),
        }


def _assert_survivors(stores: dict) -> None:
    assert (stores["data_dir"] / "thesis" / "draft.txt").read_text() == "precious\n"
    assert (stores["home"] / "notes" / "draft.txt").read_text() == "precious\n"
    assert graph_content(stores["home"], KEEP) == stores["keep_graph"]


def _load_as(stores: dict, name: str) -> subprocess.CompletedProcess[str]:
    return run_load(stores["folder"], name, stores["home"], stores["url"])


@pytest.mark.parametrize(
    "name,problem", REFUSED, ids=["empty", "space", "whitespace", "dot", "dotdot"]
)
def test_dangerous_names_are_refused(keep_stores: dict, name: str, problem: str) -> None:
    before_pg = pg_fingerprint(keep_stores["url"])
    before_files = _tree(keep_stores["data_dir"])
    result = _load_as(keep_stores, name)
    assert result.returncode == ConfigError.exit_code, result.stderr
    assert result.stderr == (
        f"Error: the dataset name {name!r} {problem}. Choose another with --dataset.\n"
    )
    assert _tree(keep_stores["data_dir"]) == before_files
    assert pg_fingerprint(keep_stores["url"]) == before_pg
    _assert_survivors(keep_stores)


def test_a_nul_in_the_name_is_refused(keep_stores: dict) -> None:
    # A NUL cannot pass through a command line; the library is the way in.
    store_settings = Settings(home=keep_stores["home"], postgres_url=keep_stores["url"])
    with pytest.raises(ConfigError) as info:
        load_dataset(store_settings, keep_stores["folder"], dataset="a\x00b")
    assert str(info.value) == (
        "the dataset name 'a\\x00b' contains a NUL character. Choose another with --dataset."
    )
    _assert_survivors(keep_stores)


@pytest.mark.parametrize("name", ENCODED)
def test_names_with_separators_stay_inside_the_graph_folder(keep_stores: dict, name: str) -> None:
    graph = keep_stores["home"] / "graph"
    outside = _tree(keep_stores["data_dir"]) - {
        p for p in _tree(keep_stores["data_dir"]) if p.startswith("connectomedb/graph")
    }
    result = _load_as(keep_stores, name)
    assert result.returncode == 0, result.stderr
    folder = dataset_dir(graph, name)
    assert folder.parent == graph and folder.name == folder_name(name)
    assert "/" not in folder.name and folder.name not in (".", "..")
    assert (folder / "CURRENT").is_file()
    now = _tree(keep_stores["data_dir"])
    assert {p for p in now if not p.startswith("connectomedb/graph")} == outside
    # The dataset answers under its own name, and the others are intact.
    assert graph_content(keep_stores["home"], name) == keep_stores["keep_graph"]
    _assert_survivors(keep_stores)


def test_folder_removal_refuses_anything_but_a_version_folder(tmp_path: Path) -> None:
    root = tmp_path / "graph"
    base = dataset_dir(root, "ds")
    (base / "20260101T000000-0123abcd").mkdir(parents=True)
    other = tmp_path / "precious"
    other.mkdir()
    for target in (other, base, root, base / "not-a-version", base / ".." / "ds"):
        with pytest.raises(AssertionError):
            remove_version_dir(root, "ds", target)
    assert other.is_dir() and base.is_dir()
    remove_version_dir(root, "ds", base / "20260101T000000-0123abcd")
    assert not (base / "20260101T000000-0123abcd").exists()
    # A version folder that is a symbolic link loses the link, never its target.
    (base / "20260101T000000-0123abce").symlink_to(other)
    remove_version_dir(root, "ds", base / "20260101T000000-0123abce")
    assert other.is_dir()


@pytest.mark.parametrize("name", [".", "..", "", "a\x00b"])
def test_the_folder_mapping_refuses_unsafe_names(tmp_path: Path, name: str) -> None:
    with pytest.raises(ConfigError):
        dataset_dir(tmp_path, name)

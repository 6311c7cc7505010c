"""The one rule deciding whether a load has work in a store (no server needed)."""

from __future__ import annotations

import pytest

from connectomedb.errors import LoadError
from connectomedb.etl.load.decision import Action, decide, unchanged
from connectomedb.stores.fingerprint import StoredDataset

FILES = {"axons.hdf5": "a" * 64, "synapses.hdf5": "b" * 64}
OTHER = {"axons.hdf5": "a" * 64, "synapses.hdf5": "c" * 64}


def _decide(stored: StoredDataset | None, files: dict[str, str], **kwargs: object) -> Action:
    options: dict = {"replace": False, "dataset": "l4", "store": "PostgreSQL", "folder": "/d"}
    return decide(stored, files, **{**options, **kwargs})


def test_postgres_loads_new_keeps_same_and_reloads_on_replace() -> None:
    stored = StoredDataset(7, dict(FILES), "/d", "2026-01-01")
    assert _decide(None, FILES) is Action.LOAD
    assert _decide(stored, FILES) is Action.UNCHANGED
    assert _decide(stored, FILES, replace=True) is Action.REPLACE
    assert _decide(stored, OTHER, replace=True) is Action.REPLACE


def test_the_graph_reloads_for_a_new_model_but_not_for_replace_of_the_same_files() -> None:
    graph = {"store": "graph", "model_version": 3}
    current = StoredDataset("l4", dict(FILES), model_version=3)
    older = StoredDataset("l4", dict(FILES), model_version=2)
    assert _decide(None, FILES, **graph) is Action.LOAD
    assert _decide(current, FILES, **graph) is Action.UNCHANGED
    assert _decide(current, FILES, replace=True, **graph) is Action.UNCHANGED
    assert _decide(older, FILES, **graph) is Action.REPLACE
    assert unchanged(current, FILES, model_version=3)
    assert not unchanged(older, FILES, model_version=3)
    assert not unchanged(None, FILES)


def test_other_files_need_replace_with_one_message_per_store() -> None:
    stored = StoredDataset(7, dict(FILES), "/old", "2026-01-01 10:00")
    with pytest.raises(LoadError) as info:
        _decide(stored, OTHER)
    assert str(info.value) == (
        "dataset 'l4' is already in PostgreSQL, loaded from other files (loaded from /old at "
        "2026-01-01 10:00; the SHA-256 sums of /d differ). Nothing was changed. Reload it with "
        "--replace, or choose another name with --dataset."
    )
    with pytest.raises(LoadError, match="^graph: dataset 'l4' is already loaded from other"):
        _decide(
            StoredDataset("l4", dict(FILES), model_version=3), OTHER, store="graph", model_version=3
        )

"""The one rule deciding whether a load has work in a store (no server needed)."""

from __future__ import annotations

import pytest

from connectomedb.errors import LoadError
from connectomedb.etl.load.decision import Action, decide, replace_reason, unchanged
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


def test_postgres_rebuilds_the_same_files_of_another_model_without_replace() -> None:
    pg = {"model_version": 2}
    current = StoredDataset(7, dict(FILES), model_version=2)
    assert _decide(current, FILES, **pg) is Action.UNCHANGED
    assert _decide(current, FILES, replace=True, **pg) is Action.REPLACE  # rebuilt by hand
    for recorded in (None, 1):  # loaded before the version was recorded, or under an older one
        older = StoredDataset(7, dict(FILES), model_version=recorded)
        assert _decide(older, FILES, **pg) is Action.REPLACE
        assert not unchanged(older, FILES, model_version=2)
    with pytest.raises(LoadError, match="^dataset 'l4' is already in PostgreSQL, loaded from"):
        _decide(StoredDataset(7, dict(FILES), model_version=1), OTHER, **pg)


def test_the_reason_of_a_replace_names_its_cause() -> None:
    def reason(recorded: int | None, files: dict[str, str]) -> str:
        return replace_reason(StoredDataset(7, dict(FILES), model_version=recorded), files, **v2)

    v2 = {"model_version": 2}
    assert replace_reason(None, FILES, **v2) == ""
    assert reason(2, OTHER) == "loaded from other files (--replace)"
    assert reason(2, FILES) == "reloaded from the same files (--replace)"
    assert reason(None, FILES) == (
        "loaded by an older connectomedb (no data model version recorded); rebuilt from the "
        "same files under version 2"
    )
    assert reason(1, FILES) == (
        "built under data model version 1; rebuilt from the same files under version 2"
    )

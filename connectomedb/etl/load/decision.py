"""Whether a load has anything to do: the one rule PostgreSQL and the graph follow.

A store answers what it holds of a dataset (``stored_dataset``: a
:class:`~connectomedb.stores.fingerprint.StoredDataset` or ``None``); a load compares the
files it was loaded from with the files at hand, by their :data:`Fingerprint`:

- nothing stored: load it;
- the same files under the same model version (and, in the graph, the same choice of its
  segment layer, ``Settings.graph_segments``): unchanged;
- the same files under another model version (or none recorded), or a graph loaded with the
  other choice of its segment layer: rebuild it, without ``--replace``: the store's rows are
  not those this load would build;
- other files: only with ``--replace``, else :class:`~connectomedb.errors.LoadError`.

Both stores record the model version their rows were built with: the graph its
``GRAPH_MODEL_VERSION``, PostgreSQL its ``POSTGRES_MODEL_VERSION`` (``dataset.model_version``;
none for a dataset loaded before migration 0013). ``--replace`` of the same files under the
current model still reloads PostgreSQL (the way to rebuild its tables by hand); the graph,
whose rebuild is the longest step of a load, keeps what it holds.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path

from connectomedb.errors import LoadError
from connectomedb.etl.frames import SourceDataset
from connectomedb.stores.fingerprint import Fingerprint, StoredDataset


class Action(Enum):
    """What a load does in one store (the value is the load report's status)."""

    LOAD = "loaded"
    UNCHANGED = "unchanged"
    REPLACE = "replaced"


def fingerprint(source: SourceDataset) -> Fingerprint:
    """The files ``source`` was read from: file name → SHA-256."""
    return {name: info.sha256 for name, info in source.files.items()}


def unchanged(
    stored: StoredDataset | None,
    files: Fingerprint,
    *,
    model_version: int | None = None,
    segments: bool | None = None,
) -> bool:
    """Whether the store holds the dataset from exactly these files (and model version; and,
    unless ``segments`` is None, with the graph's segment layer or without it as asked)."""
    return (
        stored is not None
        and stored.files == files
        and stored.model_version == model_version
        and (segments is None or stored.segments == segments)
    )


def decide(
    stored: StoredDataset | None,
    files: Fingerprint,
    *,
    replace: bool,
    dataset: str,
    store: str,
    folder: Path | str,
    model_version: int | None = None,
    segments: bool | None = None,
) -> Action:
    """What a load of ``files`` as ``dataset`` does in a store holding ``stored`` (see the
    module docstring). ``store``: ``"PostgreSQL"`` or ``"graph"``; ``model_version``: the
    model the store builds now (``POSTGRES_MODEL_VERSION`` or ``GRAPH_MODEL_VERSION``);
    ``segments``: the graph's segment layer is loaded (None: not a graph)."""
    if stored is None:
        return Action.LOAD
    if unchanged(stored, files, model_version=model_version, segments=segments):
        forced = replace and store == "PostgreSQL"
        return Action.REPLACE if forced else Action.UNCHANGED
    if replace or stored.files == files:  # other files, or the same built otherwise
        return Action.REPLACE
    lead = (
        f"dataset {dataset!r} is already in PostgreSQL, loaded"
        if store == "PostgreSQL"
        else f"{store}: dataset {dataset!r} is already loaded"
    )
    raise LoadError(
        f"{lead} from other files (loaded from {stored.source} at {stored.loaded_at}; the "
        f"SHA-256 sums of {folder} differ). Nothing was changed. Reload it with --replace, or "
        "choose another name with --dataset."
    )


def replace_reason(
    stored: StoredDataset | None,
    files: Fingerprint,
    *,
    model_version: int,
    segments: bool | None = None,
) -> str:
    """Why a load replaces what a store holds, for its report (empty when it holds nothing)."""
    if stored is None:
        return ""
    if stored.files != files:
        return "loaded from other files (--replace)"
    if stored.model_version != model_version:
        was = (
            "loaded by an older connectomedb (no data model version recorded)"
            if stored.model_version is None
            else f"built under data model version {stored.model_version}"
        )
        return f"{was}; rebuilt from the same files under version {model_version}"
    if segments is not None and stored.segments != segments:
        return (
            f"loaded {'without' if segments else 'with'} its segment layer; rebuilt from the "
            f"same files {'with' if segments else 'without'} it"
        )
    return "reloaded from the same files (--replace)"

"""What a store holds of a dataset: the files it was loaded from, by their fingerprint."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: A dataset's files as a load compares them: file name → SHA-256 (hex) of the file's bytes.
Fingerprint = dict[str, str]


@dataclass(frozen=True)
class StoredDataset:
    """The version of a dataset a store currently holds, and where it came from.

    ``key``: the store's handle of that version (PostgreSQL's ``dataset_id``, the graph's
    dataset key); ``model_version``: the model its rows were built with (the graph's
    ``GRAPH_MODEL_VERSION``, PostgreSQL's ``POSTGRES_MODEL_VERSION``; ``None`` when the store
    recorded none, as PostgreSQL before migration 0013); ``segments``: the graph holds its
    segment layer (``None``: PostgreSQL, or a graph of a model that did not record it)."""

    key: Any
    files: Fingerprint = field(default_factory=dict)
    source: str | None = None
    loaded_at: Any = None
    model_version: int | None = None
    segments: bool | None = None

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
    dataset key); ``model_version``: the graph model it was built with (``None`` in
    PostgreSQL, whose tables follow the schema version instead)."""

    key: Any
    files: Fingerprint = field(default_factory=dict)
    source: str | None = None
    loaded_at: Any = None
    model_version: int | None = None

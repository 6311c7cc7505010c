"""What a PostgreSQL load did: per table rows and seconds, per phase seconds, and the row
counts it verified."""

from __future__ import annotations

from dataclasses import dataclass, field

from connectomedb.errors import LoadError
from connectomedb.schema import DATA_TABLES


@dataclass
class TableLoad:
    """One table of one load: its rows and where the time went."""

    table: str
    rows: int
    copy_seconds: float = 0.0
    index_seconds: float = 0.0
    analyze_seconds: float = 0.0


@dataclass
class PostgresLoadReport:
    """What a load did. ``status``: ``loaded`` (new dataset), ``replaced`` or ``unchanged``;
    ``reason``: why a replaced dataset was (other files, ``--replace``, an older data model)."""

    dataset: str
    status: str
    dataset_id: int | None = None
    reason: str = ""
    row_counts: dict[str, int] = field(default_factory=dict)
    tables: list[TableLoad] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)  # phase → seconds
    #: Seconds spent building and checking the tables' rows (beside the COPY), and their rows.
    frame_seconds: float = 0.0
    frame_rows: int = 0

    @property
    def rows(self) -> int:
        return sum(self.row_counts.values()) if self.status != "unchanged" else 0


def verified_counts(
    dataset: str, copied: dict[str, int], expected: dict[str, int]
) -> dict[str, int]:
    """The rows each COPY reported stored (``copied``, counting them again would only repeat
    these numbers), per data table; :class:`LoadError` when one differs from the source's
    ``expected``."""
    counts = {table.name: int(copied.get(table.name, -1)) for table in DATA_TABLES}
    wrong = {t: (counts[t], expected[t]) for t in counts if counts[t] != expected.get(t)}
    if wrong:
        detail = ", ".join(
            f"{t}: {got} rows, source has {want}" for t, (got, want) in wrong.items()
        )
        raise LoadError(
            f"dataset {dataset!r}: row counts in PostgreSQL differ from the source "
            f"({detail}). Nothing was changed."
        )
    return counts

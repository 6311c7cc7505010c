"""What a PostgreSQL load did: per table rows and seconds, per phase seconds."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class TableLoad:
    """One table of one load: its rows and where the time went."""

    table: str
    rows: int
    copy_seconds: float = 0.0
    index_seconds: float = 0.0


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

"""Indexes without ``dataset_id``, but those of keys.

Every data table is partitioned by ``dataset_id`` and a partition holds one dataset, so an
index that starts with it starts with a constant: every key is longer by it and every
comparison of an index build first compares it. Each such index is recreated on its other
columns. The primary keys keep ``dataset_id`` (a unique key of a partitioned table must include
the partition key), and so do the indexes of foreign keys, which are on the key's columns:
attaching a partition checks its foreign keys by a join that reads them in that order. Queries
filter by dataset, the planner keeps the one partition and uses the same index as before.
Creating the indexes on the parents builds them on every loaded partition.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: (table, columns after ``dataset_id``) of every index but those of keys.
INDEXES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("axon_segment", ("segment_id",)),
    ("target_segment", ("segment_id",)),
    ("spine_head_segment", ("segment_id",)),
    ("synapse_pre_segment", ("segment_id",)),
    ("synapse_post_segment", ("segment_id",)),
    ("connectome_synapse", ("axon_id",)),
    ("connectome_synapse", ("target_id",)),
    ("connection", ("target_id",)),
    ("axon_pair", ("target_class_key", "axon_a", "axon_b")),
    ("axon_pair", ("target_class_key", "shared")),
    ("motif_histogram", ("motif",)),
    ("class_synapse_stat", ("synapse_type",)),
    ("class_degree_cell", ("axon_synapses",)),
    ("class_degree_suffix", ("axon_synapses",)),
    ("class_axon_fraction", ("axon_synapses",)),
    ("class_specificity", ("axon_synapses",)),
    ("target_convergence", ("axon_class_key", "axons")),
    ("axon_divergence", ("target_class_key", "targets")),
)

#: The index of ``class_specificity_target`` has a name of its own (the convention's is too
#: long for PostgreSQL).
THRESHOLDS = "ix_class_specificity_target_thresholds"
THRESHOLD_COLUMNS = ("axon_synapses", "target_synapses")


def _name(table: str, columns: Sequence[str]) -> str:
    return "_".join(("ix", table, *columns))


def _recreate(old: tuple[str, ...], new: tuple[str, ...]) -> None:
    """Each index on ``old`` + its columns replaced by one on ``new`` + its columns."""
    for table, columns in INDEXES:
        op.drop_index(_name(table, (*old, *columns)), table_name=table)
        op.create_index(_name(table, (*new, *columns)), table, [*new, *columns])
    op.drop_index(THRESHOLDS, table_name="class_specificity_target")
    op.create_index(THRESHOLDS, "class_specificity_target", [*new, *THRESHOLD_COLUMNS])


def upgrade() -> None:
    _recreate(old=("dataset_id",), new=())


def downgrade() -> None:
    _recreate(old=(), new=("dataset_id",))

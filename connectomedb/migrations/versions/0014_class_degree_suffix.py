"""class_degree_cell summed from anchors up.

``class_degree_suffix`` holds, for a few anchor axon synapse counts, the rows of
``class_degree_cell`` summed over every axon synapse count at or above the anchor, per (axon
class, target class, target synapse count); about a tenth of the rows of ``class_degree_cell`` lie
between two anchors. ``class_matrix`` and ``class_matrix_vs_csv`` read the rows of the first
anchor at or above the axon threshold and the rows of ``class_degree_cell`` below it instead of
every row of ``class_degree_cell``. Partitioned by dataset like every data table; the load fills
it in its transaction (``connectomedb/etl/class_thresholds.py``).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "class_degree_suffix",
        sa.Column("dataset_id", sa.SmallInteger(), nullable=False),
        sa.Column(
            "axon_synapses",
            sa.Integer(),
            nullable=False,
            comment="the anchor: axons with at least it",
        ),
        sa.Column("axon_class_key", sa.SmallInteger(), nullable=False),
        sa.Column("target_class_key", sa.SmallInteger(), nullable=False),
        sa.Column(
            "target_synapses",
            sa.Integer(),
            nullable=False,
            comment="the targets' connectome synapses",
        ),
        sa.Column("synapses", sa.BigInteger(), nullable=False),
        sa.Column("axons", sa.BigInteger(), nullable=False),
        sa.Column("targets", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dataset_id"],
            ["dataset.dataset_id"],
            name=op.f("fk_class_degree_suffix_dataset_id_dataset"),
        ),
        comment="class_degree_cell summed over the axon synapse counts from an anchor up",
        postgresql_partition_by="LIST (dataset_id)",
    )
    op.create_index(
        op.f("ix_class_degree_suffix_dataset_id_axon_synapses"),
        "class_degree_suffix",
        ["dataset_id", "axon_synapses"],
    )
    # No grant to the BI reader role: it reads the schema bi only (migration 0004).


def downgrade() -> None:
    op.drop_index(
        op.f("ix_class_degree_suffix_dataset_id_axon_synapses"), table_name="class_degree_suffix"
    )
    op.drop_table("class_degree_suffix")

"""Per-class answers at every axon threshold, and the class sums of connectome.csv.

``class_specificity`` holds ``target_specificity`` without a target threshold for every axon
threshold that keeps a different set of axons (one block of rows per distinct axon synapse
count, the answer for thresholds from the previous count + 1 up to it), so the query reads one
block instead of computing the percentiles; ``class_connectome_sum`` the cells of
``connectome.csv`` summed per class pair, which ``class_matrix_vs_csv`` compares with. Partitioned
by dataset like every data table; the load fills them in its transaction
(``connectomedb/etl/class_thresholds.py``).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _dataset_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["dataset_id"], ["dataset.dataset_id"], name=op.f(f"fk_{table}_dataset_id_dataset")
    )


def upgrade() -> None:
    op.create_table(
        "class_specificity",
        sa.Column("dataset_id", sa.SmallInteger(), nullable=False),
        sa.Column(
            "axon_synapses", sa.Integer(), nullable=False, comment="the axon threshold it answers"
        ),
        sa.Column("axon_class_key", sa.SmallInteger(), nullable=False),
        sa.Column("target_class_key", sa.SmallInteger(), nullable=False),
        sa.Column("axons", sa.BigInteger(), nullable=False),
        sa.Column("synapses", sa.BigInteger(), nullable=False),
        *(
            sa.Column(name, sa.Double(), nullable=True)
            for name in (
                "fraction",
                "axon_fraction_mean",
                "axon_fraction_median",
                "axon_fraction_q1",
                "axon_fraction_q3",
            )
        ),
        _dataset_fk("class_specificity"),
        comment="target_specificity without a target threshold, per axon threshold",
        postgresql_partition_by="LIST (dataset_id)",
    )
    op.create_index(
        op.f("ix_class_specificity_dataset_id_axon_synapses"),
        "class_specificity",
        ["dataset_id", "axon_synapses"],
    )
    op.create_table(
        "class_connectome_sum",
        sa.Column("dataset_id", sa.SmallInteger(), nullable=False),
        sa.Column("axon_class", sa.Text(), nullable=False),
        sa.Column("target_class", sa.Text(), nullable=False),
        sa.Column("synapses", sa.BigInteger(), nullable=False),
        _dataset_fk("class_connectome_sum"),
        comment="connectome.csv summed per class pair",
        postgresql_partition_by="LIST (dataset_id)",
    )
    # No grant to the BI reader role: it reads the schema bi only (migration 0004).


def downgrade() -> None:
    op.drop_table("class_connectome_sum")
    op.drop_index(
        op.f("ix_class_specificity_dataset_id_axon_synapses"), table_name="class_specificity"
    )
    op.drop_table("class_specificity")

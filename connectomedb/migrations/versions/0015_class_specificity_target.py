"""target_specificity with a target threshold, per pair of thresholds.

``class_specificity_target`` holds the answer of ``target_specificity`` with a target threshold
above 1 for every pair of thresholds that keeps a different set of synapses: one block of rows
per (axon synapse count, target synapse count) of the data, the answer for the thresholds from
the previous counts + 1 up to them (``connectomedb/etl/specificity.py``), so the query reads
one block instead of counting the kept synapses. Partitioned by dataset like every data table;
the load fills it in its transaction. The datasets loaded before it have no rows there: the
data model version (``POSTGRES_MODEL_VERSION`` 3) makes their next load rebuild them, and
queries refuse them until then (migration 0013).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "class_specificity_target",
        sa.Column("dataset_id", sa.SmallInteger(), nullable=False),
        sa.Column(
            "axon_synapses", sa.Integer(), nullable=False, comment="the axon threshold it answers"
        ),
        sa.Column(
            "target_synapses",
            sa.Integer(),
            nullable=False,
            comment="the target threshold it answers",
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
        sa.ForeignKeyConstraint(
            ["dataset_id"],
            ["dataset.dataset_id"],
            name=op.f("fk_class_specificity_target_dataset_id_dataset"),
        ),
        comment="target_specificity with a target threshold, per pair of thresholds",
        postgresql_partition_by="LIST (dataset_id)",
    )
    op.create_index(
        op.f("ix_class_specificity_target_thresholds"),
        "class_specificity_target",
        ["dataset_id", "axon_synapses", "target_synapses"],
    )
    # No grant to the BI reader role: it reads the schema bi only (migration 0004).


def downgrade() -> None:
    op.drop_index(
        op.f("ix_class_specificity_target_thresholds"),
        table_name="class_specificity_target",
    )
    op.drop_table("class_specificity_target")

"""The plasticity test per class pair and synapse type.

``class_pair_cv`` holds what ``asi_pair_cv`` reports per (axon class, target class, synapse
type; NULL: every type): the two-synapse connections whose synapses both have an ASI area, the
mean and median CV of their areas, and the same of the fixed random pairing of their synapses
within the class pair. A class filter keeps whole rows. Partitioned by dataset like every data
table; the load fills it in its transaction (``connectomedb/etl/pair_cv.py``).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "class_pair_cv",
        sa.Column("dataset_id", sa.SmallInteger(), nullable=False),
        sa.Column("axon_class", sa.Text(), nullable=False),
        sa.Column("target_class", sa.Text(), nullable=False),
        sa.Column("synapse_type", sa.Text(), nullable=True, comment="NULL: every type"),
        sa.Column("pairs", sa.BigInteger(), nullable=False),
        sa.Column("cv_mean", sa.Double(), nullable=False),
        sa.Column("cv_median", sa.Double(), nullable=False),
        sa.Column("random_pairs", sa.BigInteger(), nullable=False),
        sa.Column("random_cv_mean", sa.Double(), nullable=True),
        sa.Column("random_cv_median", sa.Double(), nullable=True),
        sa.ForeignKeyConstraint(
            ["dataset_id"],
            ["dataset.dataset_id"],
            name=op.f("fk_class_pair_cv_dataset_id_dataset"),
        ),
        comment="ASI CV of two-synapse connections and of random pairs per class pair and type",
        postgresql_partition_by="LIST (dataset_id)",
    )
    # No grant to the BI reader role: it reads the schema bi only (migration 0004).


def downgrade() -> None:
    op.drop_table("class_pair_cv")

"""Derived tables built by the load: connections, axon pairs, motif histogram, class stats.

``connection`` holds one row per (axon, target) with a connectome synapse, with both class
keys, the target's neuron and the synapse count; ``axon_pair`` the axon pairs that share at
least two targets (per target class and over all classes); ``motif_histogram`` how many
instances each motif has per class filter and value of its thresholded quantity. The motif
queries read them instead of enumerating axon pairs at query time; ``class_synapse_stat``
holds the connectome synapses and ASI statistics per axon class, target class and synapse
type (and over every type) for the per-class statistics. Partitioned by dataset
like every data table; the load fills them in its transaction.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PARTITION = "LIST (dataset_id)"


def _dataset_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["dataset_id"], ["dataset.dataset_id"], name=op.f(f"fk_{table}_dataset_id_dataset")
    )


def upgrade() -> None:
    op.create_table(
        "connection",
        sa.Column("dataset_id", sa.SmallInteger(), nullable=False),
        sa.Column("axon_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("axon_class_key", sa.SmallInteger(), nullable=False),
        sa.Column("target_class_key", sa.SmallInteger(), nullable=False),
        sa.Column("neuron_id", sa.Integer(), nullable=True),
        sa.Column("synapses", sa.Integer(), nullable=False),
        _dataset_fk("connection"),
        sa.PrimaryKeyConstraint("dataset_id", "axon_id", "target_id", name=op.f("pk_connection")),
        comment="one row per (axon, target) with a connectome synapse",
        postgresql_partition_by=_PARTITION,
    )
    op.create_index(
        op.f("ix_connection_dataset_id_target_id"), "connection", ["dataset_id", "target_id"]
    )
    op.create_table(
        "axon_pair",
        sa.Column("dataset_id", sa.SmallInteger(), nullable=False),
        sa.Column("axon_a", sa.Integer(), nullable=False),
        sa.Column("axon_b", sa.Integer(), nullable=False),
        sa.Column("axon_a_class_key", sa.SmallInteger(), nullable=False),
        sa.Column("axon_b_class_key", sa.SmallInteger(), nullable=False),
        sa.Column(
            "target_class_key",
            sa.SmallInteger(),
            nullable=True,
            comment="targets counted; NULL: every class",
        ),
        sa.Column("shared", sa.Integer(), nullable=False),
        _dataset_fk("axon_pair"),
        comment="axon pairs (axon_a < axon_b) sharing at least 2 targets",
        postgresql_partition_by=_PARTITION,
    )
    op.create_index(
        op.f("ix_axon_pair_dataset_id_target_class_key_axon_a_axon_b"),
        "axon_pair",
        ["dataset_id", "target_class_key", "axon_a", "axon_b"],
    )
    op.create_index(
        op.f("ix_axon_pair_dataset_id_target_class_key_shared"),
        "axon_pair",
        ["dataset_id", "target_class_key", "shared"],
    )
    op.create_table(
        "motif_histogram",
        sa.Column("dataset_id", sa.SmallInteger(), nullable=False),
        sa.Column("motif", sa.Text(), nullable=False),
        sa.Column("axon_class", sa.Text(), nullable=True, comment="NULL: no axon class filter"),
        sa.Column("target_class", sa.Text(), nullable=True, comment="NULL: no target class filter"),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("instances", sa.BigInteger(), nullable=False),
        _dataset_fk("motif_histogram"),
        comment="instances of each motif per class filter and value of its thresholded quantity",
        postgresql_partition_by=_PARTITION,
    )
    op.create_index(
        op.f("ix_motif_histogram_dataset_id_motif"), "motif_histogram", ["dataset_id", "motif"]
    )
    op.create_table(
        "class_synapse_stat",
        sa.Column("dataset_id", sa.SmallInteger(), nullable=False),
        sa.Column("axon_class", sa.Text(), nullable=False),
        sa.Column("target_class", sa.Text(), nullable=False),
        sa.Column("synapse_type", sa.Text(), nullable=True, comment="NULL: every type"),
        sa.Column("synapses", sa.BigInteger(), nullable=False),
        sa.Column("asi_count", sa.BigInteger(), nullable=False),
        sa.Column("asi_mean", sa.Double(), nullable=True),
        sa.Column("asi_median", sa.Double(), nullable=True),
        sa.Column("asi_q1", sa.Double(), nullable=True),
        sa.Column("asi_q3", sa.Double(), nullable=True),
        _dataset_fk("class_synapse_stat"),
        comment="connectome synapses and ASI statistics per axon class, target class and type",
        postgresql_partition_by=_PARTITION,
    )
    op.create_index(
        op.f("ix_class_synapse_stat_dataset_id_synapse_type"),
        "class_synapse_stat",
        ["dataset_id", "synapse_type"],
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_class_synapse_stat_dataset_id_synapse_type"), table_name="class_synapse_stat"
    )
    op.drop_table("class_synapse_stat")
    op.drop_index(op.f("ix_motif_histogram_dataset_id_motif"), table_name="motif_histogram")
    op.drop_table("motif_histogram")
    op.drop_index(op.f("ix_axon_pair_dataset_id_target_class_key_shared"), table_name="axon_pair")
    op.drop_index(
        op.f("ix_axon_pair_dataset_id_target_class_key_axon_a_axon_b"), table_name="axon_pair"
    )
    op.drop_table("axon_pair")
    op.drop_index(op.f("ix_connection_dataset_id_target_id"), table_name="connection")
    op.drop_table("connection")

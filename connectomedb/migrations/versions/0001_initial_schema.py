"""Initial schema: the dataset table and the LIST-partitioned data tables of docs/model.md.

The per-dataset partitions live in their own schema and are created by loads, not here.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# Fixed here, not imported: a migration must not change when the model module does.
PARTITION_SCHEMA = "connectomedb_partitions"

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(sa.schema.CreateSchema(PARTITION_SCHEMA))
    op.create_table(
        "dataset",
        sa.Column("dataset_id", sa.SmallInteger(), autoincrement=True, nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("files", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("row_counts", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column(
            "loaded_at",
            postgresql.TIMESTAMP(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("loader_version", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("dataset_id", name=op.f("pk_dataset")),
        sa.UniqueConstraint("name", name=op.f("uq_dataset_name")),
    )
    op.create_table(
        "segment",
        sa.Column("dataset_id", sa.SmallInteger(), nullable=False),
        sa.Column("segment_id", sa.BigInteger(), nullable=False),
        sa.Column("x", sa.Integer(), nullable=False),
        sa.Column("y", sa.Integer(), nullable=False),
        sa.Column("z", sa.Integer(), nullable=False),
        sa.Column("voxel_count", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("dataset_id", "segment_id", name=op.f("pk_segment")),
        postgresql_partition_by="LIST (dataset_id)",
    )
    op.create_table(
        "axon_class",
        sa.Column("dataset_id", sa.SmallInteger(), nullable=False),
        sa.Column("code", sa.SmallInteger(), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dataset_id"], ["dataset.dataset_id"], name=op.f("fk_axon_class_dataset_id_dataset")
        ),
        sa.PrimaryKeyConstraint("dataset_id", "code", name=op.f("pk_axon_class")),
        postgresql_partition_by="LIST (dataset_id)",
    )
    op.create_table(
        "class_connectome",
        sa.Column("dataset_id", sa.SmallInteger(), nullable=False),
        sa.Column("row_index", sa.Integer(), nullable=False),
        sa.Column("col_index", sa.Integer(), nullable=False),
        sa.Column("axon_class", sa.Text(), nullable=False),
        sa.Column("target_class", sa.Text(), nullable=False),
        sa.Column("synapses", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dataset_id"],
            ["dataset.dataset_id"],
            name=op.f("fk_class_connectome_dataset_id_dataset"),
        ),
        sa.PrimaryKeyConstraint(
            "dataset_id", "row_index", "col_index", name=op.f("pk_class_connectome")
        ),
        postgresql_partition_by="LIST (dataset_id)",
    )
    op.create_table(
        "neuron",
        sa.Column("dataset_id", sa.SmallInteger(), nullable=False),
        sa.Column("neuron_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dataset_id"], ["dataset.dataset_id"], name=op.f("fk_neuron_dataset_id_dataset")
        ),
        sa.PrimaryKeyConstraint("dataset_id", "neuron_id", name=op.f("pk_neuron")),
        postgresql_partition_by="LIST (dataset_id)",
    )
    op.create_table(
        "spine_head",
        sa.Column("dataset_id", sa.SmallInteger(), nullable=False),
        sa.Column("spine_head_id", sa.Integer(), nullable=False),
        sa.Column("volume_um3", sa.REAL(), nullable=True),
        sa.ForeignKeyConstraint(
            ["dataset_id"], ["dataset.dataset_id"], name=op.f("fk_spine_head_dataset_id_dataset")
        ),
        sa.PrimaryKeyConstraint("dataset_id", "spine_head_id", name=op.f("pk_spine_head")),
        postgresql_partition_by="LIST (dataset_id)",
    )
    op.create_table(
        "synapse_type",
        sa.Column("dataset_id", sa.SmallInteger(), nullable=False),
        sa.Column("code", sa.SmallInteger(), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dataset_id"], ["dataset.dataset_id"], name=op.f("fk_synapse_type_dataset_id_dataset")
        ),
        sa.PrimaryKeyConstraint("dataset_id", "code", name=op.f("pk_synapse_type")),
        postgresql_partition_by="LIST (dataset_id)",
    )
    op.create_table(
        "target_class",
        sa.Column("dataset_id", sa.SmallInteger(), nullable=False),
        sa.Column("code", sa.SmallInteger(), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dataset_id"], ["dataset.dataset_id"], name=op.f("fk_target_class_dataset_id_dataset")
        ),
        sa.PrimaryKeyConstraint("dataset_id", "code", name=op.f("pk_target_class")),
        postgresql_partition_by="LIST (dataset_id)",
    )
    op.create_table(
        "axon",
        sa.Column("dataset_id", sa.SmallInteger(), nullable=False),
        sa.Column("axon_id", sa.Integer(), nullable=False),
        sa.Column("class_code", sa.SmallInteger(), nullable=False),
        sa.Column("mapped_seg_id", sa.BigInteger(), nullable=True),
        sa.Column("path_length_um", sa.Double(), nullable=True),
        sa.ForeignKeyConstraint(
            ["dataset_id", "class_code"],
            ["axon_class.dataset_id", "axon_class.code"],
            name=op.f("fk_axon_dataset_id_class_code_axon_class"),
        ),
        sa.PrimaryKeyConstraint("dataset_id", "axon_id", name=op.f("pk_axon")),
        postgresql_partition_by="LIST (dataset_id)",
    )
    op.create_index(
        op.f("ix_axon_dataset_id_class_code"), "axon", ["dataset_id", "class_code"], unique=False
    )
    op.create_table(
        "spine_head_segment",
        sa.Column("dataset_id", sa.SmallInteger(), nullable=False),
        sa.Column("spine_head_id", sa.Integer(), nullable=False),
        sa.Column("segment_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dataset_id", "spine_head_id"],
            ["spine_head.dataset_id", "spine_head.spine_head_id"],
            name=op.f("fk_spine_head_segment_dataset_id_spine_head_id_spine_head"),
        ),
        comment="segments of each spine head",
        postgresql_partition_by="LIST (dataset_id)",
    )
    op.create_index(
        op.f("ix_spine_head_segment_dataset_id_segment_id"),
        "spine_head_segment",
        ["dataset_id", "segment_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_spine_head_segment_dataset_id_spine_head_id"),
        "spine_head_segment",
        ["dataset_id", "spine_head_id"],
        unique=False,
    )
    op.create_table(
        "target",
        sa.Column("dataset_id", sa.SmallInteger(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("class_code", sa.SmallInteger(), nullable=False),
        sa.Column("neuron_id", sa.Integer(), nullable=True),
        sa.Column("mapped_seg_id", sa.BigInteger(), nullable=True),
        sa.Column("path_length_um", sa.Double(), nullable=True),
        sa.ForeignKeyConstraint(
            ["dataset_id", "class_code"],
            ["target_class.dataset_id", "target_class.code"],
            name=op.f("fk_target_dataset_id_class_code_target_class"),
        ),
        sa.ForeignKeyConstraint(
            ["dataset_id", "neuron_id"],
            ["neuron.dataset_id", "neuron.neuron_id"],
            name=op.f("fk_target_dataset_id_neuron_id_neuron"),
        ),
        sa.PrimaryKeyConstraint("dataset_id", "target_id", name=op.f("pk_target")),
        postgresql_partition_by="LIST (dataset_id)",
    )
    op.create_index(
        op.f("ix_target_dataset_id_class_code"),
        "target",
        ["dataset_id", "class_code"],
        unique=False,
    )
    op.create_index(
        op.f("ix_target_dataset_id_neuron_id"), "target", ["dataset_id", "neuron_id"], unique=False
    )
    op.create_table(
        "axon_segment",
        sa.Column("dataset_id", sa.SmallInteger(), nullable=False),
        sa.Column("axon_id", sa.Integer(), nullable=False),
        sa.Column("segment_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dataset_id", "axon_id"],
            ["axon.dataset_id", "axon.axon_id"],
            name=op.f("fk_axon_segment_dataset_id_axon_id_axon"),
        ),
        comment="segments of each axon",
        postgresql_partition_by="LIST (dataset_id)",
    )
    op.create_index(
        op.f("ix_axon_segment_dataset_id_axon_id"),
        "axon_segment",
        ["dataset_id", "axon_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_axon_segment_dataset_id_segment_id"),
        "axon_segment",
        ["dataset_id", "segment_id"],
        unique=False,
    )
    op.create_table(
        "axon_skeleton_edge",
        sa.Column("dataset_id", sa.SmallInteger(), nullable=False),
        sa.Column("axon_id", sa.Integer(), nullable=False),
        sa.Column("source_index", sa.Integer(), nullable=False, comment="1-based node index"),
        sa.Column("target_index", sa.Integer(), nullable=False, comment="1-based node index"),
        sa.ForeignKeyConstraint(
            ["dataset_id", "axon_id"],
            ["axon.dataset_id", "axon.axon_id"],
            name=op.f("fk_axon_skeleton_edge_dataset_id_axon_id_axon"),
        ),
        postgresql_partition_by="LIST (dataset_id)",
    )
    op.create_index(
        op.f("ix_axon_skeleton_edge_dataset_id_axon_id"),
        "axon_skeleton_edge",
        ["dataset_id", "axon_id"],
        unique=False,
    )
    op.create_table(
        "axon_skeleton_node",
        sa.Column("dataset_id", sa.SmallInteger(), nullable=False),
        sa.Column("axon_id", sa.Integer(), nullable=False),
        sa.Column("node_index", sa.Integer(), nullable=False, comment="1-based, as published"),
        sa.Column("x", sa.Integer(), nullable=False),
        sa.Column("y", sa.Integer(), nullable=False),
        sa.Column("z", sa.Integer(), nullable=False),
        sa.Column(
            "segment_id",
            sa.BigInteger(),
            nullable=True,
            comment="NULL for nodes of manual flight paths",
        ),
        sa.ForeignKeyConstraint(
            ["dataset_id", "axon_id"],
            ["axon.dataset_id", "axon.axon_id"],
            name=op.f("fk_axon_skeleton_node_dataset_id_axon_id_axon"),
        ),
        sa.PrimaryKeyConstraint(
            "dataset_id", "axon_id", "node_index", name=op.f("pk_axon_skeleton_node")
        ),
        postgresql_partition_by="LIST (dataset_id)",
    )
    op.create_table(
        "synapse",
        sa.Column("dataset_id", sa.SmallInteger(), nullable=False),
        sa.Column("synapse_id", sa.Integer(), nullable=False),
        sa.Column("type_code", sa.SmallInteger(), nullable=False),
        sa.Column("pre_x", sa.Integer(), nullable=True),
        sa.Column("pre_y", sa.Integer(), nullable=True),
        sa.Column("pre_z", sa.Integer(), nullable=True),
        sa.Column("syn_x", sa.Integer(), nullable=False),
        sa.Column("syn_y", sa.Integer(), nullable=False),
        sa.Column("syn_z", sa.Integer(), nullable=False),
        sa.Column("post_x", sa.Integer(), nullable=True),
        sa.Column("post_y", sa.Integer(), nullable=True),
        sa.Column("post_z", sa.Integer(), nullable=True),
        sa.Column("axon_id", sa.Integer(), nullable=True),
        sa.Column("split_axon_id", sa.Integer(), nullable=True),
        sa.Column("target_id", sa.Integer(), nullable=True),
        sa.Column("spine_head_id", sa.Integer(), nullable=True),
        sa.Column("asi_area", sa.Double(), nullable=True),
        sa.ForeignKeyConstraint(
            ["dataset_id", "axon_id"],
            ["axon.dataset_id", "axon.axon_id"],
            name=op.f("fk_synapse_dataset_id_axon_id_axon"),
        ),
        sa.ForeignKeyConstraint(
            ["dataset_id", "spine_head_id"],
            ["spine_head.dataset_id", "spine_head.spine_head_id"],
            name=op.f("fk_synapse_dataset_id_spine_head_id_spine_head"),
        ),
        sa.ForeignKeyConstraint(
            ["dataset_id", "target_id"],
            ["target.dataset_id", "target.target_id"],
            name=op.f("fk_synapse_dataset_id_target_id_target"),
        ),
        sa.ForeignKeyConstraint(
            ["dataset_id", "type_code"],
            ["synapse_type.dataset_id", "synapse_type.code"],
            name=op.f("fk_synapse_dataset_id_type_code_synapse_type"),
        ),
        sa.PrimaryKeyConstraint("dataset_id", "synapse_id", name=op.f("pk_synapse")),
        postgresql_partition_by="LIST (dataset_id)",
    )
    op.create_index(
        op.f("ix_synapse_dataset_id_axon_id"), "synapse", ["dataset_id", "axon_id"], unique=False
    )
    op.create_index(
        op.f("ix_synapse_dataset_id_spine_head_id"),
        "synapse",
        ["dataset_id", "spine_head_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_synapse_dataset_id_target_id"),
        "synapse",
        ["dataset_id", "target_id"],
        unique=False,
    )
    op.create_table(
        "target_segment",
        sa.Column("dataset_id", sa.SmallInteger(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("segment_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dataset_id", "target_id"],
            ["target.dataset_id", "target.target_id"],
            name=op.f("fk_target_segment_dataset_id_target_id_target"),
        ),
        comment="segments of each target",
        postgresql_partition_by="LIST (dataset_id)",
    )
    op.create_index(
        op.f("ix_target_segment_dataset_id_segment_id"),
        "target_segment",
        ["dataset_id", "segment_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_target_segment_dataset_id_target_id"),
        "target_segment",
        ["dataset_id", "target_id"],
        unique=False,
    )
    op.create_table(
        "target_skeleton_edge",
        sa.Column("dataset_id", sa.SmallInteger(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("source_index", sa.Integer(), nullable=False, comment="1-based node index"),
        sa.Column("target_index", sa.Integer(), nullable=False, comment="1-based node index"),
        sa.ForeignKeyConstraint(
            ["dataset_id", "target_id"],
            ["target.dataset_id", "target.target_id"],
            name=op.f("fk_target_skeleton_edge_dataset_id_target_id_target"),
        ),
        postgresql_partition_by="LIST (dataset_id)",
    )
    op.create_index(
        op.f("ix_target_skeleton_edge_dataset_id_target_id"),
        "target_skeleton_edge",
        ["dataset_id", "target_id"],
        unique=False,
    )
    op.create_table(
        "target_skeleton_node",
        sa.Column("dataset_id", sa.SmallInteger(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("node_index", sa.Integer(), nullable=False, comment="1-based, as published"),
        sa.Column("x", sa.Integer(), nullable=False),
        sa.Column("y", sa.Integer(), nullable=False),
        sa.Column("z", sa.Integer(), nullable=False),
        sa.Column(
            "segment_id",
            sa.BigInteger(),
            nullable=True,
            comment="NULL for nodes of manual flight paths",
        ),
        sa.ForeignKeyConstraint(
            ["dataset_id", "target_id"],
            ["target.dataset_id", "target.target_id"],
            name=op.f("fk_target_skeleton_node_dataset_id_target_id_target"),
        ),
        sa.PrimaryKeyConstraint(
            "dataset_id", "target_id", "node_index", name=op.f("pk_target_skeleton_node")
        ),
        postgresql_partition_by="LIST (dataset_id)",
    )
    op.create_table(
        "synapse_post_segment",
        sa.Column("dataset_id", sa.SmallInteger(), nullable=False),
        sa.Column("synapse_id", sa.Integer(), nullable=False),
        sa.Column("segment_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dataset_id", "synapse_id"],
            ["synapse.dataset_id", "synapse.synapse_id"],
            name=op.f("fk_synapse_post_segment_dataset_id_synapse_id_synapse"),
        ),
        comment="postsynaptic segments of each synapse",
        postgresql_partition_by="LIST (dataset_id)",
    )
    op.create_index(
        op.f("ix_synapse_post_segment_dataset_id_segment_id"),
        "synapse_post_segment",
        ["dataset_id", "segment_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_synapse_post_segment_dataset_id_synapse_id"),
        "synapse_post_segment",
        ["dataset_id", "synapse_id"],
        unique=False,
    )
    op.create_table(
        "synapse_pre_segment",
        sa.Column("dataset_id", sa.SmallInteger(), nullable=False),
        sa.Column("synapse_id", sa.Integer(), nullable=False),
        sa.Column("segment_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dataset_id", "synapse_id"],
            ["synapse.dataset_id", "synapse.synapse_id"],
            name=op.f("fk_synapse_pre_segment_dataset_id_synapse_id_synapse"),
        ),
        comment="presynaptic segments of each synapse",
        postgresql_partition_by="LIST (dataset_id)",
    )
    op.create_index(
        op.f("ix_synapse_pre_segment_dataset_id_segment_id"),
        "synapse_pre_segment",
        ["dataset_id", "segment_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_synapse_pre_segment_dataset_id_synapse_id"),
        "synapse_pre_segment",
        ["dataset_id", "synapse_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_synapse_pre_segment_dataset_id_synapse_id"), table_name="synapse_pre_segment"
    )
    op.drop_index(
        op.f("ix_synapse_pre_segment_dataset_id_segment_id"), table_name="synapse_pre_segment"
    )
    op.drop_table("synapse_pre_segment")
    op.drop_index(
        op.f("ix_synapse_post_segment_dataset_id_synapse_id"), table_name="synapse_post_segment"
    )
    op.drop_index(
        op.f("ix_synapse_post_segment_dataset_id_segment_id"), table_name="synapse_post_segment"
    )
    op.drop_table("synapse_post_segment")
    op.drop_table("target_skeleton_node")
    op.drop_index(
        op.f("ix_target_skeleton_edge_dataset_id_target_id"), table_name="target_skeleton_edge"
    )
    op.drop_table("target_skeleton_edge")
    op.drop_index(op.f("ix_target_segment_dataset_id_target_id"), table_name="target_segment")
    op.drop_index(op.f("ix_target_segment_dataset_id_segment_id"), table_name="target_segment")
    op.drop_table("target_segment")
    op.drop_index(op.f("ix_synapse_dataset_id_target_id"), table_name="synapse")
    op.drop_index(op.f("ix_synapse_dataset_id_spine_head_id"), table_name="synapse")
    op.drop_index(op.f("ix_synapse_dataset_id_axon_id"), table_name="synapse")
    op.drop_table("synapse")
    op.drop_table("axon_skeleton_node")
    op.drop_index(op.f("ix_axon_skeleton_edge_dataset_id_axon_id"), table_name="axon_skeleton_edge")
    op.drop_table("axon_skeleton_edge")
    op.drop_index(op.f("ix_axon_segment_dataset_id_segment_id"), table_name="axon_segment")
    op.drop_index(op.f("ix_axon_segment_dataset_id_axon_id"), table_name="axon_segment")
    op.drop_table("axon_segment")
    op.drop_index(op.f("ix_target_dataset_id_neuron_id"), table_name="target")
    op.drop_index(op.f("ix_target_dataset_id_class_code"), table_name="target")
    op.drop_table("target")
    op.drop_index(
        op.f("ix_spine_head_segment_dataset_id_spine_head_id"), table_name="spine_head_segment"
    )
    op.drop_index(
        op.f("ix_spine_head_segment_dataset_id_segment_id"), table_name="spine_head_segment"
    )
    op.drop_table("spine_head_segment")
    op.drop_index(op.f("ix_axon_dataset_id_class_code"), table_name="axon")
    op.drop_table("axon")
    op.drop_table("target_class")
    op.drop_table("synapse_type")
    op.drop_table("spine_head")
    op.drop_table("neuron")
    op.drop_table("class_connectome")
    op.drop_table("axon_class")
    op.drop_table("segment")
    op.drop_table("dataset")
    # The parents' drops took their partitions along; the schema is empty now.
    op.execute(sa.schema.DropSchema(PARTITION_SCHEMA))

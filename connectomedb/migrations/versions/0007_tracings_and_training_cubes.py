"""Skeleton tracings (NML) and training cubes (SynEM, label cubes).

Plain tables, not partitioned by dataset: a tracing file or a cube is stored once (unique
SHA-256) and evaluated against any dataset by name. ``tracing_node.segment_id`` is NULL until
the segment under each node is looked up.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "tracing_file",
        sa.Column("file_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind", sa.Text(), nullable=False, comment="connectem, typeem, manual-neurons, ..."
        ),
        sa.Column(
            "dataset",
            sa.Text(),
            nullable=True,
            comment="the dataset the tracings belong to (name), if given",
        ),
        sa.Column("name", sa.Text(), nullable=False, comment="file name"),
        sa.Column("path", sa.Text(), nullable=False, comment="absolute path when added"),
        sa.Column("sha256", sa.Text(), nullable=False),
        sa.Column(
            "experiment",
            sa.Text(),
            nullable=True,
            comment="<experiment name> of the NML parameters",
        ),
        sa.Column("scale_x", sa.Double(), nullable=False, comment="nm per voxel"),
        sa.Column("scale_y", sa.Double(), nullable=False),
        sa.Column("scale_z", sa.Double(), nullable=False),
        sa.Column("trees", sa.Integer(), nullable=False),
        sa.Column("nodes", sa.Integer(), nullable=False),
        sa.Column(
            "added_at",
            postgresql.TIMESTAMP(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("file_id", name=op.f("pk_tracing_file")),
        sa.UniqueConstraint("sha256", name=op.f("uq_tracing_file_sha256")),
        comment="one row per NML file added",
    )
    op.create_table(
        "training_cube",
        sa.Column("cube_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False, comment="synem-interfaces, synem-test or svm"),
        sa.Column("name", sa.Text(), nullable=False, comment="file name"),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("sha256", sa.Text(), nullable=False),
        sa.Column("size_x", sa.Integer(), nullable=True, comment="EM or label cube size, voxels"),
        sa.Column("size_y", sa.Integer(), nullable=True),
        sa.Column("size_z", sa.Integer(), nullable=True),
        sa.Column(
            "interfaces", sa.Integer(), nullable=True, comment="interfaces in the cube (SynEM)"
        ),
        sa.Column(
            "added_at",
            postgresql.TIMESTAMP(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("cube_id", name=op.f("pk_training_cube")),
        sa.UniqueConstraint("sha256", name=op.f("uq_training_cube_sha256")),
        comment="one row per registered training or test cube; voxels stay in the file",
    )
    op.create_table(
        "tracing",
        sa.Column("tracing_id", sa.Integer(), nullable=False),
        sa.Column("file_id", sa.Integer(), nullable=False),
        sa.Column("tree_id", sa.Integer(), nullable=False, comment="the <thing id> in the file"),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column(
            "label",
            sa.Text(),
            nullable=True,
            comment="neurite type (TypeEM) or other label, if any",
        ),
        sa.Column("nodes", sa.Integer(), nullable=False),
        sa.Column("edges", sa.Integer(), nullable=False),
        sa.Column("path_length_um", sa.Double(), nullable=False),
        sa.ForeignKeyConstraint(
            ["file_id"],
            ["tracing_file.file_id"],
            name=op.f("fk_tracing_file_id_tracing_file"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tracing_id", name=op.f("pk_tracing")),
        sa.UniqueConstraint("file_id", "tree_id", name=op.f("uq_tracing_file_id_tree_id")),
        comment="one row per tree (<thing>) of a file",
    )
    op.create_table(
        "tracing_group",
        sa.Column("file_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("parent_group_id", sa.Integer(), nullable=True, comment="NULL at the top level"),
        sa.Column("name", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["file_id"],
            ["tracing_file.file_id"],
            name=op.f("fk_tracing_group_file_id_tracing_file"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("file_id", "group_id", name=op.f("pk_tracing_group")),
        comment="tree groups of each file",
    )
    op.create_table(
        "training_interface",
        sa.Column("cube_id", sa.Integer(), nullable=False),
        sa.Column("interface_id", sa.Integer(), nullable=False, comment="1-based, /interfaces/<i>"),
        sa.Column(
            "segment_a",
            sa.BigInteger(),
            nullable=True,
            comment="/edges column i (cube segmentation IDs)",
        ),
        sa.Column("segment_b", sa.BigInteger(), nullable=True),
        sa.Column("voxels", sa.Integer(), nullable=False),
        sa.Column(
            "label",
            sa.Text(),
            nullable=True,
            comment="nosynapse, pretopostsynapse, posttopresynapse",
        ),
        sa.Column(
            "target_type",
            sa.Text(),
            nullable=True,
            comment="nosynapse, spinehead, spineneck, shaft, soma",
        ),
        sa.Column(
            "synapse_id",
            sa.Integer(),
            nullable=True,
            comment="test sets: synapse of the interface, 0 = none",
        ),
        sa.Column("is_inhibitory", sa.Boolean(), nullable=True, comment="test sets"),
        sa.ForeignKeyConstraint(
            ["cube_id"],
            ["training_cube.cube_id"],
            name=op.f("fk_training_interface_cube_id_training_cube"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("cube_id", "interface_id", name=op.f("pk_training_interface")),
        comment="SynEM interfaces of each cube",
    )
    op.create_table(
        "training_label_count",
        sa.Column("cube_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.SmallInteger(), nullable=False),
        sa.Column("label", sa.Text(), nullable=False, comment="background, synapse, vesicle, ..."),
        sa.Column("voxels", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cube_id"],
            ["training_cube.cube_id"],
            name=op.f("fk_training_label_count_cube_id_training_cube"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("cube_id", "code", name=op.f("pk_training_label_count")),
        comment="voxels per label of the label cubes (svm)",
    )
    op.create_table(
        "tracing_edge",
        sa.Column("tracing_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("length_um", sa.Double(), nullable=False, comment="with the file's voxel size"),
        comment="edges of each tracing",
    )
    op.create_index(
        op.f("ix_tracing_edge_tracing_id"), "tracing_edge", ["tracing_id"], unique=False
    )
    op.create_table(
        "tracing_node",
        sa.Column("tracing_id", sa.Integer(), nullable=False),
        sa.Column("node_id", sa.Integer(), nullable=False, comment="the <node id> in the file"),
        sa.Column("x", sa.Integer(), nullable=False),
        sa.Column("y", sa.Integer(), nullable=False),
        sa.Column("z", sa.Integer(), nullable=False),
        sa.Column("radius", sa.REAL(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("is_branch_point", sa.Boolean(), nullable=False),
        sa.Column(
            "segment_id",
            sa.BigInteger(),
            nullable=True,
            comment="segment under the node; NULL until looked up, 0 = on no segment",
        ),
        sa.PrimaryKeyConstraint("tracing_id", "node_id", name=op.f("pk_tracing_node")),
        comment="nodes of each tracing (global voxel coordinates)",
    )
    op.create_index(
        op.f("ix_tracing_node_segment_id"), "tracing_node", ["segment_id"], unique=False
    )

    # The read-only BI role sees the schema bi only (migration 0004): these tables stay with
    # the owner, like the other tables of the schema public.


def downgrade() -> None:
    op.drop_index(op.f("ix_tracing_node_segment_id"), table_name="tracing_node")
    op.drop_table("tracing_node")
    op.drop_index(op.f("ix_tracing_edge_tracing_id"), table_name="tracing_edge")
    op.drop_table("tracing_edge")
    op.drop_table("training_label_count")
    op.drop_table("training_interface")
    op.drop_table("tracing_group")
    op.drop_table("tracing")
    op.drop_table("training_cube")
    op.drop_table("tracing_file")

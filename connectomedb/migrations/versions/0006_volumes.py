"""Volume catalogue (``volume``, ``volume_cube``) and stored consistency checks
(``segmentation_check``).

Plain tables keyed by the dataset name (not partitioned, no foreign key to ``dataset``): the
volumes of a dataset stay registered across ``load --replace``.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "volume",
        sa.Column("volume_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("dataset", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("folder", sa.Text(), nullable=False),
        sa.Column("cube_size", sa.Integer(), nullable=False),
        sa.Column("dtype", sa.Text(), nullable=False),
        sa.Column("cubes", sa.Integer(), nullable=False),
        sa.Column("missing_cubes", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column(
            "registered_at",
            postgresql.TIMESTAMP(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("volume_id", name=op.f("pk_volume")),
        sa.UniqueConstraint("dataset", "kind", name=op.f("uq_volume_dataset_kind")),
    )
    op.create_table(
        "volume_cube",
        sa.Column("volume_id", sa.Integer(), nullable=False),
        sa.Column("i", sa.SmallInteger(), nullable=False),
        sa.Column("j", sa.SmallInteger(), nullable=False),
        sa.Column("k", sa.SmallInteger(), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("x0", sa.Integer(), nullable=False, comment="first global voxel, 1-based"),
        sa.Column("y0", sa.Integer(), nullable=False),
        sa.Column("z0", sa.Integer(), nullable=False),
        sa.Column("edge", sa.Integer(), nullable=False),
        sa.Column("dtype", sa.Text(), nullable=False),
        sa.Column(
            "chunks",
            postgresql.JSONB(astext_type=sa.Text()),
            nullable=True,
            comment="[z, y, x]; NULL: contiguous",
        ),
        sa.Column("compression", sa.Text(), nullable=True),
        sa.Column("compression_opts", sa.Text(), nullable=True),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("mtime_ns", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["volume_id"],
            ["volume.volume_id"],
            name=op.f("fk_volume_cube_volume_id_volume"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("volume_id", "i", "j", "k", name=op.f("pk_volume_cube")),
    )
    op.create_table(
        "segmentation_check",
        sa.Column("dataset", sa.Text(), nullable=False),
        sa.Column("check_name", sa.Text(), nullable=False),
        sa.Column(
            "checked_at",
            postgresql.TIMESTAMP(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("sample", sa.Integer(), nullable=True, comment="NULL: every row"),
        sa.Column("checked", sa.BigInteger(), nullable=False),
        sa.Column("agreeing", sa.BigInteger(), nullable=False),
        sa.Column("not_checked", sa.BigInteger(), nullable=False),
        sa.Column("fraction", sa.Double(), nullable=True),
        sa.Column("examples", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.PrimaryKeyConstraint("dataset", "check_name", name=op.f("pk_segmentation_check")),
    )
    # The read-only BI role sees the schema bi only (migration 0004): these tables stay with
    # the owner, like the other tables of the schema public.


def downgrade() -> None:
    op.drop_table("segmentation_check")
    op.drop_table("volume_cube")
    op.drop_table("volume")

"""The volume catalogue and the stored consistency checks (``docs/volumes.md``).

Plain tables, not partitioned by dataset: they are keyed by the dataset *name*, so a
``load --replace`` of the connectome (a new ``dataset_id``) keeps the registered volumes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Double,
    ForeignKeyConstraint,
    Integer,
    PrimaryKeyConstraint,
    SmallInteger,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB, TIMESTAMP
from sqlalchemy.orm import Mapped, mapped_column

from connectomedb.schema.relational import Base


class Volume(Base):
    """One registered cube folder: a dataset name and kind (``em``, ``segmentation``,
    ``mapped-segmentation``, ``blood-vessels``)."""

    __tablename__ = "volume"
    __table_args__ = (UniqueConstraint("dataset", "kind"),)

    volume_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    dataset: Mapped[str] = mapped_column(Text, nullable=False)
    kind: Mapped[str] = mapped_column(Text, nullable=False)
    folder: Mapped[str] = mapped_column(Text, nullable=False)
    cube_size: Mapped[int] = mapped_column(Integer, nullable=False)
    dtype: Mapped[str] = mapped_column(Text, nullable=False)
    cubes: Mapped[int] = mapped_column(Integer, nullable=False)
    missing_cubes: Mapped[list[Any]] = mapped_column(JSONB, nullable=False)
    registered_at: Mapped[datetime] = mapped_column(
        TIMESTAMP(timezone=True), nullable=False, server_default=func.now()
    )


class VolumeCube(Base):
    """One cube file of a registered volume: where it is and its header, never its voxels."""

    __tablename__ = "volume_cube"
    __table_args__ = (
        PrimaryKeyConstraint("volume_id", "i", "j", "k"),
        ForeignKeyConstraint(["volume_id"], ["volume.volume_id"], ondelete="CASCADE"),
    )

    volume_id: Mapped[int] = mapped_column(Integer, nullable=False)
    i: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    j: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    k: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    file_name: Mapped[str] = mapped_column(Text, nullable=False)
    x0: Mapped[int] = mapped_column(Integer, nullable=False, comment="first global voxel, 1-based")
    y0: Mapped[int] = mapped_column(Integer, nullable=False)
    z0: Mapped[int] = mapped_column(Integer, nullable=False)
    edge: Mapped[int] = mapped_column(Integer, nullable=False)
    dtype: Mapped[str] = mapped_column(Text, nullable=False)
    chunks: Mapped[list[Any] | None] = mapped_column(JSONB, comment="[z, y, x]; NULL: contiguous")
    compression: Mapped[str | None] = mapped_column(Text)
    compression_opts: Mapped[str | None] = mapped_column(Text)
    size_bytes: Mapped[int] = mapped_column(BigInteger, nullable=False)
    mtime_ns: Mapped[int] = mapped_column(BigInteger, nullable=False)


class SegmentationCheck(Base):
    """The last ``connectomedb check segmentation --store`` of a dataset, one row per check."""

    __tablename__ = "segmentation_check"
    __table_args__ = (PrimaryKeyConstraint("dataset", "check_name"),)

    dataset: Mapped[str] = mapped_column(Text, nullable=False)
    check_name: Mapped[str] = mapped_column(Text, nullable=False)
    checked_at: Mapped[datetime] = mapped_column(
        TIMESTAMP(timezone=True), nullable=False, server_default=func.now()
    )
    sample: Mapped[int | None] = mapped_column(Integer, comment="NULL: every row")
    checked: Mapped[int] = mapped_column(BigInteger, nullable=False)
    agreeing: Mapped[int] = mapped_column(BigInteger, nullable=False)
    not_checked: Mapped[int] = mapped_column(BigInteger, nullable=False)
    fraction: Mapped[float | None] = mapped_column(Double)
    examples: Mapped[list[Any]] = mapped_column(JSONB, nullable=False)

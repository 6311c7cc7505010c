"""The PostgreSQL tables of ``docs/model.md`` as SQLAlchemy 2 models.

Every data table is LIST-partitioned by ``dataset_id``: a load builds one fresh partition per
table in a separate schema (:data:`PARTITION_SCHEMA`) and attaches them in the same transaction
that swaps out the previous ones, so readers see a dataset either complete or not at all.
Only ``dataset`` itself is a plain table.

Foreign keys follow the joins users make: synapse → axon/target/spine head/type, membership and
skeleton rows → their neurite, target → neuron and class, axon → class. Segment IDs carry no
foreign key: ``segments.hdf5`` is optional.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    REAL,
    BigInteger,
    Column,
    Double,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    SmallInteger,
    Table,
    Text,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB, TIMESTAMP
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

#: Schema that holds the per-dataset partitions; users query the parent tables in ``public``.
PARTITION_SCHEMA = "connectomedb_partitions"

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)

PARTITION_BY = "LIST (dataset_id)"
_PARTITIONED = {"postgresql_partition_by": PARTITION_BY}


class Base(DeclarativeBase):
    metadata = metadata


def _dataset_id() -> Mapped[int]:
    return mapped_column(SmallInteger, nullable=False)


def _fk(cols: list[str], table: str, ref_cols: list[str]) -> ForeignKeyConstraint:
    return ForeignKeyConstraint(cols, [f"{table}.{c}" for c in ref_cols])


def _args(*items: Any) -> tuple[Any, ...]:
    return (*items, _PARTITIONED)


def xyz_columns() -> list[Column[int]]:
    """The ``x``, ``y``, ``z`` voxel coordinates of a point, all required."""
    return [Column(axis, Integer, nullable=False) for axis in "xyz"]


class Dataset(Base):
    """One row per loaded dataset."""

    __tablename__ = "dataset"

    dataset_id: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(Text, nullable=False, unique=True)
    source: Mapped[str | None] = mapped_column(Text)
    files: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    row_counts: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    loaded_at: Mapped[datetime] = mapped_column(
        TIMESTAMP(timezone=True), nullable=False, server_default=func.now()
    )
    loader_version: Mapped[str | None] = mapped_column(Text)


class _CodeTableMixin:
    dataset_id: Mapped[int] = _dataset_id()
    code: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    label: Mapped[str] = mapped_column(Text, nullable=False)
    name: Mapped[str] = mapped_column(Text, nullable=False)


class AxonClass(_CodeTableMixin, Base):
    __tablename__ = "axon_class"
    __table_args__ = _args(
        PrimaryKeyConstraint("dataset_id", "code"),
        _fk(["dataset_id"], "dataset", ["dataset_id"]),
    )


class TargetClass(_CodeTableMixin, Base):
    __tablename__ = "target_class"
    __table_args__ = _args(
        PrimaryKeyConstraint("dataset_id", "code"),
        _fk(["dataset_id"], "dataset", ["dataset_id"]),
    )


class SynapseType(_CodeTableMixin, Base):
    __tablename__ = "synapse_type"
    __table_args__ = _args(
        PrimaryKeyConstraint("dataset_id", "code"),
        _fk(["dataset_id"], "dataset", ["dataset_id"]),
    )


class Segment(Base):
    """``segments.hdf5``; absent datasets have no rows. No FK to ``dataset``: it would cost a
    scan of ~15 million rows per load and the partition bound already pins ``dataset_id``."""

    __tablename__ = "segment"
    __table_args__ = _args(PrimaryKeyConstraint("dataset_id", "segment_id"))

    dataset_id: Mapped[int] = _dataset_id()
    segment_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    x: Mapped[int] = mapped_column(Integer, nullable=False)
    y: Mapped[int] = mapped_column(Integer, nullable=False)
    z: Mapped[int] = mapped_column(Integer, nullable=False)
    voxel_count: Mapped[int | None] = mapped_column(BigInteger)


class Neuron(Base):
    __tablename__ = "neuron"
    __table_args__ = _args(
        PrimaryKeyConstraint("dataset_id", "neuron_id"),
        _fk(["dataset_id"], "dataset", ["dataset_id"]),
    )

    dataset_id: Mapped[int] = _dataset_id()
    neuron_id: Mapped[int] = mapped_column(Integer, nullable=False)


class Axon(Base):
    __tablename__ = "axon"
    __table_args__ = _args(
        PrimaryKeyConstraint("dataset_id", "axon_id"),
        _fk(["dataset_id", "class_code"], "axon_class", ["dataset_id", "code"]),
        Index(None, "dataset_id", "class_code"),
    )

    dataset_id: Mapped[int] = _dataset_id()
    axon_id: Mapped[int] = mapped_column(Integer, nullable=False)
    class_code: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    mapped_seg_id: Mapped[int | None] = mapped_column(BigInteger)
    path_length_um: Mapped[float | None] = mapped_column(Double)


class Target(Base):
    """Every postsynaptic target of ``dendrites.hdf5`` (somata and axon initial segments too)."""

    __tablename__ = "target"
    __table_args__ = _args(
        PrimaryKeyConstraint("dataset_id", "target_id"),
        _fk(["dataset_id", "class_code"], "target_class", ["dataset_id", "code"]),
        _fk(["dataset_id", "neuron_id"], "neuron", ["dataset_id", "neuron_id"]),
        Index(None, "dataset_id", "class_code"),
        Index(None, "dataset_id", "neuron_id"),
    )

    dataset_id: Mapped[int] = _dataset_id()
    target_id: Mapped[int] = mapped_column(Integer, nullable=False)
    class_code: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    neuron_id: Mapped[int | None] = mapped_column(Integer)
    mapped_seg_id: Mapped[int | None] = mapped_column(BigInteger)
    path_length_um: Mapped[float | None] = mapped_column(Double)


class SpineHead(Base):
    __tablename__ = "spine_head"
    __table_args__ = _args(
        PrimaryKeyConstraint("dataset_id", "spine_head_id"),
        _fk(["dataset_id"], "dataset", ["dataset_id"]),
    )

    dataset_id: Mapped[int] = _dataset_id()
    spine_head_id: Mapped[int] = mapped_column(Integer, nullable=False)
    volume_um3: Mapped[float | None] = mapped_column(REAL)


def _membership(name: str, owner: str, owner_table: str, doc: str) -> Table:
    """An agglomerate or segment-set table: one (owner, segment) row per published element.

    No primary key: a segment can repeat within a synapse's set (one per interface)."""
    return Table(
        name,
        metadata,
        Column("dataset_id", SmallInteger, nullable=False),
        Column(owner, Integer, nullable=False),
        Column("segment_id", BigInteger, nullable=False),
        _fk(["dataset_id", owner], owner_table, ["dataset_id", owner]),
        Index(None, "dataset_id", owner),
        Index(None, "dataset_id", "segment_id"),
        comment=doc,
        postgresql_partition_by=PARTITION_BY,
    )


axon_segment = _membership("axon_segment", "axon_id", "axon", "segments of each axon")
target_segment = _membership("target_segment", "target_id", "target", "segments of each target")
spine_head_segment = _membership(
    "spine_head_segment", "spine_head_id", "spine_head", "segments of each spine head"
)


class Synapse(Base):
    """Every row of ``synapses.hdf5``; 0 and NaN are NULL."""

    __tablename__ = "synapse"
    __table_args__ = _args(
        PrimaryKeyConstraint("dataset_id", "synapse_id"),
        _fk(["dataset_id", "type_code"], "synapse_type", ["dataset_id", "code"]),
        _fk(["dataset_id", "axon_id"], "axon", ["dataset_id", "axon_id"]),
        _fk(["dataset_id", "target_id"], "target", ["dataset_id", "target_id"]),
        _fk(["dataset_id", "spine_head_id"], "spine_head", ["dataset_id", "spine_head_id"]),
        Index(None, "dataset_id", "axon_id"),
        Index(None, "dataset_id", "target_id"),
        Index(None, "dataset_id", "spine_head_id"),
    )

    dataset_id: Mapped[int] = _dataset_id()
    synapse_id: Mapped[int] = mapped_column(Integer, nullable=False)
    type_code: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    pre_x: Mapped[int | None] = mapped_column(Integer)
    pre_y: Mapped[int | None] = mapped_column(Integer)
    pre_z: Mapped[int | None] = mapped_column(Integer)
    syn_x: Mapped[int] = mapped_column(Integer, nullable=False)
    syn_y: Mapped[int] = mapped_column(Integer, nullable=False)
    syn_z: Mapped[int] = mapped_column(Integer, nullable=False)
    post_x: Mapped[int | None] = mapped_column(Integer)
    post_y: Mapped[int | None] = mapped_column(Integer)
    post_z: Mapped[int | None] = mapped_column(Integer)
    axon_id: Mapped[int | None] = mapped_column(Integer)
    split_axon_id: Mapped[int | None] = mapped_column(Integer)
    target_id: Mapped[int | None] = mapped_column(Integer)
    spine_head_id: Mapped[int | None] = mapped_column(Integer)
    asi_area: Mapped[float | None] = mapped_column(Double)


synapse_pre_segment = _membership(
    "synapse_pre_segment", "synapse_id", "synapse", "presynaptic segments of each synapse"
)
synapse_post_segment = _membership(
    "synapse_post_segment", "synapse_id", "synapse", "postsynaptic segments of each synapse"
)


def _skeleton_nodes(name: str, owner: str, owner_table: str) -> Table:
    return Table(
        name,
        metadata,
        Column("dataset_id", SmallInteger, nullable=False),
        Column(owner, Integer, nullable=False),
        Column("node_index", Integer, nullable=False, comment="1-based, as published"),
        *xyz_columns(),
        Column("segment_id", BigInteger, comment="NULL for nodes of manual flight paths"),
        PrimaryKeyConstraint("dataset_id", owner, "node_index"),
        _fk(["dataset_id", owner], owner_table, ["dataset_id", owner]),
        postgresql_partition_by=PARTITION_BY,
    )


def _skeleton_edges(name: str, owner: str, owner_table: str) -> Table:
    return Table(
        name,
        metadata,
        Column("dataset_id", SmallInteger, nullable=False),
        Column(owner, Integer, nullable=False),
        Column("source_index", Integer, nullable=False, comment="1-based node index"),
        Column("target_index", Integer, nullable=False, comment="1-based node index"),
        _fk(["dataset_id", owner], owner_table, ["dataset_id", owner]),
        Index(None, "dataset_id", owner),
        postgresql_partition_by=PARTITION_BY,
    )


axon_skeleton_node = _skeleton_nodes("axon_skeleton_node", "axon_id", "axon")
axon_skeleton_edge = _skeleton_edges("axon_skeleton_edge", "axon_id", "axon")
target_skeleton_node = _skeleton_nodes("target_skeleton_node", "target_id", "target")
target_skeleton_edge = _skeleton_edges("target_skeleton_edge", "target_id", "target")


class ClassConnectome(Base):
    """The non-zero cells of ``connectome.csv`` (0-based row/column in file order)."""

    __tablename__ = "class_connectome"
    __table_args__ = _args(
        PrimaryKeyConstraint("dataset_id", "row_index", "col_index"),
        _fk(["dataset_id"], "dataset", ["dataset_id"]),
    )

    dataset_id: Mapped[int] = _dataset_id()
    row_index: Mapped[int] = mapped_column(Integer, nullable=False)
    col_index: Mapped[int] = mapped_column(Integer, nullable=False)
    axon_class: Mapped[str] = mapped_column(Text, nullable=False)
    target_class: Mapped[str] = mapped_column(Text, nullable=False)
    synapses: Mapped[int] = mapped_column(Integer, nullable=False)


#: The tables above (the source tables and ``dataset``), by name: volumes and tracings add theirs
#: to the same metadata later.
SOURCE_TABLES: frozenset[str] = frozenset(metadata.tables)

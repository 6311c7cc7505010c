"""The PostgreSQL tables of ``docs/model.md`` as SQLAlchemy 2 tables.

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
    Boolean,
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
#: Schema where a load's second connection builds partitions, committed but unattached, until
#: the load's transaction moves them to :data:`PARTITION_SCHEMA` and attaches them. Nobody but
#: the owner may use it; a table left there by a load killed in between is dropped by the next.
STAGING_SCHEMA = "connectomedb_staging"

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)

PARTITION_BY = "LIST (dataset_id)"


class Base(DeclarativeBase):
    metadata = metadata


def _fk(cols: list[str], table: str, ref_cols: list[str]) -> ForeignKeyConstraint:
    return ForeignKeyConstraint(cols, [f"{table}.{c}" for c in ref_cols])


def in_dataset() -> ForeignKeyConstraint:
    """The foreign key of a data table's rows to their ``dataset``."""
    return _fk(["dataset_id"], "dataset", ["dataset_id"])


def refers(column: str, table: str, ref_column: str | None = None) -> ForeignKeyConstraint:
    """The foreign key of ``column`` to ``ref_column`` (by default the same name) of the data
    table ``table``, within the same dataset."""
    return _fk(["dataset_id", column], table, ["dataset_id", ref_column or column])


def in_partition(*names: str) -> Index:
    """An index on ``names``. It leaves ``dataset_id`` out: a partition holds one dataset, and
    a constant leading column would only make every key longer and every comparison slower
    (building the index of 15 million segment IDs of one dataset took 12.0 s with it, 8.3 s
    without)."""
    return Index(None, *names)


def by_foreign_key(column: str) -> Index:
    """The index of a :func:`refers` foreign key: on ``dataset_id`` and ``column``, its
    columns. Attaching a partition checks the key by joining the partition to the table it
    refers to; this index gives that join its order (without ``dataset_id`` in front it sorts
    or hashes the whole partition instead)."""
    return Index(None, "dataset_id", column)


#: The column types of :func:`columns` specs, by their PostgreSQL names (as in docs/model.md).
COLUMN_TYPES: dict[str, Any] = {
    "smallint": SmallInteger,
    "int": Integer,
    "bigint": BigInteger,
    "real": REAL,
    "double": Double,
    "boolean": Boolean,
    "text": Text,
}


def columns(spec: str) -> list[Column[Any]]:
    """The columns of a compact spec, in order: one line per run of columns of one type,
    ``name [name ...] type [not null] [-- comment]`` (the comment describes the first name of
    its line)::

        axon_id target_id     int not null
        neuron_id             int             -- the target's
    """
    out: list[Column[Any]] = []
    for line in spec.strip().splitlines():
        declared, _, comment = line.partition("--")
        words = declared.split()
        required = words[-2:] == ["not", "null"]
        *names, kind = words[:-2] if required else words
        for k, name in enumerate(names):
            options: dict[str, Any] = {"nullable": False} if required else {}
            if comment.strip() and k == 0:
                options["comment"] = comment.strip()
            out.append(Column(name, COLUMN_TYPES[kind], **options))
    return out


def partitioned_table(name: str, spec: str, *items: Any, comment: str | None = None) -> Table:
    """A data table: ``dataset_id`` first, then the columns of ``spec`` (:func:`columns`) and
    ``items`` (constraints, indexes), LIST-partitioned by ``dataset_id``."""
    return Table(
        name,
        metadata,
        Column("dataset_id", SmallInteger, nullable=False),
        *columns(spec),
        *items,
        comment=comment,
        postgresql_partition_by=PARTITION_BY,
    )


#: The version of the rows a load computes into PostgreSQL: the derived tables (motif
#: structure, class aggregates, BI rows) next to the tables read from the files. A load records
#: it in ``dataset.model_version``; a dataset recorded under another version, or under none
#: (loaded before migration 0013), is rebuilt by the next load even from unchanged files, and
#: queries refuse it until then. Bump it whenever a migration adds or changes derived rows the
#: load computes, or the load changes how it computes rows of an existing table.
#: 1: the model of migration 0013; 2: class_degree_suffix (migration 0014);
#: 3: class_specificity_target (migration 0015).
POSTGRES_MODEL_VERSION = 3


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
    model_version: Mapped[int | None] = mapped_column(
        Integer, comment="the data model the rows were built with; NULL: before migration 0013"
    )


def _code_table(name: str) -> Table:
    """A category table (classes, synapse types): code, label and canonical name."""
    return partitioned_table(
        name,
        "code smallint not null\nlabel name text not null",
        PrimaryKeyConstraint("dataset_id", "code"),
        in_dataset(),
    )


axon_class = _code_table("axon_class")
target_class = _code_table("target_class")
synapse_type = _code_table("synapse_type")

# ``segments.hdf5``; absent datasets have no rows. No FK to ``dataset``: it would cost a scan of
# ~15 million rows per load and the partition bound already pins ``dataset_id``.
segment = partitioned_table(
    "segment",
    """
    segment_id              bigint not null
    x y z                   int not null
    voxel_count             bigint
    """,
    PrimaryKeyConstraint("dataset_id", "segment_id"),
)

neuron = partitioned_table(
    "neuron",
    "neuron_id int not null",
    PrimaryKeyConstraint("dataset_id", "neuron_id"),
    in_dataset(),
)

axon = partitioned_table(
    "axon",
    """
    axon_id                 int not null
    class_code              smallint not null
    mapped_seg_id           bigint
    path_length_um          double
    """,
    PrimaryKeyConstraint("dataset_id", "axon_id"),
    refers("class_code", "axon_class", "code"),
    by_foreign_key("class_code"),
)

# Every postsynaptic target of ``dendrites.hdf5`` (somata and axon initial segments too).
target = partitioned_table(
    "target",
    """
    target_id               int not null
    class_code              smallint not null
    neuron_id               int
    mapped_seg_id           bigint
    path_length_um          double
    """,
    PrimaryKeyConstraint("dataset_id", "target_id"),
    refers("class_code", "target_class", "code"),
    refers("neuron_id", "neuron"),
    by_foreign_key("class_code"),
    by_foreign_key("neuron_id"),
)

spine_head = partitioned_table(
    "spine_head",
    "spine_head_id int not null\nvolume_um3 real",
    PrimaryKeyConstraint("dataset_id", "spine_head_id"),
    in_dataset(),
)


def _membership(name: str, owner: str, owner_table: str, doc: str) -> Table:
    """An agglomerate or segment-set table: one (owner, segment) row per published element.

    No primary key: a segment can repeat within a synapse's set (one per interface)."""
    return partitioned_table(
        name,
        f"{owner} int not null\nsegment_id bigint not null",
        refers(owner, owner_table),
        by_foreign_key(owner),
        in_partition("segment_id"),
        comment=doc,
    )


axon_segment = _membership("axon_segment", "axon_id", "axon", "segments of each axon")
target_segment = _membership("target_segment", "target_id", "target", "segments of each target")
spine_head_segment = _membership(
    "spine_head_segment", "spine_head_id", "spine_head", "segments of each spine head"
)

# Every row of ``synapses.hdf5``; 0 and NaN are NULL.
synapse = partitioned_table(
    "synapse",
    """
    synapse_id              int not null
    type_code               smallint not null
    pre_x pre_y pre_z       int
    syn_x syn_y syn_z       int not null
    post_x post_y post_z    int
    axon_id split_axon_id   int
    target_id               int
    spine_head_id           int
    asi_area                double
    """,
    PrimaryKeyConstraint("dataset_id", "synapse_id"),
    refers("type_code", "synapse_type", "code"),
    refers("axon_id", "axon"),
    refers("target_id", "target"),
    refers("spine_head_id", "spine_head"),
    by_foreign_key("axon_id"),
    by_foreign_key("target_id"),
    by_foreign_key("spine_head_id"),
)

synapse_pre_segment = _membership(
    "synapse_pre_segment", "synapse_id", "synapse", "presynaptic segments of each synapse"
)
synapse_post_segment = _membership(
    "synapse_post_segment", "synapse_id", "synapse", "postsynaptic segments of each synapse"
)


def _skeleton_nodes(name: str, owner: str, owner_table: str) -> Table:
    return partitioned_table(
        name,
        f"""
        {owner}                 int not null
        node_index              int not null      -- 1-based, as published
        x y z                   int not null
        segment_id              bigint            -- NULL for nodes of manual flight paths
        """,
        PrimaryKeyConstraint("dataset_id", owner, "node_index"),
        refers(owner, owner_table),
    )


def _skeleton_edges(name: str, owner: str, owner_table: str) -> Table:
    return partitioned_table(
        name,
        f"""
        {owner}                 int not null
        source_index            int not null      -- 1-based node index
        target_index            int not null      -- 1-based node index
        """,
        refers(owner, owner_table),
        by_foreign_key(owner),
    )


axon_skeleton_node = _skeleton_nodes("axon_skeleton_node", "axon_id", "axon")
axon_skeleton_edge = _skeleton_edges("axon_skeleton_edge", "axon_id", "axon")
target_skeleton_node = _skeleton_nodes("target_skeleton_node", "target_id", "target")
target_skeleton_edge = _skeleton_edges("target_skeleton_edge", "target_id", "target")

# The non-zero cells of ``connectome.csv`` (0-based row/column in file order).
class_connectome = partitioned_table(
    "class_connectome",
    """
    row_index col_index     int not null
    axon_class              text not null
    target_class            text not null
    synapses                int not null
    """,
    PrimaryKeyConstraint("dataset_id", "row_index", "col_index"),
    in_dataset(),
)


#: The tables above (the source tables and ``dataset``), by name: volumes and tracings add theirs
#: to the same metadata later.
SOURCE_TABLES: frozenset[str] = frozenset(metadata.tables)

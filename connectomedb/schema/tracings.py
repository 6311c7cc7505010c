"""The PostgreSQL tables of skeleton tracings and training cubes (migration 0007).

Unlike the connectome tables these are plain (not partitioned) and independent of dataset
versions: a tracing file is stored once, identified by its SHA-256, and evaluated against any
loaded dataset by name. IDs (``file_id``, ``tracing_id``, ``cube_id``) are assigned by the
loader under a table lock, so a batch is numbered consecutively.

``tracing_node`` and ``tracing_edge`` carry no foreign key to ``tracing``: the loader writes
a tree with its nodes and edges in one transaction, and the per-row key check cost eight
times the COPY itself (1M edges: 18 s against 2 s).
"""

from __future__ import annotations

from sqlalchemy import (
    REAL,
    BigInteger,
    Boolean,
    Column,
    Double,
    ForeignKeyConstraint,
    Index,
    Integer,
    PrimaryKeyConstraint,
    SmallInteger,
    Table,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import TIMESTAMP

from connectomedb.schema.relational import metadata, xyz_columns


def _part_of(parent: str, key: str) -> ForeignKeyConstraint:
    """Rows that belong to a row of ``parent`` (by ``key``) and are deleted with it."""
    return ForeignKeyConstraint([key], [f"{parent}.{key}"], ondelete="CASCADE")


tracing_file = Table(
    "tracing_file",
    metadata,
    Column("file_id", Integer, nullable=False),
    Column("kind", Text, nullable=False, comment="connectem, typeem, manual-neurons, ..."),
    Column("dataset", Text, comment="the dataset the tracings belong to (name), if given"),
    Column("name", Text, nullable=False, comment="file name"),
    Column("path", Text, nullable=False, comment="absolute path when added"),
    Column("sha256", Text, nullable=False),
    Column("experiment", Text, comment="<experiment name> of the NML parameters"),
    Column("scale_x", Double, nullable=False, comment="nm per voxel"),
    Column("scale_y", Double, nullable=False),
    Column("scale_z", Double, nullable=False),
    Column("trees", Integer, nullable=False),
    Column("nodes", Integer, nullable=False),
    Column("added_at", TIMESTAMP(timezone=True), nullable=False, server_default=func.now()),
    PrimaryKeyConstraint("file_id"),
    UniqueConstraint("sha256"),
    comment="one row per NML file added",
)

tracing_group = Table(
    "tracing_group",
    metadata,
    Column("file_id", Integer, nullable=False),
    Column("group_id", Integer, nullable=False),
    Column("parent_group_id", Integer, comment="NULL at the top level"),
    Column("name", Text, nullable=False),
    PrimaryKeyConstraint("file_id", "group_id"),
    _part_of("tracing_file", "file_id"),
    comment="tree groups of each file",
)

tracing = Table(
    "tracing",
    metadata,
    Column("tracing_id", Integer, nullable=False),
    Column("file_id", Integer, nullable=False),
    Column("tree_id", Integer, nullable=False, comment="the <thing id> in the file"),
    Column("name", Text, nullable=False),
    Column("group_id", Integer),
    Column("label", Text, comment="neurite type (TypeEM) or other label, if any"),
    Column("nodes", Integer, nullable=False),
    Column("edges", Integer, nullable=False),
    Column("path_length_um", Double, nullable=False),
    PrimaryKeyConstraint("tracing_id"),
    UniqueConstraint("file_id", "tree_id"),
    _part_of("tracing_file", "file_id"),
    comment="one row per tree (<thing>) of a file",
)

tracing_node = Table(
    "tracing_node",
    metadata,
    Column("tracing_id", Integer, nullable=False),
    Column("node_id", Integer, nullable=False, comment="the <node id> in the file"),
    *xyz_columns(),
    Column("radius", REAL),
    Column("comment", Text),
    Column("is_branch_point", Boolean, nullable=False),
    Column(
        "segment_id",
        BigInteger,
        comment="segment under the node; NULL until looked up, 0 = on no segment",
    ),
    PrimaryKeyConstraint("tracing_id", "node_id"),
    Index(None, "segment_id"),
    comment="nodes of each tracing (global voxel coordinates)",
)

tracing_edge = Table(
    "tracing_edge",
    metadata,
    Column("tracing_id", Integer, nullable=False),
    Column("source_id", Integer, nullable=False),
    Column("target_id", Integer, nullable=False),
    Column("length_um", Double, nullable=False, comment="with the file's voxel size"),
    Index(None, "tracing_id"),
    comment="edges of each tracing",
)

training_cube = Table(
    "training_cube",
    metadata,
    Column("cube_id", Integer, nullable=False),
    Column("kind", Text, nullable=False, comment="synem-interfaces, synem-test or svm"),
    Column("name", Text, nullable=False, comment="file name"),
    Column("path", Text, nullable=False),
    Column("sha256", Text, nullable=False),
    Column("size_x", Integer, comment="EM or label cube size, voxels"),
    Column("size_y", Integer),
    Column("size_z", Integer),
    Column("interfaces", Integer, comment="interfaces in the cube (SynEM)"),
    Column("added_at", TIMESTAMP(timezone=True), nullable=False, server_default=func.now()),
    PrimaryKeyConstraint("cube_id"),
    UniqueConstraint("sha256"),
    comment="one row per registered training or test cube; voxels stay in the file",
)

training_interface = Table(
    "training_interface",
    metadata,
    Column("cube_id", Integer, nullable=False),
    Column("interface_id", Integer, nullable=False, comment="1-based, /interfaces/<i>"),
    Column("segment_a", BigInteger, comment="/edges column i (cube segmentation IDs)"),
    Column("segment_b", BigInteger),
    Column("voxels", Integer, nullable=False),
    Column("label", Text, comment="nosynapse, pretopostsynapse, posttopresynapse"),
    Column("target_type", Text, comment="nosynapse, spinehead, spineneck, shaft, soma"),
    Column("synapse_id", Integer, comment="test sets: synapse of the interface, 0 = none"),
    Column("is_inhibitory", Boolean, comment="test sets"),
    PrimaryKeyConstraint("cube_id", "interface_id"),
    _part_of("training_cube", "cube_id"),
    comment="SynEM interfaces of each cube",
)

training_label_count = Table(
    "training_label_count",
    metadata,
    Column("cube_id", Integer, nullable=False),
    Column("code", SmallInteger, nullable=False),
    Column("label", Text, nullable=False, comment="background, synapse, vesicle, ..."),
    Column("voxels", BigInteger, nullable=False),
    PrimaryKeyConstraint("cube_id", "code"),
    _part_of("training_cube", "cube_id"),
    comment="voxels per label of the label cubes (svm)",
)

TRACING_TABLES = (tracing_file, tracing_group, tracing, tracing_node, tracing_edge)
TRAINING_TABLES = (training_cube, training_interface, training_label_count)

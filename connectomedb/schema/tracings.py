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

from typing import Any

from sqlalchemy import (
    Column,
    ForeignKeyConstraint,
    Index,
    Integer,
    PrimaryKeyConstraint,
    Table,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import TIMESTAMP

from connectomedb.schema.relational import columns, metadata


def _part_of(parent: str, key: str) -> ForeignKeyConstraint:
    """Rows that belong to a row of ``parent`` (by ``key``) and are deleted with it."""
    return ForeignKeyConstraint([key], [f"{parent}.{key}"], ondelete="CASCADE")


def _table(name: str, spec: str, *items: Any, comment: str) -> Table:
    """A plain table: the columns of ``spec`` (:func:`~connectomedb.schema.relational.columns`)
    and ``items`` (constraints, indexes)."""
    return Table(name, metadata, *columns(spec), *items, comment=comment)


def _parts(name: str, parent: str, key: str, spec: str, comment: str) -> Table:
    """Rows that belong to a row of ``parent`` and are deleted with it: the parent's ``key``
    (an ``int``) first, then the columns of ``spec``; the primary key is ``key`` and the first
    column of ``spec``."""
    own = columns(spec)
    return Table(
        name,
        metadata,
        Column(key, Integer, nullable=False),
        *own,
        PrimaryKeyConstraint(key, own[0].name),
        _part_of(parent, key),
        comment=comment,
    )


def _added_files(name: str, key: str, spec: str, comment: str) -> Table:
    """A table of added files, one row per file: ``key``, the columns of ``spec``
    (:func:`~connectomedb.schema.relational.columns`) and when it was added; a file is
    identified by its SHA-256."""
    return _table(
        name,
        spec,
        Column("added_at", TIMESTAMP(timezone=True), nullable=False, server_default=func.now()),
        PrimaryKeyConstraint(key),
        UniqueConstraint("sha256"),
        comment=comment,
    )


tracing_file = _added_files(
    "tracing_file",
    "file_id",
    """
    file_id                 int not null
    kind                    text not null     -- connectem, typeem, manual-neurons, ...
    dataset                 text              -- the dataset the tracings belong to (name), if given
    name                    text not null     -- file name
    path                    text not null     -- absolute path when added
    sha256                  text not null
    experiment              text              -- <experiment name> of the NML parameters
    scale_x                 double not null   -- nm per voxel
    scale_y scale_z         double not null
    trees nodes             int not null
    """,
    comment="one row per NML file added",
)

tracing_group = _parts(
    "tracing_group",
    "tracing_file",
    "file_id",
    """
    group_id                int not null
    parent_group_id         int               -- NULL at the top level
    name                    text not null
    """,
    comment="tree groups of each file",
)

tracing = _table(
    "tracing",
    """
    tracing_id file_id      int not null
    tree_id                 int not null      -- the <thing id> in the file
    name                    text not null
    group_id                int
    label                   text              -- neurite type (TypeEM) or other label, if any
    nodes edges             int not null
    path_length_um          double not null
    """,
    PrimaryKeyConstraint("tracing_id"),
    UniqueConstraint("file_id", "tree_id"),
    _part_of("tracing_file", "file_id"),
    comment="one row per tree (<thing>) of a file",
)

tracing_node = _table(
    "tracing_node",
    """
    tracing_id              int not null
    node_id                 int not null      -- the <node id> in the file
    x y z                   int not null
    radius                  real
    comment                 text
    is_branch_point         boolean not null
    segment_id bigint  -- segment under the node; NULL until looked up, 0 = on no segment
    """,
    PrimaryKeyConstraint("tracing_id", "node_id"),
    Index(None, "segment_id"),
    comment="nodes of each tracing (global voxel coordinates)",
)

tracing_edge = _table(
    "tracing_edge",
    """
    tracing_id source_id    int not null
    target_id               int not null
    length_um               double not null   -- with the file's voxel size
    """,
    Index(None, "tracing_id"),
    comment="edges of each tracing",
)

training_cube = _added_files(
    "training_cube",
    "cube_id",
    """
    cube_id                 int not null
    kind                    text not null     -- synem-interfaces, synem-test or svm
    name                    text not null     -- file name
    path sha256             text not null
    size_x                  int               -- EM or label cube size, voxels
    size_y size_z           int
    interfaces              int               -- interfaces in the cube (SynEM)
    """,
    comment="one row per registered training or test cube; voxels stay in the file",
)

training_interface = _parts(
    "training_interface",
    "training_cube",
    "cube_id",
    """
    interface_id            int not null      -- 1-based, /interfaces/<i>
    segment_a               bigint            -- /edges column i (cube segmentation IDs)
    segment_b               bigint
    voxels                  int not null
    label                   text              -- nosynapse, pretopostsynapse, posttopresynapse
    target_type             text              -- nosynapse, spinehead, spineneck, shaft, soma
    synapse_id              int               -- test sets: synapse of the interface, 0 = none
    is_inhibitory           boolean           -- test sets
    """,
    comment="SynEM interfaces of each cube",
)

training_label_count = _parts(
    "training_label_count",
    "training_cube",
    "cube_id",
    """
    code                    smallint not null
    label                   text not null     -- background, synapse, vesicle, ...
    voxels                  bigint not null
    """,
    comment="voxels per label of the label cubes (svm)",
)

TRACING_TABLES = (tracing_file, tracing_group, tracing, tracing_node, tracing_edge)
TRAINING_TABLES = (training_cube, training_interface, training_label_count)

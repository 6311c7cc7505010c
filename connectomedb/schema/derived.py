"""The tables derived at load time from the source tables: the motif structure
(:mod:`connectomedb.etl.motifs`) and the class-level aggregates
(:mod:`connectomedb.etl.class_stats`). Partitioned by dataset like the source tables
(:mod:`connectomedb.schema.relational`)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Double,
    Index,
    Integer,
    PrimaryKeyConstraint,
    SmallInteger,
    Table,
    Text,
)
from sqlalchemy.sql.ddl import sort_tables

from connectomedb.schema.relational import PARTITION_BY, SOURCE_TABLES, _fk, metadata

# --- derived at load time: the motif structure (connectomedb/etl/motifs.py) ----------------
# Class keys are the smallest code of the class table with the class's name (grouping by key
# is grouping by name, as in connectome_synapse).

connection = Table(
    "connection",
    metadata,
    Column("dataset_id", SmallInteger, nullable=False),
    Column("axon_id", Integer, nullable=False),
    Column("target_id", Integer, nullable=False),
    Column("axon_class_key", SmallInteger, nullable=False),
    Column("target_class_key", SmallInteger, nullable=False),
    Column("neuron_id", Integer),
    Column("synapses", Integer, nullable=False),
    PrimaryKeyConstraint("dataset_id", "axon_id", "target_id"),
    _fk(["dataset_id"], "dataset", ["dataset_id"]),
    Index(None, "dataset_id", "target_id"),
    comment="one row per (axon, target) with a connectome synapse",
    postgresql_partition_by=PARTITION_BY,
)

axon_pair = Table(
    "axon_pair",
    metadata,
    Column("dataset_id", SmallInteger, nullable=False),
    Column("axon_a", Integer, nullable=False),
    Column("axon_b", Integer, nullable=False),
    Column("axon_a_class_key", SmallInteger, nullable=False),
    Column("axon_b_class_key", SmallInteger, nullable=False),
    Column("target_class_key", SmallInteger, comment="targets counted; NULL: every class"),
    Column("shared", Integer, nullable=False),
    _fk(["dataset_id"], "dataset", ["dataset_id"]),
    Index(None, "dataset_id", "target_class_key", "axon_a", "axon_b"),
    Index(None, "dataset_id", "target_class_key", "shared"),
    comment="axon pairs (axon_a < axon_b) sharing at least 2 targets",
    postgresql_partition_by=PARTITION_BY,
)

motif_histogram = Table(
    "motif_histogram",
    metadata,
    Column("dataset_id", SmallInteger, nullable=False),
    Column("motif", Text, nullable=False),
    Column("axon_class", Text, comment="NULL: no axon class filter"),
    Column("target_class", Text, comment="NULL: no target class filter"),
    Column("value", Integer, nullable=False),
    Column("instances", BigInteger, nullable=False),
    _fk(["dataset_id"], "dataset", ["dataset_id"]),
    Index(None, "dataset_id", "motif"),
    comment="instances of each motif per class filter and value of its thresholded quantity",
    postgresql_partition_by=PARTITION_BY,
)


class_synapse_stat = Table(
    "class_synapse_stat",
    metadata,
    Column("dataset_id", SmallInteger, nullable=False),
    Column("axon_class", Text, nullable=False),
    Column("target_class", Text, nullable=False),
    Column("synapse_type", Text, comment="NULL: every type"),
    Column("synapses", BigInteger, nullable=False),
    Column("asi_count", BigInteger, nullable=False),
    Column("asi_mean", Double),
    Column("asi_median", Double),
    Column("asi_q1", Double),
    Column("asi_q3", Double),
    _fk(["dataset_id"], "dataset", ["dataset_id"]),
    Index(None, "dataset_id", "synapse_type"),
    comment="connectome synapses and ASI statistics per axon class, target class and type",
    postgresql_partition_by=PARTITION_BY,
)


# --- derived at load time: class-level aggregates of the per-class statistics
# (connectomedb/etl/class_stats.py, migration 0008) ----------------------------------------

class_degree_cell = Table(
    "class_degree_cell",
    metadata,
    Column("dataset_id", SmallInteger, nullable=False),
    Column("axon_class_key", SmallInteger, nullable=False),
    Column("target_class_key", SmallInteger, nullable=False),
    Column("axon_synapses", Integer, nullable=False, comment="the axons' connectome synapses"),
    Column("target_synapses", Integer, nullable=False, comment="the targets' connectome synapses"),
    Column("synapses", BigInteger, nullable=False),
    Column("axons", BigInteger, nullable=False),
    Column("targets", BigInteger, nullable=False),
    _fk(["dataset_id"], "dataset", ["dataset_id"]),
    Index(None, "dataset_id", "axon_synapses"),
    comment="connections summed per class pair and axon and target synapse count",
    postgresql_partition_by=PARTITION_BY,
)

class_axon_fraction = Table(
    "class_axon_fraction",
    metadata,
    Column("dataset_id", SmallInteger, nullable=False),
    Column("axon_class_key", SmallInteger, nullable=False),
    Column("target_class_key", SmallInteger, comment="NULL: every class"),
    Column("axon_synapses", Integer, nullable=False, comment="the axons' connectome synapses"),
    Column("synapses", Integer, nullable=False, comment="of them onto the target class"),
    Column("axons", BigInteger, nullable=False),
    _fk(["dataset_id"], "dataset", ["dataset_id"]),
    Index(None, "dataset_id", "axon_synapses"),
    comment="axons per class pair, synapse count and synapses onto the target class",
    postgresql_partition_by=PARTITION_BY,
)

neurite_class_stat = Table(
    "neurite_class_stat",
    metadata,
    Column("dataset_id", SmallInteger, nullable=False),
    Column("side", Text, nullable=False, comment="'axon' or 'target'"),
    Column("class", Text, nullable=False),
    Column("neurites", BigInteger, nullable=False),
    Column("synapses", BigInteger, nullable=False),
    Column("degree_mean", Double, nullable=False),
    Column("degree_median", Double, nullable=False),
    Column("degree_q1", Double, nullable=False),
    Column("degree_q3", Double, nullable=False),
    Column("degree_max", BigInteger, nullable=False),
    Column("skeleton_neurites", BigInteger, nullable=False, comment="with a path length > 0"),
    Column("path_length_um", Double),
    Column("skeleton_synapses", BigInteger, nullable=False),
    Column("density_median", Double),
    Column("density_q1", Double),
    Column("density_q3", Double),
    _fk(["dataset_id"], "dataset", ["dataset_id"]),
    comment="synapses per neurite and per micrometre of path length by side and class",
    postgresql_partition_by=PARTITION_BY,
)

class_multiplicity_stat = Table(
    "class_multiplicity_stat",
    metadata,
    Column("dataset_id", SmallInteger, nullable=False),
    Column("axon_class", Text, nullable=False),
    Column("target_class", Text, nullable=False),
    Column("connections", BigInteger, nullable=False),
    Column("synapses", BigInteger, nullable=False),
    Column("multiplicity_mean", Double, nullable=False),
    Column("multiplicity_median", Double, nullable=False),
    Column("multiplicity_q1", Double, nullable=False),
    Column("multiplicity_q3", Double, nullable=False),
    Column("multiplicity_max", BigInteger, nullable=False),
    Column("multi_synaptic", BigInteger, nullable=False),
    _fk(["dataset_id"], "dataset", ["dataset_id"]),
    comment="connection multiplicity per class pair",
    postgresql_partition_by=PARTITION_BY,
)

axon_divergence = Table(
    "axon_divergence",
    metadata,
    Column("dataset_id", SmallInteger, nullable=False),
    Column("axon_id", Integer, nullable=False),
    Column("axon_class_key", SmallInteger, nullable=False),
    Column("target_class_key", SmallInteger, comment="targets counted; NULL: every class"),
    Column("targets", Integer, nullable=False),
    Column("neurons", Integer, nullable=False),
    Column("synapses", Integer, nullable=False),
    _fk(["dataset_id"], "dataset", ["dataset_id"]),
    Index(None, "dataset_id", "target_class_key", "targets"),
    comment="per axon, over every target class and per target class: targets, neurons, synapses",
    postgresql_partition_by=PARTITION_BY,
)

target_convergence = Table(
    "target_convergence",
    metadata,
    Column("dataset_id", SmallInteger, nullable=False),
    Column("target_id", Integer, nullable=False),
    Column("target_class_key", SmallInteger, nullable=False),
    Column("neuron_id", Integer),
    Column("axon_class_key", SmallInteger, comment="axons counted; NULL: every class"),
    Column("axons", Integer, nullable=False),
    Column("synapses", Integer, nullable=False),
    _fk(["dataset_id"], "dataset", ["dataset_id"]),
    Index(None, "dataset_id", "axon_class_key", "axons"),
    comment="per target, from every axon class and per axon class: axons, synapses",
    postgresql_partition_by=PARTITION_BY,
)

class_pair_cv = Table(
    "class_pair_cv",
    metadata,
    Column("dataset_id", SmallInteger, nullable=False),
    Column("axon_class", Text, nullable=False),
    Column("target_class", Text, nullable=False),
    Column("synapse_type", Text, comment="NULL: every type"),
    Column("pairs", BigInteger, nullable=False),
    Column("cv_mean", Double, nullable=False),
    Column("cv_median", Double, nullable=False),
    Column("random_pairs", BigInteger, nullable=False),
    Column("random_cv_mean", Double),
    Column("random_cv_median", Double),
    _fk(["dataset_id"], "dataset", ["dataset_id"]),
    comment="ASI CV of two-synapse connections and of random pairs per class pair and type",
    postgresql_partition_by=PARTITION_BY,
)


#: The derived tables, in the order above.
DERIVED_TABLES: tuple[Table, ...] = (
    connection,
    axon_pair,
    motif_histogram,
    class_synapse_stat,
    class_degree_cell,
    class_axon_fraction,
    neurite_class_stat,
    class_multiplicity_stat,
    axon_divergence,
    target_convergence,
    class_pair_cv,
)

#: The partitioned data tables in foreign-key order (a table's parents come before it).
_PARTITIONED: list[Table] = sorted(
    [*(metadata.tables[n] for n in SOURCE_TABLES), *DERIVED_TABLES], key=lambda t: t.key
)
DATA_TABLES: tuple[Table, ...] = tuple(
    t for t in sort_tables(_PARTITIONED) if isinstance(t, Table) and t.name != "dataset"
)

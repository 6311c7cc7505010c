"""The tables derived at load time from the source tables: the motif structure
(:mod:`connectomedb.etl.motifs`), the class-level aggregates
(:mod:`connectomedb.etl.class_stats`) and the rows of ``connectome_synapse`` and of the BI
views (:mod:`connectomedb.etl.bi_tables`, migration 0011). Partitioned by dataset like the
source tables (:mod:`connectomedb.schema.relational`)."""

from __future__ import annotations

from sqlalchemy import Index, PrimaryKeyConstraint, Table
from sqlalchemy.sql.ddl import sort_tables

from connectomedb.schema.relational import (
    SOURCE_TABLES,
    in_dataset,
    in_partition,
    metadata,
    partitioned_table,
)


def _derived(name: str, spec: str, *items: PrimaryKeyConstraint | Index, comment: str) -> Table:
    """A derived table of the rows of one dataset (see :func:`partitioned_table`)."""
    return partitioned_table(name, spec, in_dataset(), *items, comment=comment)


# --- derived at load time: the motif structure (connectomedb/etl/motifs.py) ----------------
# Class keys are the smallest code of the class table with the class's name (grouping by key
# is grouping by name, as in connectome_synapse).

connection = _derived(
    "connection",
    """
    axon_id target_id                 int not null
    axon_class_key target_class_key   smallint not null
    neuron_id                         int
    synapses                          int not null
    """,
    PrimaryKeyConstraint("dataset_id", "axon_id", "target_id"),
    in_partition("target_id"),
    comment="one row per (axon, target) with a connectome synapse",
)

axon_pair = _derived(
    "axon_pair",
    """
    axon_a axon_b                     int not null
    axon_a_class_key                  smallint not null
    axon_b_class_key                  smallint not null
    target_class_key                  smallint          -- targets counted; NULL: every class
    shared                            int not null
    """,
    in_partition("target_class_key", "axon_a", "axon_b"),
    in_partition("target_class_key", "shared"),
    comment="axon pairs (axon_a < axon_b) sharing at least 2 targets",
)

motif_histogram = _derived(
    "motif_histogram",
    """
    motif                             text not null
    axon_class                        text              -- NULL: no axon class filter
    target_class                      text              -- NULL: no target class filter
    value                             int not null
    instances                         bigint not null
    """,
    in_partition("motif"),
    comment="instances of each motif per class filter and value of its thresholded quantity",
)

class_synapse_stat = _derived(
    "class_synapse_stat",
    """
    axon_class target_class           text not null
    synapse_type                      text              -- NULL: every type
    synapses asi_count                bigint not null
    asi_mean asi_median asi_q1        double
    asi_q3                            double
    """,
    in_partition("synapse_type"),
    comment="connectome synapses and ASI statistics per axon class, target class and type",
)


# --- derived at load time: class-level aggregates of the per-class statistics
# (connectomedb/etl/class_stats.py, migration 0008) ----------------------------------------

class_degree_cell = _derived(
    "class_degree_cell",
    """
    axon_class_key target_class_key   smallint not null
    axon_synapses                     int not null      -- the axons' connectome synapses
    target_synapses                   int not null      -- the targets' connectome synapses
    synapses axons targets            bigint not null
    """,
    in_partition("axon_synapses"),
    comment="connections summed per class pair and axon and target synapse count",
)

class_axon_fraction = _derived(
    "class_axon_fraction",
    """
    axon_class_key                    smallint not null
    target_class_key                  smallint          -- NULL: every class
    axon_synapses                     int not null      -- the axons' connectome synapses
    synapses                          int not null      -- of them onto the target class
    axons                             bigint not null
    """,
    in_partition("axon_synapses"),
    comment="axons per class pair, synapse count and synapses onto the target class",
)

neurite_class_stat = _derived(
    "neurite_class_stat",
    """
    side                              text not null     -- 'axon' or 'target'
    class                             text not null
    neurites synapses                 bigint not null
    degree_mean degree_median         double not null
    degree_q1 degree_q3               double not null
    degree_max                        bigint not null
    skeleton_neurites                 bigint not null   -- with a path length > 0
    path_length_um                    double
    skeleton_synapses                 bigint not null
    density_median density_q1         double
    density_q3                        double
    """,
    comment="synapses per neurite and per micrometre of path length by side and class",
)

class_multiplicity_stat = _derived(
    "class_multiplicity_stat",
    """
    axon_class target_class           text not null
    connections synapses              bigint not null
    multiplicity_mean                 double not null
    multiplicity_median               double not null
    multiplicity_q1 multiplicity_q3   double not null
    multiplicity_max multi_synaptic   bigint not null
    """,
    comment="connection multiplicity per class pair",
)

axon_divergence = _derived(
    "axon_divergence",
    """
    axon_id                           int not null
    axon_class_key                    smallint not null
    target_class_key                  smallint          -- targets counted; NULL: every class
    targets neurons synapses          int not null
    """,
    in_partition("target_class_key", "targets"),
    comment="per axon, over every target class and per target class: targets, neurons, synapses",
)

target_convergence = _derived(
    "target_convergence",
    """
    target_id                         int not null
    target_class_key                  smallint not null
    neuron_id                         int
    axon_class_key                    smallint          -- axons counted; NULL: every class
    axons synapses                    int not null
    """,
    in_partition("axon_class_key", "axons"),
    comment="per target, from every axon class and per axon class: axons, synapses",
)

class_pair_cv = _derived(
    "class_pair_cv",
    """
    axon_class target_class           text not null
    synapse_type                      text              -- NULL: every type
    pairs                             bigint not null
    cv_mean cv_median                 double not null
    random_pairs                      bigint not null
    random_cv_mean random_cv_median   double
    """,
    comment="ASI CV of two-synapse connections and of random pairs per class pair and type",
)


# --- derived at load time: the connectome synapses with their classes and the rows of the BI
# views (connectomedb/etl/bi_tables.py, migration 0011) -------------------------------------

connectome_synapse = _derived(
    "connectome_synapse",
    """
    synapse_id axon_id target_id      int not null
    neuron_id                         int
    type_code                         smallint not null
    synapse_type                      text not null
    axon_code                         smallint not null
    axon_class_key                    smallint
    axon_class                        text not null
    target_code                       smallint not null
    target_class_key                  smallint
    target_class                      text not null
    asi_area                          double
    axon_synapses target_synapses     bigint not null
    axon_target_class_synapses        bigint not null
    first_of_axon_target_class        boolean not null
    first_of_axon                     boolean not null
    """,
    PrimaryKeyConstraint("dataset_id", "synapse_id"),
    in_partition("axon_id"),
    in_partition("target_id"),
    comment="connectome synapses with their classes and the synapse counts of their neurites",
)

bi_class_matrix_data = _derived(
    "bi_class_matrix_data",
    """
    axon_class target_class           text not null
    synapses connections axons        bigint not null
    targets                           bigint not null
    fraction                          double not null
    """,
    comment="the rows of the view bi_class_matrix",
)

bi_axon_summary_data = _derived(
    "bi_axon_summary_data",
    """
    axon_id                           int not null
    axon_class                        text not null
    synapses targets neurons          bigint not null
    path_length_um synapses_per_um    double
    asi_area_mean                     double
    """,
    comment="the rows of the view bi_axon_summary",
)

bi_target_summary_data = _derived(
    "bi_target_summary_data",
    """
    target_id                         int not null
    target_class                      text not null
    neuron_id                         int
    synapses axons                    bigint not null
    path_length_um synapses_per_um    double
    asi_area_mean                     double
    """,
    comment="the rows of the view bi_target_summary",
)

bi_neuron_inputs_data = _derived(
    "bi_neuron_inputs_data",
    """
    neuron_id                         int not null
    axon_class                        text not null
    synapses targets axons            bigint not null
    fraction                          double not null
    """,
    comment="the rows of the view bi_neuron_inputs",
)

# --- derived at load time: answers at every threshold and the class sums of connectome.csv
# (connectomedb/etl/class_thresholds.py, migration 0012) -----------------------------------

class_specificity = _derived(
    "class_specificity",
    """
    axon_synapses                     int not null      -- the axon threshold it answers
    axon_class_key target_class_key   smallint not null
    axons synapses                    bigint not null
    fraction axon_fraction_mean       double
    axon_fraction_median              double
    axon_fraction_q1 axon_fraction_q3 double
    """,
    in_partition("axon_synapses"),
    comment="target_specificity without a target threshold, per axon threshold",
)

class_connectome_sum = _derived(
    "class_connectome_sum",
    """
    axon_class target_class           text not null
    synapses                          bigint not null
    """,
    comment="connectome.csv summed per class pair",
)

# --- derived at load time: class_degree_cell summed from anchors up
# (connectomedb/etl/class_thresholds.py, migration 0014) -----------------------------------

class_degree_suffix = _derived(
    "class_degree_suffix",
    """
    axon_synapses                     int not null      -- the anchor: axons with at least it
    axon_class_key target_class_key   smallint not null
    target_synapses                   int not null      -- the targets' connectome synapses
    synapses axons targets            bigint not null
    """,
    in_partition("axon_synapses"),
    comment="class_degree_cell summed over the axon synapse counts from an anchor up",
)

# --- derived at load time: target_specificity with a target threshold
# (connectomedb/etl/specificity.py, migration 0015) ----------------------------------------

class_specificity_target = _derived(
    "class_specificity_target",
    """
    axon_synapses                     int not null      -- the axon threshold it answers
    target_synapses                   int not null      -- the target threshold it answers
    axon_class_key target_class_key   smallint not null
    axons synapses                    bigint not null
    fraction axon_fraction_mean       double
    axon_fraction_median              double
    axon_fraction_q1 axon_fraction_q3 double
    """,
    # (Named: the convention's name of these columns is longer than PostgreSQL keeps.)
    Index(
        "ix_class_specificity_target_thresholds",
        "axon_synapses",
        "target_synapses",
    ),
    comment="target_specificity with a target threshold, per pair of thresholds",
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
    connectome_synapse,
    bi_class_matrix_data,
    bi_axon_summary_data,
    bi_target_summary_data,
    bi_neuron_inputs_data,
    class_specificity,
    class_connectome_sum,
    class_degree_suffix,
    class_specificity_target,
)

#: The partitioned data tables in foreign-key order (a table's parents come before it).
_PARTITIONED: list[Table] = sorted(
    [*(metadata.tables[n] for n in SOURCE_TABLES), *DERIVED_TABLES], key=lambda t: t.key
)
DATA_TABLES: tuple[Table, ...] = tuple(
    t for t in sort_tables(_PARTITIONED) if isinstance(t, Table) and t.name != "dataset"
)

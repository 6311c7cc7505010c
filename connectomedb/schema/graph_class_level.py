"""The class-level nodes of the graph model (:mod:`connectomedb.schema.graph`): per-class
answers the load computes once, so the per-class statistics read a few rows in Cypher
(:mod:`connectomedb.etl.class_level`)."""

from __future__ import annotations

from connectomedb.schema.graph_types import DATASET, NodeLabel, distribution, props

CLASS_LEVEL_LABELS: tuple[NodeLabel, ...] = (
    NodeLabel(
        "NeuriteClassStat",
        "id",
        (
            DATASET,
            *props("""
                id       int64  -- row number
                side     string -- 'axon' or 'target'
                class    string -- canonical class name
                neurites int64  -- every neurite of the class in the files
                synapses int64  -- their connectome synapses
            """),
            *distribution("degree", "connectome synapses per neurite"),
            *props("""
                degree_max        int64  -- largest
                skeleton_neurites int64  -- of them with a skeleton path length > 0
                path_length_um    double -- their summed path length; missing without one
                skeleton_synapses int64  -- their connectome synapses
            """),
            *distribution("density", "synapses per µm of those", mean=False),
        ),
        "derived: per side and class, as neurite_class_stat (connectomedb.etl.class_stats)",
    ),
    NodeLabel(
        "ClassSpecificity",
        "id",
        (
            DATASET,
            *props("""
                id            int64  -- row number
                axon_synapses int64  -- the axon threshold it answers (from the previous + 1)
                axon_class    string
                target_class  string
                axons         int64  -- kept axons of the class
                synapses      int64  -- their synapses onto the target class
                fraction      double -- of the class's kept synapses
            """),
            *distribution("axon_fraction", "the axons' own fractions onto the target class"),
        ),
        "derived: target_specificity without a target threshold per axon threshold, as"
        " class_specificity (connectomedb.etl.class_thresholds)",
    ),
    NodeLabel(
        "ClassSpecificityTarget",
        "id",
        (
            DATASET,
            *props("""
                id              int64  -- row number
                axon_synapses   int64  -- the axon threshold it answers (from the previous + 1)
                target_synapses int64  -- the target threshold it answers (2147483647: none)
                axon_class      string
                target_class    string
                axons           int64  -- kept axons of the class
                synapses        int64  -- their kept synapses onto the target class
                fraction        double -- of the class's kept synapses
            """),
            *distribution("axon_fraction", "the axons' own fractions onto the target class"),
            *props("""
                block_rows      int64  -- rows of its block: consecutive IDs from the first
            """),
        ),
        "derived: target_specificity with a target threshold per pair of thresholds, as"
        " class_specificity_target (connectomedb.etl.specificity)",
    ),
)

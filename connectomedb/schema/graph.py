"""The graph model of ``docs/model.md``: one definition for LadybugDB, Neo4j and the
``neo4j-admin`` import files.

Every node carries ``dataset`` (the dataset key, see :mod:`connectomedb.stores.graph`) and is
identified by ``(dataset, <key property>)``: ``id`` (the published ID) for neurites, segments,
synapses and neurons, ``name`` for the class nodes, ``dataset`` itself for the ``Dataset`` node.
Relationships connect nodes of one dataset only, so they carry no ``dataset`` of their own.

Identifiers reach Cypher only through :func:`quote_identifier`, which accepts names of this
model and nothing else.
"""

from __future__ import annotations

from connectomedb.schema.graph_types import (
    NodeLabel,
    Prop,
    PropType,
    RelType,
    class_rel,
    distribution,
)

#: Bump when a label, property or relationship changes; stored on the ``Dataset`` node, and a
#: stored graph of another version is rebuilt by the next load even from unchanged files.
GRAPH_MODEL_VERSION = 4


def _p(name: str, type_: PropType, doc: str = "") -> Prop:
    return Prop(name, type_, doc)


_I16, _I32, _I64 = PropType.INT16, PropType.INT32, PropType.INT64
_F64, _STR, _BOOL = PropType.DOUBLE, PropType.STRING, PropType.BOOL


def _axon_pair_ranks(order: str, things: str) -> tuple[Prop, ...]:
    """The class of a pair of axons and the ranks of the pair, by ``order``, among the
    ``things`` of its target class and of its axon class."""
    return (
        _p("axon_class", _STR, "the class of both axons; missing when they differ"),
        _p("rank", _I64, f"position by {order} within target_class"),
        _p("class_rank", _I64, f"the same among {things} of axon_class; -1 when it is missing"),
    )


_DATASET = _p("dataset", _STR, "dataset key (the name; in Neo4j name@version)")
_ID = _p("id", _I64, "published ID")
_POSITIONS = tuple(
    _p(f"{where}_{axis}", _I32, f"{where} position, voxels, 1-based")
    for where in ("pre", "syn", "post")
    for axis in "xyz"
)

NODE_LABELS: tuple[NodeLabel, ...] = (
    NodeLabel(
        "Dataset",
        "dataset",
        (
            _DATASET,
            _p("name", _STR, "dataset name"),
            _p("version", _STR, "load version"),
            _p("current", _BOOL, "the version queries see"),
            _p("graph_model_version", _I64),
            _p("loaded_at", PropType.TIMESTAMP, "UTC"),
            _p("source", _STR, "source folder"),
            _p("file_names", PropType.STRING_LIST, "source files"),
            _p("file_sha256", PropType.STRING_LIST, "their SHA-256, same order"),
        ),
        "one per loaded dataset (version)",
    ),
    NodeLabel(
        "Segment",
        "id",
        (
            _DATASET,
            _ID,
            _p("x", _I32),
            _p("y", _I32),
            _p("z", _I32),
            _p("voxel_count", _I64),
        ),
        "every segment an agglomerate or a synapse names (all segments: PostgreSQL)",
    ),
    NodeLabel(
        "Axon",
        "id",
        (
            _DATASET,
            _ID,
            _p("class", _STR, "canonical class name"),
            _p("class_code", _I16),
            _p("mapped_seg_id", _I64),
            _p("path_length_um", _F64, "skeleton path length"),
            _p("synapses", _I64, "connectome synapses it makes"),
        ),
    ),
    NodeLabel(
        "Target",
        "id",
        (
            _DATASET,
            _ID,
            _p("class", _STR, "canonical class name"),
            _p("class_code", _I16),
            _p("neuron_id", _I64),
            _p("mapped_seg_id", _I64),
            _p("path_length_um", _F64, "skeleton path length"),
            _p("synapses", _I64, "connectome synapses it receives"),
        ),
    ),
    NodeLabel("Neuron", "id", (_DATASET, _ID)),
    NodeLabel("SpineHead", "id", (_DATASET, _ID, _p("volume_um3", _F64))),
    NodeLabel(
        "Synapse",
        "id",
        (
            _DATASET,
            _ID,
            _p("type", _STR, "canonical type name"),
            _p("type_code", _I16),
            _p("asi_area", _F64, "µm²"),
            *_POSITIONS,
            _p("split_axon_id", _I64),
            _p("in_connectome", _BOOL, "has an axon and a target"),
        ),
    ),
    NodeLabel("AxonClass", "name", (_DATASET, _p("name", _STR), _p("code", _I16, "smallest code"))),
    NodeLabel(
        "TargetClass", "name", (_DATASET, _p("name", _STR), _p("code", _I16, "smallest code"))
    ),
    NodeLabel(
        "MotifHistogram",
        "id",
        (
            _DATASET,
            _p("id", _I64, "row number"),
            _p("motif", _STR, "motif query name"),
            _p("axon_class", _STR, "axon class filter; missing: none"),
            _p("target_class", _STR, "target class filter; missing: none"),
            _p("value", _I64, "value of the motif's thresholded quantity"),
            _p("instances", _I64, "instances with that value"),
        ),
        "derived: instances of each motif per class filter and value (connectomedb.etl.motifs)",
    ),
    NodeLabel(
        "AxonFraction",
        "id",
        (
            _DATASET,
            _p("id", _I64, "row number"),
            _p("axon_class", _STR),
            _p("target_class", _STR, "missing: every class (synapses = axon_synapses)"),
            _p("axon_synapses", _I64, "the axons' connectome synapses"),
            _p("synapses", _I64, "of them onto the target class"),
            _p("axons", _I64, "axons of the class with these two counts"),
        ),
        "derived: axons per class pair, synapse count and synapses onto the target class"
        " (as class_axon_fraction; connectomedb.etl.class_stats)",
    ),
    NodeLabel(
        "AxonDivergence",
        "id",
        (
            _DATASET,
            _p("id", _I64, "row number"),
            _p("axon_id", _I64),
            _p("axon_class", _STR),
            _p("target_class", _STR, "targets counted; missing: every class"),
            _p("targets", _I64, "targets it connects to"),
            _p("neurons", _I64, "distinct neurons of those targets"),
            _p("synapses", _I64, "connectome synapses onto them"),
        ),
        "derived: per axon, over every target class and per target class it connects to"
        " (connectomedb.etl.class_stats)",
    ),
    NodeLabel(
        "TargetConvergence",
        "id",
        (
            _DATASET,
            _p("id", _I64, "row number"),
            _p("target_id", _I64),
            _p("target_class", _STR),
            _p("neuron_id", _I64),
            _p("axon_class", _STR, "axons counted; missing: every class"),
            _p("axons", _I64, "axons connected to it"),
            _p("synapses", _I64, "connectome synapses from them"),
        ),
        "derived: per target, from every axon class and per axon class connected to it"
        " (connectomedb.etl.class_stats)",
    ),
    NodeLabel(
        "NeuriteClassStat",
        "id",
        (
            _DATASET,
            _p("id", _I64, "row number"),
            _p("side", _STR, "'axon' or 'target'"),
            _p("class", _STR, "canonical class name"),
            _p("neurites", _I64, "every neurite of the class in the files"),
            _p("synapses", _I64, "their connectome synapses"),
            *distribution("degree", "connectome synapses per neurite"),
            _p("degree_max", _I64, "largest"),
            _p("skeleton_neurites", _I64, "of them with a skeleton path length > 0"),
            _p("path_length_um", _F64, "their summed path length; missing without one"),
            _p("skeleton_synapses", _I64, "their connectome synapses"),
            *distribution("density", "synapses per µm of those", mean=False),
        ),
        "derived: per side and class, as neurite_class_stat (connectomedb.etl.class_stats)",
    ),
)

REL_TYPES: tuple[RelType, ...] = (
    RelType("PRE", (("Segment", "Synapse"),), doc="presynaptic segment set"),
    RelType("POST", (("Synapse", "Segment"),), doc="postsynaptic segment set"),
    RelType("MAKES", (("Axon", "Synapse"),)),
    RelType("ONTO", (("Synapse", "Target"),)),
    RelType("ON_SPINE", (("Synapse", "SpineHead"),)),
    RelType("OF_NEURON", (("Target", "Neuron"),)),
    RelType(
        "HAS_SEGMENT",
        (("Axon", "Segment"), ("Target", "Segment"), ("SpineHead", "Segment")),
        doc="agglomerates",
    ),
    RelType("IN_CLASS", (("Axon", "AxonClass"), ("Target", "TargetClass"))),
    RelType(
        "CONNECTS_TO",
        (("Axon", "Target"),),
        (
            _p("synapses", _I64, "connectome synapses of the pair"),
            _p("asi_area_sum", _F64, "sum of their ASI areas with a value; null if none"),
            _p("asi_area_count", _I64, "how many of them have an ASI area"),
        ),
        "aggregate: one per connection",
    ),
    RelType(
        "CLASS_CONNECTS_TO",
        (("AxonClass", "TargetClass"),),
        (
            _p("synapses", _I64, "connectome synapses"),
            _p("connections", _I64, "distinct (axon, target) pairs"),
        ),
        "aggregate: one per (axon class, target class) with a synapse",
    ),
    class_rel(
        "CLASS_SYNAPSES",
        (
            _p("synapse_type", _STR, "synapse type counted; missing: every type"),
            _p("synapses", _I64, "connectome synapses"),
            _p("asi_count", _I64, "how many have an ASI area"),
            *distribution("asi", "ASI area, µm²"),
        ),
        "per (axon class, target class) and synapse type with a connectome synapse, and over"
        " every type",
    ),
    class_rel(
        "CLASS_MULTIPLICITY",
        (
            _p("connections", _I64, "connections (axon-target pairs with a synapse)"),
            _p("synapses", _I64, "connectome synapses"),
            *distribution("multiplicity", "synapses per connection"),
            _p("multiplicity_max", _I64, "largest"),
            _p("multi_synaptic", _I64, "connections of two or more synapses"),
        ),
        "per (axon class, target class) with a connection",
    ),
    class_rel(
        "CLASS_DEGREE_CELL",
        (
            _p("axon_synapses", _I64, "connectome synapses of the axons counted"),
            _p("target_synapses", _I64, "connectome synapses of the targets counted"),
            _p("synapses", _I64, "of the connections between such axons and targets"),
            _p("axons", _I64, "axons whose largest target count in the cell is target_synapses"),
            _p("targets", _I64, "targets whose largest axon count in the cell is axon_synapses"),
        ),
        "per (axon class, target class, axon's synapses, target's synapses) with a connection,"
        " as class_degree_cell",
    ),
    class_rel(
        "CLASS_PAIR_CV",
        (
            _p("synapse_type", _STR, "type of both synapses; missing: every type"),
            _p("pairs", _I64, "connections of two synapses, both with an ASI area"),
            _p("cv_mean", _F64, "mean CV of their two ASI areas"),
            _p("cv_median", _F64, "median CV (linear interpolation)"),
            _p("random_pairs", _I64, "random pairs of the same synapses"),
            _p("random_cv_mean", _F64, "mean CV of a random pair"),
            _p("random_cv_median", _F64, "median CV of a random pair"),
        ),
        "per (axon class, target class) and synapse type with a counted connection, and over"
        " every type, as class_pair_cv (asi_pair_cv; connectomedb.etl.pair_cv)",
    ),
    RelType(
        "NEURON_INPUT",
        (("AxonClass", "Neuron"),),
        (
            _p("targets", _I64, "the neuron's targets with a synapse from the class"),
            _p("synapses", _I64, "connectome synapses from the class onto them"),
            _p("fraction", _F64, "of every input synapse of the neuron"),
        ),
        "aggregate: per axon class and neuron with a connectome synapse between them, as"
        " bi_neuron_inputs (connectomedb.etl.class_level)",
    ),
    RelType(
        "SHARES_TARGETS",
        (("Axon", "Axon"),),
        (
            _p("target_class", _STR, "class of the targets counted; missing: every class"),
            _p("shared", _I64, "targets both axons connect to"),
            *_axon_pair_ranks("shared descending, then IDs,", "pairs"),
        ),
        "derived: from the smaller axon ID to the larger, per pair sharing at least 2 targets"
        " (of the class)",
    ),
    RelType(
        "BIFAN",
        (("Axon", "Axon"),),
        (
            _p("target_a", _I64, "the smaller target ID"),
            _p("target_b", _I64, "the larger target ID"),
            _p("target_class", _STR, "both targets' class; missing: counted over every class"),
            *_axon_pair_ranks("(axon IDs, target IDs)", "bi-fans"),
        ),
        "derived: from the smaller axon ID to the larger, one per bi-fan (two targets both"
        " axons connect to), over every class and per target class",
    ),
)

#: Skeleton tracings (``connectomedb tracings add --dataset``), kept apart from the load's
#: model: a load does not build them; they are added to the dataset's current graph.
TRACING_LABELS: tuple[NodeLabel, ...] = (
    NodeLabel(
        "Tracing",
        "id",
        (
            _DATASET,
            _p("id", _I64, "tracing_id of PostgreSQL"),
            _p("file", _STR, "NML file name"),
            _p("kind", _STR, "tracing set"),
            _p("tree_id", _I64, "<thing id> in the file"),
            _p("name", _STR),
            _p("label", _STR, "neurite type, if any"),
            _p("nodes", _I64),
            _p("path_length_um", _F64),
        ),
        "one per tree of an NML file",
    ),
    NodeLabel(
        "TracingNode",
        "node_key",
        (
            _DATASET,
            _p("node_key", _I64, "tracing_id * 2^32 + node_id"),
            _p("tracing_id", _I64),
            _p("node_id", _I64, "<node id> in the file"),
            _p("x", _I32),
            _p("y", _I32),
            _p("z", _I32),
            _p("radius", _F64),
            _p("comment", _STR),
            _p("branch_point", _BOOL),
            _p("segment_id", _I64, "segment under the node; null until looked up, 0 = none"),
        ),
    ),
)
TRACING_RELS: tuple[RelType, ...] = (
    RelType("HAS_NODE", (("Tracing", "TracingNode"),)),
    RelType(
        "TRACED_TO",
        (("TracingNode", "TracingNode"),),
        (_p("length_um", _F64, "edge length"),),
        "an edge of the tracing (source to target as in the file)",
    ),
)

NODES: dict[str, NodeLabel] = {n.name: n for n in NODE_LABELS}
RELS: dict[str, RelType] = {r.name: r for r in REL_TYPES}

#: Every (type, from, to) triple, in load order.
REL_PAIRS: tuple[tuple[str, str, str], ...] = tuple(
    (r.name, a, b) for r in REL_TYPES for a, b in r.endpoints
)

_IDENTIFIERS = (
    set(NODES)
    | set(RELS)
    | {p.name for n in NODE_LABELS + TRACING_LABELS for p in n.props}
    | {p.name for r in REL_TYPES + TRACING_RELS for p in r.props}
    | {n.name for n in TRACING_LABELS}
    | {r.name for r in TRACING_RELS}
)


def quote_identifier(name: str) -> str:
    """``name`` quoted for Cypher (both engines); only names of this model are accepted."""
    if name not in _IDENTIFIERS:
        raise ValueError(f"{name!r} is not a label, type or property of the graph model")
    return f"`{name}`"

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

from connectomedb.schema.graph_class_level import CLASS_LEVEL_LABELS
from connectomedb.schema.graph_tracings import TRACING_LABELS, TRACING_RELS
from connectomedb.schema.graph_types import (
    DATASET,
    ID,
    NodeLabel,
    Prop,
    PropType,
    RelType,
    class_rel,
    distribution,
    props,
)

#: Bump when a label, property or relationship changes; stored on the ``Dataset`` node, and a
#: stored graph of another version is rebuilt by the next load even from unchanged files.
GRAPH_MODEL_VERSION = 6


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


_DATASET, _ID = DATASET, ID
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
            *props("""
                name                string    -- dataset name
                version             string    -- load version
                current             bool      -- the version queries see
                graph_model_version int64
                loaded_at           timestamp -- UTC
                source              string    -- source folder
                file_names          string[]  -- source files
                file_sha256         string[]  -- their SHA-256, same order
            """),
        ),
        "one per loaded dataset (version)",
    ),
    NodeLabel(
        "Segment",
        "id",
        (
            _DATASET,
            _ID,
            *props("""
                x y z       int32
                voxel_count int64
            """),
        ),
        "every segment an agglomerate or a synapse names (all segments: PostgreSQL)",
    ),
    NodeLabel(
        "Axon",
        "id",
        (
            _DATASET,
            _ID,
            *props("""
                class          string -- canonical class name
                class_code     int16
                mapped_seg_id  int64
                path_length_um double -- skeleton path length
                synapses       int64  -- connectome synapses it makes
            """),
        ),
    ),
    NodeLabel(
        "Target",
        "id",
        (
            _DATASET,
            _ID,
            *props("""
                class                   string -- canonical class name
                class_code              int16
                neuron_id mapped_seg_id int64
                path_length_um          double -- skeleton path length
                synapses                int64  -- connectome synapses it receives
            """),
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
            *props("""
                type      string -- canonical type name
                type_code int16
                asi_area  double -- µm²
            """),
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
            *props("""
                id           int64  -- row number
                motif        string -- motif query name
                axon_class   string -- axon class filter; missing: none
                target_class string -- target class filter; missing: none
                value        int64  -- value of the motif's thresholded quantity
                instances    int64  -- instances with that value
            """),
        ),
        "derived: instances of each motif per class filter and value (connectomedb.etl.motifs)",
    ),
    NodeLabel(
        "AxonFraction",
        "id",
        (
            _DATASET,
            *props("""
                id            int64  -- row number
                axon_class    string
                target_class  string -- missing: every class (synapses = axon_synapses)
                axon_synapses int64  -- the axons' connectome synapses
                synapses      int64  -- of them onto the target class
                axons         int64  -- axons of the class with these two counts
            """),
        ),
        "derived: axons per class pair, synapse count and synapses onto the target class"
        " (as class_axon_fraction; connectomedb.etl.class_stats)",
    ),
    NodeLabel(
        "AxonDivergence",
        "id",
        (
            _DATASET,
            *props("""
                id           int64  -- row number
                axon_id      int64
                axon_class   string
                target_class string -- targets counted; missing: every class
                targets      int64  -- targets it connects to
                neurons      int64  -- distinct neurons of those targets
                synapses     int64  -- connectome synapses onto them
            """),
        ),
        "derived: per axon, over every target class and per target class it connects to"
        " (connectomedb.etl.class_stats)",
    ),
    NodeLabel(
        "TargetConvergence",
        "id",
        (
            _DATASET,
            *props("""
                id           int64  -- row number
                target_id    int64
                target_class string
                neuron_id    int64
                axon_class   string -- axons counted; missing: every class
                axons        int64  -- axons connected to it
                synapses     int64  -- connectome synapses from them
            """),
        ),
        "derived: per target, from every axon class and per axon class connected to it"
        " (connectomedb.etl.class_stats)",
    ),
    *CLASS_LEVEL_LABELS,
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
            *props("""
                synapses       int64  -- connectome synapses of the pair
                asi_area_sum   double -- sum of their ASI areas with a value; null if none
                asi_area_count int64  -- how many of them have an ASI area
            """),
        ),
        "aggregate: one per connection",
    ),
    RelType(
        "CLASS_CONNECTS_TO",
        (("AxonClass", "TargetClass"),),
        (
            *props("""
                synapses    int64 -- connectome synapses
                connections int64 -- distinct (axon, target) pairs
            """),
        ),
        "aggregate: one per (axon class, target class) with a synapse",
    ),
    class_rel(
        "CLASS_SYNAPSES",
        (
            *props("""
                synapse_type string -- synapse type counted; missing: every type
                synapses     int64  -- connectome synapses
                asi_count    int64  -- how many have an ASI area
            """),
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
            *props("""
                axon_synapses   int64 -- connectome synapses of the axons counted
                target_synapses int64 -- connectome synapses of the targets counted
                synapses        int64 -- of the connections between such axons and targets
            """),
            _p("axons", _I64, "axons whose largest target count in the cell is target_synapses"),
            _p("targets", _I64, "targets whose largest axon count in the cell is axon_synapses"),
        ),
        "per (axon class, target class, axon's synapses, target's synapses) with a connection,"
        " as class_degree_cell",
    ),
    class_rel(
        "CLASS_PAIR_CV",
        (
            *props("""
                synapse_type     string -- type of both synapses; missing: every type
                pairs            int64  -- connections of two synapses, both with an ASI area
                cv_mean          double -- mean CV of their two ASI areas
                cv_median        double -- median CV (linear interpolation)
                random_pairs     int64  -- random pairs of the same synapses
                random_cv_mean   double -- mean CV of a random pair
                random_cv_median double -- median CV of a random pair
            """),
        ),
        "per (axon class, target class) and synapse type with a counted connection, and over"
        " every type, as class_pair_cv (asi_pair_cv; connectomedb.etl.pair_cv)",
    ),
    RelType(
        "NEURON_INPUT",
        (("AxonClass", "Neuron"),),
        (
            *props("""
                targets  int64  -- the neuron's targets with a synapse from the class
                synapses int64  -- connectome synapses from the class onto them
                fraction double -- of every input synapse of the neuron
            """),
        ),
        "aggregate: per axon class and neuron with a connectome synapse between them, as"
        " bi_neuron_inputs (connectomedb.etl.class_level)",
    ),
    RelType(
        "SHARES_TARGETS",
        (("Axon", "Axon"),),
        (
            *props("""
                target_class string -- class of the targets counted; missing: every class
                shared       int64  -- targets both axons connect to
            """),
            *_axon_pair_ranks("shared descending, then IDs,", "pairs"),
        ),
        "derived: from the smaller axon ID to the larger, per pair sharing at least 2 targets"
        " (of the class)",
    ),
    RelType(
        "BIFAN",
        (("Axon", "Axon"),),
        (
            *props("""
                target_a     int64  -- the smaller target ID
                target_b     int64  -- the larger target ID
                target_class string -- both targets' class; missing: counted over every class
            """),
            *_axon_pair_ranks("(axon IDs, target IDs)", "bi-fans"),
        ),
        "derived: from the smaller axon ID to the larger, one per bi-fan (two targets both"
        " axons connect to), over every class and per target class",
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

"""The graph model of skeleton tracings (``connectomedb tracings add --dataset``), part of
:mod:`connectomedb.schema.graph` but kept apart from the load's model: a load does not build
them; they are added to the dataset's current graph."""

from __future__ import annotations

from connectomedb.schema.graph_types import DATASET, NodeLabel, RelType, props

TRACING_LABELS: tuple[NodeLabel, ...] = (
    NodeLabel(
        "Tracing",
        "id",
        (
            DATASET,
            *props("""
                id                int64  -- tracing_id of PostgreSQL
                file              string -- NML file name
                kind              string -- tracing set
                tree_id           int64  -- <thing id> in the file
                name              string
                label             string -- neurite type, if any
                nodes             int64
                nodes_on_segments int64  -- of them with a segment_id > 0
                path_length_um    double
            """),
        ),
        "one per tree of an NML file",
    ),
    NodeLabel(
        "TracingNode",
        "node_key",
        (
            DATASET,
            *props("""
                node_key     int64  -- tracing_id * 2^32 + node_id
                tracing_id   int64
                node_id      int64  -- <node id> in the file
                x y z        int32
                radius       double
                comment      string
                branch_point bool
                segment_id   int64  -- segment under the node; null until looked up, 0 = none
            """),
        ),
    ),
)
TRACING_RELS: tuple[RelType, ...] = (
    RelType("HAS_NODE", (("Tracing", "TracingNode"),)),
    RelType(
        "TRACED_TO",
        (("TracingNode", "TracingNode"),),
        props("length_um double -- edge length"),
        "an edge of the tracing (source to target as in the file)",
    ),
    RelType(
        "ON_AGGLOMERATE",
        (("TracingNode", "Axon"), ("TracingNode", "Target")),
        doc="derived: to every axon and target whose agglomerate holds the node's segment"
        " (segment_id > 0), one each",
    ),
    RelType(
        "OVERLAPS",
        (("Tracing", "Axon"), ("Tracing", "Target")),
        props("""
            nodes          int64  -- the tracing's nodes ON_AGGLOMERATE it
            path_length_um double -- length of the tracing's edges with both nodes on it
        """),
        "derived: one per tracing and axon or target it overlaps (as the tracing_overlap view"
        " of PostgreSQL), read by tracing_overlaps and tracing_evaluation",
    ),
)

"""Queries refuse a dataset built under another data model than the one this connectomedb reads.

Tables derived at load time were added by later migrations; a dataset loaded before one of them
holds no rows there, and a query reading it would answer as if there were nothing to find.
Each store records the model a dataset's rows were built with (PostgreSQL in
``dataset.model_version``, the graph on its ``Dataset`` node); the next load of the same files
rebuilds a dataset of another model (:mod:`connectomedb.etl.load.decision`), and until then
:func:`require_current_model` raises :class:`~connectomedb.errors.OutdatedDatasetError`.

A graph is loaded with its segment layer or without it (``Settings.graph_segments``, off by
default; its ``Dataset`` node records which): :func:`require_segment_layer` refuses a statement
that reads the layer of a graph loaded without it, rather than let it answer nothing.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, cast

from connectomedb.errors import MissingSegmentLayerError, OutdatedDatasetError
from connectomedb.schema import POSTGRES_MODEL_VERSION
from connectomedb.schema.graph import GRAPH_MODEL_VERSION, SEGMENT_LABELS, SEGMENT_RELS
from connectomedb.stores.sql import Connection, SqlConnection, detect_engine, fetch

if TYPE_CHECKING:
    from connectomedb.stores.graph import GraphStore


def require_current_model(conn: Connection, name: str) -> None:
    """Return when dataset ``name`` of ``conn`` was built under the current model (or is not
    loaded there: that is for the caller to report), else :class:`OutdatedDatasetError`
    saying how to rebuild it. One small read: the dataset's row, or its ``Dataset`` node."""
    if detect_engine(conn) == "sql":
        store, current = "PostgreSQL", POSTGRES_MODEL_VERSION
        _, rows = fetch(
            cast(SqlConnection, conn),
            "SELECT model_version, source FROM dataset WHERE name = %(dataset)s",
            {"dataset": name},
        )
        if not rows:
            return
        found, source = rows[0]
    else:
        store, current = "the graph", GRAPH_MODEL_VERSION
        stored = cast("GraphStore", conn).stored_dataset(name)
        if stored is None:
            return
        found, source = stored.model_version, stored.source
    if found == current:
        return
    built = "no version recorded" if found is None else f"version {found}"
    raise OutdatedDatasetError(
        f"dataset {name!r} in {store} was built under another data model ({built}; this "
        f"connectomedb reads version {current}): rows it needs may be missing, so it is not "
        f"queried. Rebuild it by loading its files again: `connectomedb load <folder> "
        f"--dataset {name}`" + (f" (it was loaded from {source})." if source else ".")
    )


#: A label or relationship type of the segment layer where Cypher names one: after ``:`` (or
#: ``|`` of a type alternation), backquoted or not (``AxonInitialSegment`` is not one).
_SEGMENT_LAYER = re.compile(
    r"[:|]\s*`?(?:" + "|".join(SEGMENT_LABELS + SEGMENT_RELS) + r")`?(?![\w`])"
)


def reads_segment_layer(cypher: str) -> bool:
    """Whether ``cypher`` matches a label or relationship type of the graph's segment layer."""
    text = "\n".join(line.split("//", 1)[0] for line in cypher.splitlines())
    return _SEGMENT_LAYER.search(text) is not None


def require_segment_layer(store: GraphStore, name: str) -> None:
    """Return when the graph of dataset ``name`` holds its segment layer (or the dataset is
    not loaded there), else :class:`MissingSegmentLayerError` saying where the segments are:
    in PostgreSQL, or in the graph after a reload with the layer."""
    stored = store.stored_dataset(name)
    if stored is None or stored.segments:
        return
    raise MissingSegmentLayerError(
        f"the statement reads the graph's segment layer, but the graph of dataset {name!r} was "
        "loaded without it (Segment nodes and PRE, POST, HAS_SEGMENT are optional and off by "
        "default). PostgreSQL holds every segment (tables segment, axon_segment, "
        "target_segment, spine_head_segment, synapse_pre_segment, synapse_post_segment); or "
        f"load the dataset again with its segment layer: `connectomedb load <folder> --dataset "
        f"{name} --graph-segments`"
        + (f" (it was loaded from {stored.source})" if stored.source else "")
        + f", then `connectomedb tracings graph --dataset {name}` to copy its tracings into "
        "the new graph."
    )

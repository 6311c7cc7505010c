"""Loading the graph: LadybugDB (embedded, default) or Neo4j (``Settings.graph_url``).

Two phases, so the pipeline can load PostgreSQL and the graph side by side and make both
visible together::

    load = begin_graph_load(settings, source, "l4dense", replace=False, progress=cb)
    if load is not None:          # None: these files are already loaded
        try:
            report = load.prepare()   # builds everything, invisible to readers
        except BaseException:
            load.abort()              # removes what prepare built
            raise
        load.commit()                 # atomic switch; the old graph is removed

``progress(step, done, total)`` is called as rows are written: ``step`` names the node label
or relationship type (``"nodes Axon"``, ``"rels HAS_SEGMENT Axon→Segment"``), ``done`` and
``total`` count rows of the whole load.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Protocol

from connectomedb.config import Settings
from connectomedb.etl.frames import SourceDataset
from connectomedb.etl.graph_plan import GraphFrames, GraphPlan
from connectomedb.etl.load.decision import Action, decide, fingerprint
from connectomedb.etl.transform_graph import dataset_node, graph_plan
from connectomedb.schema.graph import GRAPH_MODEL_VERSION
from connectomedb.stores.fingerprint import StoredDataset

#: ``progress(step, rows done, rows total)``.
ProgressFn = Callable[[str, int, int], None]


@dataclass
class StepReport:
    """One node label or (relationship type, from, to) written: rows and seconds."""

    step: str
    rows: int
    seconds: float


@dataclass
class GraphLoadReport:
    engine: str  # "ladybug" or "neo4j"
    dataset: str  # the dataset name
    key: str  # the dataset key the new graph is stored under
    nodes: dict[str, int] = field(default_factory=dict)
    relationships: dict[str, int] = field(default_factory=dict)
    steps: list[StepReport] = field(default_factory=list)
    seconds: float = 0.0
    batches: int = 0

    @property
    def rows(self) -> int:
        return sum(self.nodes.values()) + sum(self.relationships.values())

    def count(self, frames: GraphFrames | GraphPlan) -> None:
        """Nodes and relationships written: the frames' rows and the ``Dataset`` node."""
        self.nodes = {**frames.node_counts(), "Dataset": 1}
        self.relationships = frames.rel_counts()


def needs_load(
    stored: StoredDataset | None,
    source: SourceDataset,
    name: str,
    *,
    replace: bool,
    segments: bool = False,
) -> bool:
    """Whether a graph store holding ``stored`` must be loaded with ``source`` as ``name``
    (:func:`connectomedb.etl.load.decision.decide` under the current graph model, with the
    segment layer or without it as ``segments`` says)."""
    action = decide(
        stored,
        fingerprint(source),
        replace=replace,
        dataset=name,
        store="graph",
        folder=source.folder,
        model_version=GRAPH_MODEL_VERSION,
        segments=segments,
    )
    return action is not Action.UNCHANGED


def new_version_content(
    source: SourceDataset, name: str, key: str, version: str, *, segments: bool = False
) -> tuple[GraphFrames, dict[str, object]]:
    """What both writers store for a new version: the frames and the ``Dataset`` node
    (``segments``: with the segment layer, see
    :func:`~connectomedb.etl.transform_graph.graph_plan`)."""
    plan, node = new_version_plan(source, name, key, version, segments=segments)
    return plan.build(), node


def new_version_plan(
    source: SourceDataset, name: str, key: str, version: str, *, segments: bool = False
) -> tuple[GraphPlan, dict[str, object]]:
    """:func:`new_version_content` with the frames built one at a time, as they are asked for."""
    node = dataset_node(
        source,
        name=name,
        key=key,
        version=version,
        loaded_at=datetime.now(timezone.utc),
        segments=segments,
    )
    return graph_plan(source, segments=segments), node


class GraphLoad(Protocol):
    """A graph load in progress (see the module docstring)."""

    dataset: str
    key: str

    def prepare(self) -> GraphLoadReport: ...

    def commit(self) -> None: ...

    def abort(self) -> None: ...


def begin_graph_load(
    settings: Settings,
    source: SourceDataset,
    dataset_name: str,
    *,
    replace: bool,
    progress: ProgressFn | None = None,
) -> GraphLoad | None:
    """Start loading ``source`` as ``dataset_name`` into the configured graph store.

    The graph gets its segment layer when ``settings.graph_segments`` is set. Returns ``None``
    when the store already holds this dataset loaded from files with the same SHA-256 sums
    under the current graph model version and the same choice of segment layer (nothing to
    do). Raises
    :class:`~connectomedb.errors.LoadError` when the dataset is loaded from other files and
    ``replace`` is false, or when another load of the same dataset is running.
    """
    if settings.uses_embedded_graph:
        from connectomedb.etl.load.graph.ladybug import begin_ladybug_load

        return begin_ladybug_load(
            settings.embedded_graph_dir,
            source,
            dataset_name,
            replace=replace,
            progress=progress,
            segments=settings.graph_segments,
        )
    from connectomedb.etl.load.graph.neo4j import begin_neo4j_load

    return begin_neo4j_load(settings, source, dataset_name, replace=replace, progress=progress)


__all__ = [
    "GraphLoad",
    "GraphLoadReport",
    "ProgressFn",
    "StepReport",
    "begin_graph_load",
    "needs_load",
    "new_version_content",
    "new_version_plan",
]

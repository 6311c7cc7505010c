"""The graph's frames, whole (:class:`GraphFrames`) or each built when it is asked for
(:class:`GraphPlan`): a loader that writes one frame at a time builds it just before writing
it and drops it after, so the frames of the whole graph are never in memory at once.

Both hold the same frames (:meth:`GraphPlan.build` is :class:`GraphFrames`); their row counts
are known before any large frame is built, so a load can report its total up front.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pandas as pd

from connectomedb.schema.graph import NODES

RelKey = tuple[str, str, str]  # (type, from label, to label)


def node_frame(label: str, columns: Mapping[str, object]) -> pd.DataFrame:
    """A node frame with its columns in model order (every model property must be given)."""
    order = [p.name for p in NODES[label].data_props]
    missing = set(order) ^ set(columns)
    if missing:
        raise ValueError(f"{label}: columns do not match the model: {sorted(missing)}")
    return pd.DataFrame({c: columns[c] for c in order})


@dataclass(frozen=True)
class LazyFrame:
    """A frame of ``rows`` rows, built when asked for: whole (:meth:`frame`) or a range of its
    rows at a time (``build(start, stop)``, for a node table copied in chunks)."""

    rows: int
    build: Callable[[int, int], pd.DataFrame]

    @classmethod
    def of(cls, frame: pd.DataFrame) -> LazyFrame:
        """A frame already built (a small one)."""

        def rows(start: int, stop: int) -> pd.DataFrame:
            return frame if (start, stop) == (0, len(frame)) else frame.iloc[start:stop]

        return cls(len(frame), rows)

    @classmethod
    def whole(cls, rows: int, make: Callable[[], pd.DataFrame]) -> LazyFrame:
        """A frame of ``rows`` rows that ``make`` builds whole."""

        def build(start: int, stop: int) -> pd.DataFrame:
            frame = make()
            return frame if (start, stop) == (0, len(frame)) else frame.iloc[start:stop]

        return cls(rows, build)

    def frame(self) -> pd.DataFrame:
        frame = self.build(0, self.rows)
        if len(frame) != self.rows:  # pragma: no cover - guards the counts of the plan
            raise ValueError(f"a graph frame has {len(frame)} rows, {self.rows} were planned")
        return frame


@dataclass(frozen=True)
class GraphFrames:
    """The graph of one dataset.

    ``nodes[label]``: one row per node, columns = the label's properties without ``dataset``
    in model order (``connectomedb.schema.graph.NODES[label].data_props``).
    ``rels[(type, from, to)]``: one row per relationship, columns ``from`` and ``to`` (the key
    of the start and end node: ``id`` int64, or ``name`` str for the class nodes), then the
    type's properties in model order. Every label and every (type, from, to) of the model has
    a frame, possibly empty. The ``Dataset`` node is not here
    (see :func:`connectomedb.etl.transform_graph.dataset_node`).
    """

    nodes: dict[str, pd.DataFrame]
    rels: dict[RelKey, pd.DataFrame]

    def node_counts(self) -> dict[str, int]:
        return {label: len(df) for label, df in self.nodes.items()}

    def rel_counts(self) -> dict[str, int]:
        """Relationships per type, summed over its endpoint pairs."""
        return _per_type({key: len(df) for key, df in self.rels.items()})

    @property
    def total_rows(self) -> int:
        return sum(len(d) for d in self.nodes.values()) + sum(len(d) for d in self.rels.values())


@dataclass(frozen=True)
class GraphPlan:
    """The frames of :class:`GraphFrames`, in the same order, each a :class:`LazyFrame`.

    A writer takes each frame out (``nodes.pop(label)``) as it writes it, so what it has
    written is not kept by the plan.
    """

    nodes: dict[str, LazyFrame]
    rels: dict[RelKey, LazyFrame]

    def node_counts(self) -> dict[str, int]:
        return {label: f.rows for label, f in self.nodes.items()}

    def rel_counts(self) -> dict[str, int]:
        """Relationships per type, summed over its endpoint pairs."""
        return _per_type({key: f.rows for key, f in self.rels.items()})

    @property
    def total_rows(self) -> int:
        return sum(f.rows for f in self.nodes.values()) + sum(f.rows for f in self.rels.values())

    def build(self) -> GraphFrames:
        """Every frame, built."""
        return GraphFrames(
            nodes={label: f.frame() for label, f in self.nodes.items()},
            rels={key: f.frame() for key, f in self.rels.items()},
        )


def _per_type(pairs: dict[RelKey, int]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for (rtype, _, _), n in pairs.items():
        counts[rtype] = counts.get(rtype, 0) + n
    return counts

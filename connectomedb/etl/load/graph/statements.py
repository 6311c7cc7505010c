"""Cypher shared by the graph writers.

The statements here are *portable*: they run unchanged on Neo4j 5 and on LadybugDB (the tests
run them on LadybugDB). Identifiers come from the model through ``quote_identifier``; values
are parameters. Engine-specific statements (Neo4j schema, LadybugDB DDL and COPY) live in the
engine modules.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from connectomedb.schema.graph import NODES, RELS, quote_identifier

q = quote_identifier


@dataclass(frozen=True)
class Statement:
    """One Cypher statement with its parameters; ``portable`` = also valid on LadybugDB."""

    text: str
    params: dict[str, Any] = field(default_factory=dict)
    portable: bool = True
    rows: int = 0  # data rows it writes (for progress)


def dataset_node_statement(props: Mapping[str, Any]) -> Statement:
    """``CREATE`` of the ``Dataset`` node (properties from ``transform_graph.dataset_node``)."""
    names = NODES["Dataset"].prop_names
    body = ", ".join(f"{q(n)}: ${n}" for n in names)
    return Statement(f"CREATE (d:{q('Dataset')} {{{body}}})", {n: props[n] for n in names})


def _records(frame: pd.DataFrame) -> tuple[list[str], list[dict[str, Any]]]:
    """Rows as dicts of Python values (``None`` for missing), leaving out the columns that
    are missing in every row: a missing property is simply not set, and LadybugDB cannot
    type a parameter column that holds only nulls."""
    columns: dict[str, list[Any]] = {}
    for name in frame.columns:
        series = frame[name]
        mask = series.isna().to_numpy()
        if mask.all() and name not in ("from", "to"):
            continue
        values = series.to_numpy(dtype=object) if series.dtype == object else series.tolist()
        if not isinstance(values, list):
            values = values.tolist()
        if mask.any():
            values = [None if m else v for v, m in zip(values, mask, strict=True)]
        columns[name] = values
    names = list(columns)
    rows = [dict(zip(names, t, strict=True)) for t in zip(*columns.values(), strict=True)]
    return names, rows


def node_batches(label: str, frame: pd.DataFrame, key: str, size: int) -> Iterator[Statement]:
    """``UNWIND $rows … CREATE`` statements writing ``frame`` (a node frame) in batches."""
    node = NODES[label]
    for start in range(0, len(frame), size):
        names, rows = _records(frame.iloc[start : start + size])
        sets = [n for n in names if n != node.key]
        text = (
            f"UNWIND $rows AS r CREATE (n:{q(label)} "
            f"{{{q('dataset')}: $dataset, {q(node.key)}: r.{q(node.key)}}})"
        )
        if sets:
            text += " SET " + ", ".join(f"n.{q(s)} = r.{q(s)}" for s in sets)
        yield Statement(text, {"dataset": key, "rows": rows}, rows=len(rows))


def rel_batches(
    rtype: str, frm: str, to: str, frame: pd.DataFrame, key: str, size: int
) -> Iterator[Statement]:
    """``UNWIND $rows … MATCH … MATCH … CREATE`` statements writing a relationship frame."""
    from_key, to_key = NODES[frm].key, NODES[to].key
    props = set(RELS[rtype].prop_names)
    for start in range(0, len(frame), size):
        names, rows = _records(frame.iloc[start : start + size])
        sets = [n for n in names if n in props]
        text = (
            f"UNWIND $rows AS r "
            f"MATCH (a:{q(frm)} {{{q('dataset')}: $dataset, {q(from_key)}: r.`from`}}) "
            f"MATCH (b:{q(to)} {{{q('dataset')}: $dataset, {q(to_key)}: r.`to`}}) "
            f"CREATE (a)-[e:{q(rtype)}]->(b)"
        )
        if sets:
            text += " SET " + ", ".join(f"e.{q(s)} = r.{q(s)}" for s in sets)
        yield Statement(text, {"dataset": key, "rows": rows}, rows=len(rows))


def delete_batch_statement(label: str, key: str, size: int) -> Statement:
    """Deletes up to ``size`` nodes of ``label`` of dataset ``key`` with their relationships;
    returns ``deleted``. Repeat until it returns 0."""
    return Statement(
        f"MATCH (n:{q(label)} {{{q('dataset')}: $dataset}}) WITH n LIMIT $limit "
        "DETACH DELETE n RETURN count(*) AS deleted",
        {"dataset": key, "limit": int(size)},
    )

"""Result values as the console prints them.

Nodes and relationships come back as dicts with ``_LABEL`` (and, from LadybugDB, internal
``_ID``/``_SRC``/``_DST`` fields). In a table they read like Cypher, ``(:Axon {id: 3, …})`` and
``[:CONNECTS_TO {synapses: 2}]``; in CSV a nested value is one JSON text; in JSON they are
objects with ``_label`` and the properties that are set.
"""

from __future__ import annotations

import datetime
import json
import uuid
from decimal import Decimal
from typing import Any

import pandas as pd

_INTERNAL = ("_ID", "_SRC", "_DST")


def _is_entity(value: Any) -> bool:
    return isinstance(value, dict) and "_LABEL" in value


def _scalar(value: Any) -> Any:
    """A scalar JSON can hold: exact numbers as numbers, times as ISO 8601 text, UUIDs and
    intervals as text."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (uuid.UUID, datetime.timedelta)):
        return str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    if value is pd.NaT:
        return None
    return value


def plain(value: Any) -> Any:
    """A JSON-ready value: entities as ``{"_label": …, <set properties>}``."""
    if _is_entity(value):
        props = {
            k: plain(v)
            for k, v in value.items()
            if k not in _INTERNAL and k != "_LABEL" and v is not None
        }
        return {"_label": value["_LABEL"], **props}
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):
        return plain(value.tolist())
    return _scalar(value)


def cypher_text(value: Any) -> Any:
    """Nested values written as Cypher: ``(:Axon {id: 3})``, ``[:ONTO]``, ``[1, 2]``."""
    if _is_entity(value):
        item = plain(value)
        label = item.pop("_label")
        body = ", ".join(f"{k}: {_literal(v)}" for k, v in item.items())
        body = f" {{{body}}}" if body else ""
        relationship = "_SRC" in value or "_DST" in value or label.isupper()
        return f"[:{label}{body}]" if relationship else f"(:{label}{body})"
    if isinstance(value, (dict, list, tuple)):
        return _literal(plain(value))
    return value


def _literal(value: Any) -> str:
    if isinstance(value, str):
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_literal(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def for_output(frame: pd.DataFrame, fmt: str) -> pd.DataFrame:
    """``frame`` with its nested values rendered for ``fmt`` (table, csv or json)."""
    out = frame.copy()
    for col in out.columns:
        kind = out[col].dtype.kind
        if fmt == "json" and kind in "mM":  # datetimes and intervals: as text, not epoch ms
            out[col] = pd.Series([plain(v) for v in out[col].astype(object)], dtype=object)
            continue
        if out[col].dtype != object:
            continue
        if fmt == "table":
            out[col] = [cypher_text(v) for v in out[col]]
        elif fmt == "csv":
            out[col] = [
                json.dumps(plain(v), default=str) if isinstance(v, (dict, list, tuple)) else v
                for v in out[col]
            ]
        else:
            out[col] = [plain(v) for v in out[col]]
    return out

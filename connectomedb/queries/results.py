"""Query results with the types their header promises, whatever the engine returned.

PostgreSQL returns ``numeric`` aggregates as ``Decimal``; the graph stores return counts as
floats when a column also holds a NULL, or when the engine's aggregate is a double. Every query
declares its result column types (``types:`` in its header), and :func:`typed` enforces them:
``int`` columns become pandas ``Int64`` (whole numbers, missing as ``<NA>``), ``float`` columns
``float64``, ``text`` columns Python strings (missing as ``None``). A value that does not fit
its declared type is a broken query, not a rounding matter, and raises :class:`QueryError`.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from connectomedb.errors import QueryError
from connectomedb.queries.registry import Query

#: pandas dtype of each declared column type.
DTYPES = {"int": "Int64", "float": "float64", "text": "object"}


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _as_int(series: pd.Series, where: str) -> pd.Series:
    if pd.api.types.is_integer_dtype(series.dtype):
        return series.astype("Int64")
    if pd.api.types.is_float_dtype(series.dtype):
        values = series.to_numpy(dtype="float64", na_value=np.nan)
        known = values[~np.isnan(values)]
        if not np.all(np.isfinite(known)) or np.any(known != np.floor(known)):
            bad = known[~np.isfinite(known) | (known != np.floor(known))][0]
            raise QueryError(f"{where}: declared int, but the engine returned {bad!r}.")
        return series.astype("Int64")
    out: list[int | None] = []
    for value in series:
        if _missing(value):
            out.append(None)
        elif isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_)):
            out.append(int(value))
        elif _whole(value):
            out.append(int(value))
        else:
            raise QueryError(f"{where}: declared int, but the engine returned {value!r}.")
    return pd.Series(pd.array(out, dtype="Int64"), index=series.index)


def _whole(value: Any) -> bool:
    if isinstance(value, Decimal):
        return value.is_finite() and value == value.to_integral_value()
    if isinstance(value, (float, np.floating)):
        return math.isfinite(value) and float(value).is_integer()
    return False


def _as_float(series: pd.Series) -> pd.Series:
    if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series):
        return series.astype("float64")
    return pd.Series(
        [np.nan if _missing(v) else float(v) for v in series],
        index=series.index,
        dtype="float64",
    )


def _as_text(series: pd.Series) -> pd.Series:
    return pd.Series(
        [None if _missing(v) else str(v) for v in series], index=series.index, dtype="object"
    )


def typed(frame: pd.DataFrame, name: str, types: dict[str, str]) -> pd.DataFrame:
    """``frame`` with every column converted to its declared type (see the module doc)."""
    out = {}
    for col in frame.columns:
        type_ = types[col]
        series = frame[col]
        if type_ == "int":
            out[col] = _as_int(series, f"query {name!r}, column {col!r}")
        elif type_ == "float":
            out[col] = _as_float(series)
        else:
            out[col] = _as_text(series)
    result = pd.DataFrame(out, columns=list(frame.columns))
    result.attrs.update(frame.attrs)
    return result.reset_index(drop=True)


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as dicts of plain Python values for JSON: ints stay ints, floats keep their full
    precision (shortest repr that reads back to the same double), missing and non-finite
    values are ``None`` (JSON ``null``)."""

    def plain(value: Any) -> Any:
        if isinstance(value, (list, tuple, np.ndarray)):
            return [plain(v) for v in value]
        if isinstance(value, dict):
            return {str(k): plain(v) for k, v in value.items()}
        if _missing(value):
            return None
        if isinstance(value, (bool, np.bool_)):
            return bool(value)
        if isinstance(value, (int, np.integer)):
            return int(value)
        if isinstance(value, (float, np.floating, Decimal)):
            f = float(value)
            return f if math.isfinite(f) else None
        return value if isinstance(value, str) else str(value)

    columns = [str(c) for c in frame.columns]
    return [
        dict(zip(columns, (plain(v) for v in row), strict=True))
        for row in frame.itertuples(index=False, name=None)
    ]


def tidy(frame: pd.DataFrame, query: Query) -> pd.DataFrame:
    """Same column order and types whatever the engine: the types of the query's header."""
    if list(frame.columns) != list(query.columns):
        raise QueryError(
            f"query {query.name!r} returned columns {list(frame.columns)}, expected "
            f"{list(query.columns)}. The query file is out of date with its header."
        )
    return typed(frame, query.name, query.column_types())


def cut(frame: pd.DataFrame, limit: int | None) -> pd.DataFrame:
    """The first ``limit`` rows; ``attrs`` say whether more rows matched (one extra row was
    fetched to know it) and what the limit was."""
    truncated = limit is not None and len(frame) > limit
    if truncated:
        frame = frame.iloc[:limit]
    frame.attrs["limit"] = limit
    frame.attrs["truncated"] = truncated
    return frame

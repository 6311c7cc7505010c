"""A table's rows for one dataset, column by column: what transform produces and load copies."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Column:
    """One column: ``values`` (NumPy; ``object`` for text) and ``null`` (bool, True = NULL) or
    None when the column has no NULLs."""

    name: str
    values: np.ndarray
    null: np.ndarray | None = None


@dataclass(frozen=True)
class TableFrame:
    """The rows of one table for one dataset, column by column (``dataset_id`` excluded)."""

    table: str
    n: int
    columns: tuple[Column, ...]

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    def to_pandas(self) -> pd.DataFrame:
        """A DataFrame with one column per table column; NULLs are ``pd.NA`` (nullable dtypes)."""
        data: dict[str, object] = {}
        for col in self.columns:
            if col.values.dtype == object:
                series = pd.Series(col.values, dtype="string")
            elif col.values.dtype.kind == "f":
                series = pd.Series(col.values, dtype="Float64")
            else:
                series = pd.Series(col.values, dtype=f"Int{col.values.dtype.itemsize * 8}")
            if col.null is not None:
                series = series.mask(col.null)
            data[col.name] = series
        return pd.DataFrame(data)


def zero_is_null(name: str, values: np.ndarray | None, n: int, dtype: type) -> Column:
    """A column where a published 0 (no ID) is NULL; all NULL when the values are absent."""
    if values is None:
        return Column(name, np.zeros(n, dtype=dtype), np.ones(n, dtype=bool))
    null = values == 0
    # No narrowing here: the loader checks that every value fits its column before casting.
    return Column(name, values, null if null.any() else None)


def nan_is_null(name: str, values: np.ndarray | None, n: int, dtype: type) -> Column:
    """A column where NaN (not measured) is NULL; all NULL when the values are absent."""
    if values is None:
        return Column(name, np.zeros(n, dtype=dtype), np.ones(n, dtype=bool))
    null = np.isnan(values)
    return Column(name, values.astype(dtype, copy=False), null if null.any() else None)

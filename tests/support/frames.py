"""The one comparison of query answers: "the engines agree" means equal :func:`rows_of`."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd


def _plain(v: object) -> object:
    if v is None or v is pd.NA:
        return None
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        f = float(v)
        if math.isnan(f):
            return None
        return int(f) if f.is_integer() else float(f"{f:.9g}")
    return str(v)


def rows_of(frame: object) -> list[tuple]:
    """A query result as plain, comparable rows, in the frame's order: ints, floats to 9
    significant digits (integral floats as ints), strings, and None for every missing value
    (None, ``pd.NA`` and NaN of any float type)."""
    assert isinstance(frame, pd.DataFrame)
    return [tuple(_plain(v) for v in row) for row in frame.itertuples(index=False)]


def assert_same(got: pd.DataFrame, expected: pd.DataFrame, label: str) -> None:
    """Same columns in the same order, and the same :func:`rows_of`, row by row."""
    assert list(got.columns) == list(expected.columns), label
    g, e = rows_of(got), rows_of(expected)
    assert len(g) == len(e), f"{label}: {len(g)} rows, expected {len(e)}"
    for i, (a, b) in enumerate(zip(g, e, strict=True)):
        assert a == b, f"{label}: row {i} is {a}, expected {b}"

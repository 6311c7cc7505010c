"""Shared pieces of the report's figures: layout, class orders, pivots and counts.

Every figure has a title and axis titles with units, and uses the class orders and colours of
:mod:`connectomedb.report.style`, so a class looks the same everywhere.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from connectomedb.report.style import ordered
from connectomedb.vocabulary import AXON_CLASS_ORDER, TARGET_CLASS_ORDER

FONT = "Helvetica, Arial, sans-serif"


def layout(fig: go.Figure, title: str, height: int) -> go.Figure:
    """The report's common look: left-aligned title, white template, fixed height."""
    fig.update_layout(
        title={"text": title, "x": 0.0, "xanchor": "left"},
        template="simple_white",
        font={"family": FONT, "size": 12},
        height=height,
        margin={"l": 70, "r": 30, "t": 70, "b": 60},
        legend={"title": {"text": ""}},
    )
    return fig


def axon_classes(*frames: pd.Series) -> list[str]:
    """The axon class names present in any of ``frames``, in the fixed order."""
    return ordered(pd.concat(frames, ignore_index=True).dropna(), AXON_CLASS_ORDER)


def target_classes(*frames: pd.Series) -> list[str]:
    """The target class names present in any of ``frames``, in the fixed order."""
    return ordered(pd.concat(frames, ignore_index=True).dropna(), TARGET_CLASS_ORDER)


def pivot_classes(
    frame: pd.DataFrame, column: str, rows: list[str], cols: list[str]
) -> pd.DataFrame:
    """``column`` summed into an axon class (rows) × target class (columns) table, with the
    given rows and columns (0 where a cell has no row)."""
    table = frame.pivot_table(
        index="axon_class", columns="target_class", values=column, aggfunc="sum", fill_value=0
    )
    return table.reindex(index=rows, columns=cols, fill_value=0).astype(float)


def row_normalised(table: pd.DataFrame) -> pd.DataFrame:
    """Each row divided by its sum (rows summing to 0 stay 0)."""
    totals = table.sum(axis=1).replace(0, np.nan)
    return table.div(totals, axis=0).fillna(0.0)


def count_rows(frame: pd.DataFrame, group: str, value: str) -> pd.DataFrame:
    """How many rows of each ``group`` have each ``value``: columns group, value, ``rows``."""
    return frame.groupby([group, value]).size().rename("rows").reset_index()


def is_empty(fig: go.Figure) -> bool:
    """True when no trace of ``fig`` has any x, y or z value."""
    for trace in fig.data:
        for attr in ("x", "y", "z"):
            values = getattr(trace, attr, None)
            if values is not None and len(values) > 0:
                return False
    return True


def mark_empty(fig: go.Figure) -> go.Figure:
    """An empty figure says so instead of showing blank axes."""
    if is_empty(fig):
        fig.add_annotation(
            text="No data for this figure in this dataset",
            xref="paper",
            yref="paper",
            x=0.5,
            y=0.5,
            showarrow=False,
            font={"size": 16, "color": "#666666"},
        )
    return fig

"""Figures of the synapses themselves: type mix, ASI areas and the ASI similarity of
two-synapse connections."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from connectomedb.report.charts import (
    axon_classes,
    layout,
    target_classes,
)
from connectomedb.report.style import (
    CONTROL_COLOUR,
    OBSERVED_COLOUR,
    SYNAPSE_TYPE_COLOURS,
    TARGET_CLASS_COLOURS,
    colour_map,
    ordered,
)
from connectomedb.vocabulary import AXON_CLASS_ORDER, SYNAPSE_TYPE_ORDER, TARGET_CLASS_ORDER


def type_mix_figure(mix: pd.DataFrame) -> go.Figure:
    """Stacked bars: fraction of each synapse type among the synapses of each axon class (left)
    and of each target class (right)."""
    types = ordered(mix["synapse_type"], SYNAPSE_TYPE_ORDER)
    colours = colour_map(types, SYNAPSE_TYPE_COLOURS)
    fig = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=("By axon class", "By target class"),
        column_widths=[0.4, 0.6],
        horizontal_spacing=0.08,
    )
    for column, side in enumerate(("axon", "target"), start=1):
        part_side = mix[mix["side"] == side]
        order = AXON_CLASS_ORDER if side == "axon" else TARGET_CLASS_ORDER
        classes = ordered(part_side["class"], order)
        for type_ in types:
            part = part_side[part_side["synapse_type"] == type_].set_index("class")
            part = part.reindex(classes)
            fig.add_trace(
                go.Bar(
                    name=type_,
                    x=classes,
                    y=part["fraction"].fillna(0.0),
                    marker_color=colours[type_],
                    legendgroup=type_,
                    showlegend=column == 1,
                    customdata=part["synapses"].fillna(0).astype("int64"),
                    hovertemplate=(
                        side + " class %{x}<br>" + type_ + ": %{y:.3f} "
                        "(%{customdata:,} synapses)<extra></extra>"
                    ),
                ),
                row=1,
                col=column,
            )
        fig.update_xaxes(title_text=f"{side} class", tickangle=-30, row=1, col=column)
        fig.update_yaxes(title_text="fraction of synapses", range=[0, 1], row=1, col=column)
    fig.update_layout(barmode="stack", legend={"traceorder": "normal"})
    return layout(fig, "Synapse type mix per axon class and per target class", 440)


def asi_figure(asi: pd.DataFrame) -> go.Figure:
    """Boxes from the precomputed quartiles of the ASI area, per axon class (x) and target
    class (colour); cells without any ASI area are left out."""
    rows = axon_classes(asi["axon_class"])
    with_area = asi[asi["asi_count"] > 0]
    targets = target_classes(with_area["target_class"])
    colours = colour_map(target_classes(asi["target_class"]), TARGET_CLASS_COLOURS)
    fig = go.Figure()
    for target in targets:
        part = with_area[with_area["target_class"] == target]
        present = set(part["axon_class"])
        part = part.set_index("axon_class").reindex([r for r in rows if r in present])
        fig.add_trace(
            go.Box(
                name=target,
                x=list(part.index),
                q1=part["asi_q1"],
                median=part["asi_median"],
                q3=part["asi_q3"],
                # The query gives quartiles only: the whiskers end at the box.
                lowerfence=part["asi_q1"],
                upperfence=part["asi_q3"],
                mean=part["asi_mean"],
                boxmean=True,
                marker_color=colours[target],
                customdata=part["asi_count"].astype("int64"),
                hovertemplate=(
                    "axon class %{x}<br>target class " + target + "<br>"
                    "synapses with an area %{customdata:,}<extra></extra>"
                ),
            )
        )
    fig.update_layout(boxmode="group")
    fig.update_xaxes(title_text="axon class", categoryorder="array", categoryarray=rows)
    fig.update_yaxes(title_text="ASI area (µm²)", rangemode="tozero")
    return layout(
        fig,
        "Axon-spine interface (ASI) area per axon class and target class "
        "(box: quartiles, line: median, dashed: mean)",
        440,
    )


def asi_cv_figure(cv: pd.DataFrame) -> go.Figure:
    """One row per axon class → target class pair with two-synapse connections: the median CV
    of the two ASI areas of a connection (blue) and of the same synapses paired at random
    (grey), joined by a line; hover shows means and counts."""
    rows = ordered(cv["axon_class"], AXON_CLASS_ORDER)
    cols = ordered(cv["target_class"], TARGET_CLASS_ORDER)
    frame = cv[cv["pairs"] > 0].copy()
    frame["_r"] = frame["axon_class"].map({n: i for i, n in enumerate(rows)})
    frame["_c"] = frame["target_class"].map({n: i for i, n in enumerate(cols)})
    frame = frame.sort_values(["_r", "_c"])
    labels = [
        f"{a} → {t} (n={int(n):,})"
        for a, t, n in zip(frame["axon_class"], frame["target_class"], frame["pairs"], strict=True)
    ]
    fig = go.Figure()
    # The joining lines: one trace, segments separated by None.
    xs: list[float | None] = []
    ys: list[str | None] = []
    for label, a, b in zip(labels, frame["cv_median"], frame["random_cv_median"], strict=True):
        xs += [a, b, None]
        ys += [label, label, None]
    fig.add_trace(
        go.Scatter(
            x=xs,
            y=ys,
            mode="lines",
            line={"color": "#999999", "width": 2},
            showlegend=False,
            hoverinfo="skip",
        )
    )
    samples = (
        ("two synapses of one connection", "cv", "pairs", OBSERVED_COLOUR),
        ("same synapses paired at random (control)", "random_cv", "random_pairs", CONTROL_COLOUR),
    )
    for label, prefix, count, colour in samples:
        fig.add_trace(
            go.Scatter(
                name=label,
                x=frame[f"{prefix}_median"],
                y=labels,
                mode="markers",
                marker={"size": 11, "color": colour, "line": {"color": "#333333", "width": 1}},
                customdata=np.stack([frame[f"{prefix}_mean"], frame[count]], axis=-1),
                hovertemplate=(
                    "%{y}<br>" + label + "<br>median CV %{x:.3f}<br>mean CV "
                    "%{customdata[0]:.3f}<br>pairs %{customdata[1]:,}<extra></extra>"
                ),
            )
        )
    fig.update_xaxes(
        title_text="median CV of the two ASI areas (standard deviation / mean)",
        rangemode="tozero",
        showgrid=True,
    )
    fig.update_yaxes(
        autorange="reversed",
        categoryorder="array",
        categoryarray=labels,
    )
    layout(
        fig,
        "Multi-synaptic ASI similarity: two-synapse connections against random pairs",
        max(380, 170 + 24 * len(labels)),
    )
    # The legend sits between the title and the plot; the class-pair labels fill the left.
    fig.update_layout(
        legend={"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 0},
        margin={"t": 100},
    )
    return fig

"""Figures of who connects to whom: the class matrix, target specificity, degrees and
connection multiplicity."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from connectomedb.report.charts import (
    axon_classes,
    count_rows,
    layout,
    pivot_classes,
    row_normalised,
    target_classes,
)
from connectomedb.report.style import (
    AXON_CLASS_COLOURS,
    TARGET_CLASS_COLOURS,
    colour_map,
    ordered,
)
from connectomedb.vocabulary import AXON_CLASS_ORDER, TARGET_CLASS_ORDER


def class_matrix_figure(matrix: pd.DataFrame, *, normalised: bool) -> go.Figure:
    """Heatmaps of the class × class matrix: the database (left) next to ``connectome.csv``."""
    rows = axon_classes(matrix["axon_class"])
    cols = target_classes(matrix["target_class"])
    database = pivot_classes(matrix, "synapses", rows, cols)
    csv = pivot_classes(matrix, "csv_synapses", rows, cols)
    if normalised:
        database, csv = row_normalised(database), row_normalised(csv)
        title = "Class × class connectome, row-normalised (fraction of the axon class's synapses)"
        bar_title, text, zmax = "fraction", "%{z:.2f}", 1.0
    else:
        title = "Class × class connectome (synapses)"
        bar_title, text = "synapses", "%{z:,.0f}"
        zmax = float(max(database.to_numpy().max(initial=0), csv.to_numpy().max(initial=0), 1))
    fig = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=("Database (query library)", "connectome.csv (published)"),
        horizontal_spacing=0.12,
    )
    for index, (table, unit) in enumerate(((database, "database"), (csv, "connectome.csv"))):
        fig.add_trace(
            go.Heatmap(
                z=table.to_numpy(),
                x=cols,
                y=rows,
                zmin=0,
                zmax=zmax,
                colorscale="Blues",
                texttemplate=text,
                colorbar={"title": {"text": bar_title}},
                showscale=index == 1,
                hovertemplate=(
                    f"{unit}<br>axon class %{{y}}<br>target class %{{x}}<br>"
                    f"{bar_title} {text}<extra></extra>"
                ),
            ),
            row=1,
            col=index + 1,
        )
        fig.update_xaxes(title_text="target class", tickangle=-35, row=1, col=index + 1)
        fig.update_yaxes(
            title_text="axon class" if index == 0 else None,
            autorange="reversed",
            row=1,
            col=index + 1,
        )
    return layout(fig, title, 430)


def specificity_figure(spec: pd.DataFrame) -> go.Figure:
    """Per axon class and target class: median over the axons of each axon's fraction of
    synapses onto the target class, with error bars from the quartiles."""
    rows = axon_classes(spec["axon_class"])
    targets = target_classes(spec["target_class"])
    colours = colour_map(targets, TARGET_CLASS_COLOURS)
    fig = go.Figure()
    for target in targets:
        part = spec[spec["target_class"] == target].set_index("axon_class").reindex(rows)
        median = part["axon_fraction_median"]
        fig.add_trace(
            go.Bar(
                name=target,
                x=rows,
                y=median,
                marker_color=colours[target],
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": (part["axon_fraction_q3"] - median).clip(lower=0),
                    "arrayminus": (median - part["axon_fraction_q1"]).clip(lower=0),
                    "thickness": 1.2,
                    "width": 3,
                },
                customdata=np.stack(
                    [
                        part["axon_fraction_mean"],
                        part["axon_fraction_q1"],
                        part["axon_fraction_q3"],
                        part["axons"],
                        part["fraction"],
                    ],
                    axis=-1,
                ),
                hovertemplate=(
                    "axon class %{x}<br>target class " + target + "<br>median %{y:.3f}"
                    "<br>mean %{customdata[0]:.3f}<br>quartiles %{customdata[1]:.3f}–"
                    "%{customdata[2]:.3f}<br>axons %{customdata[3]:,}"
                    "<br>pooled fraction %{customdata[4]:.3f}<extra></extra>"
                ),
            )
        )
    fig.update_layout(barmode="group")
    fig.update_xaxes(title_text="axon class")
    fig.update_yaxes(title_text="fraction of the axon's synapses (median over axons)", range=[0, 1])
    return layout(
        fig, "Target specificity per axon class (bars: median, error bars: quartiles)", 440
    )


def degree_figure(axon_degree: pd.DataFrame, target_degree: pd.DataFrame) -> go.Figure:
    """Two panels: how many axons make k synapses; how many targets receive k synapses."""
    fig = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=("Synapses per axon", "Synapses per target"),
        horizontal_spacing=0.1,
    )
    panels = (
        (axon_degree, "axon_class", AXON_CLASS_ORDER, AXON_CLASS_COLOURS, "axon", "axons"),
        (
            target_degree,
            "target_class",
            TARGET_CLASS_ORDER,
            TARGET_CLASS_COLOURS,
            "target",
            "targets",
        ),
    )
    for column, (frame, group, order, fixed, side, unit) in enumerate(panels, start=1):
        counts = count_rows(frame, group, "synapses")
        classes = ordered(counts[group], order)
        colours = colour_map(classes, fixed)
        for name in classes:
            part = counts[counts[group] == name].sort_values("synapses")
            fig.add_trace(
                go.Scatter(
                    name=name,
                    x=part["synapses"],
                    y=part["rows"],
                    mode="lines+markers",
                    line={"shape": "hvh", "width": 1.5, "color": colours[name]},
                    marker={"size": 4, "color": colours[name]},
                    legendgroup=side,
                    legendgrouptitle_text=f"{side} class",
                    hovertemplate=(
                        name + ": %{y:,} " + unit + " with %{x} synapses<extra></extra>"
                    ),
                ),
                row=1,
                col=column,
            )
        fig.update_xaxes(
            title_text=f"connectome synapses per {side} (synapses, log scale)",
            type="log",
            row=1,
            col=column,
        )
        fig.update_yaxes(title_text=unit, type="log", row=1, col=column)
    return layout(fig, "Degree distributions per class (neurites with at least one synapse)", 440)


def multiplicity_figure(connections: pd.DataFrame, summary: pd.DataFrame) -> go.Figure:
    """Left: connections (axon–target pairs) with k synapses, per axon class. Right: the
    fraction of connections with two or more synapses per axon class × target class."""
    fig = make_subplots(
        rows=1,
        cols=2,
        column_widths=[0.5, 0.5],
        subplot_titles=(
            "Synapses per connection",
            "Fraction of connections with ≥ 2 synapses",
        ),
        horizontal_spacing=0.14,
    )
    counts = count_rows(connections, "axon_class", "synapses")
    rows = axon_classes(counts["axon_class"], summary["axon_class"])
    colours = colour_map(rows, AXON_CLASS_COLOURS)
    for name in rows:
        part = counts[counts["axon_class"] == name].sort_values("synapses")
        fig.add_trace(
            go.Bar(
                name=name,
                x=part["synapses"],
                y=part["rows"],
                marker_color=colours[name],
                hovertemplate=name + ": %{y:,} connections with %{x} synapses<extra></extra>",
            ),
            row=1,
            col=1,
        )
    cols = target_classes(summary["target_class"])
    share = summary.assign(share=summary["multi_synaptic"] / summary["connections"])
    table = pivot_classes(share, "share", rows, cols)
    present = pivot_classes(share.assign(n=1), "n", rows, cols) > 0
    connections_table = pivot_classes(summary, "connections", rows, cols)
    fig.add_trace(
        go.Heatmap(
            z=table.where(present).to_numpy(),
            x=cols,
            y=rows,
            zmin=0,
            colorscale="Purples",
            texttemplate="%{z:.2f}",
            customdata=connections_table.to_numpy(),
            colorbar={"title": {"text": "fraction"}, "x": 1.02},
            hovertemplate=(
                "axon class %{y}<br>target class %{x}<br>multi-synaptic fraction %{z:.3f}"
                "<br>connections %{customdata:,}<extra></extra>"
            ),
        ),
        row=1,
        col=2,
    )
    fig.update_layout(barmode="group", legend={"x": 0.36, "y": 1.0})
    fig.update_xaxes(title_text="synapses per connection (axon–target pair)", dtick=1, row=1, col=1)
    fig.update_yaxes(title_text="connections", type="log", row=1, col=1)
    fig.update_xaxes(title_text="target class", tickangle=-35, row=1, col=2)
    fig.update_yaxes(title_text="axon class", autorange="reversed", row=1, col=2)
    return layout(fig, "Connection multiplicity", 440)

"""The report's figures, built with Plotly from the frames of :class:`ReportData`.

Every figure has a title and axis titles with units, and uses the class orders and colours of
:mod:`connectomedb.report.style`, so a class looks the same everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from connectomedb.report.data import ReportData
from connectomedb.report.style import (
    AXON_CLASS_COLOURS,
    AXON_CLASS_ORDER,
    CONTROL_COLOUR,
    OBSERVED_COLOUR,
    SYNAPSE_TYPE_COLOURS,
    SYNAPSE_TYPE_ORDER,
    TARGET_CLASS_COLOURS,
    TARGET_CLASS_ORDER,
    colour_map,
    ordered,
)

_FONT = "Helvetica, Arial, sans-serif"


@dataclass(frozen=True)
class Figure:
    """One figure of the report: a stable ``key`` (HTML id), a caption, the Plotly figure and
    the :class:`ReportData` frames it draws."""

    key: str
    section: str
    caption: str
    figure: go.Figure
    frames: tuple[str, ...] = ()


def _layout(fig: go.Figure, title: str, height: int) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0.0, "xanchor": "left"},
        template="simple_white",
        font={"family": _FONT, "size": 12},
        height=height,
        margin={"l": 70, "r": 30, "t": 70, "b": 60},
        legend={"title": {"text": ""}},
    )
    return fig


def _axon_classes(*frames: pd.Series) -> list[str]:
    return ordered(pd.concat(frames, ignore_index=True).dropna(), AXON_CLASS_ORDER)


def _target_classes(*frames: pd.Series) -> list[str]:
    return ordered(pd.concat(frames, ignore_index=True).dropna(), TARGET_CLASS_ORDER)


def _matrix(frame: pd.DataFrame, column: str, rows: list[str], cols: list[str]) -> pd.DataFrame:
    table = frame.pivot_table(
        index="axon_class", columns="target_class", values=column, aggfunc="sum", fill_value=0
    )
    return table.reindex(index=rows, columns=cols, fill_value=0).astype(float)


def _row_normalised(table: pd.DataFrame) -> pd.DataFrame:
    totals = table.sum(axis=1).replace(0, np.nan)
    return table.div(totals, axis=0).fillna(0.0)


def class_matrix_figure(matrix: pd.DataFrame, *, normalised: bool) -> go.Figure:
    """Heatmaps of the class × class matrix: the database (left) next to ``connectome.csv``."""
    rows = _axon_classes(matrix["axon_class"])
    cols = _target_classes(matrix["target_class"])
    database = _matrix(matrix, "synapses", rows, cols)
    csv = _matrix(matrix, "csv_synapses", rows, cols)
    if normalised:
        database, csv = _row_normalised(database), _row_normalised(csv)
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
    return _layout(fig, title, 430)


def specificity_figure(spec: pd.DataFrame) -> go.Figure:
    """Per axon class and target class: median over the axons of each axon's fraction of
    synapses onto the target class, with error bars from the quartiles."""
    rows = _axon_classes(spec["axon_class"])
    targets = _target_classes(spec["target_class"])
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
    return _layout(
        fig, "Target specificity per axon class (bars: median, error bars: quartiles)", 440
    )


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
    return _layout(fig, "Synapse type mix per axon class and per target class", 440)


def asi_figure(asi: pd.DataFrame) -> go.Figure:
    """Boxes from the precomputed quartiles of the ASI area, per axon class (x) and target
    class (colour); cells without any ASI area are left out."""
    rows = _axon_classes(asi["axon_class"])
    with_area = asi[asi["asi_count"] > 0]
    targets = _target_classes(with_area["target_class"])
    colours = colour_map(_target_classes(asi["target_class"]), TARGET_CLASS_COLOURS)
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
    return _layout(
        fig,
        "Axon-spine interface (ASI) area per axon class and target class "
        "(box: quartiles, line: median, dashed: mean)",
        440,
    )


def _counts(frame: pd.DataFrame, group: str, value: str) -> pd.DataFrame:
    """How many rows of each ``group`` have each ``value``: columns group, value, ``rows``."""
    return frame.groupby([group, value]).size().rename("rows").reset_index()


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
        counts = _counts(frame, group, "synapses")
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
    return _layout(fig, "Degree distributions per class (neurites with at least one synapse)", 440)


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
    counts = _counts(connections, "axon_class", "synapses")
    rows = _axon_classes(counts["axon_class"], summary["axon_class"])
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
    cols = _target_classes(summary["target_class"])
    share = summary.assign(share=summary["multi_synaptic"] / summary["connections"])
    table = _matrix(share, "share", rows, cols)
    present = _matrix(share.assign(n=1), "n", rows, cols) > 0
    connections_table = _matrix(summary, "connections", rows, cols)
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
    return _layout(fig, "Connection multiplicity", 440)


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
    _layout(
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


def _is_empty(fig: go.Figure) -> bool:
    for trace in fig.data:
        for attr in ("x", "y", "z"):
            values = getattr(trace, attr, None)
            if values is not None and len(values) > 0:
                return False
    return True


def _mark_empty(fig: go.Figure) -> go.Figure:
    """An empty figure says so instead of showing blank axes."""
    if _is_empty(fig):
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


def build_figures(data: ReportData) -> list[Figure]:
    """Every figure of the report, in page order."""
    figures = [
        Figure(
            "class-matrix",
            "Class × class connectome",
            "Connectome synapses per axon class (rows) and target class (columns), as the query "
            "library counts them in the database, next to the published connectome.csv.",
            class_matrix_figure(data.class_matrix, normalised=False),
        ),
        Figure(
            "class-matrix-normalised",
            "Class × class connectome",
            "The same matrices with each row divided by its total: where the synapses of an "
            "axon class go.",
            class_matrix_figure(data.class_matrix, normalised=True),
        ),
        Figure(
            "target-specificity",
            "Target specificity",
            "For every axon, the fraction of its connectome synapses onto each target class; "
            "bars show the median over the axons of the class, error bars the quartiles.",
            specificity_figure(data.specificity),
        ),
        Figure(
            "synapse-types",
            "Synapse types and ASI areas",
            "Synapse types among the connectome synapses of each axon class and of each "
            "target class.",
            type_mix_figure(data.type_mix),
        ),
        Figure(
            "asi-area",
            "Synapse types and ASI areas",
            "Axon-spine interface area of the connectome synapses per axon class and target "
            "class (synapses without an ASI area are left out; class pairs without any are not "
            "drawn).",
            asi_figure(data.asi),
        ),
        Figure(
            "degree",
            "Degrees and multiplicity",
            "How many connectome synapses each axon makes and each target receives (axons and "
            "targets with at least one connectome synapse).",
            degree_figure(data.axon_degree, data.target_degree),
        ),
        Figure(
            "multiplicity",
            "Degrees and multiplicity",
            "How many synapses each connection (an axon–target pair with at least one "
            "connectome synapse) consists of, and which class pairs are most often connected "
            "by more than one synapse.",
            multiplicity_figure(data.connections, data.multiplicity),
        ),
        Figure(
            "asi-cv",
            "Multi-synaptic ASI similarity",
            "Coefficient of variation (sample standard deviation / mean) of the two ASI areas "
            "of connections with exactly two synapses, against the same synapses paired at "
            "random within the class pair: a lower CV than the control means the two synapses "
            "of a connection are more alike in size than chance.",
            asi_cv_figure(data.asi_cv),
        ),
    ]
    return [
        Figure(f.key, f.section, f.caption, _mark_empty(f.figure), _FRAMES_OF[f.key])
        for f in figures
    ]


#: figure key -> the ReportData frames it draws.
_FRAMES_OF: dict[str, tuple[str, ...]] = {
    "class-matrix": ("class_matrix",),
    "class-matrix-normalised": ("class_matrix",),
    "target-specificity": ("specificity",),
    "synapse-types": ("type_mix",),
    "asi-area": ("asi",),
    "degree": ("axon_degree", "target_degree"),
    "multiplicity": ("connections", "multiplicity"),
    "asi-cv": ("asi_cv",),
}

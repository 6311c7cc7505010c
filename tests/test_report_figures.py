"""The report's figures from frames alone (no database): titles, axis titles with units, one
colour and one position per class across every figure, and empty data handled."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import plotly.graph_objects as go
import pytest
from plotly.basedatatypes import BaseTraceType
from support import report_oracle as oracle

from connectomedb.report import DatasetHeader, ReportData, build_figures, render_html
from connectomedb.report.style import AXON_CLASS_COLOURS, TARGET_CLASS_COLOURS
from connectomedb.synth import generate
from connectomedb.vocabulary import AXON_CLASS_ORDER, TARGET_CLASS_ORDER

FRAMES = (
    "class_matrix",
    "specificity",
    "type_mix",
    "asi",
    "axon_degree",
    "target_degree",
    "connections",
    "multiplicity",
    "asi_cv",
)


@pytest.fixture(scope="module")
def data() -> ReportData:
    src = generate("tiny", seed=0).dataset
    header = DatasetHeader(
        name="tiny",
        source="tiny-data",
        loaded_at="2026-01-01 00:00:00+00:00",
        loader_version="connectomedb 0.1.0",
        files=pd.DataFrame({"file": ["axons.hdf5"], "sha256": ["0" * 64], "size": [1]}),
        row_counts=pd.DataFrame({"table": ["synapse"], "rows": [src.synapses.n]}),
    )
    return ReportData(
        header=header,
        class_matrix=oracle.class_matrix(src),
        specificity=oracle.specificity(src),
        type_mix=oracle.type_mix(src),
        asi=oracle.asi(src),
        axon_degree=oracle.axon_degree(src),
        target_degree=oracle.target_degree(src),
        connections=oracle.connections(src),
        multiplicity=oracle.multiplicity(src),
        asi_cv=oracle.asi_pair_cv(src),
    )


def _axis_titles(fig: go.Figure) -> list[str]:
    layout = fig.layout
    titles = []
    for name in dir(layout):
        if name.startswith(("xaxis", "yaxis")) and getattr(layout, name) is not None:
            title = getattr(layout, name).title
            if title is not None and title.text:
                titles.append(title.text)
    for trace in fig.data:  # a heatmap's unit is on its colour bar
        colorbar = getattr(trace, "colorbar", None)
        if colorbar is not None and colorbar.title is not None and colorbar.title.text:
            titles.append(colorbar.title.text)
    return titles


def test_every_figure_has_a_title_and_axis_titles_with_units(data: ReportData) -> None:
    figures = build_figures(data)
    assert len(figures) == 8
    assert len({f.key for f in figures}) == 8
    units = ("synapses", "fraction", "µm²", "connections", "axons", "targets", "CV")
    for item in figures:
        assert item.figure.layout.title.text, item.key
        assert item.caption, item.key
        titles = _axis_titles(item.figure)
        assert titles, item.key
        assert any(u in t for t in titles for u in units), (item.key, titles)


def _trace_colour(trace: BaseTraceType) -> str | None:
    marker = getattr(trace, "marker", None)
    if marker is not None and isinstance(marker.color, str):
        return marker.color
    line = getattr(trace, "line", None)
    if line is not None and isinstance(line.color, str):
        return line.color
    return None


def test_a_class_has_one_colour_and_one_position_everywhere(data: ReportData) -> None:
    figures = build_figures(data)
    known = {**AXON_CLASS_COLOURS, **TARGET_CLASS_COLOURS}
    seen: dict[str, set[str]] = {}
    for item in figures:
        for trace in item.figure.data:
            colour = _trace_colour(trace)
            if trace.name in known and colour is not None:
                seen.setdefault(trace.name, set()).add(colour)
            # Class axes follow the fixed order.
            for axis, order in (("x", AXON_CLASS_ORDER), ("y", AXON_CLASS_ORDER)):
                values = getattr(trace, axis, None)
                if values is None or not len(values) or not isinstance(values[0], str):
                    continue
                listed = [v for v in values if v in order]
                if len(listed) == len(values):
                    assert listed == sorted(listed, key=order.index), (item.key, axis)
            if trace.type == "heatmap":
                columns = [c for c in trace.x if c in TARGET_CLASS_ORDER]
                assert columns == sorted(columns, key=TARGET_CLASS_ORDER.index), item.key
    assert seen, "no class-coloured traces found"
    for name, colours in seen.items():
        assert colours == {known[name]}, (name, colours)


def test_empty_frames_give_figures_that_say_so(data: ReportData) -> None:
    empty = replace(data, **{k: getattr(data, k).iloc[0:0] for k in FRAMES})
    figures = build_figures(empty)
    assert len(figures) == 8
    for item in figures:
        notes = [a.text for a in item.figure.layout.annotations]
        assert "No data for this figure in this dataset" in notes, item.key
    html = render_html(empty)
    assert html.count("class='figure'") == 8


def test_the_page_escapes_what_it_shows(data: ReportData) -> None:
    header = replace(data.header, name="<script>alert(1)</script>", source="a&b")
    html = render_html(replace(data, header=header))
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "a&amp;b" in html

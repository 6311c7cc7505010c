"""The report's figures, in page order, built with Plotly from the frames of
:class:`ReportData` (see :mod:`connectomedb.report.connectivity` and
:mod:`connectomedb.report.synapses`).
"""

from __future__ import annotations

from dataclasses import dataclass

import plotly.graph_objects as go

from connectomedb.report.charts import mark_empty
from connectomedb.report.connectivity import (
    class_matrix_figure,
    degree_figure,
    multiplicity_figure,
    specificity_figure,
)
from connectomedb.report.data import ReportData
from connectomedb.report.synapses import asi_cv_figure, asi_figure, type_mix_figure

__all__ = [
    "Figure",
    "asi_cv_figure",
    "asi_figure",
    "build_figures",
    "class_matrix_figure",
    "degree_figure",
    "multiplicity_figure",
    "specificity_figure",
    "type_mix_figure",
]


@dataclass(frozen=True)
class Figure:
    """One figure of the report: a stable ``key`` (HTML id), a caption, the Plotly figure and
    the :class:`ReportData` frames it draws."""

    key: str
    section: str
    caption: str
    figure: go.Figure
    frames: tuple[str, ...] = ()


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
        Figure(f.key, f.section, f.caption, mark_empty(f.figure), _FRAMES_OF[f.key])
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

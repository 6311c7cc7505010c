"""The data behind the report: one DataFrame per figure, with documented columns.

:class:`ReportData` is the contract between where the numbers come from (the query library, see
:mod:`connectomedb.report.fetch`) and the figures (:mod:`connectomedb.report.figures`). The
figures show these frames as they are: they only order classes and pick colours.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd


@dataclass(frozen=True)
class DatasetHeader:
    """What was loaded: one row of the ``dataset`` table.

    ``files``: DataFrame with columns ``file`` (str), ``sha256`` (str), ``size`` (int, bytes).
    ``row_counts``: DataFrame with columns ``table`` (str), ``rows`` (int).
    """

    name: str
    source: str
    loaded_at: str
    loader_version: str
    files: pd.DataFrame
    row_counts: pd.DataFrame


@dataclass(frozen=True)
class ReportData:
    """Every frame the report draws.

    Each frame is the result of the named query of :mod:`connectomedb.queries` given in
    brackets, with that query's columns.

    ``class_matrix`` [``class_matrix_vs_csv``]: ``axon_class``, ``target_class`` (str),
    ``synapses`` (connectome synapses in the database), ``csv_synapses`` (the cells of
    ``connectome.csv``), ``difference``.

    ``specificity`` [``target_specificity``]: ``axon_class``, ``target_class``, ``axons``,
    ``synapses``, ``fraction`` (pooled over the class), ``axon_fraction_mean``,
    ``axon_fraction_median``, ``axon_fraction_q1``, ``axon_fraction_q3`` (over the class's axons,
    of each axon's fraction of synapses onto the target class).

    ``type_mix`` [``synapse_type_mix``]: ``side`` (``axon`` or ``target``), ``class``,
    ``synapse_type`` (str), ``synapses`` (int), ``fraction``.

    ``asi`` [``asi_by_class``]: ``axon_class``, ``target_class``, ``synapses``, ``asi_count``,
    ``asi_missing``, ``asi_mean``, ``asi_median``, ``asi_q1``, ``asi_q3`` (µm²).

    ``axon_degree`` [``divergent_axons`` with ``min_targets`` 1, every row]: one row per axon
    with a connectome synapse: ``axon_id``, ``axon_class``, ``targets``, ``neurons``,
    ``synapses``.

    ``target_degree`` [``convergent_targets`` with ``min_axons`` 1, every row]: one row per
    target with a connectome synapse: ``target_id``, ``target_class``, ``neuron_id``, ``axons``,
    ``synapses``.

    ``connections`` [``multi_synaptic_connections`` with ``min_synapses`` 1, every row]: one row
    per connection: ``axon_id``, ``target_id``, ``axon_class``, ``target_class``, ``synapses``.

    ``multiplicity`` [``multiplicity_by_class``]: ``axon_class``, ``target_class``,
    ``connections``, ``synapses``, ``multiplicity_mean``, ``multiplicity_median``,
    ``multiplicity_q1``, ``multiplicity_q3``, ``multiplicity_max``, ``multi_synaptic``.

    ``asi_cv`` [``asi_pair_cv``]: ``axon_class``, ``target_class``, ``pairs`` (connections with
    exactly two synapses, both with an ASI area), ``cv_mean``, ``cv_median`` (coefficient of
    variation of the two areas), ``random_pairs``, ``random_cv_mean``, ``random_cv_median`` (the
    same synapses paired at random).

    ``queries``: for every frame, the query name and the parameters it was run with.

    ``graph_counts`` (only when a graph store was given): ``name`` (node label or relationship
    type), ``count``.
    """

    header: DatasetHeader
    class_matrix: pd.DataFrame
    specificity: pd.DataFrame
    type_mix: pd.DataFrame
    asi: pd.DataFrame
    axon_degree: pd.DataFrame
    target_degree: pd.DataFrame
    connections: pd.DataFrame
    multiplicity: pd.DataFrame
    asi_cv: pd.DataFrame
    queries: dict[str, tuple[str, dict[str, object]]] = field(default_factory=dict)
    graph_counts: pd.DataFrame | None = None
    notes: list[str] = field(default_factory=list)
    #: The paper-faithful analyses (:mod:`connectomedb.report.paper`): (title, conditions,
    #: table) each.
    paper: list[tuple[str, str, pd.DataFrame]] = field(default_factory=list)

"""Independent answers to every named query, computed with pandas/NumPy/NetworkX straight from a
:class:`~connectomedb.etl.frames.SourceDataset` (no SQL, no Cypher, no loader code).

``answer(name, source, **params)`` returns a DataFrame with the query's columns in the query's
row order; the tests compare it row by row with what PostgreSQL and LadybugDB return.
Percentiles use linear interpolation (NumPy's default), as ``percentile_cont``/``percentileCont``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from connectomedb.etl.frames import SourceDataset
from support.oracle.classes import (
    asi_by_class,
    class_matrix,
    class_matrix_vs_csv,
    degree_by_class,
    multiplicity_by_class,
    neuron_inputs,
    synapse_density,
    synapse_type_mix,
    target_specificity,
)
from support.oracle.frames import Frames, frames
from support.oracle.motifs import (
    asi_pair_cv,
    axon_neuron_multi_target,
    bifans,
    common_axons,
    common_targets,
    convergent_neurons,
    convergent_targets,
    divergent_axons,
    motif_counts,
    multi_synaptic_connections,
    shared_target_axon_pairs,
)

__all__ = ["ORACLES", "Frames", "answer", "frames"]

ORACLES: dict[str, Callable[..., pd.DataFrame]] = {
    f.__name__: f
    for f in (
        class_matrix,
        class_matrix_vs_csv,
        target_specificity,
        synapse_type_mix,
        asi_by_class,
        degree_by_class,
        multiplicity_by_class,
        synapse_density,
        neuron_inputs,
        multi_synaptic_connections,
        asi_pair_cv,
        convergent_targets,
        convergent_neurons,
        shared_target_axon_pairs,
        divergent_axons,
        axon_neuron_multi_target,
        bifans,
        common_targets,
        common_axons,
        motif_counts,
    )
}


def _no_tracings(name: str) -> Callable[..., pd.DataFrame]:
    """The tracing queries on a source dataset, which has no tracings: no rows. (On datasets
    with tracings their oracle is support.tracings.)"""

    def oracle(source: SourceDataset, **params: Any) -> pd.DataFrame:
        from connectomedb.queries import get_query

        return pd.DataFrame(columns=list(get_query(name).columns))

    return oracle


ORACLES.update({name: _no_tracings(name) for name in ("tracing_evaluation", "tracing_overlaps")})


def answer(name: str, source: SourceDataset, **params: Any) -> pd.DataFrame:
    """The oracle's answer to the named query (parameters as the query's, minus ``dataset``)."""
    return ORACLES[name](source, **params)

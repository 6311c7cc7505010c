"""The motif structure both stores keep beside the data, computed once per load (pure).

The motif queries of the library count and list patterns of connections (counting rule 4:
an axon and a target with at least one connectome synapse). Enumerating the axon pairs that
share a target at query time costs seconds at full scale, so the load builds:

``connections``
    one row per connection: ``axon_id``, ``target_id``, ``axon_class``, ``target_class``
    (canonical names, ``Unknown`` for a code in no table), ``neuron_id`` (the target's, or
    missing) and ``synapses``.
``pairs``
    the axon pairs that share at least :data:`MIN_STORED_SHARED` targets: ``axon_a`` <
    ``axon_b``, their classes, ``target_class`` (the targets counted: one class, or missing
    for all classes) and ``shared`` (how many). One row per pair and scope, for the scope of
    every class and for all classes. Pairs that share one target are not stored (they are 18
    of every 19 pairs at full scale); a listing that asks for them enumerates them at query
    time.
``bifans``
    every bi-fan (``axon_a`` < ``axon_b``, ``target_a`` < ``target_b``) per scope (all
    target classes, or the class of both targets), with ``axon_class`` (both axons' class;
    missing when they differ).
Pairs and bi-fans carry ``rank`` (position in their listing's order within the scope: shared
descending then the IDs for pairs, the IDs for bi-fans) and ``class_rank`` (the same among
the rows whose axons are both of ``axon_class``; -1 when the classes differ), so the graph
returns a listing's first ``limit`` rows without sorting them all. (Pairs and bi-fans are
built by :mod:`connectomedb.etl.pairs`.)
``histogram``
    per motif and class filter, how many instances have each value of the quantity the
    motif's threshold applies to (``motif``, ``axon_class``, ``target_class``, ``value``,
    ``instances``; a missing class means "no filter"). ``motif_counts`` sums it: the
    instances of a motif with threshold ``k`` are the rows with ``value >= k``, and the
    ``bifans`` rows hold the bi-fans of the pairs that share ``value`` targets
    (``n (n - 1) / 2`` each), so their sum is the motif's count.

    ============================ ========================================= ===============
    motif                        instance, value                           target filter
    ============================ ========================================= ===============
    multi_synaptic_connections   connection, its synapses                  yes
    convergent_targets           target, connections onto it               yes
    convergent_neurons           neuron, distinct axons onto it            no
    divergent_axons              axon, connections it makes                yes
    axon_neuron_multi_target     (axon, neuron), connections between them  no
    shared_target_axon_pairs     axon pair, targets shared                 yes
    bifans                       bi-fan, targets its pair shares           yes
    ============================ ========================================= ===============

The axon class filter keeps connections whose axon (for pairs: both axons) is of the class;
the target class filter keeps connections whose target is of the class.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from connectomedb.etl.frames import CodeTable, SourceDataset
from connectomedb.etl.pairs import MIN_STORED_SHARED, pair_structure
from connectomedb.etl.per_source import per_source

__all__ = ["MIN_STORED_SHARED", "MOTIFS", "MotifFrames", "class_names", "motif_frames"]

#: Motifs whose histogram has rows per target class (the others ignore ``target_class``).
BY_TARGET_CLASS = (
    "multi_synaptic_connections",
    "convergent_targets",
    "divergent_axons",
    "shared_target_axon_pairs",
)
MOTIFS = (
    "axon_neuron_multi_target",
    "bifans",
    "convergent_neurons",
    "convergent_targets",
    "divergent_axons",
    "multi_synaptic_connections",
    "shared_target_axon_pairs",
)

CONNECTION_COLUMNS = (
    "axon_id",
    "target_id",
    "axon_class",
    "target_class",
    "neuron_id",
    "synapses",
)
PAIR_COLUMNS = ("axon_a", "axon_b", "axon_a_class", "axon_b_class", "target_class", "shared")
HISTOGRAM_COLUMNS = ("motif", "axon_class", "target_class", "value", "instances")


@dataclass(frozen=True)
class MotifFrames:
    """See the module docstring; columns in the order of the ``*_COLUMNS`` tuples."""

    connections: pd.DataFrame
    pairs: pd.DataFrame
    histogram: pd.DataFrame
    bifans: pd.DataFrame


def class_names(table: CodeTable, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(sorted distinct names, index of each code's name): the canonical name of the code
    table, ``Unknown`` for a code in no table."""
    frame = table.frame
    lookup = dict(zip(frame["code"].astype(int).tolist(), frame["name"].tolist(), strict=True))
    uniq, inverse = np.unique(np.asarray(codes, dtype=np.int64), return_inverse=True)
    names = np.array([str(lookup.get(int(c), "Unknown")) for c in uniq], dtype=object)
    distinct, name_index = np.unique(names, return_inverse=True) if len(names) else (names, [])
    index = np.asarray(name_index, dtype=np.int64)[inverse] if len(codes) else np.zeros(0, int)
    return np.asarray(distinct, dtype=object), index


@dataclass(frozen=True)
class ClassifiedSynapses:
    """The connectome synapses (with an axon and a target in their files) of a dataset: the
    mask over every synapse, their axon and target IDs, and per synapse of the dataset the
    index of its axon class, target class and type in the sorted name arrays."""

    keep: np.ndarray
    axon_id: np.ndarray
    target_id: np.ndarray
    axon_names: np.ndarray
    axon_class: np.ndarray
    target_names: np.ndarray
    target_class: np.ndarray
    type_names: np.ndarray
    type_index: np.ndarray
    asi: np.ndarray


@per_source
def classified_synapses(source: SourceDataset) -> ClassifiedSynapses:
    """See :class:`ClassifiedSynapses` (``axon_class``/``target_class`` are per axon/target,
    ``type_index`` and ``asi`` per synapse)."""
    ax, tg, sy = source.axons, source.targets, source.synapses
    axon_id = np.asarray(sy.axon_id, dtype=np.int64)
    target_id = np.asarray(sy.target_id, dtype=np.int64)
    # IDs beyond the neurites are refused by the loaders (range and key checks) with an error
    # naming the file; here they are left out so that check is the one that reports them.
    keep = (axon_id > 0) & (target_id > 0) & (axon_id <= ax.n) & (target_id <= tg.n)
    axon_names, axon_class = class_names(ax.classes, ax.class_code)
    target_names, target_class = class_names(tg.classes, tg.class_code)
    type_names, type_index = class_names(sy.types, sy.type_code)
    asi = np.full(sy.n, np.nan) if sy.asi_area is None else np.asarray(sy.asi_area, np.float64)
    return ClassifiedSynapses(
        keep,
        axon_id,
        target_id,
        axon_names,
        axon_class,
        target_names,
        target_class,
        type_names,
        type_index,
        asi,
    )


@per_source
def motif_frames(source: SourceDataset) -> MotifFrames:
    """The motif structure of ``source`` (computed once per source object: both stores'
    transforms ask for it)."""
    return _compute(source)


def _compute(source: SourceDataset) -> MotifFrames:
    ax, tg = source.axons, source.targets
    cs = classified_synapses(source)
    keep, axon_id, target_id = cs.keep, cs.axon_id, cs.target_id
    # One key per connection; sorted by target, then axon (the pair enumeration needs it).
    key = target_id[keep] * (ax.n + 1) + axon_id[keep]
    uniq, synapses = np.unique(key, return_counts=True)
    conn_target = uniq // (ax.n + 1)
    conn_axon = uniq % (ax.n + 1)

    axon_names, axon_class = cs.axon_names, cs.axon_class
    target_names, target_class = cs.target_names, cs.target_class
    neuron = (
        np.zeros(tg.n, dtype=np.int64)
        if tg.neuron_id is None
        else np.asarray(tg.neuron_id, dtype=np.int64)
    )
    c_axon_class = axon_class[conn_axon - 1] if len(uniq) else np.zeros(0, np.int64)
    c_target_class = target_class[conn_target - 1] if len(uniq) else np.zeros(0, np.int64)
    c_neuron = neuron[conn_target - 1] if len(uniq) else np.zeros(0, np.int64)
    connections = pd.DataFrame(
        {
            "axon_id": conn_axon.astype(np.int64),
            "target_id": conn_target.astype(np.int64),
            "axon_class": axon_names[c_axon_class] if len(uniq) else np.zeros(0, object),
            "target_class": target_names[c_target_class] if len(uniq) else np.zeros(0, object),
            "neuron_id": pd.arrays.IntegerArray(c_neuron, c_neuron == 0),
            "synapses": synapses.astype(np.int64),
        }
    )
    by_class = connections.assign(ac=c_axon_class, tc=c_target_class)
    pairs, pair_histogram, bifans = pair_structure(
        conn_axon, conn_target, axon_class, c_target_class, axon_names, target_names
    )
    histogram = pd.concat(
        [
            _tally(by_class, "multi_synaptic_connections", [], value="synapses"),
            _tally(by_class, "convergent_targets", ["target_id"]),
            _tally(by_class[c_neuron > 0], "convergent_neurons", ["neuron_id"], distinct="axon_id"),
            _tally(by_class, "divergent_axons", ["axon_id"]),
            _tally(by_class[c_neuron > 0], "axon_neuron_multi_target", ["axon_id", "neuron_id"]),
            pair_histogram,
        ],
        ignore_index=True,
    )
    histogram = _named(histogram, axon_names, target_names)
    return MotifFrames(
        connections.sort_values(["axon_id", "target_id"], ignore_index=True),
        pairs,
        histogram,
        bifans,
    )


def _scopes(by_target: bool) -> list[tuple[bool, bool]]:
    """(filter by axon class, filter by target class) combinations of a motif's histogram."""
    return [(a, t) for a in (True, False) for t in ((True, False) if by_target else (False,))]


def _tally(
    frame: pd.DataFrame,
    motif: str,
    items: list[str],
    *,
    value: str | None = None,
    distinct: str | None = None,
) -> pd.DataFrame:
    """Histogram rows (motif, ac, tc, value, instances) with class indices, -1 = no filter.

    An instance is a group of ``items`` (within the scope's classes); its value is ``value``
    (a column, one row per instance), the distinct ``distinct`` of the group, or its rows."""
    out = []
    for by_axon, by_target in _scopes(motif in BY_TARGET_CLASS):
        scope = (["ac"] if by_axon else []) + (["tc"] if by_target else [])
        if value is not None:
            values = frame[[*scope, value]].rename(columns={value: "value"})
        else:
            grouped = frame.groupby([*scope, *items], sort=False)
            series = grouped[distinct].nunique() if distinct else grouped.size()
            values = series.rename("value").reset_index()
        counts = values.groupby([*scope, "value"], sort=False).size()
        part = counts.rename("instances").reset_index()
        out.append(
            pd.DataFrame(
                {
                    "motif": motif,
                    "ac": part["ac"].to_numpy(np.int64) if by_axon else -1,
                    "tc": part["tc"].to_numpy(np.int64) if by_target else -1,
                    "value": part["value"].to_numpy(np.int64),
                    "instances": part["instances"].to_numpy(np.int64),
                },
                index=pd.RangeIndex(len(part)),
            )
        )
    return pd.concat(out, ignore_index=True)


def _named(
    histogram: pd.DataFrame, axon_names: np.ndarray, target_names: np.ndarray
) -> pd.DataFrame:
    """Class indices (-1: no filter) → names (None: no filter); sorted for a stable load."""
    ac = histogram["ac"].to_numpy()
    tc = histogram["tc"].to_numpy()
    out = pd.DataFrame(
        {
            "motif": histogram["motif"].astype(object).to_numpy(),
            "axon_class": np.where(ac >= 0, axon_names[np.maximum(ac, 0)], None)
            if len(axon_names)
            else np.full(len(ac), None, dtype=object),
            "target_class": np.where(tc >= 0, target_names[np.maximum(tc, 0)], None)
            if len(target_names)
            else np.full(len(tc), None, dtype=object),
            "value": histogram["value"].to_numpy(np.int64),
            "instances": histogram["instances"].to_numpy(np.int64),
        }
    )
    return out.sort_values(
        ["motif", "axon_class", "target_class", "value"], na_position="first", ignore_index=True
    )

"""Per-class synapse statistics both stores keep beside the data, computed once per load
(pure).

One row per (axon class, target class, synapse type) with a connectome synapse (counting rule
2), plus one per (axon class, target class) over every type (``synapse_type`` missing):
``synapses``, ``asi_count`` (how many have an ASI area), ``asi_mean``, ``asi_median``,
``asi_q1``, ``asi_q3`` (linear interpolation, as PostgreSQL's ``percentile_cont``; missing
without an area). ``asi_by_class`` and ``synapse_type_mix`` read these rows instead of every
synapse. Class and type names are the canonical ones (``Unknown`` for a code in no table).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from connectomedb.etl.frames import SourceDataset
from connectomedb.etl.motifs import class_names

COLUMNS = (
    "axon_class",
    "target_class",
    "synapse_type",
    "synapses",
    "asi_count",
    "asi_mean",
    "asi_median",
    "asi_q1",
    "asi_q3",
)


def class_synapse_stats(source: SourceDataset) -> pd.DataFrame:
    """The rows of the module docstring, sorted by the three names (every type first)."""
    ax, tg, sy = source.axons, source.targets, source.synapses
    axon_id = np.asarray(sy.axon_id, dtype=np.int64)
    target_id = np.asarray(sy.target_id, dtype=np.int64)
    keep = (axon_id > 0) & (target_id > 0) & (axon_id <= ax.n) & (target_id <= tg.n)
    axon_names, axon_class = class_names(ax.classes, ax.class_code)
    target_names, target_class = class_names(tg.classes, tg.class_code)
    type_names, type_class = class_names(sy.types, sy.type_code)
    asi = (
        np.full(sy.n, np.nan)
        if sy.asi_area is None
        else np.asarray(sy.asi_area, dtype=np.float64)
    )
    frame = pd.DataFrame(
        {
            "ac": axon_class[axon_id[keep] - 1] if keep.any() else np.zeros(0, np.int64),
            "tc": target_class[target_id[keep] - 1] if keep.any() else np.zeros(0, np.int64),
            "st": type_class[keep],
            "asi": asi[keep],
        }
    )
    rows = []
    for by_type in (False, True):
        keys = ["ac", "tc", "st"] if by_type else ["ac", "tc"]
        for key, group in frame.groupby(keys, sort=True):
            values = group["asi"].to_numpy()
            values = values[~np.isnan(values)]
            has = len(values) > 0
            q1, median, q3 = np.percentile(values, [25, 50, 75]) if has else (None,) * 3
            rows.append(
                {
                    "axon_class": axon_names[key[0]],
                    "target_class": target_names[key[1]],
                    "synapse_type": type_names[key[2]] if by_type else None,
                    "synapses": len(group),
                    "asi_count": len(values),
                    "asi_mean": float(values.mean()) if has else None,
                    "asi_median": None if median is None else float(median),
                    "asi_q1": None if q1 is None else float(q1),
                    "asi_q3": None if q3 is None else float(q3),
                }
            )
    out = pd.DataFrame(rows, columns=list(COLUMNS))
    return out.sort_values(
        ["axon_class", "target_class", "synapse_type"], na_position="first", ignore_index=True
    )

"""The plasticity test of ``asi_pair_cv`` per class pair and synapse type, computed once per
load (pure).

A doublet is a connection of exactly two connectome synapses (counting rule 4); it counts for
a synapse type (or, with ``synapse_type`` missing, for every type) when both its synapses have
an ASI area > 0 and are of that type. Per (axon class, target class, synapse type) with a
counted doublet: ``pairs`` (doublets), ``cv_mean`` and ``cv_median`` of their CV
(``sqrt(2) |x - y| / (x + y)`` of the two areas), and the same of the random pairs
(``random_pairs``, ``random_cv_mean``, ``random_cv_median``): the cell's counted synapses
ordered by ``(synapse_id * 2654435761) mod 2^32``, the 1st paired with the 2nd, the 3rd with
the 4th, ... (an odd last one left out). Medians by linear interpolation, as PostgreSQL's
``percentile_cont``. A class filter of the query keeps whole cells, so it filters these rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from connectomedb.etl.frames import SourceDataset
from connectomedb.etl.motifs import classified_synapses
from connectomedb.etl.per_source import per_source

COLUMNS = (
    "axon_class",
    "target_class",
    "synapse_type",
    "pairs",
    "cv_mean",
    "cv_median",
    "random_pairs",
    "random_cv_mean",
    "random_cv_median",
)


def _cv(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    return np.sqrt(2.0) * (hi - lo) / (hi + lo)


def _stats(cell: pd.Series, cv: np.ndarray, prefix: str) -> pd.DataFrame:
    """Per cell: how many CVs (``pairs``), their mean and median."""
    frame = pd.DataFrame({"cell": cell.to_numpy(), "cv": cv})
    g = frame.groupby("cell", sort=True)["cv"]
    return pd.DataFrame(
        {
            f"{prefix}pairs": g.size().astype(np.int64),
            f"{prefix}cv_mean": g.mean(),
            f"{prefix}cv_median": g.quantile(0.5, interpolation="linear"),
        }
    )


def _one_type(members: pd.DataFrame) -> pd.DataFrame:
    """The rows of one synapse type (or every type) from its doublets' synapses."""
    conn = members.groupby(["axon", "target"], sort=False).agg(
        cell=("cell", "first"), lo=("asi", "min"), hi=("asi", "max")
    )
    observed = _stats(conn["cell"], _cv(conn["lo"].to_numpy(), conn["hi"].to_numpy()), "")
    ordered = members.sort_values(["cell", "hash", "id"], ignore_index=True)
    rank = ordered.groupby("cell", sort=False).cumcount().to_numpy()
    paired = ordered.assign(pair=rank // 2)
    random = paired.groupby(["cell", "pair"], sort=False).agg(
        n=("asi", "size"), lo=("asi", "min"), hi=("asi", "max")
    )
    random = random[random["n"] == 2]
    shuffled = _stats(
        random.index.get_level_values("cell").to_series(),
        _cv(random["lo"].to_numpy(), random["hi"].to_numpy()),
        "random_",
    )
    return observed.join(shuffled, how="left")


@per_source
def pair_cv_stats(source: SourceDataset) -> pd.DataFrame:
    """The rows of the module docstring, sorted by the three names (every type first)."""
    cs = classified_synapses(source)
    keep, axon_id, target_id = cs.keep, cs.axon_id, cs.target_id
    target_names, axon_class, target_class = cs.target_names, cs.axon_class, cs.target_class
    type_names, type_index, asi = cs.type_names, cs.type_index, cs.asi
    ids = np.arange(1, len(keep) + 1, dtype=np.int64)[keep]
    a, t = axon_id[keep], target_id[keep]
    n_targets = len(target_names)
    frame = pd.DataFrame(
        {
            "id": ids,
            "hash": (ids.astype(np.uint64) * np.uint64(2654435761)) % np.uint64(2**32),
            "axon": a,
            "target": t,
            "cell": axon_class[a - 1] * n_targets + target_class[t - 1],
            "type": type_index[keep],
            "asi": asi[keep],
        }
    )
    size = frame.groupby(["axon", "target"], sort=False)["id"].transform("size").to_numpy()
    doublets = frame[size == 2]
    positive = (doublets["asi"] > 0).to_numpy()
    parts = []
    for k in (None, *range(len(type_names))):
        counted = positive if k is None else positive & (doublets["type"] == k).to_numpy()
        both = (
            pd.Series(counted, index=doublets.index)
            .groupby([doublets["axon"], doublets["target"]], sort=False)
            .transform("sum")
            .to_numpy()
        )
        members = doublets[both == 2]
        if len(members) == 0:
            continue
        rows = _one_type(members).reset_index()
        rows["synapse_type"] = None if k is None else str(type_names[k])
        parts.append(rows)
    if not parts:
        return pd.DataFrame({c: [] for c in COLUMNS})
    out = pd.concat(parts, ignore_index=True)
    cell = out["cell"].to_numpy(np.int64)
    out["axon_class"] = cs.axon_names[cell // n_targets]
    out["target_class"] = target_names[cell % n_targets]
    out["random_pairs"] = out["random_pairs"].fillna(0).astype(np.int64)
    out = out[list(COLUMNS)].astype({"pairs": np.int64})
    return out.sort_values(
        ["axon_class", "target_class", "synapse_type"], na_position="first", ignore_index=True
    )

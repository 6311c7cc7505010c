"""The aggregate relationships of the graph, computed from the synapses (pure, no I/O):
``CONNECTS_TO``, ``CLASS_CONNECTS_TO``, ``CLASS_SYNAPSES``, ``SHARES_TARGETS`` and ``BIFAN``,
and the ``MotifHistogram`` nodes. :func:`connectomedb.etl.transform_graph.graph_frames` puts
them into the graph's frames."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from connectomedb.etl.frames import SourceDataset
from connectomedb.etl.graph_plan import LazyFrame


def rel_frame(frm: np.ndarray, to: np.ndarray, **props: object) -> pd.DataFrame:
    """A relationship frame: ``from``, ``to``, then the properties."""
    return pd.DataFrame({"from": frm, "to": to, **props})


def connections(
    axon_id: np.ndarray,
    target_id: np.ndarray,
    in_connectome: np.ndarray,
    asi_area: np.ndarray | None,
) -> pd.DataFrame:
    """CONNECTS_TO: one row per (axon, target) with a connectome synapse (counting rule 4)."""
    asi = np.full(len(axon_id), np.nan) if asi_area is None else np.asarray(asi_area, np.float64)
    df = pd.DataFrame(
        {
            "from": axon_id[in_connectome],
            "to": target_id[in_connectome],
            "asi": asi[in_connectome],
        }
    )
    grouped = df.groupby(["from", "to"], sort=True)["asi"]
    out = pd.DataFrame(
        {
            "synapses": grouped.size().astype(np.int64),
            "asi_area_sum": grouped.sum(min_count=1),
            "asi_area_count": grouped.count().astype(np.int64),
        }
    ).reset_index()
    return out[["from", "to", "synapses", "asi_area_sum", "asi_area_count"]].astype(
        {"from": np.int64, "to": np.int64}
    )


def class_connections(
    connects: pd.DataFrame, axon_classes: np.ndarray, target_classes: np.ndarray
) -> pd.DataFrame:
    """CLASS_CONNECTS_TO: connectome synapses and connections per (axon class, target class)."""
    frame = pd.DataFrame(
        {
            "from": axon_classes[connects["from"].to_numpy() - 1]
            if len(connects)
            else np.array([], dtype=object),
            "to": target_classes[connects["to"].to_numpy() - 1]
            if len(connects)
            else np.array([], dtype=object),
            "synapses": connects["synapses"].to_numpy(),
        }
    )
    grouped = frame.groupby(["from", "to"], sort=True)["synapses"]
    out = pd.DataFrame(
        {"synapses": grouped.sum().astype(np.int64), "connections": grouped.size().astype(np.int64)}
    ).reset_index()
    return out[["from", "to", "synapses", "connections"]]


def motif_structure(
    source: SourceDataset,
) -> tuple[dict[str, object], LazyFrame, LazyFrame]:
    """The columns of the ``MotifHistogram`` nodes, and the ``SHARES_TARGETS`` and ``BIFAN``
    relationship frames (:mod:`connectomedb.etl.motifs`), built when asked for."""
    from connectomedb.etl.motifs import motif_frames

    m = motif_frames(source)
    h = m.histogram
    histogram: dict[str, object] = {
        "id": np.arange(1, len(h) + 1, dtype=np.int64),
        "motif": h["motif"].to_numpy(object),
        "axon_class": h["axon_class"].to_numpy(object),
        "target_class": h["target_class"].to_numpy(object),
        "value": h["value"].to_numpy(np.int64),
        "instances": h["instances"].to_numpy(np.int64),
    }
    p, b = m.pairs, m.bifans
    return (
        histogram,
        LazyFrame.whole(len(p), functools.partial(_shares, p)),
        LazyFrame.whole(len(b), functools.partial(_bifan, b)),
    )


def _shares(p: pd.DataFrame) -> pd.DataFrame:
    return rel_frame(
        p["axon_a"].to_numpy(np.int64),
        p["axon_b"].to_numpy(np.int64),
        target_class=p["target_class"].to_numpy(object),
        shared=p["shared"].to_numpy(np.int64),
        axon_class=p["axon_class"].to_numpy(object),
        rank=p["rank"].to_numpy(np.int64),
        class_rank=p["class_rank"].to_numpy(np.int64),
    )


def _bifan(b: pd.DataFrame) -> pd.DataFrame:
    return rel_frame(
        b["axon_a"].to_numpy(np.int64),
        b["axon_b"].to_numpy(np.int64),
        **{c: b[c].to_numpy(np.int64) for c in ("target_a", "target_b")},
        target_class=b["target_class"].to_numpy(object),
        axon_class=b["axon_class"].to_numpy(object),
        rank=b["rank"].to_numpy(np.int64),
        class_rank=b["class_rank"].to_numpy(np.int64),
    )


def class_synapses(source: SourceDataset) -> pd.DataFrame:
    """CLASS_SYNAPSES (:mod:`connectomedb.etl.class_stats`)."""
    from connectomedb.etl.class_stats import class_synapse_stats

    f = class_synapse_stats(source)
    return rel_frame(
        f["axon_class"].to_numpy(object),
        f["target_class"].to_numpy(object),
        synapse_type=f["synapse_type"].to_numpy(object),
        synapses=f["synapses"].to_numpy(np.int64),
        asi_count=f["asi_count"].to_numpy(np.int64),
        **{c: f[c].to_numpy(np.float64) for c in ("asi_mean", "asi_median", "asi_q1", "asi_q3")},
    )

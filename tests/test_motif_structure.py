"""The motif structure built at load time (connectomedb/etl/motifs.py) against a direct
enumeration of axon pairs with pandas."""

from __future__ import annotations

import pandas as pd
import pytest
from support.datasets import handmade_source

from connectomedb.etl.motifs import MIN_STORED_SHARED, motif_frames
from connectomedb.synth.generate import generate


def _connections(source) -> pd.DataFrame:
    sy = source.synapses
    frame = pd.DataFrame({"axon_id": sy.axon_id, "target_id": sy.target_id})
    frame = frame[(frame.axon_id > 0) & (frame.target_id > 0)]
    out = frame.groupby(["axon_id", "target_id"]).size().rename("synapses").reset_index()
    lookup = dict(
        zip(source.targets.classes.frame["code"], source.targets.classes.frame["name"], strict=True)
    )
    out["target_class"] = [
        lookup.get(int(c), "Unknown") for c in source.targets.class_code[out.target_id - 1]
    ]
    return out


@pytest.fixture(scope="module", params=["demo", "handmade"])
def source(request: pytest.FixtureRequest):
    if request.param == "demo":
        return generate("demo", 0).dataset
    return handmade_source(3, n_axons=30, n_targets=25, n_synapses=400)


def test_stored_pairs_are_every_pair_sharing_enough_targets(source) -> None:
    m = motif_frames(source)
    conn = _connections(source)
    assert len(m.connections) == len(conn)
    joined = conn.merge(conn, on="target_id")
    joined = joined[joined.axon_id_x < joined.axon_id_y]
    scopes = [(None, joined)] + list(joined.groupby("target_class_x"))
    for scope, rows in scopes:
        counts = rows.groupby(["axon_id_x", "axon_id_y"]).size()
        expected = sorted(
            (int(a), int(b), int(n)) for (a, b), n in counts.items() if n >= MIN_STORED_SHARED
        )
        stored = m.pairs[
            m.pairs.target_class.isna() if scope is None else m.pairs.target_class == scope
        ]
        got = sorted(
            zip(stored.axon_a.tolist(), stored.axon_b.tolist(), stored.shared.tolist(), strict=True)
        )
        assert got == expected, scope
        # The histogram counts every pair, also those sharing one target.
        h = m.histogram
        rows_h = h[
            (h.motif == "shared_target_axon_pairs")
            & h.axon_class.isna()
            & (h.target_class.isna() if scope is None else h.target_class == scope)
        ]
        assert int(rows_h.instances.sum()) == len(counts)
        bifans = h[
            (h.motif == "bifans")
            & h.axon_class.isna()
            & (h.target_class.isna() if scope is None else h.target_class == scope)
        ]
        assert int(bifans.instances.sum()) == int((counts * (counts - 1) // 2).sum())


def test_cached_per_source_object(source) -> None:
    assert motif_frames(source) is motif_frames(source)

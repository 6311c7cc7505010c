"""The motif structure built at load time (connectomedb/etl/motifs.py) against a direct
enumeration of axon pairs with pandas."""

from __future__ import annotations

import functools
from collections.abc import Iterator

import numpy as np
import pandas as pd
import pytest
from support.datasets import handmade_source

from connectomedb.etl import motifs, pairs
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


def test_pairs_counted_in_chunks_add_up(source, monkeypatch: pytest.MonkeyPatch) -> None:
    """The pairs of connections enumerated a few at a time (a range of first axons per chunk)
    give the structure they give enumerated at once."""
    whole = motif_frames(source)
    chunks: list[int] = []
    enumerate_chunks = pairs._pair_chunks

    def counted(*args: object) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        for left, right in enumerate_chunks(*args):  # type: ignore[arg-type]
            chunks.append(len(left))
            yield left, right

    monkeypatch.setattr(pairs, "_pair_chunks", counted)
    monkeypatch.setattr(
        motifs, "pair_structure", functools.partial(pairs.pair_structure, chunk_pairs=7)
    )
    chunked = motifs._compute(source)
    assert len(chunks) > 3 and sum(chunks) > 7
    for name in ("connections", "pairs", "histogram", "bifans"):
        pd.testing.assert_frame_equal(getattr(chunked, name), getattr(whole, name))

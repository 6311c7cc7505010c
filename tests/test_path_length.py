"""The skeleton path length is computed once per source and shared by PostgreSQL's rows, the
graph's nodes and the class statistics (no server needed)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from support.datasets import make_source
from support.warehouse import VOXEL

from connectomedb.errors import InputError
from connectomedb.etl import class_stats, transform
from connectomedb.etl.frames import Ragged, Skeletons
from connectomedb.etl.transform_graph import graph_frames


def _by_loop(skel: Skeletons) -> list[float]:
    """Each skeleton's edge lengths summed one edge at a time (the oracle)."""
    out = []
    for k in range(len(skel.nodes)):
        nodes = skel.nodes.element(k + 1).astype(np.float64)
        out.append(
            sum(
                float(np.sqrt((((nodes[a - 1] - nodes[b - 1]) * VOXEL) ** 2).sum())) / 1000
                for a, b in skel.edges.element(k + 1)
            )
        )
    return out


def test_one_computation_per_side_for_every_store(monkeypatch: pytest.MonkeyPatch) -> None:
    source = make_source(5)
    calls = []
    computed = transform.skeleton_path_length_um

    def counted(skeletons: Skeletons, **where: str) -> np.ndarray:
        calls.append(where)
        return computed(skeletons, **where)

    monkeypatch.setattr(transform, "skeleton_path_length_um", counted)
    tables = transform.transform(source)
    nodes = graph_frames(source).nodes
    stats = class_stats.neurite_stats(source)
    assert calls == [
        {"file": "axons.hdf5", "group": "/axons"},
        {"file": "dendrites.hdf5", "group": "/dendrites"},
    ]
    for side, table, label in (
        (source.axons, "axon", "Axon"),
        (source.targets, "target", "Target"),
    ):
        assert side.skeleton is not None
        want = _by_loop(side.skeleton)
        np.testing.assert_allclose(tables[table].column("path_length_um").values, want, rtol=1e-12)
        np.testing.assert_allclose(nodes[label]["path_length_um"], want, rtol=1e-12)
    assert len(stats) > 0


def test_a_bad_edge_names_its_file_whichever_store_asks_first() -> None:
    source = make_source(5)
    skel = source.targets.skeleton
    assert skel is not None
    edges = skel.edges.values.copy()
    edges[0] = (1, 10_000)  # past the first target's nodes
    broken = dataclasses.replace(
        source,
        targets=dataclasses.replace(
            source.targets,
            skeleton=dataclasses.replace(skel, edges=Ragged(edges, skel.edges.offsets)),
        ),
    )
    with pytest.raises(InputError, match=r"^dendrites\.hdf5: /dendrites/skeleton/1/edges: "):
        class_stats.neurite_stats(broken)

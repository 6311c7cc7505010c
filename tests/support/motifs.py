"""Fixtures and independent oracles of the motif, significance and paper-analysis tests.

``motif_loaded`` loads the generator's ``tiny`` and ``demo`` side by side into one fresh
PostgreSQL database and one LadybugDB root. ``source_graph`` builds the connectome graph as a
NetworkX ``DiGraph`` straight from the source frames (not through any loader or query), the
host graph DotMotif's own executor runs on. ``connectome_frame`` gives the connectome synapses
with their classes, also from the source frames.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from connectomedb.etl.frames import SourceDataset
from connectomedb.synth.generate import generate
from support.stores import Loaded, side_by_side


@pytest.fixture(scope="module")
def motif_loaded(
    embedded_server_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Loaded]:
    """The generator's ``tiny`` and ``demo`` side by side in a fresh database and one graph."""
    sources: dict[str, SourceDataset] = {}
    truths: dict[str, dict] = {}
    for scale in ("tiny", "demo"):
        result = generate(scale, 0)
        sources[scale], truths[scale] = result.dataset, result.truth
    root = tmp_path_factory.mktemp("motif-graphs")
    yield from side_by_side(embedded_server_url, root, sources, truths)


def connectome_frame(source: SourceDataset) -> pd.DataFrame:
    """Connectome synapses: synapse_id, axon, target, type, asi, axon_class, target_class,
    neuron (0 = none)."""
    syn, ax, tg = source.synapses, source.axons, source.targets
    keep = (syn.axon_id > 0) & (syn.target_id > 0)
    axon = syn.axon_id[keep]
    target = syn.target_id[keep]
    neuron = tg.neuron_id if tg.neuron_id is not None else np.zeros(tg.n, np.int64)
    asi = syn.asi_area if syn.asi_area is not None else np.full(syn.n, np.nan)
    return pd.DataFrame(
        {
            "synapse_id": np.flatnonzero(keep) + 1,
            "axon": axon,
            "target": target,
            "type": syn.types.name_of(syn.type_code[keep]),
            "asi": asi[keep],
            "axon_class": ax.classes.name_of(ax.class_code[axon - 1]),
            "target_class": tg.classes.name_of(tg.class_code[target - 1]),
            "neuron": neuron[target - 1],
        }
    )


def source_graph(source: SourceDataset) -> nx.DiGraph:
    """The connectome graph: nodes ("a", id) and ("t", id) with kind, id, class, synapses
    (and neuron_id where the target has one); edges per connection with synapses,
    asi_area_sum and asi_area_count (the sum left out when no synapse has an area)."""
    frame = connectome_frame(source)
    ax, tg = source.axons, source.targets
    g = nx.DiGraph()
    a_syn = np.bincount(frame["axon"], minlength=ax.n + 1)
    t_syn = np.bincount(frame["target"], minlength=tg.n + 1)
    a_cls = ax.classes.name_of(ax.class_code)
    t_cls = tg.classes.name_of(tg.class_code)
    for i in range(1, ax.n + 1):
        g.add_node(("a", i), kind="axon", id=i, **{"class": a_cls[i - 1]}, synapses=int(a_syn[i]))
    for i in range(1, tg.n + 1):
        attrs: dict[str, Any] = {
            "kind": "target",
            "id": i,
            "class": t_cls[i - 1],
            "synapses": int(t_syn[i]),
        }
        if tg.neuron_id is not None and tg.neuron_id[i - 1] > 0:
            attrs["neuron_id"] = int(tg.neuron_id[i - 1])
        g.add_node(("t", i), **attrs)
    for (a, t), rows in frame.groupby(["axon", "target"]):
        attrs = {"synapses": len(rows), "asi_area_count": int(rows["asi"].notna().sum())}
        if attrs["asi_area_count"]:
            attrs["asi_area_sum"] = float(rows["asi"].sum())
        g.add_edge(("a", int(a)), ("t", int(t)), **attrs)
    return g


def dotmotif_mappings(text: str, graph: nx.DiGraph) -> list[dict[str, int]]:
    """Every mapping DotMotif's in-memory executor finds (node name -> published ID)."""
    from dotmotif import Motif, NetworkXExecutor

    motif = Motif(text)
    # DotMotif keeps a quoted edge key's quotes ("asi_area_sum"); the graph's keys have none.
    motif._edge_constraints = {
        e: {k.strip('"'): v for k, v in c.items()} for e, c in motif._edge_constraints.items()
    }
    found = NetworkXExecutor(graph=graph).find(motif)
    return [{name: node[1] for name, node in m.items()} for m in found]


def symmetry_group(text: str) -> list[dict[str, str]]:
    """The motif's automorphisms by brute force over DotMotif's own parse: permutations of the
    node names that keep every edge (with existence and constraints), node constraint and
    comparison of two nodes."""
    from dotmotif import Motif

    m = Motif(text)
    names = list(m.to_nx().nodes)
    for node in list(m.list_node_constraints()) + list(m.list_dynamic_node_constraints()):
        if node not in names:
            names.append(node)

    def image(p: dict[str, str]) -> tuple:
        edges = frozenset(
            (p[u], p[v], a["exists"], repr(sorted(a["constraints"].items())))
            for u, v, a in m.to_nx().edges(data=True)
        )
        nodes = frozenset(
            (p[n], repr(sorted(c.items()))) for n, c in m.list_node_constraints().items()
        )
        dyn = set()
        for n, per_key in m.list_dynamic_node_constraints().items():
            for key, per_op in per_key.items():
                for op, others in per_op.items():
                    for other, other_key in others:
                        a, b = (p[n], key), (p[other], other_key)
                        dyn.add((min(a, b), op, max(a, b)) if op in ("=", "!=") else (a, op, b))
        for (u, v), per_key in m.list_dynamic_edge_constraints().items():
            for key, per_op in per_key.items():
                for op, others in per_op.items():
                    for ou, ov, other_key in others:
                        dyn.add(((p[u], p[v], key), op, (p[ou], p[ov], other_key)))
        return edges, nodes, frozenset(dyn)

    base = image({n: n for n in names})
    group = []
    for perm in itertools.permutations(names):
        p = dict(zip(names, perm, strict=True))
        if image(p) == base:
            group.append(p)
    return group


def instances(
    mappings: list[dict[str, int]], group: list[dict[str, str]], kinds: dict[str, str]
) -> set[tuple]:
    """One key per instance: the smallest of the mapping's images under the group."""
    names = list(kinds)
    keys = set()
    for m in mappings:
        keys.add(min(tuple((kinds[n], m[p[n]]) for n in names) for p in group))
    return keys


# --- the motifs every engine must find as DotMotif does ------------------------------------

BIFAN = "A -> C\nA -> D\nB -> C\nB -> D"
CONVERGENCE = "A -> T\nB -> T"
DIVERGENCE = "A -> S\nA -> T"
NEURON_MULTI = "A -> S\nA -> T\nS.neuron_id = T.neuron_id"

#: (motif, datasets): every feature at least once. DotMotif's executor (VF2 over the whole
#: graph) takes minutes per motif on demo, so these run on tiny; demo is covered by the
#: named-query equivalences and the in-memory executor test.
CASES = [
    (BIFAN, ("tiny",)),
    (BIFAN + '\nA.class = "Inhibitory"\nB.class = "Inhibitory"', ("tiny",)),
    (CONVERGENCE, ("tiny",)),
    (DIVERGENCE + '\nS.class = "Soma"\nT.class = "Soma"', ("tiny",)),
    (NEURON_MULTI, ("tiny",)),
    ("A -> B [synapses >= 3]", ("tiny",)),
    ('A -> B [synapses = 2, "asi_area_sum" > 0.4]', ("tiny",)),
    ("A -> B\nA.synapses >= 12\nB.synapses < 8", ("tiny",)),
    ('A -> B\nB.class != "Soma"\nB.neuron_id != 1', ("tiny",)),
    ("A -> C\nB -> C\nA !> D\nB -> D", ("tiny",)),  # forbidden edge, no symmetry
    ("A -> C\nA -> D\nB -> C\nB !> D\nA.synapses > 11", ("tiny",)),
    ("A -> C [synapses >= 2]\nB -> C", ("tiny",)),  # a constraint breaks the symmetry
    ("A -> B as AB\nA -> C as AC\nAB.synapses > AC.synapses\nA.id <= 6", ("tiny",)),
    ('fan(x, y, z) {\n  x -> z\n  y -> z\n}\nfan(A, B, T)\nT.class = "Soma"', ("tiny",)),
    ('A -> T\nC !> T\nC.kind = "axon"\nT.id = 14', ("tiny",)),  # a node with no edge
]

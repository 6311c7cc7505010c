"""A motif's symmetries: the permutations of its node names that map it onto itself, used to
count each instance once."""

from __future__ import annotations

from connectomedb.motifs.model import _FLIP, Motif, MotifError


def _canonical(motif: Motif, perm: dict[str, str]) -> tuple[frozenset, ...]:
    """The motif's parts with the node names renamed by ``perm``, as comparable sets."""

    def side(s: tuple[str | None, tuple[str, str] | None, str]) -> tuple:
        node, edge, attr = s
        return (
            perm[node] if node else None,
            (perm[edge[0]], perm[edge[1]]) if edge else None,
            attr,
        )

    links = set()
    for link in motif.links:
        a, b = side(link.left), side(link.right)
        flipped = (b, _FLIP[link.op], a)
        links.add(min((a, link.op, b), flipped, key=repr))
    return (
        frozenset((perm[n], k) for n, k in motif.nodes.items()),
        frozenset((perm[u], perm[v]) for u, v in motif.edges),
        frozenset((perm[u], perm[v]) for u, v in motif.forbidden),
        frozenset(
            (
                perm[c.node] if c.node else None,
                (perm[c.edge[0]], perm[c.edge[1]]) if c.edge else None,
                c.attr,
                c.op,
                repr(c.value),
            )
            for c in motif.constraints
        ),
        frozenset(links),
    )


#: More nodes than this make a query of too many joins to be useful.
MAX_NODES = 12


def automorphisms(motif: Motif) -> list[dict[str, str]]:
    """Every permutation of the node names that maps the motif, with its kinds, edges,
    forbidden edges, constraints and comparisons, onto itself (identity first)."""
    import networkx as nx
    from networkx.algorithms.isomorphism import DiGraphMatcher

    if len(motif.nodes) > MAX_NODES:
        raise MotifError(
            f"the motif has {len(motif.nodes)} nodes; at most {MAX_NODES} are supported."
        )
    g = nx.DiGraph()
    for n, kind in motif.nodes.items():
        own = sorted(repr((c.attr, c.op, c.value)) for c in motif.constraints if c.node == n)
        g.add_node(n, label=(kind, tuple(own)))
    for exists, pairs in ((True, motif.edges), (False, motif.forbidden)):
        for u, v in pairs:
            own = sorted(
                repr((c.attr, c.op, c.value)) for c in motif.constraints if c.edge == (u, v)
            )
            g.add_edge(u, v, label=(exists, tuple(own)))
    matcher = DiGraphMatcher(
        g,
        g,
        node_match=lambda a, b: a["label"] == b["label"],
        edge_match=lambda a, b: a["label"] == b["label"],
    )
    base = _canonical(motif, {n: n for n in motif.nodes})
    found = [dict(m) for m in matcher.isomorphisms_iter() if _canonical(motif, m) == base]
    found.sort(key=lambda m: any(k != v for k, v in m.items()))
    return found

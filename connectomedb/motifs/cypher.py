"""A :class:`~connectomedb.motifs.model.Motif` compiled to one Cypher statement.

Reads the graph's aggregate layer: ``(:Axon)-[:CONNECTS_TO {synapses, asi_area_sum,
asi_area_count}]->(:Target)`` with the nodes' ``id``, ``class``, ``synapses`` and, on targets,
``neuron_id`` (docs/model.md). The same text runs on LadybugDB and Neo4j 5: one ``MATCH`` of
comma-separated patterns, forbidden edges as ``NOT EXISTS { MATCH ... }``, values as
parameters (``$v0`` ...), every filter after a ``WITH``; node variables ``x0``, ``x1``, ...
and result columns ``n0``, ``n1``, ... in the motif's node order.
"""

from __future__ import annotations

from connectomedb.motifs.builder import Builder
from connectomedb.motifs.model import AXON, Motif


class CypherBuilder(Builder):
    def __init__(self, motif: Motif) -> None:
        super().__init__(motif)
        self.var = {n: f"x{i}" for i, n in enumerate(motif.names)}
        self.edge_var = {e: f"e{i}" for i, e in enumerate(motif.edges)}

    def placeholder(self, name: str) -> str:
        return f"${name}"

    def node(self, name: str, seen: set[str]) -> str:
        var = self.var[name]
        if name in seen:
            return f"({var})"
        seen.add(name)
        label = "Axon" if self.motif.nodes[name] == AXON else "Target"
        return f"({var}:{label} {{dataset: $dataset}})"

    def build(self, order: list[tuple[str, str]] | None) -> tuple[str, str]:
        m = self.motif
        seen: set[str] = set()
        patterns = []
        for (u, v), e in self.edge_var.items():
            patterns.append(f"{self.node(u, seen)}-[{e}:CONNECTS_TO]->{self.node(v, seen)}")
        for name in m.names:
            if name not in seen:
                patterns.append(self.node(name, seen))
        where = [self.constraint(c) for c in m.constraints]
        where += [self.link(link) for link in m.links]
        for u, v in m.forbidden:
            where.append(f"NOT EXISTS {{ MATCH ({self.var[u]})-[:CONNECTS_TO]->({self.var[v]}) }}")
        where += self.identity_filters(order)
        text = "MATCH " + ",\n      ".join(patterns)
        if where:
            # The filters follow a WITH: LadybugDB 0.22 mis-applies a relationship filter in
            # the MATCH's own WHERE when a node of the pattern also has a property filter.
            carried = [self.var[n] for n in m.names] + list(self.edge_var.values())
            text += "\nWITH " + ", ".join(carried)
            text += "\nWHERE " + "\n  AND ".join(where)
        columns = ", ".join(f"{self.var[n]}.id AS n{i}" for i, n in enumerate(m.names))
        return text, columns

    def attr(self, node: str | None, edge: tuple[str, str] | None, attr: str) -> str:
        if edge is not None:
            return f"{self.edge_var[edge]}.{attr}"
        assert node is not None
        return f"{self.var[node]}.{attr}"

    def differs(self, left: str, value: str) -> str:
        return f"({left} IS NULL OR {left} <> {value})"

    def statement(self, order: list[tuple[str, str]] | None, *, count: bool) -> str:
        match, columns = self.build(order)
        if count:
            return f"{match}\nRETURN count(*) AS instances"
        aliases = ", ".join(f"n{i}" for i in range(len(self.motif.names)))
        return f"{match}\nRETURN {columns}\nORDER BY {aliases}"

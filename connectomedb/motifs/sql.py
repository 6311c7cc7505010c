"""A :class:`~connectomedb.motifs.model.Motif` compiled to one PostgreSQL statement.

The host graph in SQL: ``edge`` (one row per connection of the dataset, from
``connectome_synapse``: ``a``, ``t``, ``synapses``, ``asi_area_sum``, ``asi_area_count``),
``ax`` and ``tg`` (every axon and target, from ``bi_axon_summary`` / ``bi_target_summary``:
``id``, ``class``, ``synapses`` and, for targets, ``neuron_id``). Each positive motif edge is
one ``edge`` row; a node's ID is the column of its first edge; nodes with constraints (or no
edge) join ``ax``/``tg``. Every value is a parameter (``%(v0)s`` ...); column aliases are
``n0``, ``n1``, ... in the motif's node order, renamed by the executor.
"""

from __future__ import annotations

from connectomedb.motifs.builder import Builder
from connectomedb.motifs.model import AXON, Motif

_HOST = """WITH ds AS MATERIALIZED (SELECT dataset_id FROM dataset WHERE name = %(dataset)s),
edge AS MATERIALIZED (
    SELECT axon_id AS a, target_id AS t, count(*)::bigint AS synapses,
           sum(asi_area) AS asi_area_sum, count(asi_area)::bigint AS asi_area_count
    FROM connectome_synapse WHERE dataset_id = (SELECT dataset_id FROM ds)
    GROUP BY axon_id, target_id
),
ax AS (
    SELECT axon_id AS id, axon_class AS class, synapses::bigint AS synapses
    FROM bi_axon_summary WHERE dataset = %(dataset)s
),
tg AS (
    SELECT target_id AS id, target_class AS class, synapses::bigint AS synapses, neuron_id
    FROM bi_target_summary WHERE dataset = %(dataset)s
)
"""


class SqlBuilder(Builder):
    def __init__(self, motif: Motif) -> None:
        super().__init__(motif)
        self.alias = {n: f"n{i}" for i, n in enumerate(motif.names)}
        self.edge_alias = {e: f"e{i}" for i, e in enumerate(motif.edges)}
        self.from_items: list[str] = []
        self.where: list[str] = []
        self.ref: dict[str, str] = {}
        self.node_table: dict[str, str] = {}

    def placeholder(self, name: str) -> str:
        return f"%({name})s"

    def build(self, order: list[tuple[str, str]] | None) -> str:
        m = self.motif
        for (u, v), e in self.edge_alias.items():
            self.from_items.append(f"edge {e}")
            for node, col in ((u, "a"), (v, "t")):
                if node in self.ref:
                    self.where.append(f"{e}.{col} = {self.ref[node]}")
                else:
                    self.ref[node] = f"{e}.{col}"
        needs_table = {c.node for c in m.constraints if c.node} | {
            side[0] for link in m.links for side in (link.left, link.right) if side[0]
        }
        for node in m.names:
            if node not in self.ref or node in needs_table:
                t = f"{self.alias[node]}x"
                table = "ax" if m.nodes[node] == AXON else "tg"
                self.from_items.append(f"{table} {t}")
                self.node_table[node] = t
                if node in self.ref:
                    self.where.append(f"{t}.id = {self.ref[node]}")
                else:
                    self.ref[node] = f"{t}.id"
        for c in m.constraints:
            self.where.append(self.constraint(c))
        for link in m.links:
            self.where.append(self.link(link))
        for u, v in m.forbidden:
            self.where.append(
                f"NOT EXISTS (SELECT 1 FROM edge f WHERE f.a = {self.ref[u]} "
                f"AND f.t = {self.ref[v]})"
            )
        self.where += self.identity_filters(order)
        columns = ", ".join(f"{self.ref[n]} AS {self.alias[n]}" for n in m.names)
        where = "\n  AND ".join(self.where) or "TRUE"
        return f"SELECT {columns}\nFROM {', '.join(self.from_items)}\nWHERE {where}"

    def attr(self, node: str | None, edge: tuple[str, str] | None, attr: str) -> str:
        if edge is not None:
            return f"{self.edge_alias[edge]}.{attr}"
        assert node is not None
        if attr == "id":
            return self.ref[node]
        return f"{self.node_table[node]}.{attr}"

    def differs(self, left: str, value: str) -> str:
        return f"{left} IS DISTINCT FROM {value}"

    def statement(self, order: list[tuple[str, str]] | None, *, count: bool) -> str:
        body = self.build(order)
        if count:
            return f"{_HOST}SELECT count(*) AS instances FROM (\n{body}\n) AS m"
        aliases = ", ".join(self.alias[n] for n in self.motif.names)
        return f"{_HOST}{body}\nORDER BY {aliases}"

"""What the SQL and the Cypher compilers of a :class:`~connectomedb.motifs.model.Motif` share.

Values become numbered parameters (``v0``, ``v1``, ... in the order the statement uses them,
plus ``limit``); constraints and links become comparisons; one mapping per instance is kept by
``id(a) < id(b)`` for the ordered node pairs and ``id(x) <> id(y)`` for every other pair of
nodes of one kind. A compiler says how a parameter is written, what an attribute of a node or
an edge is, and how a value differs from a missing one.
"""

from __future__ import annotations

from typing import Any

from connectomedb.motifs.model import Constraint, Link, Motif

#: DotMotif comparison operators and their SQL/Cypher spelling.
OPERATORS = {"=": "=", "!=": "<>", "<": "<", "<=": "<=", ">": ">", ">=": ">="}


class Builder:
    def __init__(self, motif: Motif) -> None:
        self.motif = motif
        self.params: dict[str, Any] = {}

    # --- what a compiler provides ------------------------------------------------------------

    def placeholder(self, name: str) -> str:
        """The statement text standing for parameter ``name``."""
        raise NotImplementedError

    def attr(self, node: str | None, edge: tuple[str, str] | None, attr: str) -> str:
        """The expression of attribute ``attr`` of ``node`` (or of ``edge``)."""
        raise NotImplementedError

    def differs(self, left: str, value: str) -> str:
        """``left`` differs from ``value``, a missing ``left`` included (as in DotMotif's own
        executor, a missing value differs from every value)."""
        raise NotImplementedError

    def statement(self, order: list[tuple[str, str]] | None, *, count: bool) -> str:
        """The statement counting the mappings (``count``) or listing them, ordered by
        every column."""
        raise NotImplementedError

    # --- shared --------------------------------------------------------------------------------

    @classmethod
    def compile(
        cls, motif: Motif, *, order: list[tuple[str, str]] | None, count: bool, limit: int | None
    ) -> tuple[str, dict[str, Any]]:
        """``(statement, parameters)`` listing (or counting) the motif's mappings; ``order``
        are the ``id(a) < id(b)`` pairs that keep one mapping per instance (None: every
        mapping). The caller adds ``dataset`` to the parameters (in Cypher the store's
        dataset key)."""
        b = cls(motif)
        text = b.statement(order, count=count)
        return (text if count else b.limited(text, limit)), b.params

    def value(self, v: Any) -> str:
        name = f"v{len(self.params)}"
        self.params[name] = v
        return self.placeholder(name)

    def constraint(self, c: Constraint) -> str:
        left = self.attr(c.node, c.edge, c.attr)
        if c.op == "!=":
            return self.differs(left, self.value(c.value))
        return f"{left} {OPERATORS[c.op]} {self.value(c.value)}"

    def link(self, link: Link) -> str:
        return f"{self.attr(*link.left)} {OPERATORS[link.op]} {self.attr(*link.right)}"

    def identity_filters(self, order: list[tuple[str, str]] | None) -> list[str]:
        """``id(a) < id(b)`` for the pairs of ``order``, ``id(x) <> id(y)`` for the other
        pairs of nodes of one kind."""
        m = self.motif
        out, ordered = [], set()
        for a, b in order or []:
            out.append(f"{self.attr(a, None, 'id')} < {self.attr(b, None, 'id')}")
            ordered.add(frozenset((a, b)))
        for i, x in enumerate(m.names):
            for y in m.names[i + 1 :]:
                if m.nodes[x] == m.nodes[y] and frozenset((x, y)) not in ordered:
                    out.append(f"{self.attr(x, None, 'id')} <> {self.attr(y, None, 'id')}")
        return out

    def limited(self, text: str, limit: int | None) -> str:
        """``text`` with at most ``limit`` rows (``None``: all)."""
        if limit is None:
            return text
        self.params["limit"] = limit
        return f"{text}\nLIMIT {self.placeholder('limit')}"

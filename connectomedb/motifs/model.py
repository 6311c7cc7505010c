"""A DotMotif motif, parsed and checked against the connectome graph.

The text is parsed by the ``dotmotif`` package (its grammar: edges ``A -> B``, forbidden edges
``A !> B``, edge constraints ``A -> B [synapses >= 3]``, node constraints ``A.class =
"Inhibitory"``, comparisons of two nodes ``B.neuron_id = C.neuron_id``, named edges and their
comparisons ``AB.synapses > AC.synapses``, macros). The result is a :class:`Motif`: a small,
engine-neutral description that :mod:`connectomedb.motifs.sql`, :mod:`~.cypher` and
:mod:`~.frames` compile or evaluate.

The host graph is the connectome: its nodes are the axons and the targets, its edges the
connections (axon, target) with their synapse count and ASI sums. So a node that sends an edge
is an axon and a node that receives one is a target; a node that does both cannot match
anything and is refused, as is every attribute the graph does not hold.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from connectomedb.errors import NotLoadedError, QueryError


class MotifError(QueryError):
    """A motif that cannot be parsed or cannot apply to the connectome graph."""


class MotifNotLoadedError(MotifError, NotLoadedError):
    """The dataset a motif is looked for in is not loaded."""


AXON, TARGET = "axon", "target"

#: Node attributes by node kind: name -> "text" or "number".
NODE_ATTRIBUTES: dict[str, dict[str, str]] = {
    AXON: {"id": "number", "class": "text", "synapses": "number"},
    TARGET: {"id": "number", "class": "text", "synapses": "number", "neuron_id": "number"},
}
#: Edge (connection) attributes: the CONNECTS_TO properties.
EDGE_ATTRIBUTES: dict[str, str] = {
    "synapses": "number",
    "asi_area_sum": "number",
    "asi_area_count": "number",
}
#: The comparison operators the compilers support (DotMotif's ``==`` is ``=``).
OPERATORS = ("=", "!=", "<", "<=", ">", ">=")
_FLIP = {"=": "=", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
#: Longer motif texts are refused before parsing (the parser is not meant for megabytes).
MAX_TEXT = 20_000
#: The pseudo attribute that says what a node is when no edge says it.
KIND = "kind"


@dataclass(frozen=True)
class Constraint:
    """``node.attr op value`` (``edge`` is None) or ``(u -> v).attr op value``."""

    node: str | None
    edge: tuple[str, str] | None
    attr: str
    op: str
    value: Any


@dataclass(frozen=True)
class Link:
    """A comparison of two attributes of the motif: ``left op right``, where each side is
    ``(node, None, attr)`` or ``(None, (u, v), attr)``."""

    left: tuple[str | None, tuple[str, str] | None, str]
    op: str
    right: tuple[str | None, tuple[str, str] | None, str]


@dataclass
class Motif:
    """A checked motif: node kinds, edges, forbidden edges, constraints and symmetry."""

    text: str
    nodes: dict[str, str]  # name -> AXON / TARGET, in order of first appearance
    edges: list[tuple[str, str]]
    forbidden: list[tuple[str, str]]
    constraints: list[Constraint] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    #: Permutations of node names that map the motif onto itself (identity included).
    automorphisms: list[dict[str, str]] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return list(self.nodes)

    def order_pairs(self) -> list[tuple[str, str]] | None:
        """Pairs ``(a, b)`` to require ``id(a) < id(b)`` so that each instance is found once.

        The nodes that the automorphisms swap form classes; when the automorphisms are exactly
        every permutation within each class, ordering each class picks one mapping per
        instance. ``None`` when the symmetry is of another kind (then counting divides the
        number of mappings by the number of automorphisms instead).
        """
        names = self.names
        parent = {n: n for n in names}

        def find(x: str) -> str:
            while parent[x] != x:
                x = parent[x]
            return x

        swaps = {
            frozenset(k for k, v in auto.items() if k != v)
            for auto in self.automorphisms
            if sum(k != v for k, v in auto.items()) == 2
        }
        for pair in swaps:
            a, b = sorted(pair, key=names.index)
            parent[find(b)] = find(a)
        classes: dict[str, list[str]] = {}
        for n in names:
            classes.setdefault(find(n), []).append(n)
        size = math.prod(math.factorial(len(c)) for c in classes.values())
        if size != len(self.automorphisms):
            return None
        return [(c[i], c[i + 1]) for c in classes.values() for i in range(len(c) - 1)]


def _strip(key: Any) -> str:
    key = str(key)
    if len(key) >= 2 and key[0] == key[-1] and key[0] in "\"'":
        key = key[1:-1]
    return key


def _value(value: Any) -> Any:
    if isinstance(value, str):
        return _strip(value)
    return value


def parse(text: str) -> Motif:
    """Parse DotMotif text and check it against the connectome graph.

    Raises :class:`MotifError` with what is wrong and how to say it instead.
    """
    if not isinstance(text, str) or not text.strip():
        raise MotifError("the motif is empty. Write at least one edge, e.g. `A -> B`.")
    if len(text) > MAX_TEXT:
        raise MotifError(
            f"the motif is {len(text):,} characters long; at most {MAX_TEXT:,} "
            "are accepted. Is this the right file?"
        )
    if "\x00" in text:
        raise MotifError("the motif contains a NUL character (\\x00). Remove it.")
    try:
        from dotmotif.parsers.v2 import ParserV2
    except ImportError as error:  # pragma: no cover - a dependency of the package
        raise MotifError("the dotmotif package is not installed: pip install dotmotif") from error
    try:
        graph, edge_c, node_c, dyn_edge_c, dyn_node_c, _autos = ParserV2().parse(text)
    except Exception as error:  # the parser raises lark's and its own errors
        first = str(error).strip().splitlines()
        where = first[0] if first else type(error).__name__
        raise MotifError(
            f"cannot parse the motif: {where}. Write DotMotif: edges `A -> B`, forbidden "
            "edges `A !> B`, constraints `A -> B [synapses >= 3]` and `A.class = "
            '"Inhibitory"`, one statement per line.'
        ) from None
    edges: list[tuple[str, str]] = []
    forbidden: list[tuple[str, str]] = []
    for u, v, attrs in graph.edges(data=True):
        if u == v:
            raise MotifError(f"edge {u} -> {v} is a loop; an axon never connects to itself.")
        if attrs.get("action", "SYN") != "SYN":
            raise MotifError(
                f"edge {u} -> {v} has a sign (+ or -); the connectome's connections have "
                "none. Write `->` or `!>`."
            )
        (edges if attrs.get("exists", True) else forbidden).append((str(u), str(v)))
    names = [str(n) for n in graph.nodes]
    for name in list(node_c) + list(dyn_node_c):
        if str(name) not in names:
            names.append(str(name))
    constraints: list[Constraint] = []
    links: list[Link] = []
    kinds_said: dict[str, str] = {}
    for node, per_attr in node_c.items():
        for attr, per_op in per_attr.items():
            attr = _strip(attr)
            for op, values in per_op.items():
                for value in values:
                    if attr == KIND:
                        if op not in ("=", "==") or _value(value) not in (AXON, TARGET):
                            raise MotifError(
                                f'{node}.kind: write {node}.kind = "axon" or "target".'
                            )
                        kinds_said[str(node)] = _value(value)
                        continue
                    constraints.append(Constraint(str(node), None, attr, _op(op), _value(value)))
    for node, per_attr in dyn_node_c.items():
        for attr, per_op in per_attr.items():
            for op, others in per_op.items():
                for other, other_attr in others:
                    links.append(
                        Link(
                            (str(node), None, _strip(attr)),
                            _op(op),
                            (str(other), None, _strip(other_attr)),
                        )
                    )
    for (u, v), per_attr in edge_c.items():
        for attr, per_op in per_attr.items():
            for op, values in per_op.items():
                for value in values:
                    constraints.append(
                        Constraint(None, (str(u), str(v)), _strip(attr), _op(op), _value(value))
                    )
    for (u, v), per_attr in dyn_edge_c.items():
        for attr, per_op in per_attr.items():
            for op, others in per_op.items():
                for ou, ov, other_attr in others:
                    links.append(
                        Link(
                            (None, (str(u), str(v)), _strip(attr)),
                            _op(op),
                            (None, (str(ou), str(ov)), _strip(other_attr)),
                        )
                    )
    nodes = _kinds(names, edges, forbidden, kinds_said)
    motif = Motif(text, nodes, edges, forbidden, constraints, links)
    _check(motif)
    from connectomedb.motifs.symmetry import automorphisms

    motif.automorphisms = automorphisms(motif)
    return motif


def _op(op: str) -> str:
    op = "=" if op == "==" else op
    if op == "<>":
        op = "!="
    if op not in OPERATORS:
        raise MotifError(
            f"operator {op!r} is not supported on the connectome graph; use one of "
            f"{', '.join(OPERATORS)}."
        )
    return op


def _kinds(
    names: list[str],
    edges: list[tuple[str, str]],
    forbidden: list[tuple[str, str]],
    said: dict[str, str],
) -> dict[str, str]:
    kinds: dict[str, str] = {}
    for u, v in edges:
        for node, kind in ((u, AXON), (v, TARGET)):
            if node in kinds and kinds[node] != kind:
                raise MotifError(
                    f"node {node} both sends and receives an edge. In the connectome an edge "
                    "goes from an axon to a target, and targets send none: an edge from a "
                    "target cannot match. Reverse or remove that edge."
                )
            kinds[node] = kind
    for node, kind in said.items():
        if node in kinds and kinds[node] != kind:
            raise MotifError(
                f"node {node} is said to be a {kind} but its edges make it a "
                f"{kinds[node]}. Remove the {node}.kind constraint."
            )
        kinds[node] = kind
    for u, v in forbidden:
        for node, kind in ((u, AXON), (v, TARGET)):
            if node not in kinds:
                # DotMotif lets such a node be any node (a target never has the edge).
                raise MotifError(
                    f"node {node} is only in forbidden edges, so it could be an axon or a "
                    f'target. Say which: {node}.kind = "axon" (or "target").'
                )
            if kinds[node] != kind:
                raise MotifError(
                    f"forbidden edge {u} !> {v} goes from a target or to an axon; "
                    "connections go from axons to targets. Reverse or remove it."
                )
    return {n: kinds[n] for n in names}


def _check(motif: Motif) -> None:
    def check_attr(attr: str, kind: str | None, where: str) -> str:
        table = EDGE_ATTRIBUTES if kind is None else NODE_ATTRIBUTES[kind]
        if attr not in table:
            what = "connections" if kind is None else f"{kind}s"
            hint = (
                ' (quote a name with "_" inside [ ]: [ "asi_area_sum" > 0.5 ])'
                if kind is None
                else ""
            )
            raise MotifError(
                f"{where}: {what} have no attribute {attr!r}; they have "
                f"{', '.join(sorted(table))}{hint}."
            )
        return table[attr]

    forbidden = set(motif.forbidden)
    for c in motif.constraints:
        if c.edge is not None:
            if c.edge in forbidden:
                raise MotifError(
                    f"forbidden edge {c.edge[0]} !> {c.edge[1]} has a constraint; a missing "
                    "connection has no attributes. Remove the constraint."
                )
            where = f"edge {c.edge[0]} -> {c.edge[1]}"
            kind = check_attr(c.attr, None, where)
        elif c.node is not None:
            where = f"{c.node}.{c.attr}"
            kind = check_attr(c.attr, motif.nodes[c.node], where)
        else:  # pragma: no cover - the parser gives every constraint a node or an edge
            raise MotifError(f"the constraint on {c.attr} names neither a node nor an edge.")
        if kind == "text" and not isinstance(c.value, str):
            raise MotifError(f'{where} is text; compare it with a quoted value, e.g. "Soma".')
        if kind == "number" and (isinstance(c.value, (str, bool)) or c.value is None):
            raise MotifError(f"{where} is a number; compare it with a number, not {c.value!r}.")
        if kind == "number" and not math.isfinite(float(c.value)):
            raise MotifError(f"{where}: compare with a finite number, not {c.value!r}.")
        if kind == "text" and c.op not in ("=", "!="):
            raise MotifError(f"{where} is text; compare it with = or != only.")
    for link in motif.links:
        kinds = []
        for node, edge, attr in (link.left, link.right):
            if edge is not None:
                if edge in forbidden:
                    raise MotifError(
                        f"forbidden edge {edge[0]} !> {edge[1]} has no attributes to compare."
                    )
                kinds.append(check_attr(attr, None, f"edge {edge[0]} -> {edge[1]}"))
            else:
                if node not in motif.nodes:
                    raise MotifError(f"node {node} is compared but is in no edge.")
                kinds.append(check_attr(attr, motif.nodes[node], f"{node}.{attr}"))
        if kinds[0] != kinds[1]:
            raise MotifError(
                "a comparison of two attributes needs both of one type (two numbers or two texts)."
            )
        if kinds[0] == "text" and link.op not in ("=", "!="):
            raise MotifError("texts are compared with = or != only.")

"""Reading NML skeleton files: validated with line numbers, then read by ``webknossos``.

A file goes through two passes:

1. :func:`check_nml` walks the XML once with the standard library's streaming parser and
   checks what the NML reader does not: broken XML, missing or non-numeric attributes,
   duplicate node or tree IDs, edges, comments and branch points naming unknown nodes. Each
   problem is reported with the file, the line and the element.
2. :func:`read_nml` reads the data with the ``webknossos`` library (the format maintainers'
   reader) into :class:`NmlFile` frames.

``webknossos`` is imported on first use (it costs about a second and a half to import).
"""

from __future__ import annotations

import math
import re
import warnings
import xml.parsers.expat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from connectomedb.errors import InputError
from connectomedb.files import sha256_of

#: Attributes each element must carry, and how each is checked.
_REQUIRED: dict[str, tuple[tuple[str, type], ...]] = {
    "thing": (("id", int),),
    "node": (("id", int), ("x", float), ("y", float), ("z", float)),
    "edge": (("source", int), ("target", int)),
    "comment": (("node", int), ("content", str)),
    "branchpoint": (("id", int),),
    "group": (("id", int),),
    "scale": (("x", float), ("y", float), ("z", float)),
}
_OPTIONAL_NUMBERS = {"node": (("radius", float),), "thing": (("groupId", int),)}

#: The TypeEM neurite types and the spellings accepted in tree names and comments.
NEURITE_TYPES = {
    "axon": "axon",
    "axons": "axon",
    "dendrite": "dendrite",
    "dendrites": "dendrite",
    "astrocyte": "astrocyte",
    "astrocytes": "astrocyte",
    "glia": "astrocyte",
    "spinehead": "spine head",
    "spine head": "spine head",
    "spine_head": "spine head",
    "spine-head": "spine head",
    "spineheads": "spine head",
    "spine heads": "spine head",
}
_TYPE_WORD = re.compile(
    r"(?<![a-z])("
    + "|".join(sorted(map(re.escape, NEURITE_TYPES), key=len, reverse=True))
    + r")(?![a-z])"
)


def _problem(path: Path, line: int, element: str, expected: str, found: str | None) -> InputError:
    return InputError(
        path,
        f"line {line}, <{element}>",
        expected,
        found,
        hint="Fix or remove the file; nothing of this batch was loaded.",
    )


def check_nml(path: Path) -> None:
    """Raise :class:`InputError` (file, line, element) for the first problem of ``path``."""
    parser = xml.parsers.expat.ParserCreate()
    node_lines: dict[int, int] = {}
    tree_lines: dict[int, int] = {}
    tree_nodes: set[int] = set()
    pending: list[tuple[int, str, int, str]] = []  # (node id, element, line, role)
    seen: set[str] = set()

    def check_attributes(name: str, attrs: dict[str, str], line: int) -> None:
        for attr, type_ in _REQUIRED.get(name, ()):
            value = attrs.get(attr)
            if value is None:
                raise _problem(path, line, name, f"attribute {attr!r}", "none")
            _check_number(path, line, name, attr, value, type_)
        for attr, type_ in _OPTIONAL_NUMBERS.get(name, ()):
            if attrs.get(attr) is not None:
                _check_number(path, line, name, attr, attrs[attr], type_)

    def start(name: str, attrs: dict[str, str]) -> None:
        line = parser.CurrentLineNumber
        if name == "node":  # the hot path: one conversion per attribute, details on failure
            try:
                node = int(attrs["id"])
                _finite(attrs["x"], attrs["y"], attrs["z"], attrs.get("radius", "0"))
            except (KeyError, ValueError):
                check_attributes(name, attrs, line)
                raise _problem(path, line, name, "numeric id, x, y, z", repr(attrs)) from None
            if node in node_lines:
                raise _problem(
                    path,
                    line,
                    name,
                    "a node ID used once in the file",
                    f"id {node} again (first on line {node_lines[node]})",
                )
            node_lines[node] = line
            tree_nodes.add(node)
            return
        if name == "edge":  # as many as nodes: the same fast path
            try:
                source, target = int(attrs["source"]), int(attrs["target"])
            except (KeyError, ValueError):
                check_attributes(name, attrs, line)
                raise _problem(path, line, name, "integer source, target", repr(attrs)) from None
            for role, node in (("source", source), ("target", target)):
                if node not in tree_nodes:
                    raise _problem(
                        path,
                        line,
                        name,
                        f"a {role} node of the same tree",
                        f"{role}={node}, which is not a node of that tree",
                    )
            return
        if name in ("parameters", "scale", "experiment"):
            seen.add(name)
        check_attributes(name, attrs, line)
        if name == "thing":
            tree = int(attrs["id"])
            if tree in tree_lines:
                raise _problem(
                    path,
                    line,
                    name,
                    "a tree ID used once",
                    f"id {tree} again (first on line {tree_lines[tree]})",
                )
            tree_lines[tree] = line
            tree_nodes.clear()
        elif name in ("comment", "branchpoint"):
            role = "node" if name == "comment" else "id"
            pending.append((int(attrs[role]), name, line, role))

    parser.StartElementHandler = start
    try:
        with open(path, "rb") as f:
            parser.ParseFile(f)
    except xml.parsers.expat.ExpatError as error:
        raise InputError(
            path,
            f"line {error.lineno}, column {error.offset + 1}",
            "well-formed XML",
            xml.parsers.expat.ErrorString(error.code),
            hint="The file is truncated or not an NML file; nothing of this batch was loaded.",
        ) from None
    except OSError as error:
        raise InputError(path, None, "a readable file", error.strerror or str(error)) from None
    for element, what in (
        ("parameters", "a <parameters> element"),
        ("scale", "<scale x y z> (the voxel size) in <parameters>"),
        ("experiment", "<experiment name> (the dataset) in <parameters>"),
    ):
        if element not in seen:
            raise InputError(
                path,
                "<parameters>",
                what,
                "none",
                hint="webKnossos writes it into every NML file; is this an NML file? "
                "Nothing of this batch was loaded.",
            )
    for node, element, line, role in pending:
        if node not in node_lines:
            raise _problem(
                path,
                line,
                element,
                f"{role}= to name a node of the file",
                f"{role}={node}, which is no node of the file",
            )


def _finite(*values: str) -> None:
    for value in values:
        if not math.isfinite(float(value)):
            raise ValueError(value)


def _check_number(path: Path, line: int, element: str, attr: str, value: str, type_: type) -> None:
    if type_ is str:
        return
    try:
        ok = math.isfinite(float(value)) and (type_ is float or int(value) == int(value))
    except ValueError:
        ok = False
    if not ok:
        kind = "an integer" if type_ is int else "a number"
        raise _problem(path, line, element, f"{attr} to be {kind}", repr(value))


def neurite_type(*texts: str | None) -> str | None:
    """The TypeEM neurite type named in the first of ``texts`` that names one, else None."""
    for text in texts:
        if text:
            match = _TYPE_WORD.search(text.lower())
            if match:
                return NEURITE_TYPES[match.group(1)]
    return None


@dataclass
class NmlFile:
    """One NML file as frames (IDs as in the file).

    ``trees``: tree_id, name, group_id, label; ``groups``: group_id, parent_group_id, name;
    ``nodes``: tree_id, node_id, x, y, z, radius, comment, is_branch_point;
    ``edges``: tree_id, source_id, target_id, length_um.
    """

    path: Path
    sha256: str
    experiment: str | None
    scale: tuple[float, float, float]
    trees: pd.DataFrame
    groups: pd.DataFrame
    nodes: pd.DataFrame
    edges: pd.DataFrame


def _webknossos_nml() -> Any:
    with warnings.catch_warnings():
        # webknossos announces optional image readers it could not import; we read no images.
        warnings.simplefilter("ignore")
        from webknossos._nml import Nml
    return Nml


def read_nml(path: Path, *, labels: bool = False, sha256: str | None = None) -> NmlFile:
    """Check and read one NML file; ``labels``: derive the TypeEM neurite type of each tree."""
    path = Path(path)
    check_nml(path)
    Nml = _webknossos_nml()
    try:
        with open(path, "rb") as f:
            nml = Nml.parse(f)
    except Exception as error:  # the reader raises ValueError/AssertionError on bad content
        raise InputError(
            path,
            None,
            "a webKnossos NML skeleton",
            f"{type(error).__name__}: {error}",
            hint="Nothing of this batch was loaded.",
        ) from None
    sx, sy, sz = (float(v) for v in nml.parameters.scale.factor)
    scale = (sx, sy, sz)
    comments = {c.node: c.content for c in nml.comments}
    branch = {b.id for b in nml.branchpoints}
    tree_rows = []
    node_parts: list[np.ndarray] = []
    node_ids: list[int] = []
    radii: list[float | None] = []
    edge_parts: list[np.ndarray] = []
    for tree in nml.trees:
        ids = [n.id for n in tree.nodes]
        if labels:
            label = neurite_type(tree.name, *(comments.get(i) for i in ids))
        else:
            label = None
        tree_rows.append((tree.id, tree.name, tree.groupId, label))
        if ids:
            block = np.empty((len(ids), 4), dtype="float64")
            block[:, 0] = tree.id
            block[:, 1:] = [n.position for n in tree.nodes]
            node_parts.append(block)
            node_ids += ids
            radii += [n.radius for n in tree.nodes]
        if tree.edges:
            pairs = np.array([(tree.id, e.source, e.target) for e in tree.edges], dtype="int64")
            edge_parts.append(pairs)
    block = np.concatenate(node_parts) if node_parts else np.empty((0, 4))
    ids_array = np.asarray(node_ids, dtype="int64")
    positions = np.rint(block[:, 1:]).astype("int64")
    nodes = pd.DataFrame(
        {
            "tree_id": block[:, 0].astype("int64"),
            "node_id": ids_array,
            "x": positions[:, 0],
            "y": positions[:, 1],
            "z": positions[:, 2],
            "radius": np.array([np.nan if r is None else r for r in radii], dtype="float64"),
            "comment": pd.Series(ids_array, dtype="int64").map(comments)
            if comments
            else pd.Series([None] * len(ids_array), dtype=object),
            "is_branch_point": np.isin(ids_array, list(branch)),
        }
    )
    pairs = np.concatenate(edge_parts) if edge_parts else np.empty((0, 3), dtype="int64")
    edges = pd.DataFrame(
        {
            "tree_id": pairs[:, 0],
            "source_id": pairs[:, 1],
            "target_id": pairs[:, 2],
            "length_um": edge_lengths_um(ids_array, positions, pairs[:, 1], pairs[:, 2], scale),
        }
    )
    group_rows = _group_rows(nml.groups, None)
    groups = pd.DataFrame(
        {
            "group_id": np.array([g[0] for g in group_rows], dtype="int64"),
            "parent_group_id": pd.array([g[1] for g in group_rows], dtype="Int64"),
            "name": [g[2] for g in group_rows],
        }
    )
    trees = pd.DataFrame(
        {
            "tree_id": np.array([t[0] for t in tree_rows], dtype="int64"),
            "name": [t[1] for t in tree_rows],
            "group_id": pd.array([t[2] for t in tree_rows], dtype="Int64"),
            "label": [t[3] for t in tree_rows],
        }
    )
    return NmlFile(
        path=path,
        sha256=sha256 or sha256_of(path),
        experiment=nml.parameters.name,
        scale=scale,
        trees=trees,
        groups=groups,
        nodes=nodes,
        edges=edges,
    )


def _group_rows(groups: Any, parent: int | None) -> list[tuple[int, int | None, str]]:
    rows = []
    for group in groups:
        rows.append((group.id, parent, group.name))
        rows.extend(_group_rows(group.children, group.id))
    return rows


def edge_lengths_um(
    node_ids: np.ndarray,
    positions: np.ndarray,
    sources: np.ndarray,
    targets: np.ndarray,
    scale: tuple[float, float, float],
) -> np.ndarray:
    """Euclidean length of each edge in µm (node positions in voxels, ``scale`` in nm); every
    source and target is one of ``node_ids`` (the check guarantees it)."""
    if len(sources) == 0:
        return np.zeros(0)
    order = np.argsort(node_ids, kind="stable")
    a = positions[order[np.searchsorted(node_ids, sources, sorter=order)]]
    b = positions[order[np.searchsorted(node_ids, targets, sorter=order)]]
    return np.sqrt((((a - b) * np.asarray(scale)) ** 2).sum(axis=1)) / 1000.0

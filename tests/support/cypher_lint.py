"""Neo4j's own Cypher analyser (``tools/cypher-lint``) driven from the tests.

:func:`lint` sends statements with their declared parameters and the graph model as the
``dbSchema`` to ``tools/cypher-lint/lint.mjs`` (Node.js and the npm package
``@neo4j-cypher/language-support`` installed by ``npm ci`` in that folder; ``.ci/run`` does
both) and returns the analyser's diagnostics per statement.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from connectomedb.schema.graph import (
    NODE_LABELS,
    REL_PAIRS,
    REL_TYPES,
    TRACING_LABELS,
    TRACING_RELS,
)

ROOT = Path(__file__).resolve().parents[2]
TOOL_DIR = ROOT / "tools" / "cypher-lint"
PACKAGE = "@neo4j-cypher/language-support"
#: The oldest Node.js the analyser is verified on (the package itself asks for 24).
MIN_NODE = 20
#: Neo4j 5 speaks Cypher 5; Neo4j 2025+ also Cypher 25. Both must accept every statement.
VERSIONS = ("CYPHER 5", "CYPHER 25")


@dataclass(frozen=True)
class LintStatement:
    """One statement: where it comes from (``id``), its text, its declared parameters
    (name -> an example value of the right type) and keys it reads from parameter maps
    (``r.key`` of ``UNWIND $rows AS r``) that are no property of the graph model."""

    id: str
    text: str
    parameters: dict[str, Any] = field(default_factory=dict)
    map_keys: tuple[str, ...] = ()


def missing_tool() -> str | None:
    """Why the analyser cannot run here (``None``: it can)."""
    if shutil.which("node") is None:
        return "node is not installed (apt-get install nodejs npm)"
    version = subprocess.run(["node", "--version"], capture_output=True, text=True, check=False)
    major = re.match(r"v(\d+)\.", version.stdout.strip())
    if major is None or int(major.group(1)) < MIN_NODE:
        return (
            f"node {version.stdout.strip() or '?'} is too old: the analyser is verified on "
            f"Node.js {MIN_NODE} and newer"
        )
    if not (TOOL_DIR / "node_modules" / PACKAGE / "package.json").exists():
        return f"{PACKAGE} is not installed (cd {TOOL_DIR} && npm ci)"
    return None


def graph_schema() -> dict[str, Any]:
    """The graph model as the analyser's ``dbSchema``: labels, relationship types, property
    keys and the (from, type, to) paths, so a misspelled one is reported."""
    labels = NODE_LABELS + TRACING_LABELS
    rels = REL_TYPES + TRACING_RELS
    pairs = REL_PAIRS + tuple((r.name, a, b) for r in TRACING_RELS for a, b in r.endpoints)
    props = {p.name for n in labels for p in n.props} | {p.name for r in rels for p in r.props}
    return {
        "labels": [n.name for n in labels],
        "relationshipTypes": [r.name for r in rels],
        "propertyKeys": sorted(props),
        "graphSchema": [{"from": a, "relType": t, "to": b} for t, a, b in pairs],
    }


def lint(
    statements: list[LintStatement], versions: tuple[str, ...] = VERSIONS
) -> tuple[str, list[dict[str, Any]]]:
    """(package name@version, one result per statement and Cypher version: ``id``,
    ``version``, ``diagnostics`` with ``severity``, ``message``, ``line``, ``column``)."""
    payload = {
        "schema": graph_schema(),
        "versions": list(versions),
        "statements": [
            {
                "id": s.id,
                "text": s.text,
                "parameters": _jsonable(s.parameters),
                "extraPropertyKeys": list(s.map_keys),
            }
            for s in statements
        ],
    }
    done = subprocess.run(
        ["node", str(TOOL_DIR / "lint.mjs")],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env={**os.environ, "NODE_NO_WARNINGS": "1"},
    )
    if done.returncode != 0:
        raise RuntimeError(f"lint.mjs failed ({done.returncode}): {done.stderr[-2000:]}")
    out = json.loads(done.stdout)
    return out["package"], out["results"]


def _jsonable(params: dict[str, Any]) -> dict[str, Any]:
    """Parameter values the analyser can read (it only needs the names and a sample value)."""
    return json.loads(json.dumps(params, default=str))


_FENCE = re.compile(r"^```cypher\s*\n(?P<body>.*?)^```", re.MULTILINE | re.DOTALL)


def markdown_cypher(path: Path) -> list[str]:
    """The ```cypher blocks of a Markdown file."""
    return [m.group("body").strip() for m in _FENCE.finditer(path.read_text(encoding="utf-8"))]

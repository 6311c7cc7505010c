"""Every Cypher statement the project sends to Neo4j passes Neo4j's own analyser.

The analyser (``@neo4j-cypher/language-support``, see ``tools/cypher-lint``) parses each
statement, runs Neo4j's semantic analysis and reports deprecations; every parameter the
statement is sent with is declared, and the graph model is the ``dbSchema``, so a misspelled
label, relationship type, property or path is reported too. The statements are collected from
the code that sends them (the loader through a recording statement runner, the stores through
a recording LadybugDB store), not copied.

Without Node.js or the package the tests are skipped, except in CI (``CI=true``), where they
fail: ``.ci/run`` installs both.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from support.cypher_lint import ROOT, LintStatement, lint, markdown_cypher, missing_tool
from support.datasets import handmade_source

from connectomedb.console.cypher import NEO4J_SCHEMA_STATEMENTS
from connectomedb.etl.load.graph.ladybug import begin_ladybug_load
from connectomedb.etl.load.graph.neo4j import begin_with_runner, delete_version
from connectomedb.etl.load.graph.statements import Statement, node_batches, rel_batches
from connectomedb.queries import plans
from connectomedb.queries.registry import load_queries
from connectomedb.schema.graph import NODE_LABELS, NODES, REL_PAIRS, RELS, PropType
from connectomedb.stores import graph as graph_store

#: Queries whose LadybugDB text Neo4j never receives: ``queries.run`` sends Neo4j the variant
#: in ``queries/cypher/neo4j/`` instead, and that variant is linted like every other query.
#: The LadybugDB text differs on purpose, and the analyser's only complaints about it must be
#: the ones listed here:
LADYBUG_ONLY = {
    # LadybugDB names a node's table with label(); Neo4j has labels() (a list).
    "tracing_evaluation": ["Function label is not present in the database."],
    "tracing_overlaps": ["Function label is not present in the database."],
}

#: Example values for declared parameters, per query parameter type.
SAMPLES = {"int": 1, "float": 0.5, "text": "x", "int[]": [1, 2], "text[]": ["x"]}

#: A value of every property type of the graph model.
SAMPLE_VALUES = {
    PropType.INT16: 1,
    PropType.INT32: 1,
    PropType.INT64: 1,
    PropType.DOUBLE: 0.5,
    PropType.STRING: "x",
    PropType.BOOL: True,
    PropType.STRING_LIST: ["x"],
    PropType.TIMESTAMP: pd.Timestamp("2026-01-01", tz="UTC"),
}

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


class Recorder:
    """A statement runner that records what the Neo4j loader sends and answers nothing."""

    def __init__(self) -> None:
        self.statements: list[Statement] = []

    def run(self, statement: Statement) -> list[dict[str, Any]]:
        self.statements.append(statement)
        return []


class RecordingStore(graph_store.LadybugGraphStore):
    """The real embedded store, recording every statement it is asked to run."""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.seen: list[tuple[str, dict[str, Any]]] = []

    def run(self, cypher: str, params: Mapping[str, Any] | None = None) -> Any:
        self.seen.append((cypher, dict(params or {})))
        return super().run(cypher, params)


#: Keys of the ``$rows`` maps that are no property of the model. The analyser cannot tell
#: ``r.key`` on a map from a property of a node and reports an unknown property key (Neo4j
#: itself notes the same at run time, a notification the loader does not act on). Relationship
#: batches name their endpoints' keys ``from`` and ``to``, the column names of the frames and
#: of the neo4j-admin import files; map subscripts (``r['from']``), which would avoid it, do
#: not run on LadybugDB, where these statements are tested.
ROW_KEYS = ("from", "to")


def _sample(params: Mapping[str, Any]) -> dict[str, Any]:
    """The parameters with short example values (row batches cut to two rows)."""
    return {k: (v[:2] if k == "rows" else v) for k, v in params.items()}


def loader_statements() -> list[LintStatement]:
    """Everything the Neo4j loader sends: schema, lookups, ``Dataset`` node, node and
    relationship batches, version switch and batched deletes."""
    runner = Recorder()
    source = handmade_source()
    load = begin_with_runner(runner, source, "demo", replace=False, batch_size=1000)
    assert load is not None
    load.prepare()
    load.commit()
    aborted = begin_with_runner(runner, source, "demo", replace=True, batch_size=1000)
    assert aborted is not None
    aborted.abort()
    delete_version(runner, "demo@old", 1000)
    # A batch leaves out the properties no row has: write one with every property set, too.
    for node in NODE_LABELS:
        if node.name != "Dataset":
            frame = pd.DataFrame({p.name: [SAMPLE_VALUES[p.type]] for p in node.data_props})
            runner.statements.extend(node_batches(node.name, frame, "demo@v", 10))
    for rtype, frm, to in REL_PAIRS:
        columns = {"from": [1], "to": [2]}
        columns |= {p.name: [SAMPLE_VALUES[p.type]] for p in RELS[rtype].props}
        runner.statements.extend(rel_batches(rtype, frm, to, pd.DataFrame(columns), "demo@v", 10))
    out: dict[str, LintStatement] = {}
    for stmt in runner.statements:
        keys = ROW_KEYS if "r.`from`" in stmt.text else ()
        out.setdefault(stmt.text, LintStatement("loader", stmt.text, _sample(stmt.params), keys))
    return list(out.values())


def store_statements(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[LintStatement]:
    """What the stores, the loaders and ``export neo4j-import`` send to a graph store."""
    from connectomedb.etl.load.graph.neo4j_import import frames_from_store

    root = tmp_path / "graph"
    load = begin_ladybug_load(root, handmade_source(), "demo", replace=False)
    assert load is not None
    load.prepare()
    load.commit()
    store = RecordingStore(root)
    try:
        frames_from_store(store, "demo")
        store.counts("demo")
        store.stored_dataset("demo")
    finally:
        store.close()
    out = [
        LintStatement("store", graph_store.NEO4J_DATASET_KEY, {"name": "demo"}),
        LintStatement("store", graph_store.NEO4J_DATASETS, {}),
    ]
    for text, params in store.seen:
        out.append(LintStatement("store", text, params))
    return out


def tracing_statements() -> list[LintStatement]:
    """What ``tracings add --dataset`` sends to Neo4j (connectomedb.tracings.graph_neo4j),
    but its ``TRACED_TO`` batch, whose rows name the edge's ends ``source`` and ``target``."""
    from connectomedb.tracings import graph_neo4j as tracing

    row = {"id": 1, "tracing_id": 1, "node_key": 1, "segment_id": 1}
    texts = [
        *tracing.CONSTRAINTS,
        tracing.CREATE_TRACINGS,
        tracing.CREATE_NODES,
        tracing.CREATE_HAS_NODE,
        *tracing.CREATE_ON_AGGLOMERATE.values(),
        tracing.CREATE_OVERLAPS,
        tracing.DELETE_IN_TX,
    ]
    return [LintStatement("tracings", t, {"rows": [row], "dataset": "demo@v"}) for t in texts]


def query_statements() -> list[LintStatement]:
    """Every named query as Neo4j receives it (its Neo4j variant where it has one)."""
    out = []
    for query in load_queries().values():
        if query.cypher is None:
            continue
        params = {p.name: SAMPLES[p.type] for p in query.params} | {"dataset": "demo@v"}
        if query.cypher_neo4j is not None:
            assert query.name in LADYBUG_ONLY, f"{query.name}: say why it has a Neo4j variant"
            out.append(LintStatement(f"cypher/neo4j/{query.name}", query.cypher_neo4j, params))
            out.append(LintStatement(f"ladybug-only/{query.name}", query.cypher, params))
        else:
            out.append(LintStatement(f"cypher/{query.name}", query.cypher, params))
    # The statements queries.run sends besides the files' parts (queries/plans.py).
    planned = [load_queries()[name] for name in ("shared_target_axon_pairs", "tracing_overlaps")]
    params = {p.name: SAMPLES[p.type] for query in planned for p in query.params}
    params |= {"dataset": "demo@v", "from_id": 1, "to_id": 2}
    for i, text in enumerate(plans.STATEMENTS):
        out.append(LintStatement(f"plan/{i + 1}", text, params))
    return out


def doc_statements() -> list[LintStatement]:
    """The Cypher examples of README.md and docs/ (run with ``$dataset`` only)."""
    out = []
    for path in DOCS:
        for i, text in enumerate(markdown_cypher(path)):
            out.append(LintStatement(f"{path.name} example {i + 1}", text, {"dataset": "demo"}))
    return out


def console_statements() -> list[LintStatement]:
    """The console's ``:schema`` statements on Neo4j."""
    return [LintStatement("console :schema", text) for text in NEO4J_SCHEMA_STATEMENTS]


#: Statements that must be reported: proof that the analyser, the declared parameters and the
#: dbSchema are in force (a silent analyser would pass everything).
CANARIES = [
    LintStatement("canary label", "MATCH (a:Axn) RETURN a", {}),
    LintStatement("canary type", "MATCH (a:Axon)-[:CONNECT_TO]->(t) RETURN t", {}),
    LintStatement("canary property", "MATCH (a:Axon) RETURN a.clas", {}),
    LintStatement("canary parameter", "MATCH (a:Axon {dataset: $datset}) RETURN a", {}),
    LintStatement("canary deprecated", "MATCH (a:Axon) RETURN id(a)", {}),
    LintStatement("canary syntax", "MATCH (a:Axon) RETRN a", {}),
    LintStatement("canary variable", "MATCH (a:Axon) RETURN b", {}),
    LintStatement("canary limit", "MATCH (a:Axon) RETURN a LIMIT -1", {}),
    LintStatement("canary path", "MATCH (a:Axon)-[:ONTO]->(t:Target) RETURN t", {}),
]


@pytest.fixture(scope="module")
def linted(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[str, list[LintStatement], list[dict[str, Any]]]:
    reason = missing_tool()
    if reason is not None:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"Neo4j's Cypher analyser is missing in CI: {reason}")
        pytest.skip(reason)
    monkeypatch = pytest.MonkeyPatch()
    try:
        statements = (
            loader_statements()
            + store_statements(tmp_path_factory.mktemp("lint"), monkeypatch)
            + query_statements()
            + tracing_statements()
            + doc_statements()
            + console_statements()
        )
    finally:
        monkeypatch.undo()
    package, results = lint(statements + CANARIES)
    return package, statements, results


def _problems(results: list[dict[str, Any]], prefix: str = "") -> list[str]:
    return [
        f"{r['id']} [{r['version']}] {d['severity']} at {d['line']}:{d['column']}: {d['message']}"
        for r in results
        if r["id"].startswith(prefix) and not r["id"].startswith(("canary", "ladybug-only/"))
        for d in r["diagnostics"]
        if d["severity"] in ("error", "warning")
    ]


def test_every_statement_for_neo4j_passes_the_analyser(linted: Any) -> None:
    package, statements, results = linted
    assert package == "@neo4j-cypher/language-support@2.0.0-next.38"
    problems = _problems(results)
    for_neo4j = [s for s in statements if not s.id.startswith("ladybug-only/")]
    print(
        f"{package}: {len(for_neo4j)} statements for Neo4j linted under "
        f"{len(results) // (len(statements) + len(CANARIES))} Cypher versions, "
        f"{len(problems)} errors and warnings"
    )
    assert problems == []


def test_the_ladybug_only_texts_differ_only_as_allowed(linted: Any) -> None:
    _, _, results = linted
    with_variant = {q.name for q in load_queries().values() if q.cypher_neo4j is not None}
    assert set(LADYBUG_ONLY) == with_variant  # no stale allowance
    for name, expected in LADYBUG_ONLY.items():
        found = [r for r in results if r["id"] == f"ladybug-only/{name}"]
        assert found
        for r in found:
            messages = sorted(
                {d["message"] for d in r["diagnostics"] if d["severity"] in ("error", "warning")}
            )
            assert len(messages) == len(expected), messages
            assert all(m.startswith(e) for m, e in zip(messages, sorted(expected), strict=True))


def test_every_canary_is_reported(linted: Any) -> None:
    _, _, results = linted
    for canary in CANARIES:
        found = [r for r in results if r["id"] == canary.id]
        assert found and all(r["diagnostics"] for r in found), canary.id


def test_the_statements_cover_what_neo4j_receives(linted: Any) -> None:
    _, statements, _ = linted
    texts = [s.text for s in statements]
    loader = [s.text for s in statements if s.id == "loader"]
    for node in NODE_LABELS:
        creates = [
            t
            for t in loader
            if t.startswith(f"UNWIND $rows AS r CREATE (n:`{node.name}`")
            and t.count("n.`") == len(node.props) - 2
        ]  # every property but the keys
        if node.name == "Dataset":
            creates = [t for t in loader if t.startswith("CREATE (d:`Dataset`")]
        assert creates, f"no batch writes {node.name}"
        # the batch sets every property of the model
        assert all(f"`{p}`" in creates[0] for p in NODES[node.name].prop_names), node.name
        assert any(
            t.startswith("CREATE CONSTRAINT") and f"(n:`{node.name}`)" in t for t in loader
        ), node.name
        assert any(
            t.startswith(f"MATCH (n:`{node.name}`") and "DETACH DELETE" in t for t in loader
        ), node.name
    for rtype, frm, to in REL_PAIRS:
        assert any(
            f"(a:`{frm}`" in t and f"CREATE (a)-[e:`{rtype}`]->(b)" in t and f"(b:`{to}`" in t
            for t in loader
        ), (rtype, frm, to)
    assert any("SET d.`current` = " in t for t in loader)  # the version switch
    queries = {s.id for s in statements if s.id.startswith("cypher/")}
    assert len(queries) == sum(1 for q in load_queries().values() if q.cypher)
    assert any(s.id.startswith("README.md") for s in statements)
    assert len(texts) == len(statements)
    # the allowance for row keys applies to relationship batches only
    allowed = [s for s in statements if s.map_keys]
    assert len(allowed) >= len(REL_PAIRS)
    assert all(" CREATE (a)-[e:" in s.text for s in allowed)

"""Loading a dataset into Neo4j 5 with ``UNWIND $rows`` batches, switched atomically by version.

Every load writes its nodes under a new dataset key ``<name>@<version>``, next to the version
queries currently see, so readers never see a half-written graph:

1. ``prepare``: schema (composite uniqueness constraints on ``(dataset, id)`` / ``(dataset,
   name)``), removal of versions left by killed loads, a ``Dataset`` node with
   ``current = false``, then every node and relationship frame in batches of
   ``Settings.neo4j_batch_size`` rows;
2. ``commit``: one statement sets ``current`` on the new ``Dataset`` node and clears it on the
   old one (``dataset_key(name)`` now returns the new key); the old version is then deleted
   in batches;
3. ``abort``: the new version is deleted in batches.

Statements go through a :class:`StatementRunner`; :class:`Neo4jRunner` sends them to the
server and retries transient failures. Two loads of one dataset must not run at once.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any, Protocol

from connectomedb.config import Settings
from connectomedb.errors import DatabaseError, LoadError
from connectomedb.etl.frames import SourceDataset
from connectomedb.etl.load.graph import (
    GraphLoadReport,
    ProgressFn,
    StepReport,
    needs_load,
    new_version_content,
)
from connectomedb.etl.load.graph.statements import (
    Statement,
    dataset_node_statement,
    delete_batch_statement,
    node_batches,
    rel_batches,
)
from connectomedb.etl.transform_graph import GraphFrames
from connectomedb.schema.graph import NODE_LABELS, quote_identifier
from connectomedb.stores.datasets import check_dataset_name
from connectomedb.stores.graph import neo4j_stored_dataset
from connectomedb.stores.ladybug_layout import new_version

q = quote_identifier

#: Bounded retries of one statement on transient errors: attempts and first backoff (s).
MAX_ATTEMPTS = 6
FIRST_BACKOFF = 0.5


class StatementRunner(Protocol):
    """Runs one statement (auto-commit) and returns its records as dicts."""

    def run(self, statement: Statement) -> list[dict[str, Any]]: ...


def dataset_key(name: str, version: str) -> str:
    return f"{name}@{version}"


def schema_statements() -> list[Statement]:
    """Neo4j 5 DDL: one composite uniqueness constraint per label (its backing index serves
    the ``MATCH`` of relationship batches), an index on ``Dataset.name``, then a wait for the
    indexes to come online. Idempotent (``IF NOT EXISTS``)."""
    out = []
    for node in NODE_LABELS:
        if node.key == "dataset":
            required = f"n.{q('dataset')}"
        else:
            required = f"(n.{q('dataset')}, n.{q(node.key)})"
        name = _constraint_name(node.name)
        out.append(
            Statement(
                f"CREATE CONSTRAINT {name} IF NOT EXISTS FOR (n:{q(node.name)}) "
                f"REQUIRE {required} IS UNIQUE",
                portable=False,
            )
        )
    out.append(
        Statement(
            f"CREATE INDEX dataset_name IF NOT EXISTS FOR (d:{q('Dataset')}) "
            f"ON (d.{q('name')}, d.{q('current')})",
            portable=False,
        )
    )
    out.append(Statement("CALL db.awaitIndexes(600)", portable=False))
    return out


def _constraint_name(label: str) -> str:
    snake = re.sub(r"(?<!^)(?=[A-Z])", "_", label).lower()
    return f"`{snake}_key`"


def other_versions_statement(name: str, key: str | None) -> Statement:
    """Keys of the versions of ``name`` other than ``key`` that are not current."""
    return Statement(
        f"MATCH (d:{q('Dataset')} {{{q('name')}: $name}}) "
        f"WHERE d.{q('current')} = false AND d.{q('dataset')} <> $key "
        f"RETURN d.{q('dataset')} AS key",
        {"name": name, "key": key or ""},
    )


def switch_statement(name: str, key: str) -> Statement:
    """Makes ``key`` the current version of ``name`` and every other version not current,
    in one statement (one transaction)."""
    return Statement(
        f"MATCH (d:{q('Dataset')} {{{q('name')}: $name}}) "
        f"SET d.{q('current')} = (d.{q('dataset')} = $key)",
        {"name": name, "key": key},
    )


def load_statements(
    frames: GraphFrames, key: str, batch_size: int
) -> Iterator[tuple[str, Statement]]:
    """(step name, statement) for every node and relationship batch, nodes first."""
    for label, frame in frames.nodes.items():
        for stmt in node_batches(label, frame, key, batch_size):
            yield f"nodes {label}", stmt
    for (rtype, frm, to), frame in frames.rels.items():
        for stmt in rel_batches(rtype, frm, to, frame, key, batch_size):
            yield f"rels {rtype} {frm}→{to}", stmt


def delete_version(runner: StatementRunner, key: str, batch_size: int) -> int:
    """Delete every node of version ``key`` (with its relationships) in batches, the
    ``Dataset`` node last so an interrupted delete is found and finished by the next load."""
    deleted = 0
    labels = [n.name for n in NODE_LABELS if n.name != "Dataset"] + ["Dataset"]
    for label in labels:
        while True:
            records = runner.run(delete_batch_statement(label, key, batch_size))
            n = int(records[0]["deleted"]) if records else 0
            deleted += n
            if n < batch_size:
                break
    return deleted


class Neo4jGraphLoad:
    engine = "neo4j"

    def __init__(
        self,
        runner: StatementRunner,
        source: SourceDataset,
        name: str,
        *,
        batch_size: int,
        previous_key: str | None,
        progress: ProgressFn | None = None,
        on_finish: Any = None,
        segments: bool = False,
    ) -> None:
        self.runner = runner
        self.segments = segments
        self.source = source
        self.dataset = name
        self.version = new_version()
        self.key = dataset_key(name, self.version)
        self.batch_size = batch_size
        self.previous_key = previous_key
        self._progress = progress
        self._on_finish = on_finish
        self._state = "new"

    def prepare(self) -> GraphLoadReport:
        if self._state != "new":
            raise LoadError(f"graph: the load of {self.dataset!r} was already prepared.")
        self._state = "preparing"
        started = time.perf_counter()
        report = GraphLoadReport("neo4j", self.dataset, self.key)
        for stmt in schema_statements():
            self.runner.run(stmt)
        # Versions of this dataset that are not current were left by killed loads.
        for record in self.runner.run(other_versions_statement(self.dataset, self.previous_key)):
            delete_version(self.runner, record["key"], self.batch_size)
        frames, props = new_version_content(
            self.source, self.dataset, self.key, self.version, segments=self.segments
        )
        self.runner.run(dataset_node_statement({**props, "current": False}))
        total = frames.total_rows
        done = 0
        step_started, step_rows, current_step = time.perf_counter(), 0, None
        for step, stmt in load_statements(frames, self.key, self.batch_size):
            if step != current_step:
                if current_step is not None:
                    elapsed = time.perf_counter() - step_started
                    report.steps.append(StepReport(current_step, step_rows, elapsed))
                current_step, step_rows, step_started = step, 0, time.perf_counter()
            self.runner.run(stmt)
            report.batches += 1
            step_rows += stmt.rows
            done += stmt.rows
            if self._progress is not None:
                self._progress(step, done, total)
        if current_step is not None:
            report.steps.append(
                StepReport(current_step, step_rows, time.perf_counter() - step_started)
            )
        report.count(frames)
        report.seconds = time.perf_counter() - started
        self._state = "prepared"
        return report

    def commit(self) -> None:
        if self._state != "prepared":
            raise LoadError(f"graph: commit of {self.dataset!r} before prepare finished.")
        self.runner.run(switch_statement(self.dataset, self.key))
        self._state = "committed"
        try:
            if self.previous_key is not None:
                delete_version(self.runner, self.previous_key, self.batch_size)
        finally:
            self._finish()

    def abort(self) -> None:
        if self._state in ("committed", "aborted"):
            return
        try:
            delete_version(self.runner, self.key, self.batch_size)
        finally:
            self._state = "aborted"
            self._finish()

    def _finish(self) -> None:
        if self._on_finish is not None:
            self._on_finish()
            self._on_finish = None


def begin_with_runner(
    runner: StatementRunner,
    source: SourceDataset,
    name: str,
    *,
    replace: bool,
    batch_size: int,
    progress: ProgressFn | None = None,
    on_finish: Any = None,
    segments: bool = False,
) -> Neo4jGraphLoad | None:
    """:func:`begin_graph_load` for Neo4j over any statement runner (``segments``: with the
    graph's segment layer)."""
    check_dataset_name(name)
    stored = neo4j_stored_dataset(lambda text, params: runner.run(Statement(text, params)), name)
    if not needs_load(stored, source, name, replace=replace, segments=segments):
        return None
    return Neo4jGraphLoad(
        runner,
        source,
        name,
        batch_size=batch_size,
        previous_key=None if stored is None else stored.key,
        progress=progress,
        on_finish=on_finish,
        segments=segments,
    )


# --- the real server -----------------------------------------------------------------------


class Neo4jRunner:
    """Sends statements to Neo4j as auto-commit transactions; retries transient failures
    (``TransientError``, ``ServiceUnavailable``, ``SessionExpired``) up to
    :data:`MAX_ATTEMPTS` times with exponential backoff."""

    def __init__(self, driver: Any, database: str, sleep: Any = time.sleep) -> None:
        self.driver = driver
        self.database = database
        self._sleep = sleep

    def run(self, statement: Statement) -> list[dict[str, Any]]:
        import neo4j.exceptions as nx

        delay = FIRST_BACKOFF
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                with self.driver.session(database=self.database) as session:
                    result = session.run(statement.text, statement.params)
                    return [record.data() for record in result]
            except (nx.TransientError, nx.ServiceUnavailable, nx.SessionExpired) as error:
                if attempt == MAX_ATTEMPTS:
                    raise DatabaseError(
                        f"graph: Neo4j kept failing after {MAX_ATTEMPTS} attempts: {error}. "
                        "Check the server and load again; nothing of this load is visible."
                    ) from error
                self._sleep(delay)
                delay *= 2
            except nx.Neo4jError as error:
                raise LoadError(
                    f"graph: Neo4j refused a statement of the load: {error.message} "
                    f"(statement: {statement.text[:120]}…)"
                ) from error
        raise AssertionError("unreachable")  # pragma: no cover


def begin_neo4j_load(
    settings: Settings,
    source: SourceDataset,
    name: str,
    *,
    replace: bool,
    progress: ProgressFn | None = None,
) -> Neo4jGraphLoad | None:
    """See :func:`connectomedb.etl.load.graph.begin_graph_load`."""
    from connectomedb.stores.graph import neo4j_driver

    driver = neo4j_driver(settings)
    runner = Neo4jRunner(driver, settings.neo4j_database)
    try:
        load = begin_with_runner(
            runner,
            source,
            name,
            replace=replace,
            batch_size=settings.neo4j_batch_size,
            progress=progress,
            on_finish=driver.close,
            segments=settings.graph_segments,
        )
    except BaseException:
        driver.close()
        raise
    if load is None:
        driver.close()
    return load


__all__ = [
    "Neo4jGraphLoad",
    "Neo4jRunner",
    "StatementRunner",
    "begin_neo4j_load",
    "begin_with_runner",
    "schema_statements",
]

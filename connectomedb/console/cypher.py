"""Cypher statements typed by a user, run on the configured graph.

::

    with CypherConsole(settings, dataset="demo") as console:
        frame = console.run("MATCH (a:Axon {dataset: $dataset}) RETURN count(*) AS n", {})

``$dataset`` is always filled in: with the key of ``dataset`` (or of the only loaded dataset),
as the query library does. The console is read-only unless opened with ``write=True``, twice
over: a statement with a clause that writes is refused before it is sent, and the engine
itself is asked for a read-only session (LadybugDB opens the dataset's database read-only,
Neo4j runs a READ transaction), so nothing the guard misses can write either. Reads take no
lock; writes to an embedded graph hold the dataset's load lock.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from types import TracebackType
from typing import Any

import pandas as pd

from connectomedb.config import Settings
from connectomedb.console.text import split_statements, write_keyword
from connectomedb.errors import DatabaseError, LoadError, QueryError
from connectomedb.schema.graph import quote_identifier

#: What ``:schema`` runs on Neo4j (labels, relationship types and their properties).
NEO4J_SCHEMA_STATEMENTS = (
    "CALL db.schema.nodeTypeProperties() YIELD nodeLabels, propertyName, propertyTypes "
    "UNWIND nodeLabels AS name "
    "RETURN 'node' AS kind, name, propertyName AS property, propertyTypes AS types "
    "ORDER BY name, property",
    "CALL db.schema.relTypeProperties() YIELD relType, propertyName, propertyTypes "
    "RETURN 'relationship' AS kind, relType AS name, propertyName AS property, "
    "propertyTypes AS types ORDER BY name, property",
)
SCHEMA_COLUMNS = ["kind", "name", "properties", "connects"]

_READ_ONLY_ENGINE = ("read-only database", "read access mode", "AccessMode")


def refusal(keyword: str, language: str) -> QueryError:
    return QueryError(
        f"{language}: the statement writes ({keyword}) and the console is read-only. "
        f"Run `connectomedb {language} --write` to allow writes."
    )


class CypherConsole:
    """One user's Cypher session on the configured graph store (see the module docstring)."""

    language = "cypher"

    def __init__(self, settings: Settings, *, dataset: str | None = None, write: bool = False):
        from connectomedb.stores.graph import open_graph_store

        self.settings = settings
        self.write = write
        self._dataset = dataset
        self._key: str | None = None
        self.store = open_graph_store(settings)
        self.engine: str = self.store.engine
        self._rw: Any = None  # (lock, db, conn) of a writable embedded graph

    def __enter__(self) -> CypherConsole:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # --- the dataset ---------------------------------------------------------------------

    @property
    def dataset(self) -> str:
        """The dataset name ``$dataset`` stands for (resolved on first use)."""
        if self._dataset is None:
            from connectomedb.queries import resolve_dataset

            self._dataset = resolve_dataset(self.store, None, "cypher")
        return self._dataset

    @property
    def key(self) -> str:
        """The value of ``$dataset``: the name (LadybugDB) or ``name@version`` (Neo4j)."""
        if self._key is None:
            self._key = self.store.dataset_key(self.dataset)
        return self._key

    def describe_params(self) -> dict[str, Any]:
        """The parameters the console fills in itself."""
        return {"dataset": self.key}

    # --- running -------------------------------------------------------------------------

    def run(self, text: str, params: Mapping[str, Any] | None = None) -> Iterator[pd.DataFrame]:
        """Run the ``;``-separated statements of ``text`` one by one as the result is
        iterated; one frame per statement. Nothing runs when one of them writes on a
        read-only console."""
        statements = split_statements(text, "cypher")
        if not self.write:
            for statement in statements:
                keyword = write_keyword(statement, "cypher")
                if keyword is not None:
                    raise refusal(keyword, self.language)
        values = {**dict(params or {}), "dataset": self.key} if statements else {}
        return (self._one(statement, values) for statement in statements)

    def _one(self, statement: str, params: dict[str, Any]) -> pd.DataFrame:
        try:
            if self.engine == "neo4j":
                return self._neo4j(statement, params)
            if self.write:
                return _ladybug_frame(self._ladybug_writer(), statement, params)
            conn = self.store.connection(self.key)  # type: ignore[attr-defined]
            return _ladybug_frame(conn, statement, params)
        except QueryError as error:
            if any(marker in str(error) for marker in _READ_ONLY_ENGINE):
                raise refusal("the engine refused a write", self.language) from None
            raise

    def _neo4j(self, statement: str, params: dict[str, Any]) -> pd.DataFrame:
        import neo4j

        routing = neo4j.RoutingControl.WRITE if self.write else neo4j.RoutingControl.READ
        driver = self.store._driver  # type: ignore[attr-defined]
        try:
            records, _, keys = driver.execute_query(
                statement, params, database_=self.store.database,  # type: ignore[attr-defined]
                routing_=routing,
            )
        except neo4j.exceptions.ClientError as error:
            if (error.code or "").endswith(("AccessMode", "ForbiddenOnReadOnlyDatabase")):
                raise refusal("the engine refused a write", self.language) from None
            raise QueryError(f"graph: Neo4j rejected the statement: {error.message}") from None
        except (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError) as error:
            raise DatabaseError(f"graph: Neo4j failed to run the statement: {error}") from None
        return pd.DataFrame([[_plain(v) for v in r.values()] for r in records], columns=keys)

    def _ladybug_writer(self) -> Any:
        """A read-write connection to the dataset's current graph, under its load lock."""
        import ladybug

        if self._rw is None:
            from connectomedb.stores.ladybug_layout import DatasetLock, current_db_path

            root = self.settings.embedded_graph_dir
            name = self.key
            try:
                lock = DatasetLock(root, name)
            except LoadError:
                raise QueryError(
                    f"graph: dataset {name!r} is being loaded, and writes wait for the load. "
                    "Run the statement again when the load has finished."
                ) from None
            try:
                self.store.close()  # our own read-only handle would block the writer
                db = ladybug.Database(str(current_db_path(root, name)))
                self._rw = (lock, db, ladybug.Connection(db))
            except RuntimeError as error:
                lock.release()
                raise QueryError(
                    f"graph: cannot open the graph of {name!r} for writing: {error}. "
                    "Close the other programs that have it open."
                ) from None
        return self._rw[2]

    # --- the schema ----------------------------------------------------------------------

    def schema(self) -> pd.DataFrame:
        """Labels and relationship types with their properties (columns :data:`SCHEMA_COLUMNS`)."""
        if self.engine == "neo4j":
            frame = pd.concat(
                [self._neo4j(s, {}) for s in NEO4J_SCHEMA_STATEMENTS], ignore_index=True
            )
            rows = []
            for (kind, name), group in frame.groupby(["kind", "name"], sort=False):
                props = [
                    f"{p} {'|'.join(t or [])}".strip()
                    for p, t in zip(group.property, group.types, strict=True)
                    if p is not None
                ]
                rows.append([kind, str(name).strip(":`"), ", ".join(props), ""])
            return pd.DataFrame(rows, columns=SCHEMA_COLUMNS)
        params = {"dataset": self.key}
        tables = self._one("CALL show_tables() RETURN name, type", params)
        rows = []
        for name, type_ in sorted(
            zip(tables.name, tables.type, strict=True), key=lambda t: (t[1], t[0])
        ):
            try:
                quote_identifier(name)  # only the model's tables: the name becomes a literal
            except ValueError:
                continue
            info = self._one(f"CALL table_info('{name}') RETURN name, type", params)
            typed = ", ".join(f"{n} {t}" for n, t in zip(info.name, info.type, strict=True))
            connects = ""
            if type_ == "REL":
                ends = self._one(f"CALL show_connection('{name}') RETURN *", params)
                connects = ", ".join(f"{a}→{b}" for a, b in zip(ends.iloc[:, 0], ends.iloc[:, 1],
                                                                 strict=True))
            kind = "node" if type_ == "NODE" else "relationship"
            rows.append([kind, name, typed, connects])
        return pd.DataFrame(rows, columns=SCHEMA_COLUMNS)

    def close(self) -> None:
        if self._rw is not None:
            lock, db, conn = self._rw
            self._rw = None
            conn.close()
            db.close()
            lock.release()
        self.store.close()


_INTEGER_TYPES = ("INT8", "INT16", "INT32", "INT64", "INT128", "UINT8", "UINT16", "UINT32",
                  "UINT64", "SERIAL")


def _ladybug_frame(conn: Any, statement: str, params: dict[str, Any]) -> pd.DataFrame:
    """The result of one statement with exact values: integers stay integers (``sum()`` is an
    INT128, which a DataFrame conversion would turn into floats)."""
    try:
        result = conn.execute(statement, params)
    except RuntimeError as error:
        raise QueryError(f"graph: LadybugDB rejected the statement: {error}") from None
    except (ValueError, TypeError) as error:  # a parameter value it cannot type
        raise QueryError(
            f"graph: LadybugDB cannot use the parameter values {params}: {error}. "
            "Give lists of one type, such as [1, 2] or [\"a\", \"b\"]."
        ) from None
    names = result.get_column_names()
    types = result.get_column_data_types()
    rows = result.get_all()
    result.close()
    frame = pd.DataFrame.from_records(rows, columns=names) if rows else pd.DataFrame(
        columns=names
    )
    for i, type_ in enumerate(types):
        if type_ in _INTEGER_TYPES:
            values = [None if v is None else int(v) for v in (row[i] for row in rows)]
            frame[names[i]] = pd.array(values, dtype="Int64")
    return frame


def _plain(value: Any) -> Any:
    """A Neo4j node, relationship or path as plain Python values (like LadybugDB's)."""
    import neo4j.graph

    if isinstance(value, neo4j.graph.Node):
        return {"_LABEL": ":".join(sorted(value.labels)), **dict(value)}
    if isinstance(value, neo4j.graph.Relationship):
        return {"_LABEL": value.type, **dict(value)}
    if isinstance(value, neo4j.graph.Path):
        return [_plain(n) for n in value.nodes]
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if hasattr(value, "to_native"):
        return value.to_native()
    return value

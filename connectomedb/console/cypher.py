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

from typing import Any

import pandas as pd

from connectomedb.config import Settings
from connectomedb.console.session import Session, refusal
from connectomedb.errors import DatabaseError, QueryError
from connectomedb.schema.graph import quote_identifier
from connectomedb.stores.current_model import reads_segment_layer, require_segment_layer
from connectomedb.stores.graph import GraphStore, open_graph_store
from connectomedb.stores.graph_writer import LadybugWriter

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


class CypherConsole(Session):
    """One user's Cypher session on the configured graph store (see the module docstring)."""

    language = "cypher"

    def __init__(self, settings: Settings, *, dataset: str | None = None, write: bool = False):
        super().__init__(dataset=dataset, write=write)
        self.settings = settings
        self._key: str | None = None
        self.store: GraphStore = open_graph_store(settings)
        self.engine: str = self.store.engine
        self._rw: LadybugWriter | None = None  # a writable embedded graph

    # --- the dataset ---------------------------------------------------------------------

    def _connection(self) -> GraphStore:
        return self.store

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

    def _values(self, params: dict[str, Any]) -> dict[str, Any]:
        return {**params, "dataset": self.key}

    def _one(self, statement: str, params: dict[str, Any]) -> pd.DataFrame:
        if reads_segment_layer(statement):
            self._require_segment_layer()
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

    def _require_segment_layer(self) -> None:
        """Refuse a statement reading the segment layer of a dataset loaded without it. A
        statement on a graph of several datasets with none chosen is run as written."""
        try:
            name = self.dataset
        except QueryError:  # no dataset loaded, or several and none chosen
            return
        require_segment_layer(self.store, name)

    def _neo4j(self, statement: str, params: dict[str, Any]) -> pd.DataFrame:
        import neo4j

        routing = neo4j.RoutingControl.WRITE if self.write else neo4j.RoutingControl.READ
        driver = self.store._driver  # type: ignore[attr-defined]
        try:
            records, _, keys = driver.execute_query(
                statement,
                params,
                database_=self.store.database,  # type: ignore[attr-defined]
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
        if self._rw is None:
            name = self.key
            self.store.close()  # our own read-only handle would block the writer
            self._rw = LadybugWriter.open(self.settings.embedded_graph_dir, name)
        return self._rw.connection

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
                connects = ", ".join(
                    f"{a}→{b}" for a, b in zip(ends.iloc[:, 0], ends.iloc[:, 1], strict=True)
                )
            kind = "node" if type_ == "NODE" else "relationship"
            rows.append([kind, name, typed, connects])
        return pd.DataFrame(rows, columns=SCHEMA_COLUMNS)

    def close(self) -> None:
        if self._rw is not None:
            writer, self._rw = self._rw, None
            writer.close()
        self.store.close()


_INTEGER_TYPES = (
    "INT8",
    "INT16",
    "INT32",
    "INT64",
    "INT128",
    "UINT8",
    "UINT16",
    "UINT32",
    "UINT64",
    "SERIAL",
)


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
            'Give lists of one type, such as [1, 2] or ["a", "b"].'
        ) from None
    names = result.get_column_names()
    types = result.get_column_data_types()
    rows = result.get_all()
    result.close()
    frame = pd.DataFrame.from_records(rows, columns=names) if rows else pd.DataFrame(columns=names)
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

"""The graph store the query library reads: LadybugDB or Neo4j, one interface.

::

    with open_graph_store(settings) as store:
        key = store.dataset_key("l4dense")
        df = store.run("MATCH (a:Axon {dataset: $dataset}) RETURN count(*) AS n", {"dataset": key})

``dataset_key(name)`` is the value queries pass as ``$dataset``: the dataset name in
LadybugDB, ``name@<version>`` of the current version in Neo4j. LadybugDB keeps one database
per dataset (see :mod:`connectomedb.stores.ladybug_layout`), so ``run`` opens the one named
by the ``dataset`` parameter; a statement without it runs on the only loaded dataset.
``stored_dataset(name)`` says which files the current version was loaded from (``None``: not
loaded).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit, urlunsplit

import pandas as pd

from connectomedb.config import Settings, mask_url
from connectomedb.errors import ConfigError, DatabaseError, QueryError
from connectomedb.schema.graph import NODE_LABELS, REL_TYPES, quote_identifier
from connectomedb.stores.closing import Closing
from connectomedb.stores.datasets import name_of_folder, name_problem
from connectomedb.stores.fingerprint import StoredDataset
from connectomedb.stores.ladybug_layout import current_db_path, current_version

q = quote_identifier

#: The ``Dataset`` properties ``datasets()`` returns, in column order.
DATASET_COLUMNS = ["name", "key", "version", "graph_model_version", "loaded_at", "source"]


class GraphStore(Closing, Protocol):
    engine: str

    def dataset_key(self, name: str) -> str: ...

    def run(self, cypher: str, params: Mapping[str, Any] | None = None) -> pd.DataFrame: ...

    def counts(self, dataset: str) -> dict[str, int]: ...

    def datasets(self) -> pd.DataFrame: ...

    def stored_dataset(self, name: str) -> StoredDataset | None: ...


def open_graph_store(settings: Settings) -> GraphStore:
    """The configured store: Neo4j at ``settings.graph_url``, else the embedded LadybugDB."""
    if settings.uses_embedded_graph:
        return LadybugGraphStore(settings.embedded_graph_dir)
    return Neo4jGraphStore(settings)


def _not_loaded(name: str) -> QueryError:
    return QueryError(
        f"graph: dataset {name!r} is not loaded. Load it with `connectomedb load <folder> "
        f"--dataset {name}`, or list the loaded ones with `connectomedb info`."
    )


def _stored(props: Mapping[str, Any]) -> StoredDataset:
    """A ``Dataset`` node's properties as :class:`StoredDataset`."""
    names, sums = props.get("file_names") or [], props.get("file_sha256") or []
    return StoredDataset(
        key=props.get("dataset"),
        files=dict(zip(list(names), list(sums), strict=True)),
        source=props.get("source"),
        loaded_at=props.get("loaded_at"),
        model_version=props.get("graph_model_version"),
        segments=props.get("segments"),
    )


def _count_statements(key_param: str = "dataset") -> list[tuple[str, str]]:
    """(name, Cypher) counting every label and relationship type of one dataset."""
    out = []
    for node in NODE_LABELS:
        out.append(
            (
                node.name,
                f"MATCH (n:{q(node.name)} {{{q('dataset')}: ${key_param}}}) RETURN count(*) AS n",
            )
        )
    for rel in REL_TYPES:
        # Relationships hold no dataset; every start node of this type carries it.
        starts = {a for a, _ in rel.endpoints}
        total = " + ".join(
            f"COUNT {{ MATCH (a:{q(a)} {{{q('dataset')}: ${key_param}}})-[:{q(rel.name)}]->() }}"
            for a in sorted(starts)
        )
        out.append((rel.name, f"RETURN {total} AS n"))
    return out


class _Base(Closing):
    engine = "?"

    def counts(self, dataset: str) -> dict[str, int]:
        """Nodes per label and relationships per type of the dataset (name)."""
        key = self.dataset_key(dataset)  # type: ignore[attr-defined]
        result = {}
        for name, cypher in _count_statements():
            df = self.run(cypher, {"dataset": key})  # type: ignore[attr-defined]
            result[name] = int(df.iloc[0, 0])
        return result


# --- LadybugDB -----------------------------------------------------------------------------


class LadybugGraphStore(_Base):
    """Read access to the embedded graphs under ``root`` (one read-only database per dataset,
    opened on first use and reopened when a load switched the dataset's version)."""

    engine = "ladybug"

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._open: dict[str, tuple[Path, Any, Any]] = {}  # name -> (db path, db, conn)

    def _names(self) -> list[str]:
        if not self.root.is_dir():
            return []
        names = (name_of_folder(p.name) for p in self.root.iterdir() if p.is_dir())
        return sorted(n for n in names if name_problem(n) is None and current_version(self.root, n))

    def dataset_key(self, name: str) -> str:
        if current_db_path(self.root, name) is None:
            raise _not_loaded(name)
        return name

    def _connection(self, name: str) -> Any:
        import ladybug

        path = current_db_path(self.root, name)
        if path is None:
            raise _not_loaded(name)
        cached = self._open.get(name)
        if cached is not None and cached[0] == path:
            return cached[2]
        self._close_one(name)
        last: Exception | None = None
        for _ in range(3):  # a commit may switch versions between reading CURRENT and opening
            try:
                db = ladybug.Database(str(path), read_only=True)
                conn = ladybug.Connection(db)
            except RuntimeError as error:
                last = error
                path = current_db_path(self.root, name)
                if path is None:
                    raise _not_loaded(name) from None
                continue
            self._open[name] = (path, db, conn)
            return conn
        raise DatabaseError(
            f"graph: cannot open the LadybugDB graph of {name!r} at {path}: {last}. "
            "Close the other programs that have it open; if it is damaged, remove that folder "
            "and load the dataset again."
        )

    def connection(self, name: str) -> Any:
        """The read-only LadybugDB connection to the current graph of dataset ``name``."""
        return self._connection(name)

    def run(self, cypher: str, params: Mapping[str, Any] | None = None) -> pd.DataFrame:
        params = dict(params or {})
        name = params.get("dataset")
        if name is None:
            names = self._names()
            if len(names) != 1:
                raise QueryError(
                    "graph: the statement has no $dataset parameter and "
                    f"{len(names)} datasets are loaded. Pass dataset=<name>."
                )
            name = names[0]
        conn = self._connection(str(name))
        try:
            result = conn.execute(cypher, params)
        except RuntimeError as error:
            raise QueryError(f"graph: LadybugDB rejected the statement: {error}") from error
        return result.get_as_df()

    def datasets(self) -> pd.DataFrame:
        rows = []
        for name in self._names():
            df = self.run(
                f"MATCH (d:{q('Dataset')}) RETURN d.{q('name')} AS name, d.{q('dataset')} AS key, "
                f"d.{q('version')} AS version, "
                f"d.{q('graph_model_version')} AS graph_model_version, "
                f"d.{q('loaded_at')} AS loaded_at, d.{q('source')} AS source",
                {"dataset": name},
            )
            rows.append(df)
        if not rows:
            return pd.DataFrame(columns=DATASET_COLUMNS)
        return pd.concat(rows, ignore_index=True)[DATASET_COLUMNS]

    def stored_dataset(self, name: str) -> StoredDataset | None:
        """The current version of ``name`` (``key``: the name) and the files it was loaded
        from; ``None`` when the dataset is not loaded. Each database holds one ``Dataset``
        node, read whole so that a graph of an older model is still recognised."""
        if current_db_path(self.root, name) is None:
            return None
        found = self.run(f"MATCH (d:{q('Dataset')}) RETURN d", {"dataset": name})
        if found.empty:
            return None
        return _stored({k: v for k, v in dict(found.iloc[0, 0]).items() if not k.startswith("_")})

    def _close_one(self, name: str) -> None:
        cached = self._open.pop(name, None)
        if cached is not None:
            cached[2].close()
            cached[1].close()

    def close(self) -> None:
        for name in list(self._open):
            self._close_one(name)


# --- Neo4j ---------------------------------------------------------------------------------


def neo4j_connection_args(settings: Settings) -> tuple[str, tuple[str, str] | None]:
    """The Bolt URL without credentials, and (user, password) from the URL or the settings."""
    url = settings.graph_url
    if url is None:
        raise ConfigError("graph: no Neo4j URL. Set CONNECTOMEDB_GRAPH_URL or --graph-url.")
    parts = urlsplit(url)
    user, password = settings.neo4j_user, settings.neo4j_password
    if parts.username:
        user = unquote(parts.username)
    if parts.password:
        password = unquote(parts.password)
    netloc = parts.hostname or ""
    if parts.port:
        netloc += f":{parts.port}"
    clean = urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    auth = (user, password) if password is not None else None
    return clean, auth


def neo4j_driver(settings: Settings) -> Any:
    """A connected ``neo4j`` driver for ``settings.graph_url`` (connectivity verified)."""
    import neo4j

    url, auth = neo4j_connection_args(settings)
    try:
        driver = neo4j.GraphDatabase.driver(url, auth=auth)
        driver.verify_connectivity()
    except neo4j.exceptions.AuthError as error:
        raise ConfigError(
            f"graph: Neo4j at {mask_url(settings.graph_url)} refused the credentials "
            f"({error.message}). Set CONNECTOMEDB_NEO4J_USER / CONNECTOMEDB_NEO4J_PASSWORD."
        ) from None
    except (neo4j.exceptions.ServiceUnavailable, ValueError, OSError) as error:
        raise DatabaseError(
            f"graph: cannot reach Neo4j at {mask_url(settings.graph_url)}: {error}. "
            "Start the server (docker compose up neo4j) or fix --graph-url."
        ) from None
    return driver


#: Neo4j: the key (``name@version``) of the current version of dataset ``$name``.
NEO4J_DATASET_KEY = (
    f"MATCH (d:{q('Dataset')} {{{q('name')}: $name, {q('current')}: true}}) "
    f"RETURN d.{q('dataset')} AS key"
)
#: Neo4j: the current version of dataset ``$name`` and the files it was loaded from.
NEO4J_STORED_DATASET = (
    f"MATCH (d:{q('Dataset')} {{{q('name')}: $name, {q('current')}: true}}) RETURN "
    + ", ".join(
        f"d.{q(p)} AS {q(p)}"
        for p in (
            "dataset",
            "source",
            "loaded_at",
            "graph_model_version",
            "segments",
            "file_names",
            "file_sha256",
        )
    )
)


def neo4j_stored_dataset(
    run: Callable[[str, dict[str, Any]], list[dict[str, Any]]], name: str
) -> StoredDataset | None:
    """Neo4j's current version of dataset ``name`` (``key``: ``name@version``), read with
    ``run(statement, parameters) → records``; ``None`` when the dataset is not loaded."""
    records = run(NEO4J_STORED_DATASET, {"name": name})
    return _stored(records[0]) if records else None


#: Neo4j: the current version of every dataset (columns :data:`DATASET_COLUMNS`).
NEO4J_DATASETS = (
    f"MATCH (d:{q('Dataset')} {{{q('current')}: true}}) RETURN d.{q('name')} AS name, "
    f"d.{q('dataset')} AS key, d.{q('version')} AS version, "
    f"d.{q('graph_model_version')} AS graph_model_version, "
    f"d.{q('loaded_at')} AS loaded_at, d.{q('source')} AS source ORDER BY name"
)


class Neo4jGraphStore(_Base):
    engine = "neo4j"

    def __init__(self, settings: Settings, driver: Any | None = None) -> None:
        self.settings = settings
        self.database = settings.neo4j_database
        self._driver = driver if driver is not None else neo4j_driver(settings)

    def _query(self, cypher: str, params: Mapping[str, Any]) -> pd.DataFrame:
        import neo4j

        try:
            records, _, keys = self._driver.execute_query(
                cypher, dict(params), database_=self.database, routing_=neo4j.RoutingControl.READ
            )
        except neo4j.exceptions.ClientError as error:
            raise QueryError(f"graph: Neo4j rejected the statement: {error.message}") from error
        return pd.DataFrame([r.values() for r in records], columns=keys)

    def dataset_key(self, name: str) -> str:
        df = self._query(NEO4J_DATASET_KEY, {"name": name})
        if df.empty:
            raise _not_loaded(name)
        return str(df.iloc[0, 0])

    def run(self, cypher: str, params: Mapping[str, Any] | None = None) -> pd.DataFrame:
        return self._query(cypher, params or {})

    def stored_dataset(self, name: str) -> StoredDataset | None:
        return neo4j_stored_dataset(
            lambda text, params: self._query(text, params).to_dict("records"), name
        )

    def datasets(self) -> pd.DataFrame:
        df = self._query(NEO4J_DATASETS, {})
        if df.empty:
            return pd.DataFrame(columns=DATASET_COLUMNS)
        df["loaded_at"] = [v.to_native() if hasattr(v, "to_native") else v for v in df.loaded_at]
        return df[DATASET_COLUMNS]

    def close(self) -> None:
        self._driver.close()

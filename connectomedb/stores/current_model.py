"""Queries refuse a dataset built under another data model than the one this connectomedb reads.

Tables derived at load time were added by later migrations; a dataset loaded before one of them
holds no rows there, and a query reading it would answer as if there were nothing to find.
Each store records the model a dataset's rows were built with (PostgreSQL in
``dataset.model_version``, the graph on its ``Dataset`` node); the next load of the same files
rebuilds a dataset of another model (:mod:`connectomedb.etl.load.decision`), and until then
:func:`require_current_model` raises :class:`~connectomedb.errors.OutdatedDatasetError`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from connectomedb.errors import OutdatedDatasetError
from connectomedb.schema import POSTGRES_MODEL_VERSION
from connectomedb.schema.graph import GRAPH_MODEL_VERSION
from connectomedb.stores.sql import Connection, SqlConnection, detect_engine, fetch

if TYPE_CHECKING:
    from connectomedb.stores.graph import GraphStore


def require_current_model(conn: Connection, name: str) -> None:
    """Return when dataset ``name`` of ``conn`` was built under the current model (or is not
    loaded there: that is for the caller to report), else :class:`OutdatedDatasetError`
    saying how to rebuild it. One small read: the dataset's row, or its ``Dataset`` node."""
    if detect_engine(conn) == "sql":
        store, current = "PostgreSQL", POSTGRES_MODEL_VERSION
        _, rows = fetch(
            cast(SqlConnection, conn),
            "SELECT model_version, source FROM dataset WHERE name = %(dataset)s",
            {"dataset": name},
        )
        if not rows:
            return
        found, source = rows[0]
    else:
        store, current = "the graph", GRAPH_MODEL_VERSION
        stored = cast("GraphStore", conn).stored_dataset(name)
        if stored is None:
            return
        found, source = stored.model_version, stored.source
    if found == current:
        return
    built = "no version recorded" if found is None else f"version {found}"
    raise OutdatedDatasetError(
        f"dataset {name!r} in {store} was built under another data model ({built}; this "
        f"connectomedb reads version {current}): rows it needs may be missing, so it is not "
        f"queried. Rebuild it by loading its files again: `connectomedb load <folder> "
        f"--dataset {name}`" + (f" (it was loaded from {source})." if source else ".")
    )

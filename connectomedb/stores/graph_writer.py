"""A read-write connection to the current graph of an embedded dataset, outside a load (the
Cypher console's ``--write``): it holds the dataset's load lock, so no load runs meanwhile."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from connectomedb.errors import LoadError, QueryError
from connectomedb.stores.ladybug_layout import DatasetLock, current_db_path


class LadybugWriter:
    """Open with :meth:`open`; :meth:`close` releases the connection, the database and the
    lock."""

    def __init__(self, lock: DatasetLock, db: Any, conn: Any) -> None:
        self._lock = lock
        self._db = db
        self.connection = conn

    @classmethod
    def open(cls, root: Path, name: str) -> LadybugWriter:
        """Lock dataset ``name`` under ``root`` and open its current graph for writing; the
        caller closes every read-only handle of it first."""
        import ladybug

        try:
            lock = DatasetLock(root, name)
        except LoadError:
            raise QueryError(
                f"graph: dataset {name!r} is being loaded, and writes wait for the load. "
                "Run the statement again when the load has finished."
            ) from None
        try:
            db = ladybug.Database(str(current_db_path(root, name)))
            return cls(lock, db, ladybug.Connection(db))
        except RuntimeError as error:
            lock.release()
            raise QueryError(
                f"graph: cannot open the graph of {name!r} for writing: {error}. "
                "Close the other programs that have it open."
            ) from None

    def close(self) -> None:
        self.connection.close()
        self._db.close()
        self._lock.release()

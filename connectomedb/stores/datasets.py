"""Dataset names: which are allowed, the folder name the embedded graph keeps one under, and
which dataset a connection is asked about.

A dataset name is free text (it is a value in every query), but the embedded graph store keeps
each dataset in a folder of its own, so a name must never be usable as a path. The folder name
is the percent-encoding of the name with no safe characters (``quote(name, safe="")``): it
never contains ``/`` or NUL, it is reversible (``unquote``), and folders written by earlier
versions keep their names. The only names whose encoding could still escape are ``.`` and
``..``: they, empty and whitespace-only names, NUL characters and names too long for a folder
are refused with :class:`ConfigError` before anything is read.

A query names its dataset or runs on the only loaded one (:func:`resolve_dataset`); a dataset
PostgreSQL does not hold is a :class:`NotLoadedError` that says how to load it
(:func:`require_loaded`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast
from urllib.parse import quote, unquote

from connectomedb.errors import ConfigError, NotLoadedError, QueryError
from connectomedb.stores.sql import Connection, SqlConnection, detect_engine, fetch

if TYPE_CHECKING:
    from connectomedb.stores.graph import GraphStore

#: Longest percent-encoded dataset name (a folder name holds at most 255 bytes).
MAX_ENCODED_NAME = 240
#: Names that are path components of their own.
RESERVED = (".", "..")


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a dataset name, or ``None`` when it can."""
    if not name.strip():
        return "is empty"
    if "\x00" in name:
        return "contains a NUL character"
    if name in RESERVED:
        return "is a path component ('.' and '..' name folders, not datasets)"
    encoded = quote(name, safe="")
    if len(encoded) > MAX_ENCODED_NAME:
        return f"is too long ({len(encoded)} bytes percent-encoded, at most {MAX_ENCODED_NAME})"
    return None


def check_dataset_name(name: str) -> None:
    """A name both stores can hold, else :class:`ConfigError` (before anything is read)."""
    problem = name_problem(name)
    if problem is None:
        return
    shown = name if len(name) <= 40 else name[:40] + "…"
    raise ConfigError(f"the dataset name {shown!r} {problem}. Choose another with --dataset.")


def folder_name(name: str) -> str:
    """The folder the dataset is kept in: one path component, never ``.``, ``..`` or empty."""
    check_dataset_name(name)
    encoded = quote(name, safe="")
    assert encoded not in ("", *RESERVED) and "/" not in encoded and "\x00" not in encoded
    return encoded


def name_of_folder(folder: str) -> str:
    """The dataset name a folder written by :func:`folder_name` holds."""
    return unquote(folder)


# --- the datasets a connection holds --------------------------------------------------------


def loaded_datasets(conn: Connection, engine: str | None = None) -> list[str]:
    """The names of the datasets loaded in PostgreSQL or in the graph store, sorted."""
    if (engine or detect_engine(conn)) == "sql":
        _, rows = fetch(cast(SqlConnection, conn), "SELECT name FROM dataset ORDER BY name", {})
        return [r[0] for r in rows]
    frame = cast("GraphStore", conn).datasets()
    return sorted(frame["name"].astype(str).tolist()) if len(frame) else []


def resolve_dataset(conn: Connection, dataset: str | None, engine: str | None = None) -> str:
    """The dataset name to query: the given one, or the only loaded one."""
    if dataset is not None:
        return dataset
    names = loaded_datasets(conn, engine)
    if len(names) == 1:
        return names[0]
    if not names:
        raise NotLoadedError(
            "no dataset is loaded. Load one with `connectomedb load <folder>` first."
        )
    raise QueryError(
        f"{len(names)} datasets are loaded ({', '.join(names)}); say which one with "
        "dataset=<name> (or --dataset NAME)."
    )


def require_loaded(
    conn: SqlConnection,
    name: str,
    *,
    list_loaded: bool = False,
    error: type[NotLoadedError] = NotLoadedError,
) -> None:
    """``error`` (a :class:`NotLoadedError`) unless PostgreSQL holds dataset ``name``; with
    ``list_loaded`` the message names the datasets it does hold."""
    names = loaded_datasets(conn, "sql")
    if name in names:
        return
    if list_loaded:
        raise error(
            f"no dataset named {name!r} is loaded (loaded: {', '.join(names) or 'none'}). "
            "Pass one of those to --dataset, or load it with `connectomedb load FOLDER`."
        )
    raise error(
        f"dataset {name!r} is not loaded in PostgreSQL. Load it with "
        f"`connectomedb load <folder> --dataset {name}`."
    )

"""Dataset names: which are allowed, and the folder name the embedded graph keeps one under.

A dataset name is free text (it is a value in every query), but the embedded graph store keeps
each dataset in a folder of its own, so a name must never be usable as a path. The folder name
is the percent-encoding of the name with no safe characters (``quote(name, safe="")``): it
never contains ``/`` or NUL, it is reversible (``unquote``), and folders written by earlier
versions keep their names. The only names whose encoding could still escape are ``.`` and
``..``: they, empty and whitespace-only names, NUL characters and names too long for a folder
are refused with :class:`ConfigError` before anything is read.
"""

from __future__ import annotations

from urllib.parse import quote, unquote

from connectomedb.errors import ConfigError

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

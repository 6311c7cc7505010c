"""The exception tree. Every error a user can cause derives from ``ConnectomeDBError``.

Messages are product: they name where the problem is (file, dataset path or CSV line/column,
element ID), what was expected and what was found, and end with what to do about it. The CLI
prints ``str(error)`` without a traceback and exits with ``error.exit_code``.
"""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass
from pathlib import Path

#: The most characters of input text an error message quotes.
MAX_QUOTED = 200


def shorten(text: str, limit: int = MAX_QUOTED) -> str:
    """``text`` cut to ``limit`` characters, saying how long it was: errors quote input (a
    cell, a label, a line) and must stay one readable line whatever the input holds."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text):,} characters)"


class ConnectomeDBError(Exception):
    """Base class of every error connectomedb raises on purpose."""

    exit_code = 1


class ConfigError(ConnectomeDBError):
    """A setting is missing or malformed; the message says where it was looked for."""

    exit_code = 2


@dataclass(eq=False, repr=False)
class InputError(ConnectomeDBError):
    """A source file is missing, unreadable or not in the published layout.

    ``str()`` reads: ``<file>: <where>: expected <expected>, found <found>. <hint>``
    where ``<where>`` is the HDF5 dataset path (with the element ID of a per-element dataset)
    or ``line L, column C`` of a CSV file. ``dataclasses.replace`` makes the same error with
    a field changed.
    """

    exit_code = 3

    file: str | Path
    where: str | None
    expected: str
    found: str | None = None
    _: KW_ONLY
    element: int | None = None
    hint: str | None = None

    def __post_init__(self) -> None:
        self.file = str(self.file)
        super().__init__(self._message())

    def _message(self) -> str:
        parts = [str(self.file)]
        if self.where:
            parts.append(self.where)
        if self.element is not None:
            parts.append(f"element {self.element}")
        text = ": ".join(parts) + f": expected {self.expected}"
        if self.found is not None:
            text += f", found {shorten(self.found)}"
        text += "."
        if self.hint:
            text += f" {self.hint}"
        return text


class DatabaseError(ConnectomeDBError):
    """A database could not be reached or refused an operation."""

    exit_code = 4


class LoadError(ConnectomeDBError):
    """A load failed; nothing of it is visible and the previous data is intact."""

    exit_code = 5


class QueryError(ConnectomeDBError):
    """An unknown query name, a missing or malformed query parameter, a rejected statement."""

    exit_code = 6


class NotLoadedError(QueryError):
    """The dataset a query or statement names is not loaded in the store it runs on."""


class OutdatedDatasetError(NotLoadedError):
    """The dataset was loaded under another data model than this connectomedb reads: tables
    added since may hold none of its rows. Loading its files again rebuilds it."""


class MissingSegmentLayerError(QueryError):
    """A graph query reads the segment layer (``Segment`` nodes, ``PRE``, ``POST``,
    ``HAS_SEGMENT``) of a dataset whose graph was loaded without it. Exit code 6, as every
    query error; the message says how to get an answer."""

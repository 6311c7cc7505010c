"""The exception tree. Every error a user can cause derives from ``ConnectomeDBError``.

Messages are product: they name where the problem is (file, dataset path or CSV line/column,
element ID), what was expected and what was found, and end with what to do about it. The CLI
prints ``str(error)`` without a traceback and exits with ``error.exit_code``.
"""

from __future__ import annotations

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


class InputError(ConnectomeDBError):
    """A source file is missing, unreadable or not in the published layout.

    ``str()`` reads: ``<file>: <where>: expected <expected>, found <found>. <hint>``
    where ``<where>`` is the HDF5 dataset path (with the element ID of a per-element dataset)
    or ``line L, column C`` of a CSV file.
    """

    exit_code = 3

    def __init__(
        self,
        file: str | Path,
        where: str | None,
        expected: str,
        found: str | None = None,
        *,
        element: int | None = None,
        hint: str | None = None,
    ) -> None:
        self.file = str(file)
        self.where = where
        self.expected = expected
        self.found = found
        self.element = element
        self.hint = hint
        super().__init__(self._message())

    def _message(self) -> str:
        parts = [self.file]
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

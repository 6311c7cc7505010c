"""A source dataset that arrives in two parts, for a store that can start on the first.

The files are read one after the other, ``segments.hdf5`` first, and PostgreSQL's ``segment``
table needs nothing else: its load copies the segments while the other files are still read.
An :class:`IncomingSource` hands over the segments as soon as they are read and the whole
:class:`~connectomedb.etl.frames.SourceDataset` once the rest is. Whoever waits for a part
that never comes (the read failed or was interrupted, or the waiter was told to stop) gets
:class:`SourceUnavailable`: the reader's own error is the one a load reports.

::

    incoming = IncomingSource(folder)
    # reader:                               # a store, in its own thread:
    incoming.segments_read(segments)        incoming.segments()   # waits for the first part
    incoming.complete(source)               incoming.result()     # waits for the whole
    # (or incoming.fail(error))
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from connectomedb.errors import LoadError
from connectomedb.etl.frames import Segments, SourceDataset
from connectomedb.etl.load.decision import fingerprint
from connectomedb.stores.fingerprint import Fingerprint


class SourceUnavailable(LoadError):
    """The part waited for will not come: the files were not read completely."""


class IncomingSource:
    """The segments of ``folder`` once read, then the whole source (see the module docstring).

    ``checksums``: the SHA-256 of the files, when they were computed before the read (and the
    read records these very values): a store can then decide what to do before the read ends.
    """

    def __init__(
        self, folder: Path, checksums: Fingerprint | None = None, release_segments: bool = False
    ) -> None:
        self.folder = folder
        self._checksums = checksums
        self._release_segments = release_segments
        self._cond = threading.Condition()
        self._has_segments = False
        self._segments: Segments | None = None
        self._source: SourceDataset | None = None
        self._error: BaseException | None = None
        self._stopped = False

    @classmethod
    def of(cls, source: SourceDataset) -> IncomingSource:
        """A source read already, whole."""
        incoming = cls(source.folder)
        incoming.complete(source)
        return incoming

    # --- the reader's side --------------------------------------------------------------------

    def segments_read(self, segments: Segments | None) -> None:
        """The segments are read (``None``: the folder has no ``segments.hdf5``)."""
        with self._cond:
            self._segments, self._has_segments = segments, True
            self._cond.notify_all()

    def complete(self, source: SourceDataset) -> None:
        """Everything is read."""
        with self._cond:
            self._source = source
            if not self._has_segments:
                self._segments, self._has_segments = source.segments, True
            self._cond.notify_all()

    def fail(self, error: BaseException) -> None:
        """The read ended with ``error``: no part still missing will come."""
        with self._cond:
            self._error = error
            self._cond.notify_all()

    # --- a store's side -----------------------------------------------------------------------

    def stop_waiting(self) -> None:
        """Wake whoever waits for a part, with :class:`SourceUnavailable` (a store that gives
        up its load calls this so its own threads end)."""
        with self._cond:
            self._stopped = True
            self._cond.notify_all()

    def _wait(self, ready: Any) -> None:
        with self._cond:
            while not ready():
                if self._error is not None:
                    raise SourceUnavailable(
                        f"the files of {self.folder} were not read: {self._error}"
                    )
                if self._stopped:
                    raise SourceUnavailable(f"the load of {self.folder} stopped")
                self._cond.wait()

    def segments(self) -> Segments | None:
        """The segments (``None`` when there is no ``segments.hdf5``), once read."""
        self._wait(lambda: self._has_segments)
        return self._segments

    def result(self) -> SourceDataset:
        """The whole source, once read."""
        self._wait(lambda: self._source is not None)
        assert self._source is not None
        return self._source

    def segments_taken(self) -> None:
        """The ``segment`` table's rows are built (they hold the arrays until copied): when
        made with ``release_segments`` (nobody else reads the positions and voxel counts),
        the source lets go of the arrays, which go once the rows are copied."""
        with self._cond:
            if self._release_segments and self._segments is not None:
                self._segments.release()

    @property
    def ready(self) -> bool:
        """Whether the whole source is read."""
        with self._cond:
            return self._source is not None

    def fingerprint(self) -> Fingerprint:
        """The files' SHA-256: at once when they were given, else once the read is done."""
        if self._checksums is not None:
            return dict(self._checksums)
        return fingerprint(self.result())

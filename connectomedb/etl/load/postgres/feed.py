"""The rows a PostgreSQL load copies, built table by table in a thread of their own while the
tables before them are copied and indexed.

A :class:`FrameFeed` turns each frame of the transform into its checked
:class:`~connectomedb.etl.load.postgres.copy_plan.TableCopy` as the load needs it: the big
source tables come first and need almost no work, so the derived tables are computed while
they are copied (NumPy and pandas release the GIL in their large operations, the server does
the rest). At most ``budget`` bytes of built rows wait for their COPY (one table more when the
queue is empty), and a table's rows leave memory once copied. A frame that fails its checks
raises, in the load's thread, the same error :func:`copy_plan` raises; the load's transaction
then rolls back everything it wrote. The frames may wait for their input (the files still
being read): ``wake``, called when the feed closes, makes such a wait end.

::

    with FrameFeed(iter_frames(source), lambda: source_row_counts(source)) as feed:
        for step in feed:          # TableCopy, checked; raises what building it raised
            ...                    # (or feed.take() from several threads, None at the end)
        feed.expected              # the row counts, computed after the last frame
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from connectomedb.etl.load.postgres.copy_plan import TableCopy, table_copy
from connectomedb.etl.tables import TableFrame
from connectomedb.schema import DATA_TABLES

#: Bytes of built rows that may wait for their COPY.
DEFAULT_BUDGET = 256 << 20

_END = object()


@dataclass
class CopyProgress:
    """Rows sent so far in one COPY, reported as they go as ``report(step, done, total)``."""

    step: str
    done: int
    total: int
    report: Callable[[str, int, int], None]

    def __call__(self, rows: int) -> None:
        self.done += rows
        self.report(self.step, self.done, self.total)


class FrameFeed:
    """Checked :class:`TableCopy` steps from ``frames``, built in a background thread."""

    def __init__(
        self,
        frames: Iterable[TableFrame],
        expected: Callable[[], dict[str, int]],
        *,
        budget: int = DEFAULT_BUDGET,
        wake: Callable[[], None] | None = None,
    ) -> None:
        self._frames = frames
        self._expected = expected
        self._budget = budget
        self._wake = wake
        self._queue: deque[object] = deque()
        self._queued_bytes = 0
        self._cond = threading.Condition()
        self._stopped = False
        #: Seconds the thread spent building and checking frames, and the rows it built.
        self.seconds = 0.0
        self.rows = 0
        self.expected: dict[str, int] = {}
        self._thread = threading.Thread(target=self._run, name="postgres-frames", daemon=True)
        self._thread.start()

    def __enter__(self) -> FrameFeed:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _put(self, item: object, size: int = 0) -> bool:
        with self._cond:
            while self._queue and self._queued_bytes + size > self._budget and not self._stopped:
                self._cond.wait()
            if self._stopped:
                return False
            self._queue.append(item)
            self._queued_bytes += size
            self._cond.notify_all()
            return True

    def _run(self) -> None:
        tables = {t.name: t for t in DATA_TABLES}
        try:
            frames = iter(self._frames)
            while True:
                started = time.perf_counter()
                frame = next(frames, None)
                if frame is None:
                    break
                step = table_copy(tables[frame.table], frame)
                del frame
                self.seconds += time.perf_counter() - started
                self.rows += step.rows
                if not self._put(step, step.nbytes):
                    return
                del step
            started = time.perf_counter()
            self.expected = self._expected()
            self.seconds += time.perf_counter() - started
            self._put(_END)
        except BaseException as error:  # noqa: BLE001 - handed to the load's thread
            self._put(error)

    def take(self) -> TableCopy | None:
        """The next table's rows (waiting for them), ``None`` once every table was handed out
        or the feed was closed. Safe to call from several threads: each table goes to one of
        them, and an error of the building thread is raised in every one that asks."""
        with self._cond:
            while not self._queue and not self._stopped:
                self._cond.wait()
            if not self._queue:
                return None
            item = self._queue[0]
            if item is _END:
                return None
            if isinstance(item, BaseException):
                raise item
            self._queue.popleft()
            assert isinstance(item, TableCopy)
            self._queued_bytes -= item.nbytes
            self._cond.notify_all()
            return item

    def __iter__(self) -> Iterator[TableCopy]:
        while (item := self.take()) is not None:
            yield item
            del item

    def close(self) -> None:
        """Stop building (what is queued is dropped) and wait for the thread to end."""
        with self._cond:
            self._stopped = True
            self._queue.clear()
            self._queued_bytes = 0
            self._cond.notify_all()
        if self._wake is not None:
            self._wake()
        self._thread.join()

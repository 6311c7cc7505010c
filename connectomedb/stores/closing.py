"""What holds a connection and closes it when its ``with`` block ends (the graph stores, the
consoles)."""

from __future__ import annotations

from types import TracebackType
from typing import Protocol, Self


class Closing(Protocol):
    """``with thing: ...`` ends with ``thing.close()``, whatever happened in the block."""

    def close(self) -> None: ...

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

"""connectomedb: the L4 dense connectome in PostgreSQL and a graph database.

``connectomedb.locate`` (:func:`connectomedb.volumes.locate.locate`) is resolved on first use,
so importing the package loads none of its feature packages.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

#: Public names of the package root → the module that defines them.
_LAZY = {"locate": "connectomedb.volumes.locate"}

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'connectomedb' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])

"""Where the embedded graph keeps each dataset, its lock, and the only code that switches
versions or removes its folders.

Layout under ``Settings.embedded_graph_dir``, one database per dataset (queries always name
their dataset, so a load never rewrites another dataset)::

    <graph dir>/<dataset name, percent-encoded>/
        CURRENT             # the version directory readers open (replaced atomically)
        .lock               # held by the one writer of this dataset that may run
        <version>/graph.lbug

A writer builds a new ``<version>`` directory under the lock (invisible: ``CURRENT`` does not
name it); :func:`switch_current` replaces ``CURRENT`` with ``os.replace`` and removes the
other version directories. Directories left by a killed writer are removed by the next one.
Every path is built from the dataset name through
:func:`connectomedb.stores.datasets.folder_name`, and every removal checks on resolved
paths that it acts on a version folder of that dataset only.
"""

from __future__ import annotations

import errno
import fcntl
import os
import re
import shutil
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import IO

from connectomedb.errors import LoadError, shorten
from connectomedb.stores.datasets import folder_name, name_problem

DB_FILE = "graph.lbug"
POINTER = "CURRENT"
LOCK = ".lock"


def dataset_dir(root: Path, name: str) -> Path:
    """``<root>/<encoded name>``: always a direct child of ``root`` (see
    :mod:`connectomedb.stores.datasets`); a name that could not be one is a ``ConfigError``."""
    path = Path(root) / folder_name(name)
    _require(_lexical(path).parent == _lexical(root), f"{path} is not inside {root}")
    return path


def _lexical(path: Path) -> Path:
    """``path`` made absolute with ``.`` and ``..`` resolved by name (links not followed)."""
    return Path(os.path.normpath(os.path.abspath(path)))


def _require(condition: bool, what: str) -> None:
    # Not ``assert``: these checks guard deletions and must hold under ``python -O`` too.
    if not condition:
        raise AssertionError(f"refusing to act on a path outside the graph's folders: {what}")


def current_version(root: Path, name: str) -> str | None:
    """The version directory ``CURRENT`` names, or ``None`` when the dataset is not loaded."""
    if name_problem(name) is not None:
        return None  # no folder can hold it, so it was never loaded
    try:
        text = (dataset_dir(root, name) / POINTER).read_text(encoding="utf-8").strip()
    except (FileNotFoundError, NotADirectoryError):
        return None
    if not _is_version_name(text):
        return None
    return text


def current_db_path(root: Path, name: str) -> Path | None:
    version = current_version(root, name)
    return None if version is None else dataset_dir(root, name) / version / DB_FILE


def new_version() -> str:
    """A sortable, unique version name: UTC time plus a random suffix."""
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]


_VERSION = re.compile(r"[0-9]{8}T[0-9]{6}-[0-9a-f]{8}")


def _is_version_name(text: str) -> bool:
    return _VERSION.fullmatch(text) is not None


def remove_version_dir(root: Path, name: str, path: Path) -> None:
    """Remove one version directory of dataset ``name``, and nothing else: ``path`` must be
    named like a version and sit directly inside the dataset's folder, both by name and once
    links are resolved. Anything else is a bug, never a reason to delete."""
    base = dataset_dir(root, name)
    target = Path(path)
    _require(
        _lexical(target).parent == _lexical(base) and _is_version_name(target.name), str(target)
    )
    if target.is_symlink():  # a link named like a version: the link goes, never its target
        target.unlink()
        return
    resolved = target.resolve()
    _require(
        resolved.parent == base.resolve() and _is_version_name(resolved.name),
        f"{target} → {resolved}",
    )
    shutil.rmtree(resolved, ignore_errors=True)


def storage_error(root: Path, name: str, error: BaseException) -> LoadError:
    """A graph that could not be written (a full or read-only disk, an I/O error): one clean
    line. Nothing of the load is visible, the previous version stays current."""
    text = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
    full = "No space left on device" in text or getattr(error, "errno", None) == errno.ENOSPC
    cause = "the disk is full" if full else "the disk refused a write"
    return LoadError(
        f"graph: cannot write the graph of dataset {name!r} under {root}: {cause} "
        f"({shorten(text, 400)}). Nothing was changed; the previous data is intact. Free space "
        "there (or fix the disk) and load again."
    )


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def switch_current(root: Path, name: str, version: str) -> None:
    """Make ``version`` the one readers open (durably: file and folder synced), then remove
    every other version of dataset ``name``. Call it under the dataset's :class:`DatasetLock`."""
    base = dataset_dir(root, name)
    tmp = base / f"{POINTER}.{version}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(version + "\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, base / POINTER)
    _fsync_dir(base)
    remove_other_versions(root, name, keep=version)


class DatasetLock:
    """The exclusive ``flock`` of one dataset's ``.lock`` file: one writer at a time."""

    def __init__(self, root: Path, name: str) -> None:
        path = dataset_dir(root, name) / LOCK
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file: IO[str] | None = open(path, "a+", encoding="utf-8")  # noqa: SIM115
        try:
            fcntl.flock(self._file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._file.close()
            self._file = None
            raise LoadError(
                f"graph: another load of dataset {name!r} is running (lock {path}). "
                "Wait for it to finish, then load again."
            ) from None

    def release(self) -> None:
        if self._file is not None:
            fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
            self._file.close()
            self._file = None


def remove_other_versions(root: Path, name: str, keep: str | None) -> None:
    """Remove every version directory and temp pointer of dataset ``name`` but ``keep`` (under
    the lock). Folders that are not named like a version are left alone."""
    for child in dataset_dir(root, name).iterdir():
        if child.name in (POINTER, LOCK) or child.name == keep:
            continue
        if _is_version_name(child.name) and (child.is_dir() or child.is_symlink()):
            remove_version_dir(root, name, child)
        elif child.name.startswith(POINTER + ".") and child.name.endswith(".tmp"):
            child.unlink(missing_ok=True)

"""The source files themselves: refusing what is not a regular file, opening HDF5, checksums.

Every function raises :class:`~connectomedb.errors.InputError` naming the file when it cannot be
read as one of the published files.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import h5py

from connectomedb.errors import InputError
from connectomedb.etl.extract.hdf5 import REEXPORT, attr_text
from connectomedb.etl.frames import FileInfo
from connectomedb.files import sha256_of

_FOLDER_HINT = "Check the folder passed to the command."


def _refused(path: Path, expected: str, error: OSError, hint: str) -> InputError:
    """The InputError for a file the system would not let us at: its reason is what was found."""
    return InputError(path, None, expected, f"{error.strerror or error}", hint=hint)


def file_kind(mode: int) -> str:
    """``a FIFO``, ``a character device``… for ``st_mode`` of anything but a regular file."""
    for test, name in (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return name
    return "a special file"


def check_regular_file(path: Path) -> os.stat_result:
    """The ``stat`` of ``path`` (following links) when it is a regular file, else InputError.

    FIFOs would block the reader forever and devices such as ``/dev/zero`` never end; both
    are refused before any byte is read.
    """
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputError(
            path, None, "the file to exist", "no such file", hint=_FOLDER_HINT
        ) from None
    except PermissionError as exc:
        raise _refused(
            path,
            "a file whose folder may be searched",
            exc,
            "Check the folder permissions (it needs x as well as r).",
        ) from None
    except OSError as exc:
        raise _refused(path, "a readable file", exc, _FOLDER_HINT) from None
    if not stat.S_ISREG(info.st_mode):
        raise InputError(path, None, "a regular file", file_kind(info.st_mode), hint=_FOLDER_HINT)
    return info


def open_h5(path: Path) -> h5py.File:
    """Open ``path`` read-only; missing, empty, truncated or unreadable files raise InputError."""
    check_regular_file(path)
    if path.stat().st_size == 0:
        raise InputError(path, None, "an HDF5 file", "an empty file", hint=REEXPORT)
    try:
        with path.open("rb"):
            pass
    except OSError as exc:
        raise _refused(path, "a readable file", exc, "Check the file permissions.") from exc
    try:
        return h5py.File(path, "r")
    except OSError as exc:
        raise InputError(
            path, None, "an HDF5 file", f"a file HDF5 cannot open ({exc})", hint=REEXPORT
        ) from exc


def file_info(path: Path, h5: h5py.File | None, sha256: str | None = None) -> FileInfo:
    """SHA-256 (``sha256`` when computed already), size and root ``info`` attribute of a
    source file."""
    info = None
    if h5 is not None and "info" in h5.attrs:
        info = attr_text(h5.attrs["info"])
    digest = sha256 if sha256 is not None else sha256_of(path)
    return FileInfo(path=path, sha256=digest, size=path.stat().st_size, info=info)

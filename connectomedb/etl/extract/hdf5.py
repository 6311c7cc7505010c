"""Opening the published HDF5 files and reading their whole-file datasets.

Every function raises :class:`~connectomedb.errors.InputError` naming the file and dataset path
when the data is not in the published layout.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import h5py
import numpy as np
import pandas as pd

from connectomedb.errors import InputError
from connectomedb.etl import codes
from connectomedb.etl.frames import CodeTable, FileInfo

REEXPORT = "Check that the file is the published one, complete and unmodified."


def open_h5(path: Path) -> h5py.File:
    """Open ``path`` read-only; missing, empty, truncated or unreadable files raise InputError."""
    if not path.exists():
        raise InputError(path, None, "the file to exist", "no such file",
                         hint="Check the folder passed to the command.")
    if not path.is_file():
        raise InputError(path, None, "a regular file", "a directory or special file",
                         hint="Check the folder passed to the command.")
    if path.stat().st_size == 0:
        raise InputError(path, None, "an HDF5 file", "an empty file", hint=REEXPORT)
    try:
        with path.open("rb"):
            pass
    except OSError as exc:
        raise InputError(path, None, "a readable file", f"{exc.strerror or exc}",
                         hint="Check the file permissions.") from exc
    try:
        return h5py.File(path, "r")
    except OSError as exc:
        raise InputError(path, None, "an HDF5 file", f"a file HDF5 cannot open ({exc})",
                         hint=REEXPORT) from exc


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file's bytes, as hex."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 22), b""):
            digest.update(block)
    return digest.hexdigest()


def file_info(path: Path, h5: h5py.File | None) -> FileInfo:
    """SHA-256, size and root ``info`` attribute of a source file."""
    info = None
    if h5 is not None and "info" in h5.attrs:
        info = attr_text(h5.attrs["info"])
    return FileInfo(path=path, sha256=sha256_of(path), size=path.stat().st_size, info=info)


def attr_text(value: object) -> str:
    """An attribute value as text: bytes or str, scalar or 1-element array."""
    if isinstance(value, np.ndarray):
        value = value.ravel()
        if value.size == 1:
            value = value[0]
        else:
            return "\n".join(attr_text(v) for v in value)
    if isinstance(value, (bytes, np.bytes_)):
        return bytes(value).decode("utf-8", errors="replace")
    return str(value)


def attr_int(value: object) -> int | None:
    """An attribute value as an integer code, or None when it is not one."""
    arr = np.asarray(value).ravel()
    if arr.size != 1:
        return None
    item = arr[0]
    if isinstance(item, (bytes, np.bytes_, str)):
        try:
            return int(item)
        except ValueError:
            return None
    if np.issubdtype(arr.dtype, np.integer):
        return int(item)
    if np.issubdtype(arr.dtype, np.floating) and np.isfinite(item) and float(item).is_integer():
        return int(item)
    return None


def first_present(h5: h5py.File, paths: tuple[str, ...]) -> str | None:
    """The first of ``paths`` that exists in the file (published name first, older ones after)."""
    for p in paths:
        if p in h5:
            return p
    return None


def require(h5: h5py.File, paths: tuple[str, ...], what: str) -> str:
    path = first_present(h5, paths)
    if path is None:
        raise InputError(h5.filename, paths[0], f"a dataset with {what}", "nothing at that path"
                         + (f" nor at {', '.join(paths[1:])}" if len(paths) > 1 else ""),
                         hint=REEXPORT)
    return path


def dataset(h5: h5py.File, path: str) -> h5py.Dataset:
    obj = h5[path]
    if not isinstance(obj, h5py.Dataset):
        raise InputError(h5.filename, path, "a dataset", "a group", hint=REEXPORT)
    return obj


def read_raw(h5: h5py.File, path: str) -> np.ndarray:
    ds = dataset(h5, path)
    try:
        return ds[()]
    except OSError as exc:
        raise InputError(h5.filename, path, "readable data", f"a read error ({exc})",
                         hint=REEXPORT) from exc


def read_vector(h5: h5py.File, path: str) -> np.ndarray:
    """A per-object vector; shapes ``(N,)``, ``(N, 1)`` and ``(1, N)`` are accepted."""
    arr = np.asarray(read_raw(h5, path))
    if arr.ndim == 2 and 1 in arr.shape:
        arr = arr.ravel()
    elif arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.ndim != 1:
        raise InputError(h5.filename, path, "a vector of shape (N,), (N, 1) or (1, N)",
                         f"shape {arr.shape}", hint=REEXPORT)
    return arr


def check_length(h5: h5py.File, path: str, arr: np.ndarray, n: int, ref: str) -> None:
    if len(arr) != n:
        raise InputError(h5.filename, path, f"{n} values, one per row of {ref}",
                         f"{len(arr)}", hint=REEXPORT)


def integral(
    values: np.ndarray, file: str, path: str, what: str, *,
    owners: np.ndarray | Callable[[], np.ndarray] | None = None, maximum: int | None = None,
    minimum: int = 0,
    limit_note: str | None = None,
) -> np.ndarray:
    """``values`` as int64 after checking they are whole numbers in ``[minimum, maximum]``.

    Any integer dtype is accepted, and floats holding whole numbers. ``owners`` maps a flat
    value to the element ID it belongs to (for sets), so the error can name the element.
    """

    def fail(index: int, expected: str, found: str) -> InputError:
        if owners is not None:
            element: int | None = int((owners() if callable(owners) else owners)[index])
            where = path.replace("<id>", str(element))
        else:
            element, where = index + 1, path
        return InputError(file, where, expected, found, element=element, hint=REEXPORT)

    kind = values.dtype.kind
    if kind == "b":
        values = values.astype(np.int64)
        kind = "i"
    if kind == "u":
        if values.dtype.itemsize == 8 and len(values):
            big = np.flatnonzero(values > np.iinfo(np.int64).max)
            if len(big):
                raise fail(int(big[0]), f"{what} below 2^63", str(values[big[0]]))
        out = values.astype(np.int64)
    elif kind == "i":
        out = values.astype(np.int64)
    elif kind == "f":
        bad = np.flatnonzero(~np.isfinite(values) | (values != np.floor(values))
                             | (np.abs(values) >= 2.0**63))
        if len(bad):
            raise fail(int(bad[0]), f"{what} as whole numbers", repr(float(values[bad[0]])))
        out = values.astype(np.int64)
    else:
        raise InputError(file, path, f"{what} of an integer type", f"dtype {values.dtype}",
                         hint=REEXPORT)
    if len(out):
        low = np.flatnonzero(out < minimum)
        if len(low):
            raise fail(int(low[0]), f"{what} of at least {minimum}", str(out[low[0]]))
        if maximum is not None:
            high = np.flatnonzero(out > maximum)
            if len(high):
                note = f" ({limit_note})" if limit_note else ""
                raise fail(int(high[0]), f"{what} of at most {maximum}{note}",
                           str(out[high[0]]))
    return out


def read_ids(h5: h5py.File, path: str, what: str, n: int | None = None,
             ref: str = "", maximum: int | None = None) -> np.ndarray:
    """An ID vector as int64 (0 = none), checked for integrality and range."""
    arr = read_vector(h5, path)
    if n is not None:
        check_length(h5, path, arr, n, ref)
    return integral(arr, h5.filename, path, what, maximum=maximum)


def read_coords(h5: h5py.File, path: str, n: int | None = None, ref: str = "") -> np.ndarray:
    """MATLAB ``N×3`` coordinates stored as ``(3, N)``; returned int32 ``(N, 3)``."""
    arr = np.asarray(read_raw(h5, path))
    if arr.ndim != 2 or arr.shape[0] != 3:
        raise InputError(h5.filename, path, "coordinates of shape (3, N)", f"shape {arr.shape}",
                         hint=REEXPORT)
    if n is not None and arr.shape[1] != n:
        raise InputError(h5.filename, path, f"{n} columns, one per row of {ref}",
                         f"{arr.shape[1]}", hint=REEXPORT)
    try:
        flat = integral(arr.ravel(), h5.filename, path, "voxel coordinates",
                        maximum=np.iinfo(np.int32).max)
    except InputError as error:
        if error.element is None or arr.shape[1] == 0:
            raise
        # The flat index runs over every x, then every y, then every z: name the object.
        raise InputError(error.file, error.where, error.expected, error.found,
                         element=(error.element - 1) % arr.shape[1] + 1,
                         hint=error.hint) from None
    return np.ascontiguousarray(flat.reshape(3, -1).T.astype(np.int32))


def read_floats(h5: h5py.File, path: str, dtype: type, n: int, ref: str) -> np.ndarray:
    arr = read_vector(h5, path)
    check_length(h5, path, arr, n, ref)
    if arr.dtype.kind not in "fiu":
        raise InputError(h5.filename, path, "numbers", f"dtype {arr.dtype}", hint=REEXPORT)
    return arr.astype(dtype)


# Canonical class names per dimension: lower-case file label -> (code, canonical name).
AXON_CLASSES = {label: (code, name) for code, label, name in codes.AXON_CLASSES}
TARGET_CLASSES = {label: (code, name) for code, label, name in codes.TARGET_CLASSES}
SYNAPSE_TYPES = {label: (code, name) for code, label, name in codes.SYNAPSE_TYPES}


def canonical_name(label: str, table: dict[str, tuple[int, str]]) -> str:
    """Canonical display name of a file label (``ignore`` and unlisted labels -> derived)."""
    key = label.lower()
    if key in table:
        return table[key][1]
    return label[:1].upper() + label[1:]


def read_codes(h5: h5py.File, path: str, table: dict[str, tuple[int, str]]
               ) -> tuple[np.ndarray, CodeTable]:
    """A categorical vector as int16 codes plus the code table of every code present.

    The table is read from the dataset's attributes (name = label, value = code); documented
    codes missing from the attributes come from ``table`` (source ``fallback``), codes in
    neither are ``unknown``/``Unknown``, and code 0 is ``undefined``/``Undefined``.
    """
    raw = read_vector(h5, path)
    codes = integral(raw, h5.filename, path, "category codes", maximum=np.iinfo(np.int16).max)
    attrs = dataset(h5, path).attrs
    rows: dict[int, tuple[str, str, str]] = {}
    for label in attrs:
        code = attr_int(attrs[label])
        if code is None or code <= 0 or code > np.iinfo(np.int16).max:
            continue
        if code not in rows:
            rows[code] = (label, canonical_name(label, table), "file")
    if not rows:
        # Without any attribute the documented table is the only source of names.
        for label, (code, name) in table.items():
            rows[code] = (label, name, "fallback")
    present = np.unique(codes).tolist() if len(codes) else []
    for code in present:
        if code in rows:
            continue
        if code == 0:
            rows[0] = ("undefined", "Undefined", "unknown")
        else:
            rows[code] = ("unknown", "Unknown", "unknown")
    ordered = sorted(rows)
    frame = pd.DataFrame({
        "code": np.array(ordered, dtype=np.int16),
        "label": [rows[c][0] for c in ordered],
        "name": [rows[c][1] for c in ordered],
        "source": [rows[c][2] for c in ordered],
    })
    return codes.astype(np.int16), CodeTable(frame)

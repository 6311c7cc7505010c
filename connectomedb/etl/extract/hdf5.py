"""Reading the whole-file datasets of the published HDF5 files (opened by :mod:`.files`).

Every function raises :class:`~connectomedb.errors.InputError` naming the file and dataset path
when the data is not in the published layout.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace

import h5py
import numpy as np

from connectomedb.errors import InputError

REEXPORT = "Check that the file is the published one, complete and unmodified."


#: The most values one dataset may declare (the IDs are 32-bit; the published files hold at
#: most about 15 million segments).
MAX_VALUES = 2**31 - 1
#: The largest ID a 32-bit ID column holds.
INT32_MAX = 2**31 - 1
#: The largest ratio of a chunked dataset's size to the bytes it occupies in the file (the
#: published files are not compressed; gzip of ID vectors stays far below this).
MAX_COMPRESSION = 1000


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
    """The first of ``paths`` that exists in the file (published name first, older ones after).
    A path that is a dangling or external link is an InputError, not an absent dataset."""
    for p in paths:
        check_links(h5, p)
        if p in h5:
            return p
    return None


def dangling_link(h5: h5py.File, path: str) -> str | None:
    """What a path that does not resolve is, when it is a link: ``a soft link to /x that
    points nowhere``, ``an external link to other.h5:/x``; else ``None``."""
    try:
        link = h5.get(path, getlink=True)
    except (KeyError, ValueError, RuntimeError, OSError):
        return None
    if isinstance(link, h5py.SoftLink):
        return f"a soft link to {link.path} that points nowhere"
    if isinstance(link, h5py.ExternalLink):
        return f"an external link to {link.filename}:{link.path}"
    return None


def external_link_error(file: str, where: str, link: h5py.ExternalLink) -> InputError:
    """The InputError for ``where`` being an external link: the data must be in the file itself,
    not in another file the export did not ship."""
    return InputError(
        file,
        where,
        "data stored in the file itself",
        f"an external link to {link.filename}:{link.path}",
        hint=REEXPORT,
    )


def check_links(h5: h5py.File, path: str) -> None:
    """InputError when ``path`` or a group on its way is an external link (data must be in the
    file itself, not in another file the export did not ship) or a soft link that points
    nowhere."""
    parts = [p for p in path.split("/") if p]
    for i in range(1, len(parts) + 1):
        sub = "/" + "/".join(parts[:i])
        try:
            link = h5.get(sub, getlink=True)
        except (KeyError, ValueError, RuntimeError, OSError):
            return
        if isinstance(link, h5py.ExternalLink):
            raise external_link_error(h5.filename, sub, link)
        if isinstance(link, h5py.SoftLink) and not _resolves(h5, sub):
            raise InputError(
                h5.filename,
                sub,
                "a dataset or group",
                f"a soft link to {link.path} that points nowhere",
                hint=REEXPORT,
            )


def _resolves(h5: h5py.File, path: str) -> bool:
    try:
        h5[path]
    except (KeyError, ValueError, RuntimeError, OSError):
        return False
    return True


def require(h5: h5py.File, paths: tuple[str, ...], what: str) -> str:
    path = first_present(h5, paths)
    if path is None:
        for p in paths:
            check_links(h5, p)
        raise InputError(
            h5.filename,
            paths[0],
            f"a dataset with {what}",
            "nothing at that path" + (f" nor at {', '.join(paths[1:])}" if len(paths) > 1 else ""),
            hint=REEXPORT,
        )
    return path


def dataset(h5: h5py.File, path: str) -> h5py.Dataset:
    check_links(h5, path)
    obj = h5[path]
    if not isinstance(obj, h5py.Dataset):
        raise InputError(h5.filename, path, "a dataset", "a group", hint=REEXPORT)
    return obj


def _size(n: int) -> str:
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("kB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n} bytes"


def check_declared_size(file: str, where: str, ds: h5py.Dataset) -> None:
    """InputError when the shape ``ds`` declares cannot be real: more than
    :data:`MAX_VALUES` values, or more bytes than the file can hold for it. Checked before
    anything is allocated for the data."""
    shape = tuple(int(d) for d in ds.shape or ())
    count = 1
    for d in shape:
        count *= d
    if count > MAX_VALUES:
        raise InputError(
            file,
            where,
            f"at most {MAX_VALUES:,} values",
            f"shape {shape} ({count:,} values)",
            hint=REEXPORT,
        )
    needed = count * ds.dtype.itemsize
    if needed == 0:
        return
    file_size = os.stat(file).st_size
    stored = ds.id.get_storage_size()
    plist = ds.id.get_create_plist()
    filtered = plist.get_nfilters() > 0
    room = stored * MAX_COMPRESSION if filtered else stored
    if plist.get_layout() == h5py.h5d.COMPACT:
        room = needed  # compact data sits in the object header, whose size h5py checked
    if needed > min(room, file_size * (MAX_COMPRESSION if filtered else 1)):
        raise InputError(
            file,
            where,
            f"data the file holds ({_size(stored)} stored for it in a file of {_size(file_size)})",
            f"shape {shape} declaring {_size(needed)}",
            hint=REEXPORT,
        )


def read_raw(h5: h5py.File, path: str) -> np.ndarray:
    ds = dataset(h5, path)
    check_declared_size(str(h5.filename), path, ds)
    try:
        return ds[()]
    except (OSError, KeyError, RuntimeError, ValueError, TypeError) as exc:
        raise InputError(
            h5.filename, path, "readable data", f"a read error ({exc})", hint=REEXPORT
        ) from exc


def read_vector(h5: h5py.File, path: str) -> np.ndarray:
    """A per-object vector; shapes ``(N,)``, ``(N, 1)`` and ``(1, N)`` are accepted."""
    arr = np.asarray(read_raw(h5, path))
    if arr.ndim == 2 and 1 in arr.shape:
        arr = arr.ravel()
    elif arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.ndim != 1:
        raise InputError(
            h5.filename,
            path,
            "a vector of shape (N,), (N, 1) or (1, N)",
            f"shape {arr.shape}",
            hint=REEXPORT,
        )
    return arr


def check_length(h5: h5py.File, path: str, arr: np.ndarray, n: int, ref: str) -> None:
    if len(arr) != n:
        raise InputError(
            h5.filename, path, f"{n} values, one per row of {ref}", f"{len(arr)}", hint=REEXPORT
        )


def integral(
    values: np.ndarray,
    file: str,
    path: str,
    what: str,
    *,
    owners: np.ndarray | Callable[[], np.ndarray] | None = None,
    maximum: int | None = None,
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
        with np.errstate(over="ignore", invalid="ignore"):  # float16 cannot hold 2^63
            bad = np.flatnonzero(
                ~np.isfinite(values)
                | (values != np.floor(values))
                | (np.abs(values.astype(np.float64)) >= 2.0**63)
            )
        if len(bad):
            raise fail(int(bad[0]), f"{what} as whole numbers", repr(float(values[bad[0]])))
        out = values.astype(np.int64)
    else:
        raise InputError(
            file, path, f"{what} of an integer type", f"dtype {values.dtype}", hint=REEXPORT
        )
    if len(out):
        low = np.flatnonzero(out < minimum)
        if len(low):
            raise fail(int(low[0]), f"{what} of at least {minimum}", str(out[low[0]]))
        if maximum is not None:
            high = np.flatnonzero(out > maximum)
            if len(high):
                note = f" ({limit_note})" if limit_note else ""
                raise fail(int(high[0]), f"{what} of at most {maximum}{note}", str(out[high[0]]))
    return out


def read_ids(
    h5: h5py.File,
    path: str,
    what: str,
    n: int | None = None,
    ref: str = "",
    maximum: int | None = None,
) -> np.ndarray:
    """An ID vector as int64 (0 = none), checked for integrality and range."""
    arr = read_vector(h5, path)
    if n is not None:
        check_length(h5, path, arr, n, ref)
    return integral(arr, h5.filename, path, what, maximum=maximum)


def read_coords(h5: h5py.File, path: str, n: int | None = None, ref: str = "") -> np.ndarray:
    """MATLAB ``N×3`` coordinates stored as ``(3, N)``; returned int32 ``(N, 3)``."""
    arr = np.asarray(read_raw(h5, path))
    if arr.ndim != 2 or arr.shape[0] != 3:
        raise InputError(
            h5.filename, path, "coordinates of shape (3, N)", f"shape {arr.shape}", hint=REEXPORT
        )
    if n is not None and arr.shape[1] != n:
        raise InputError(
            h5.filename,
            path,
            f"{n} columns, one per row of {ref}",
            f"{arr.shape[1]}",
            hint=REEXPORT,
        )
    try:
        flat = integral(
            arr.ravel(), h5.filename, path, "voxel coordinates", maximum=np.iinfo(np.int32).max
        )
    except InputError as error:
        if error.element is None or arr.shape[1] == 0:
            raise
        # The flat index runs over every x, then every y, then every z: name the object.
        raise replace(error, element=(error.element - 1) % arr.shape[1] + 1) from None
    return np.ascontiguousarray(flat.reshape(3, -1).T.astype(np.int32))


def read_floats(h5: h5py.File, path: str, dtype: type, n: int, ref: str) -> np.ndarray:
    arr = read_vector(h5, path)
    check_length(h5, path, arr, n, ref)
    if arr.dtype.kind not in "fiu":
        raise InputError(h5.filename, path, "numbers", f"dtype {arr.dtype}", hint=REEXPORT)
    return arr.astype(dtype)


def read_quantity(h5: h5py.File, path: str, dtype: type, n: int, ref: str, what: str) -> np.ndarray:
    """A physical quantity per element (an area, a volume): finite, not negative and
    representable in ``dtype``; NaN means "not available" and stays NaN. Anything else is an
    InputError naming the element, so it never reaches a statistic."""
    arr = read_vector(h5, path)
    check_length(h5, path, arr, n, ref)
    if arr.dtype.kind not in "fiu":
        raise InputError(h5.filename, path, "numbers", f"dtype {arr.dtype}", hint=REEXPORT)
    values = arr.astype(np.float64)
    limit = float(np.finfo(dtype).max)
    with np.errstate(invalid="ignore"):
        bad = np.flatnonzero(~np.isnan(values) & ((values < 0) | ~(np.abs(values) <= limit)))
    if len(bad):
        i = int(bad[0])
        raise InputError(
            h5.filename,
            path,
            f"{what}: finite and not negative (NaN where not available)",
            repr(float(values[i])),
            element=i + 1,
            hint=REEXPORT,
        )
    return values.astype(dtype)

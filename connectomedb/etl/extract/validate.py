"""Checks that need more than one dataset: element names of per-element groups and the ID
ranges that link the files together. Every failure is an InputError naming file and path."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from connectomedb.errors import InputError

NAME_HINT = (
    "Each member must be named by the 1-based decimal ID of its element, "
    "one member per element, as in the published export."
)


def element_ids(
    names: Sequence[str | bytes] | np.ndarray, file: str, path: str, n: int, ref: str
) -> np.ndarray:
    """Parse member names of a per-element group into IDs, requiring exactly ``1..n``.

    Returns the int64 IDs in the order of ``names``.
    """
    ids = _decimal_ids(names)
    if ids is None:
        for raw in names:
            name = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else raw
            if not (name.isascii() and name.isdigit()) or int(name) == 0:
                raise InputError(
                    file,
                    path,
                    "members named by positive decimal IDs",
                    f"a member named {name!r}",
                    hint=NAME_HINT,
                )
        ids = np.array([int(x) for x in names], dtype=np.int64)
    if len(ids) == 0 and n == 0:
        return ids
    order = np.argsort(ids, kind="stable")
    ordered = ids[order]
    dup = np.flatnonzero(ordered[1:] == ordered[:-1])
    if len(dup):
        a, b = names[order[dup[0]]], names[order[dup[0] + 1]]
        a = a.decode() if isinstance(a, bytes) else a
        b = b.decode() if isinstance(b, bytes) else b
        raise InputError(
            file,
            path,
            "one member per element",
            f"members {a!r} and {b!r} for the same ID",
            element=int(ordered[dup[0]]),
            hint=NAME_HINT,
        )
    expected = f"members for IDs 1 to {n}, one per row of {ref}"
    over = ordered[ordered > n]
    if len(over):
        first = int(over[0])
        raise InputError(
            file, path, expected, f"a member for ID {first}", element=first, hint=NAME_HINT
        )
    if len(ids) != n:
        present = np.zeros(n + 1, dtype=bool)
        present[ordered] = True
        missing = np.flatnonzero(~present[1:]) + 1
        first = int(missing[0])
        found = f"{len(missing)} missing (first: {first})"
        raise InputError(file, path, expected, found, element=first, hint=NAME_HINT)
    return ids


def _decimal_ids(names: Sequence[str | bytes] | np.ndarray) -> np.ndarray | None:
    """Vectorised parse of names that are all positive decimal numbers (up to 18 digits);
    ``None`` when any is not, so that the caller can find and report it."""
    if isinstance(names, np.ndarray) and names.dtype.kind == "S":
        table = names
    elif len(names) and isinstance(names[0], bytes):
        try:
            table = np.array(names, dtype="S")
        except (UnicodeError, ValueError, TypeError):
            return None
    else:
        return None
    if len(table) == 0:
        return None
    width = table.dtype.itemsize
    if width == 0 or width > 18:
        return None
    raw = table.view(np.uint8).reshape(len(table), width)
    used = raw != 0  # NumPy pads with trailing NULs only; HDF5 names hold no NUL
    digits = raw.astype(np.int64) - 48
    if (used & ((digits < 0) | (digits > 9))).any() or not used[:, 0].all():
        return None
    ids = np.zeros(len(table), dtype=np.int64)
    for col in range(width):  # Horner's rule over the (few) digit columns
        ids = np.where(used[:, col], ids * 10 + digits[:, col], ids)
    return ids if (ids > 0).all() else None


def check_max(
    file: str,
    path: str,
    values: np.ndarray | None,
    maximum: int,
    what: str,
    note: str,
    hint: str,
    owners: np.ndarray | None = None,
) -> None:
    """Every value of ``values`` must be at most ``maximum``; the error names the element
    (``owners[i]`` for set values, else the 1-based position)."""
    if values is None or len(values) == 0 or int(values.max()) <= maximum:
        return
    i = int(np.flatnonzero(values > maximum)[0])
    element = int(owners[i]) if owners is not None else i + 1
    raise InputError(
        file,
        path,
        f"{what} of at most {maximum} ({note})",
        f"{int(values[i])}",
        element=element,
        hint=hint,
    )


SAME_EXPORT = (
    "The files must come from the same export; check that axons.hdf5, "
    "dendrites.hdf5, synapses.hdf5 and segments.hdf5 belong together."
)

"""Categorical vectors of the HDF5 files: the codes and their code table (labels from the
dataset's attributes, documented fallbacks, canonical display names)."""

from __future__ import annotations

import h5py
import numpy as np
import pandas as pd

from connectomedb import vocabulary
from connectomedb.etl.extract.hdf5 import attr_int, dataset, integral, read_vector
from connectomedb.etl.frames import CodeTable

# Canonical class names per dimension: lower-case file label -> (code, canonical name).
AXON_CLASSES = vocabulary.by_label(vocabulary.AXON_CLASSES)
TARGET_CLASSES = vocabulary.by_label(vocabulary.TARGET_CLASSES)
SYNAPSE_TYPES = vocabulary.by_label(vocabulary.SYNAPSE_TYPES)


def canonical_name(label: str, table: dict[str, tuple[int, str]]) -> str:
    """Canonical display name of a file label (``ignore`` and unlisted labels -> derived)."""
    key = label.lower()
    if key in table:
        return table[key][1]
    return label[:1].upper() + label[1:]


def read_codes(
    h5: h5py.File, path: str, table: dict[str, tuple[int, str]]
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
    frame = pd.DataFrame(
        {
            "code": np.array(ordered, dtype=np.int16),
            "label": [rows[c][0] for c in ordered],
            "name": [rows[c][1] for c in ordered],
            "source": [rows[c][2] for c in ordered],
        }
    )
    return codes.astype(np.int16), CodeTable(frame)

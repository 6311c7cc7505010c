"""Warnings about category attributes that contradict the published code tables.

The rule (docs/model.md): a file's own attributes name its codes, so they win; a code that no
attribute names is ``Unknown``. A load still says when the attributes disagree with the
published tables, because then the same class may mean different things in two datasets:

* an attribute gives a published label another code than the published table does;
* a code in the data has no attribute although the published table names it.
"""

from __future__ import annotations

import numpy as np

from connectomedb import vocabulary
from connectomedb.etl.frames import CodeTable

#: Published (code → label) per dimension, keyed by what the warning calls the elements.
PUBLISHED = {
    "axons": {label: code for code, label, _ in vocabulary.AXON_CLASSES},
    "targets": {label: code for code, label, _ in vocabulary.TARGET_CLASSES},
    "synapses": {label: code for code, label, _ in vocabulary.SYNAPSE_TYPES},
}


def code_warnings(file: str, what: str, table: CodeTable, values: np.ndarray) -> list[str]:
    """One line per contradiction between ``table`` (read from ``file``) and the published
    table of ``what`` (``axons``, ``targets`` or ``synapses``)."""
    published = PUBLISHED[what]
    label_of = {code: label for label, code in published.items()}
    count: dict[int, int] = {}
    if len(values):
        present, counts = np.unique(values, return_counts=True)
        count = {int(c): int(n) for c, n in zip(present, counts, strict=True)}
    out = []
    for row in table.frame.itertuples(index=False):
        code, label, name, source = int(row.code), str(row.label), str(row.name), row.source
        n = count.get(code, 0)
        if source == "file" and label.lower() in published and published[label.lower()] != code:
            usual = label_of.get(code)
            also = f" and code {code} to '{usual}'" if usual else ""
            out.append(
                f"{file}: the {what}' category attribute '{label}' gives code {code}; the "
                f"published table gives '{label}' code {published[label.lower()]}{also}. The "
                f"file's attributes win: {n} {what} with code {code} load as {name}."
            )
        elif source == "unknown" and code in label_of and n:
            out.append(
                f"{file}: code {code} of the {what}' categories has no attribute in the file "
                f"(the published table names it '{label_of[code]}'): {n} {what} load as "
                f"{name}."
            )
    return out

"""The connectome's vocabulary: class and synapse-type names, their codes and order, the labels
of ``connectome.csv`` and the paper's thresholds. One definition for the reader, the synthetic
generator, the queries, the analyses and the report (docs/model.md).

Canonical names are those of ``connectome.csv``; the published HDF5 files label each code with
the lower-case name (the target class ``Unknown`` is labelled ``ignore``).
"""

from __future__ import annotations

#: (code, file attribute, canonical name), in code order.
CodeEntries = tuple[tuple[int, str, str], ...]


def _coded(*names: str, labels: dict[str, str] | None = None) -> CodeEntries:
    """Codes 1, 2, … in the order given; a name's file label is its lower-case spelling
    unless ``labels`` says otherwise."""
    labels = labels or {}
    return tuple(
        (code, labels.get(name, name.lower()), name) for code, name in enumerate(names, start=1)
    )


#: The code tables, exactly as the published files have them.
AXON_CLASSES: CodeEntries = _coded("Corticocortical", "Thalamocortical", "Inhibitory", "Other")
TARGET_CLASSES: CodeEntries = _coded(
    "ApicalDendrite",
    "AxonInitialSegment",
    "Unknown",
    "OtherDendrite",
    "SmoothDendrite",
    "Somata",
    "WholeCell",
    "Soma",
    "ProximalDendrite",
    labels={"Unknown": "ignore"},
)
SYNAPSE_TYPES: CodeEntries = _coded("PrimarySpine", "SecondarySpine", "Shaft", "Soma")

#: Row groups (axon classes) and columns (target classes) of connectome.csv, in file order.
CSV_ROW_ORDER = ("Corticocortical", "Thalamocortical", "Other", "Inhibitory")
CSV_COLUMN_ORDER = (
    "Soma",
    "ProximalDendrite",
    "SmoothDendrite",
    "ApicalDendrite",
    "AxonInitialSegment",
    "OtherDendrite",
)

#: The order classes are shown in: axon classes in code order (docs/model.md), target classes
#: in connectome.csv's column order followed by the classes the file has no column for.
AXON_CLASS_ORDER: tuple[str, ...] = tuple(name for _, _, name in AXON_CLASSES)
TARGET_CLASS_ORDER: tuple[str, ...] = CSV_COLUMN_ORDER + ("Somata", "WholeCell")
SYNAPSE_TYPE_ORDER: tuple[str, ...] = tuple(name for _, _, name in SYNAPSE_TYPES)

#: The excitatory axon classes.
EXCITATORY = ("Corticocortical", "Thalamocortical")
#: The target class kept whatever its synapse count (counting rule 6 of docs/model.md).
AXON_INITIAL_SEGMENT = "AxonInitialSegment"
#: The target classes the paper tests for specificity (its Fig. 4: somata, proximal, smooth
#: and apical dendrites, axon initial segments).
PAPER_TARGET_CLASSES = (
    "Soma",
    "Somata",
    "ProximalDendrite",
    "SmoothDendrite",
    "ApicalDendrite",
    AXON_INITIAL_SEGMENT,
)

#: The paper's thresholds: connectome.csv counts axons and targets with at least this many
#: connectome synapses, and axons are classified from this many on.
MIN_SYNAPSES = 10
#: Axon classification: spine-synapse fractions and the thalamocortical probability.
EXCITATORY_MIN_SPINE_FRACTION = 0.5
INHIBITORY_MAX_SPINE_FRACTION = 0.2
THALAMOCORTICAL_MIN_PROBABILITY = 0.6


def names(entries: CodeEntries) -> dict[int, str]:
    """Code → canonical name."""
    return {code: name for code, _, name in entries}


def by_label(entries: CodeEntries) -> dict[str, tuple[int, str]]:
    """File label → (code, canonical name)."""
    return {label: (code, name) for code, label, name in entries}

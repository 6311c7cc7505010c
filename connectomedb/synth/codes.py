"""Category codes and canonical names of the published files (see docs/model.md)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from connectomedb.etl.codes import AXON_CLASSES as AXON_CLASSES  # re-exported for the writer
from connectomedb.etl.codes import SYNAPSE_TYPES as SYNAPSE_TYPES
from connectomedb.etl.codes import TARGET_CLASSES as TARGET_CLASSES
from connectomedb.etl.frames import CodeTable

# Axon class codes.
CC, TC, INH, OTHER = 1, 2, 3, 4
# Target class codes.
AD, AIS, IGNORE, OD, SD, SOMATA, WHOLECELL, SOMA, PD = 1, 2, 3, 4, 5, 6, 7, 8, 9
# Synapse type codes.
PRIMARY, SECONDARY, SHAFT, SOMA_SYN = 1, 2, 3, 4

#: Row groups and column groups of connectome.csv, in file order.
CSV_ROW_ORDER = ("Corticocortical", "Thalamocortical", "Other", "Inhibitory")
CSV_COLUMN_ORDER = (
    "Soma",
    "ProximalDendrite",
    "SmoothDendrite",
    "ApicalDendrite",
    "AxonInitialSegment",
    "OtherDendrite",
)

#: The paper's classification thresholds.
MIN_SYNAPSES = 10
EXCITATORY_MIN_SPINE_FRACTION = 0.5
INHIBITORY_MAX_SPINE_FRACTION = 0.2
THALAMOCORTICAL_MIN_PROBABILITY = 0.6


def code_table(entries: tuple[tuple[int, str, str], ...]) -> CodeTable:
    """A :class:`CodeTable` of every category, as read from the files' attributes."""
    frame = pd.DataFrame(
        {
            "code": np.array([c for c, _, _ in entries], dtype=np.int16),
            "label": [label for _, label, _ in entries],
            "name": [name for _, _, name in entries],
            "source": ["file"] * len(entries),
        }
    )
    return CodeTable(frame=frame)


def names(entries: tuple[tuple[int, str, str], ...]) -> dict[int, str]:
    """Code → canonical name."""
    return {c: name for c, _, name in entries}

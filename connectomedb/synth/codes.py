"""Category codes and canonical names of the published files (see docs/model.md)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from connectomedb.etl.frames import CodeTable
from connectomedb.vocabulary import (  # noqa: F401 (the generator's names, from one definition)
    AXON_CLASSES,
    CSV_COLUMN_ORDER,
    CSV_ROW_ORDER,
    EXCITATORY_MIN_SPINE_FRACTION,
    INHIBITORY_MAX_SPINE_FRACTION,
    MIN_SYNAPSES,
    SYNAPSE_TYPES,
    TARGET_CLASSES,
    THALAMOCORTICAL_MIN_PROBABILITY,
    names,
)

# Axon class codes.
CC, TC, INH, OTHER = 1, 2, 3, 4
# Target class codes.
AD, AIS, IGNORE, OD, SD, SOMATA, WHOLECELL, SOMA, PD = 1, 2, 3, 4, 5, 6, 7, 8, 9
# Synapse type codes.
PRIMARY, SECONDARY, SHAFT, SOMA_SYN = 1, 2, 3, 4


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

"""What the bad-input cases share: the hints the messages end with, and :class:`Case`."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REEXPORT = "Check that the file is the published one, complete and unmodified."
NAMES = (
    "Each member must be named by the 1-based decimal ID of its element, one member per "
    "element, as in the published export."
)
SAME = (
    "The files must come from the same export; check that axons.hdf5, dendrites.hdf5, "
    "synapses.hdf5 and segments.hdf5 belong together."
)
CSV_HINT = (
    "connectome.csv must be comma-separated without quotes: a header with an empty first "
    "cell and one target class per column, then one row per axon with its class and one "
    "non-negative integer synapse count per column."
)
AXON_CLASS_NAMES = "Corticocortical, Inhibitory, Other, Thalamocortical"
TARGET_CLASS_NAMES = (
    "ApicalDendrite, AxonInitialSegment, OtherDendrite, ProximalDendrite, SmoothDendrite, "
    "Soma, Somata, Unknown, WholeCell"
)


@dataclass(frozen=True)
class Case:
    """One broken folder: ``mutate(folder)`` breaks it and returns the exact message (or, with
    ``exact=False``, its start; the message must then also end with ``suffix``)."""

    name: str
    mutate: Callable[[Path], str]
    exact: bool = True
    suffix: str = ""


def build_case(case: Case, valid: Path, dest: Path) -> str:
    """Copy the valid folder to ``dest``, break it, return the expected message (or prefix)."""
    shutil.copytree(valid, dest)
    return case.mutate(dest)


def message_matches(case: Case, expected: str, message: str) -> bool:
    if case.exact:
        return message == expected
    return message.startswith(expected) and message.endswith(case.suffix)

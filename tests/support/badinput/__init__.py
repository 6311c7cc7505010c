"""The bad-input corpus of the reliability and security tests.

Every case starts from a valid synthetic dataset (:func:`support.datasets.valid_dataset`)
copied into a fresh folder, breaks one thing in it the way a damaged or hand-edited export
would, and states the exact error a user must see. The expected messages are written here from
the file layout (the published L4dense layout) and from the broken folder
itself, not taken from the loader.

* :data:`CASES` (broken HDF5 files, then a broken connectome.csv) and :data:`CASES2` (input
  that crashed, hung or loaded wrong values before) / :func:`build_case` make the broken
  folders; :func:`message_matches` compares a message with a case's;
* :func:`set_unknown_codes` gives a valid folder codes no attribute names.
"""

from __future__ import annotations

from support.badinput.csv_cases import CSV_CASES
from support.badinput.edits import set_unknown_codes
from support.badinput.hdf5_cases import HDF5_CASES
from support.badinput.messages import (
    AXON_CLASS_NAMES,
    CSV_HINT,
    NAMES,
    REEXPORT,
    SAME,
    TARGET_CLASS_NAMES,
    Case,
    build_case,
    message_matches,
)
from support.badinput.more_cases import CASES2, CHANGED, FOLDER_HINT

CASES: list[Case] = HDF5_CASES + CSV_CASES

__all__ = [
    "AXON_CLASS_NAMES",
    "CASES",
    "CASES2",
    "CHANGED",
    "CSV_HINT",
    "FOLDER_HINT",
    "NAMES",
    "REEXPORT",
    "SAME",
    "TARGET_CLASS_NAMES",
    "Case",
    "build_case",
    "message_matches",
    "set_unknown_codes",
]

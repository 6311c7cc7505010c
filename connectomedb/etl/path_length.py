"""The skeleton path length of every axon and target, computed once per load.

PostgreSQL's ``axon``/``target`` rows, the graph's ``Axon``/``Target`` nodes and the class
statistics all carry it; it is the sum of a skeleton's edge lengths
(:func:`~connectomedb.etl.transform.skeleton_path_length_um`), about half a second per side at
full scale, so the three share one result per source object (:func:`per_source`).
"""

from __future__ import annotations

import numpy as np

from connectomedb.etl.frames import Neurites, Targets
from connectomedb.etl.per_source import per_source


@per_source
def path_length_um(neurites: Neurites) -> np.ndarray | None:
    """Path length in µm of each skeleton of ``neurites`` (``float64``, read-only: shared),
    ``None`` when they have no skeletons. A bad edge is reported in ``axons.hdf5`` or
    ``dendrites.hdf5`` whichever caller asks first."""
    # transform.py imports this module: its function is looked up when first needed.
    from connectomedb.etl.transform import skeleton_path_length_um

    if neurites.skeleton is None:
        return None
    group = "dendrites" if isinstance(neurites, Targets) else "axons"
    lengths = skeleton_path_length_um(neurites.skeleton, file=f"{group}.hdf5", group=f"/{group}")
    lengths.flags.writeable = False
    return lengths


def path_lengths_or(neurites: Neurites, missing: float) -> np.ndarray:
    """:func:`path_length_um` of each of the ``neurites.n`` neurites, ``missing`` for every
    one when they have no skeletons."""
    lengths = path_length_um(neurites)
    return np.full(neurites.n, missing) if lengths is None else lengths[: neurites.n]

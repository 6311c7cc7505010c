"""``axons.hdf5`` → :class:`~connectomedb.etl.frames.Axons`."""

from __future__ import annotations

import h5py

from connectomedb.etl.extract.categories import AXON_CLASSES, read_codes
from connectomedb.etl.extract.fastsets import ElementReader
from connectomedb.etl.extract.hdf5 import require
from connectomedb.etl.extract.neurites import NeuritePaths, read_neurite_parts
from connectomedb.etl.frames import Axons

CLASS = ("/axons/class", "/axonClasses")
PATHS = NeuritePaths(
    noun="axon",
    mapped=("/axons/mappedSegIds",),
    agglomerate=("/axons/agglomerate", "/axonAgglomerates"),
    skeleton=("/axons/skeleton", "/axonSkeletons"),
)


def read_axons(h5: h5py.File, reader: ElementReader, *, n_segments: int | None = None) -> Axons:
    """Read every axon; ``n_segments`` (from ``segments.hdf5``) bounds the segment IDs."""
    class_path = require(h5, CLASS, "one class code per axon")
    codes, table = read_codes(h5, class_path, AXON_CLASSES)
    n = len(codes)
    parts = read_neurite_parts(h5, reader, PATHS, n, class_path, n_segments)
    return Axons(n=n, class_code=codes, classes=table, **parts.fields())

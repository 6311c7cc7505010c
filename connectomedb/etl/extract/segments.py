"""``segments.hdf5`` → :class:`~connectomedb.etl.frames.Segments`."""

from __future__ import annotations

import h5py

from connectomedb.etl.extract.hdf5 import first_present, read_coords, read_ids, require
from connectomedb.etl.frames import Segments

POSITION = ("/segments/position",)
VOXEL_COUNT = ("/segments/voxelCount",)


def read_segments(h5: h5py.File) -> Segments:
    """Read one position per segment and, when present, the voxel counts."""
    pos_path = require(h5, POSITION, "one position per segment")
    position = read_coords(h5, pos_path)
    n = len(position)
    count_path = first_present(h5, VOXEL_COUNT)
    counts = None if count_path is None else read_ids(h5, count_path, "voxel counts", n, pos_path)
    return Segments(n=n, position=position, voxel_count=counts)

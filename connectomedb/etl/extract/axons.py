"""``axons.hdf5`` → :class:`~connectomedb.etl.frames.Axons`."""

from __future__ import annotations

import h5py

from connectomedb.etl.extract.fastsets import ElementReader, segment_note
from connectomedb.etl.extract.hdf5 import AXON_CLASSES, first_present, read_codes, read_ids, require
from connectomedb.etl.frames import Axons

CLASS = ("/axons/class", "/axonClasses")
MAPPED = ("/axons/mappedSegIds",)
AGGLOMERATE = ("/axons/agglomerate", "/axonAgglomerates")
SKELETON = ("/axons/skeleton", "/axonSkeletons")


def read_axons(h5: h5py.File, reader: ElementReader, *, n_segments: int | None = None) -> Axons:
    """Read every axon; ``n_segments`` (from ``segments.hdf5``) bounds the segment IDs."""
    class_path = require(h5, CLASS, "one class code per axon")
    codes, table = read_codes(h5, class_path, AXON_CLASSES)
    n = len(codes)
    ref = class_path
    mapped_path = first_present(h5, MAPPED)
    mapped = None if mapped_path is None else read_ids(h5, mapped_path, "segment labels", n, ref)
    agg_path = require(h5, AGGLOMERATE, "one segment-ID dataset per axon")
    agglomerate = reader.sets(agg_path, n, ref, maximum=n_segments,
                          limit_note=segment_note(n_segments))
    skel_path = first_present(h5, SKELETON)
    skeleton = None if skel_path is None else reader.skeletons(skel_path, n, ref,
                                                               max_segment=n_segments)
    return Axons(n=n, class_code=codes, classes=table, mapped_seg_id=mapped,
                 agglomerate=agglomerate, skeleton=skeleton)

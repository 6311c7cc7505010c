"""What ``axons.hdf5`` and ``dendrites.hdf5`` share: per neurite a mapped segment, an
agglomerate of segments and a skeleton."""

from __future__ import annotations

from dataclasses import dataclass

import h5py
import numpy as np

from connectomedb.etl.extract.fastsets import ElementReader, segment_note
from connectomedb.etl.extract.hdf5 import first_present, read_ids, require
from connectomedb.etl.frames import Ragged, Skeletons


@dataclass(frozen=True)
class NeuriteParts:
    """The mapped segment of each neurite (None when the file has none), their agglomerates
    and their skeletons (None when the file has none)."""

    mapped_seg_id: np.ndarray | None
    agglomerate: Ragged
    skeleton: Skeletons | None


def read_neurite_parts(
    h5: h5py.File,
    reader: ElementReader,
    n: int,
    ref: str,
    *,
    noun: str,
    mapped: tuple[str, ...],
    agglomerate: tuple[str, ...],
    skeleton: tuple[str, ...],
    n_segments: int | None,
) -> NeuriteParts:
    """The parts of ``n`` neurites (one per row of ``ref``), from the first present of each
    tuple of dataset paths; ``n_segments`` bounds the segment IDs."""
    mapped_path = first_present(h5, mapped)
    mapped_ids = (
        None if mapped_path is None else read_ids(h5, mapped_path, "segment labels", n, ref)
    )
    agg_path = require(h5, agglomerate, f"one segment-ID dataset per {noun}")
    sets = reader.sets(agg_path, n, ref, maximum=n_segments, limit_note=segment_note(n_segments))
    skel_path = first_present(h5, skeleton)
    skeletons = (
        None if skel_path is None else reader.skeletons(skel_path, n, ref, max_segment=n_segments)
    )
    return NeuriteParts(mapped_ids, sets, skeletons)

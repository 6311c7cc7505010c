"""What ``axons.hdf5`` and ``dendrites.hdf5`` share: per neurite a mapped segment, an
agglomerate of segments and a skeleton."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import h5py
import numpy as np

from connectomedb.etl.extract.fastsets import ElementReader, segment_note
from connectomedb.etl.extract.hdf5 import first_present, read_ids, require
from connectomedb.etl.frames import Ragged, Skeletons


@dataclass(frozen=True)
class NeuritePaths:
    """Where a file keeps the parts of its neurites (``noun``: ``axon`` or ``target``): each a
    tuple of dataset paths, the published name first, older ones after."""

    noun: str
    mapped: tuple[str, ...]
    agglomerate: tuple[str, ...]
    skeleton: tuple[str, ...]


@dataclass(frozen=True)
class NeuriteParts:
    """The mapped segment of each neurite (None when the file has none), their agglomerates
    and their skeletons (None when the file has none)."""

    mapped_seg_id: np.ndarray | None
    agglomerate: Ragged
    skeleton: Skeletons | None

    def fields(self) -> dict[str, Any]:
        """The parts by name, as the fields of :class:`~connectomedb.etl.frames.Neurites`."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


def read_neurite_parts(
    h5: h5py.File,
    reader: ElementReader,
    paths: NeuritePaths,
    n: int,
    ref: str,
    n_segments: int | None,
) -> NeuriteParts:
    """The parts of ``n`` neurites (one per row of ``ref``), from the first present path of
    each; ``n_segments`` bounds the segment IDs."""
    mapped_path = first_present(h5, paths.mapped)
    mapped_ids = (
        None if mapped_path is None else read_ids(h5, mapped_path, "segment labels", n, ref)
    )
    agg_path = require(h5, paths.agglomerate, f"one segment-ID dataset per {paths.noun}")
    sets = reader.sets(agg_path, n, ref, maximum=n_segments, limit_note=segment_note(n_segments))
    skel_path = first_present(h5, paths.skeleton)
    skeletons = (
        None if skel_path is None else reader.skeletons(skel_path, n, ref, max_segment=n_segments)
    )
    return NeuriteParts(mapped_ids, sets, skeletons)

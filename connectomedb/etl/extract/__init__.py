"""Extract: read and validate one L4dense folder into a :class:`SourceDataset`.

Everything is checked while reading, before any store is touched: required datasets, lengths,
integral IDs in range, element names ``1..N``, skeleton edges, the CSV layout. Each problem is
an :class:`~connectomedb.errors.InputError`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from connectomedb.errors import InputError
from connectomedb.etl.extract.axons import read_axons
from connectomedb.etl.extract.connectome_csv import read_connectome
from connectomedb.etl.extract.dendrites import read_spine_heads, read_targets
from connectomedb.etl.extract.fastsets import ElementReader, GroupStats
from connectomedb.etl.extract.hdf5 import file_info, open_h5, sha256_of
from connectomedb.etl.extract.segments import read_segments
from connectomedb.etl.extract.synapses import read_synapses
from connectomedb.etl.frames import FileInfo, SourceDataset

__all__ = ["ExtractReport", "file_checksums", "read_dataset", "REQUIRED_FILES", "OPTIONAL_FILES"]

REQUIRED_FILES = ("axons.hdf5", "dendrites.hdf5", "synapses.hdf5")
OPTIONAL_FILES = ("segments.hdf5", "connectome.csv")

Progress = Callable[[str], None]


@dataclass
class ExtractReport:
    """Seconds per file and how each per-element group was read."""

    seconds: dict[str, float] = field(default_factory=dict)
    groups: list[GroupStats] = field(default_factory=list)


def file_checksums(folder: str | Path) -> dict[str, str]:
    """File name → SHA-256 of the L4dense files present in ``folder`` (no parsing, no
    validation): what a load compares with the stores to see whether it has anything to do."""
    folder = Path(folder)
    return {
        name: sha256_of(folder / name)
        for name in (*REQUIRED_FILES, *OPTIONAL_FILES)
        if (folder / name).is_file()
    }


def read_dataset(folder: str | Path, *, progress: Progress | None = None, fast: bool = True,
                 report: ExtractReport | None = None) -> SourceDataset:
    """Read and validate the L4dense files of ``folder``.

    ``axons.hdf5``, ``dendrites.hdf5`` and ``synapses.hdf5`` are required; ``segments.hdf5``
    and ``connectome.csv`` are read when present. ``progress`` receives one line per file.
    ``fast=False`` reads the per-element groups through h5py only. Pass an ``ExtractReport``
    to get timings.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(folder, None, "a folder with the L4dense files",
                         "no such folder" if not folder.exists() else "a file",
                         hint="Pass the folder that holds axons.hdf5, dendrites.hdf5 and "
                              "synapses.hdf5.")
    for name in REQUIRED_FILES:
        if not (folder / name).exists():
            raise InputError(folder / name, None, "the file to exist", "no such file",
                             hint=f"{folder} must hold {', '.join(REQUIRED_FILES)}.")
    report = report if report is not None else ExtractReport()
    say = progress or (lambda _msg: None)
    files: dict[str, FileInfo] = {}
    kwargs: dict = {}

    def step(name: str) -> float:
        say(f"reading {name}")
        return time.perf_counter()

    segments = None
    if (folder / "segments.hdf5").exists():
        t0 = step("segments.hdf5")
        with open_h5(folder / "segments.hdf5") as h5:
            segments = read_segments(h5)
            files["segments.hdf5"] = file_info(folder / "segments.hdf5", h5)
        kwargs = {"n_segments": segments.n}
        report.seconds["segments.hdf5"] = time.perf_counter() - t0

    t0 = step("axons.hdf5")
    with open_h5(folder / "axons.hdf5") as h5, ElementReader(h5, fast=fast) as reader:
        axons = read_axons(h5, reader, **kwargs)
        files["axons.hdf5"] = file_info(folder / "axons.hdf5", h5)
        report.groups.extend(reader.stats)
    report.seconds["axons.hdf5"] = time.perf_counter() - t0

    t0 = step("dendrites.hdf5")
    with open_h5(folder / "dendrites.hdf5") as h5, ElementReader(h5, fast=fast) as reader:
        targets = read_targets(h5, reader, **kwargs)
        spine_heads = read_spine_heads(h5, reader, **kwargs)
        files["dendrites.hdf5"] = file_info(folder / "dendrites.hdf5", h5)
        report.groups.extend(reader.stats)
    report.seconds["dendrites.hdf5"] = time.perf_counter() - t0

    t0 = step("synapses.hdf5")
    with open_h5(folder / "synapses.hdf5") as h5, ElementReader(h5, fast=fast) as reader:
        synapses = read_synapses(h5, reader, n_axons=axons.n, n_targets=targets.n,
                                 n_spine_heads=spine_heads.n, **kwargs)
        files["synapses.hdf5"] = file_info(folder / "synapses.hdf5", h5)
        report.groups.extend(reader.stats)
    report.seconds["synapses.hdf5"] = time.perf_counter() - t0

    connectome = None
    if (folder / "connectome.csv").exists():
        t0 = step("connectome.csv")
        connectome = read_connectome(folder / "connectome.csv")
        files["connectome.csv"] = file_info(folder / "connectome.csv", None)
        report.seconds["connectome.csv"] = time.perf_counter() - t0

    return SourceDataset(folder=folder, files=files, axons=axons, targets=targets,
                         spine_heads=spine_heads, synapses=synapses, segments=segments,
                         connectome=connectome)

"""Extract: read and validate one L4dense folder into a :class:`SourceDataset`.

Everything is checked while reading, before any store is touched: required datasets, lengths,
integral IDs in range, element names ``1..N``, skeleton edges, the CSV layout. Each problem is
an :class:`~connectomedb.errors.InputError`.
"""

from __future__ import annotations

import os
import struct
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import h5py

from connectomedb.errors import InputError
from connectomedb.etl.extract.axons import read_axons
from connectomedb.etl.extract.codecheck import code_warnings
from connectomedb.etl.extract.connectome_csv import read_connectome
from connectomedb.etl.extract.dendrites import read_spine_heads, read_targets
from connectomedb.etl.extract.fastsets import ElementReader, GroupStats
from connectomedb.etl.extract.files import check_regular_file, file_info, open_h5, sha256_of
from connectomedb.etl.extract.h5format import Unsupported
from connectomedb.etl.extract.hdf5 import REEXPORT
from connectomedb.etl.extract.segments import read_segments
from connectomedb.etl.extract.stamp import FileStamp, changed_error, check_unchanged
from connectomedb.etl.extract.synapses import read_synapses
from connectomedb.etl.frames import FileInfo, Segments, SourceDataset

__all__ = [
    "ExtractReport",
    "FolderChecksums",
    "folder_checksums",
    "read_dataset",
    "REQUIRED_FILES",
    "OPTIONAL_FILES",
]

REQUIRED_FILES = ("axons.hdf5", "dendrites.hdf5", "synapses.hdf5")
OPTIONAL_FILES = ("segments.hdf5", "connectome.csv")

Progress = Callable[[str], None]


@dataclass
class ExtractReport:
    """Seconds per file and how each per-element group was read."""

    seconds: dict[str, float] = field(default_factory=dict)
    groups: list[GroupStats] = field(default_factory=list)


@dataclass(frozen=True)
class FolderChecksums:
    """The SHA-256 of a folder's files and their stamps, taken before the checksums were
    computed: :func:`read_dataset` given these records the checksums without computing them
    again, and its comparison of the stamps covers them too."""

    stamps: dict[str, FileStamp]
    sha256: dict[str, str]


def folder_checksums(folder: str | Path) -> FolderChecksums:
    """The :class:`FolderChecksums` of the L4dense files present in ``folder``."""
    folder = Path(folder)
    names = [n for n in (*REQUIRED_FILES, *OPTIONAL_FILES) if _present(folder / n)]
    stamps = {n: FileStamp.of(check_path(folder / n)) for n in names}
    return FolderChecksums(stamps, {n: sha256_of(folder / n) for n in names})


def _present(path: Path) -> bool:
    """Whether ``path`` exists; a folder that may be listed but not searched is an InputError
    (``Path.exists`` would raise PermissionError)."""
    try:
        os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return os.path.islink(path)  # a dangling link is "there": the open names it
    except PermissionError as exc:
        raise InputError(
            path.parent,
            None,
            "a folder whose files may be opened (permission to search it, x)",
            exc.strerror or str(exc),
            hint="Check the folder permissions: chmod u+rx on it.",
        ) from None
    return True


#: Errors of the HDF5 library and of NumPy that a damaged file can raise past the checks.
_READ_ERRORS = (
    KeyError,
    SystemError,
    OSError,
    RuntimeError,
    ValueError,
    TypeError,
    IndexError,
    MemoryError,
    OverflowError,
    struct.error,
    Unsupported,
)


@contextmanager
def _reading(path: Path, stamp: FileStamp) -> Iterator[None]:
    """Read one file: a change of the file during the read is reported as such (whatever
    else failed), and any error left by a damaged file becomes an InputError naming it."""
    try:
        yield
    except InputError:
        check_unchanged(path, stamp)
        raise
    except _READ_ERRORS as exc:
        check_unchanged(path, stamp)
        raise InputError(
            path,
            None,
            "a file in the published L4dense layout",
            f"a file the reader cannot read ({type(exc).__name__}: {exc})",
            hint=REEXPORT,
        ) from None
    check_unchanged(path, stamp)


@dataclass
class _Reads:
    """Reads the files of one folder: one progress line, the seconds and the group statistics
    per file into ``report``, each file's checksum into ``files``."""

    folder: Path
    stamps: dict[str, FileStamp]
    report: ExtractReport
    say: Progress
    fast: bool
    sha256: dict[str, str]  # computed before the read
    files: dict[str, FileInfo] = field(default_factory=dict)

    @contextmanager
    def file(self, name: str) -> Iterator[Path]:
        """Read the file ``name`` (see :func:`_reading`), timed."""
        self.say(f"reading {name}")
        t0 = time.perf_counter()
        path = self.folder / name
        with _reading(path, self.stamps[name]):
            yield path
        self.report.seconds[name] = time.perf_counter() - t0

    @contextmanager
    def hdf5(self, name: str) -> Iterator[tuple[h5py.File, ElementReader]]:
        """The HDF5 file ``name`` open, with a reader of its per-element groups."""
        with (
            self.file(name) as path,
            open_h5(path) as h5,
            ElementReader(h5, fast=self.fast) as reader,
        ):
            yield h5, reader
            self.files[name] = file_info(path, h5, self.sha256.get(name))
            self.report.groups.extend(reader.stats)


def read_dataset(
    folder: str | Path,
    *,
    progress: Progress | None = None,
    fast: bool = True,
    report: ExtractReport | None = None,
    checksums: FolderChecksums | None = None,
    segments_read: Callable[[Segments | None], None] | None = None,
) -> SourceDataset:
    """Read and validate the L4dense files of ``folder``.

    ``axons.hdf5``, ``dendrites.hdf5`` and ``synapses.hdf5`` are required; ``segments.hdf5``
    and ``connectome.csv`` are read when present. ``progress`` receives one line per file.
    ``fast=False`` reads the per-element groups through h5py only. Pass an ``ExtractReport``
    to get timings. A file that changes while it is read is an InputError (from the moment
    ``checksums``, when given, were computed). ``segments_read`` receives the segments (None
    without ``segments.hdf5``) as soon as they are read, before any other file is.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(
            folder,
            None,
            "a folder with the L4dense files",
            "no such folder" if not folder.exists() else "a file",
            hint="Pass the folder that holds axons.hdf5, dendrites.hdf5 and synapses.hdf5.",
        )
    for name in REQUIRED_FILES:
        if not _present(folder / name):
            raise InputError(
                folder / name,
                None,
                "the file to exist",
                "no such file",
                hint=f"{folder} must hold {', '.join(REQUIRED_FILES)}.",
            )
    present = [n for n in (*REQUIRED_FILES, *OPTIONAL_FILES) if _present(folder / n)]
    if checksums is None:
        stamps = {n: FileStamp.of(check_path(folder / n)) for n in present}
    else:
        for name in sorted(set(present) ^ set(checksums.stamps)):
            what = "it appeared" if name in present else "it was removed"
            raise changed_error(folder / name, what)
        stamps = checksums.stamps
    report = report if report is not None else ExtractReport()

    sha256 = {} if checksums is None else checksums.sha256
    reads = _Reads(folder, stamps, report, progress or (lambda _msg: None), fast, sha256)
    kwargs: dict = {}

    segments = None
    if "segments.hdf5" in stamps:
        with reads.hdf5("segments.hdf5") as (h5, _):
            segments = read_segments(h5)
            kwargs = {"n_segments": segments.n}
    if segments_read is not None:
        segments_read(segments)
    with reads.hdf5("axons.hdf5") as (h5, reader):
        axons = read_axons(h5, reader, **kwargs)
    with reads.hdf5("dendrites.hdf5") as (h5, reader):
        targets = read_targets(h5, reader, **kwargs)
        spine_heads = read_spine_heads(h5, reader, **kwargs)
    with reads.hdf5("synapses.hdf5") as (h5, reader):
        synapses = read_synapses(
            h5, reader, n_axons=axons.n, n_targets=targets.n, n_spine_heads=spine_heads.n, **kwargs
        )
    connectome = None
    if "connectome.csv" in stamps:
        with reads.file("connectome.csv") as path:
            connectome = read_connectome(path)
            reads.files["connectome.csv"] = file_info(path, None, sha256.get("connectome.csv"))

    warnings = [
        *code_warnings(str(folder / "axons.hdf5"), "axons", axons.classes, axons.class_code),
        *code_warnings(
            str(folder / "dendrites.hdf5"), "targets", targets.classes, targets.class_code
        ),
        *code_warnings(
            str(folder / "synapses.hdf5"), "synapses", synapses.types, synapses.type_code
        ),
    ]
    # A file changed after it was read is a folder being rewritten: the files may not belong
    # together any more.
    for name, stamp in stamps.items():
        check_unchanged(folder / name, stamp)
    return SourceDataset(
        folder=folder,
        files=reads.files,
        axons=axons,
        targets=targets,
        spine_heads=spine_heads,
        synapses=synapses,
        segments=segments,
        connectome=connectome,
        warnings=warnings,
    )


def check_path(path: Path) -> Path:
    """``path`` after checking it is a regular file (see :func:`check_regular_file`)."""
    check_regular_file(path)
    return path

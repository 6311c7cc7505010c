"""Input files named on the command line: finding them, checksumming them, and writing a
folder as a whole."""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from connectomedb.errors import InputError


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file's bytes, as hex."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 22), b""):
            digest.update(block)
    return digest.hexdigest()


def find_files(
    paths: Iterable[str | Path],
    suffixes: tuple[str, ...],
    *,
    one: str,
    some: str,
    hint: str | None = None,
) -> list[Path]:
    """The files named, or found (recursively, with one of ``suffixes``) under the folders
    named, in ``paths``: resolved, sorted within each folder, each once. The errors name
    ``one`` such file ("an NML file") and ``some`` ("at least one .nml file")."""
    paths = list(paths)
    found: dict[Path, None] = {}
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and child.suffix.lower() in suffixes:
                    found[child.resolve()] = None
        elif path.is_file():
            found[path.resolve()] = None
        else:
            raise InputError(path, None, f"{one} or a folder of them", "nothing there")
    if not found:
        raise InputError(", ".join(str(p) for p in paths), None, some, "none", hint=hint)
    return list(found)


def write_folder(folder: Path, write: Callable[[Path], object]) -> None:
    """Replace ``folder`` as a whole: ``write`` fills a staged sibling folder, which then takes
    its place; on any error the staged folder is removed and ``folder`` is left as it was."""
    staged = Path(tempfile.mkdtemp(prefix=f".{folder.name}.partial-", dir=folder.parent))
    try:
        write(staged)
        shutil.rmtree(folder, ignore_errors=True)
        staged.chmod(0o755)
        staged.rename(folder)
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise

"""Noticing a source file that changes while it is read.

A file being copied, downloaded or re-exported while a load reads it yields data from two
versions, or a truncated file. The reader takes a :class:`FileStamp` (device, inode, size,
modification and change times) before it opens a file and compares it after it has read the
file and computed its checksum: any difference refuses the load. The readers also never keep
a memory map of a file (a truncated mapping kills the process with SIGBUS); what they read
stays valid, and the comparison says whether it was all one version.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from connectomedb.errors import InputError

#: What to do when a file changed while it was read.
CHANGED = (
    "Wait until the file is completely written (copied, downloaded, exported), then load again."
)


@dataclass(frozen=True)
class FileStamp:
    device: int
    inode: int
    size: int
    mtime_ns: int
    ctime_ns: int

    @classmethod
    def of(cls, path: str | Path) -> FileStamp:
        st = os.stat(path)
        return cls(st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def changed_error(path: str | Path, what: str) -> InputError:
    return InputError(
        path,
        None,
        "a file that does not change while it is read",
        f"it changed during the read ({what})",
        hint=CHANGED,
    )


def difference(before: FileStamp, path: str | Path) -> str | None:
    """How ``path`` differs from ``before`` now, or ``None`` when it does not."""
    try:
        now = FileStamp.of(path)
    except FileNotFoundError:
        return "it was removed"
    except OSError as exc:
        return f"it can no longer be read: {exc.strerror or exc}"
    if (now.device, now.inode) != (before.device, before.inode):
        return "it was replaced by another file"
    if now.size != before.size:
        return f"size {before.size} → {now.size} bytes"
    if (now.mtime_ns, now.ctime_ns) != (before.mtime_ns, before.ctime_ns):
        return "it was modified in place"
    return None


def check_unchanged(path: str | Path, before: FileStamp) -> None:
    """InputError when ``path`` is no longer the file ``before`` describes."""
    what = difference(before, path)
    if what is not None:
        raise changed_error(path, what)

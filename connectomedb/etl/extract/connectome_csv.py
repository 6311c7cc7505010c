"""``connectome.csv`` → :class:`~connectomedb.etl.frames.ClassConnectome`.

The file has no IDs: a header with an empty first cell and one target class per column, then
one row per axon with its class and one synapse count per column. The counts are parsed by
NumPy a block of rows at a time, and only the cells that are not zero are kept (the dense
counts of a full-scale file, 7,000 rows of 3,766 columns, would take 210 MB); when the text
holds anything else (spaces around a count are fine), a cell-by-cell pass parses it or
locates the first bad cell for the error message.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from connectomedb import vocabulary
from connectomedb.errors import InputError
from connectomedb.etl.extract.files import check_regular_file
from connectomedb.etl.frames import ClassConnectome

HINT = (
    "connectome.csv must be comma-separated without quotes: a header with an empty first "
    "cell and one target class per column, then one row per axon with its class and one "
    "non-negative integer synapse count per column."
)

_AXON_NAMES = {name.lower(): name for _, _, name in vocabulary.AXON_CLASSES}
_TARGET_NAMES = {name.lower(): name for _, _, name in vocabulary.TARGET_CLASSES}


#: The largest ``connectome.csv`` read (the published one has about 7,000 short rows).
MAX_BYTES = 256 << 20
#: The largest synapse count of one cell (the ``class_connectome.synapses`` column).
MAX_COUNT = 2**31 - 1


def read_connectome(path: Path) -> ClassConnectome:
    """Parse and check ``connectome.csv``."""
    info = check_regular_file(path)
    if info.st_size > MAX_BYTES:
        raise InputError(
            path,
            None,
            f"a file of at most {MAX_BYTES >> 20} MB",
            f"{info.st_size:,} bytes",
            hint=HINT,
        )
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(
            path,
            None,
            "a readable file",
            exc.strerror or str(exc),
            hint="Check the file permissions.",
        ) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            path, None, "UTF-8 text", f"undecodable bytes at offset {exc.start}", hint=HINT
        ) from exc
    del raw
    lines = text.splitlines()
    del text
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines:
        raise InputError(path, "line 1", "a header row", "an empty file", hint=HINT)
    header = lines[0].split(",")
    if header[0].strip():
        raise InputError(
            path, "line 1, column 1", "an empty first header cell", repr(header[0]), hint=HINT
        )
    if len(header) < 2:
        raise InputError(
            path, "line 1", "at least one target class column", "only the first cell", hint=HINT
        )
    col_classes = [
        _class_name(path, 1, c + 1, label, _TARGET_NAMES, "a target class")
        for c, label in enumerate(header)
        if c > 0
    ]
    width = len(header)
    row_labels, (rows, cols, counts) = _parse_body(path, lines[1:], width)
    del lines
    row_classes = [
        _class_name(path, r + 2, 1, label, _AXON_NAMES, "an axon class")
        for r, label in enumerate(row_labels)
    ]
    entries = pd.DataFrame(
        {
            "row": rows.astype(np.int32),
            "col": cols.astype(np.int32),
            "axon_class": np.asarray(row_classes, dtype=object)[rows]
            if len(rows)
            else np.array([], dtype=object),
            "target_class": np.asarray(col_classes, dtype=object)[cols]
            if len(cols)
            else np.array([], dtype=object),
            "synapses": counts,
        }
    )
    return ClassConnectome(row_classes=row_classes, col_classes=col_classes, entries=entries)


def _class_name(
    path: Path, line: int, column: int, label: str, names: dict[str, str], what: str
) -> str:
    key = label.strip().lower()
    if key not in names:
        raise InputError(
            path,
            f"line {line}, column {column}",
            f"{what} ({', '.join(sorted(set(names.values())))})",
            repr(label),
            hint=HINT,
        )
    return names[key]


#: Rows of counts parsed by NumPy at once.
_BLOCK_ROWS = 256

#: Cells of counts: (row index, column index, count) of every cell that is not zero, in row
#: then column order (0-based, without the label column).
Cells = tuple[np.ndarray, np.ndarray, np.ndarray]


def _parse_body(path: Path, lines: list[str], width: int) -> tuple[list[str], Cells]:
    """Row labels and the cells of the ``(rows, width - 1)`` counts that are not zero. The
    counts are parsed by NumPy a block of rows at a time once the block's text is known to
    hold only digits and single commas; a block that holds anything else sends the whole
    body to the cell-by-cell pass."""
    labels: list[str] = []
    rests: list[str] = []
    for line in lines:
        label, _, rest = line.partition(",")
        labels.append(label)
        rests.append(rest)
    rows, cols, counts = [], [], []
    for start in range(0, len(rests), _BLOCK_ROWS):
        part = rests[start : start + _BLOCK_ROWS]
        block = _plain_counts(",".join(part), [len(r) for r in part], width - 1)
        if block is None:
            return labels, _nonzero(_parse_slowly(path, lines, width))
        r, c = np.nonzero(block)
        rows.append(r + start)
        cols.append(c)
        counts.append(block[r, c])
    if not rows:
        return labels, _nonzero(np.zeros((0, width - 1), dtype=np.int64))
    return labels, (np.concatenate(rows), np.concatenate(cols), np.concatenate(counts))


def _nonzero(counts: np.ndarray) -> Cells:
    rows, cols = np.nonzero(counts)
    return rows, cols, counts[rows, cols].astype(np.int64)


_COUNT_BYTES = b"0123456789,"


def _plain_counts(text: str, row_lengths: list[int], columns: int) -> np.ndarray | None:
    """The ``(rows, columns)`` counts of ``text`` (the rows' cells without their labels,
    joined by commas), or None unless every row has ``columns`` non-empty cells of at most
    10 digits and every count is at most ``MAX_COUNT``."""
    if not text.isascii():
        return None
    raw = text.encode("ascii")
    if raw.translate(None, _COUNT_BYTES) or b",," in raw or raw[:1] == b"," or raw[-1:] == b",":
        return None
    rows = len(row_lengths)
    cells = rows * columns
    data = np.frombuffer(raw, dtype=np.uint8)
    commas = data == ord(",")
    # Each row's commas, without the one joining it to the next row.
    starts = np.zeros(rows, dtype=np.int64)
    np.cumsum(np.asarray(row_lengths[:-1], dtype=np.int64) + 1, out=starts[1:])
    per_row = np.add.reduceat(commas, starts, dtype=np.int64) if rows else starts
    per_row[:-1] -= 1
    if (per_row != columns - 1).any():
        return None
    if len(raw) == 2 * cells - 1:
        # Every count a single digit, the usual case of a sparse count matrix.
        return (data[0::2] - ord("0")).astype(np.int64).reshape(rows, columns)
    ends = np.flatnonzero(commas)
    longest = int(np.diff(ends, prepend=-1, append=len(raw)).max()) - 1
    if longest > 10:
        return None  # may not fit int64: the cell-by-cell pass reports it
    values = np.fromstring(text, dtype=np.int64, sep=",")  # text mode: not deprecated
    if values.size != cells or (values > MAX_COUNT).any():
        return None
    return values.reshape(rows, columns)


def _parse_slowly(path: Path, lines: list[str], width: int) -> np.ndarray:
    """The counts, cell by cell: spaces around a count are accepted; the first malformed
    line or cell is an InputError naming its line and column."""
    out = np.zeros((len(lines), width - 1), dtype=np.int64)
    for r, line in enumerate(lines):
        number = r + 2
        cells = line.split(",")
        if len(cells) != width:
            raise InputError(
                path, f"line {number}", f"{width} cells like the header", f"{len(cells)}", hint=HINT
            )
        for c, cell in enumerate(cells[1:]):
            text = cell.strip()
            if not (text.isascii() and text.isdigit()):
                raise InputError(
                    path,
                    f"line {number}, column {c + 2}",
                    "a non-negative integer synapse count",
                    repr(cell),
                    hint=HINT,
                )
            if len(text.lstrip("0")) > 10 or int(text) > MAX_COUNT:
                raise InputError(
                    path,
                    f"line {number}, column {c + 2}",
                    f"a synapse count of at most {MAX_COUNT}",
                    text,
                    hint=HINT,
                )
            out[r, c] = int(text)
    return out

"""The segment under each tracing node, from a CSV table (file, tree_id, node_id, segment_id).

The dataset's segmentation volume fills ``tracing_node.segment_id`` (see
:mod:`connectomedb.tracings.volume_segments`); a CSV file fills it with segment IDs computed
elsewhere, through the same :func:`connectomedb.tracings.store.set_node_segments`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from connectomedb.errors import InputError

COLUMNS = ("file", "tree_id", "node_id", "segment_id")


def read_node_segments(path: Path) -> pd.DataFrame:
    """The CSV as a frame, validated (columns, integers ≥ 0)."""
    try:
        frame = pd.read_csv(path, dtype={"file": str})
    except (OSError, ValueError, pd.errors.ParserError) as error:
        raise InputError(path, None, "a CSV file", str(error).splitlines()[0]) from None
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise InputError(
            path, "line 1", f"the columns {', '.join(COLUMNS)}", f"no {', '.join(missing)}"
        )
    for col in COLUMNS[1:]:
        values = pd.to_numeric(frame[col], errors="coerce")
        bad = values.isna() | (values < 0) | (values != values.round())
        if bad.any():
            row = int(bad.to_numpy().nonzero()[0][0])
            raise InputError(
                path, f"line {row + 2}, column {col}", "an integer ≥ 0", repr(frame[col].iloc[row])
            )
        frame[col] = values.astype("int64")
    return frame[list(COLUMNS)]


def store_node_segments(url: str, frame: pd.DataFrame, source: Path) -> tuple[int, int]:
    """Set the nodes' segments in one transaction; (nodes updated, rows matching no node)."""
    from connectomedb.stores.postgres import connect
    from connectomedb.tracings.store import set_node_segments

    with connect(url) as conn:
        with conn.transaction():
            ids = pd.DataFrame(
                conn.execute(
                    "SELECT f.name, t.tree_id, t.tracing_id FROM tracing t"
                    " JOIN tracing_file f ON f.file_id = t.file_id WHERE f.name = ANY(%(n)s)",
                    {"n": sorted(set(frame["file"]))},
                ).fetchall(),
                columns=["file", "tree_id", "tracing_id"],
            )
            if ids.duplicated(["file", "tree_id"]).any():
                raise InputError(
                    source,
                    "column file",
                    "file names that name one added file",
                    "a name added more than once (from different folders)",
                )
            rows = frame.merge(ids, on=["file", "tree_id"])
            updated = set_node_segments(conn, rows)
    return updated, len(frame) - updated

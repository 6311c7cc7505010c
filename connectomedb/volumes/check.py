"""The connectome checked against the segmentation: do the files agree with the voxels?

Four checks, each over every row or a seeded random sample of ``sample`` rows:

* ``synapse_pre`` / ``synapse_post``: the segment under a synapse's pre (post) position is in
  its presynaptic (postsynaptic) segment set;
* ``segment_position``: the ``position`` voxel of each segment of ``segments.hdf5`` carries
  its ID;
* ``mapped_node``: the mapped segmentation carries a neurite's ``mappedSegIds`` at each of its
  skeleton nodes (nodes of manual flight paths, which lie on no segment, and neurites without
  a mapped ID are not checked).

Rows whose point is outside the volume or in a cube that is not registered are counted as
"not checked", never as disagreements.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import psycopg
from psycopg.types.json import Jsonb

from connectomedb.errors import QueryError
from connectomedb.volumes.locate import volume_of
from connectomedb.volumes.lookup import OK, STATUSES, read_points

CHECKS = {
    "synapse_pre": "segment under each synapse's pre position is in its presynaptic set",
    "synapse_post": "segment under each synapse's post position is in its postsynaptic set",
    "segment_position": "each segment's position voxel carries its ID",
    "mapped_node": "mapped segmentation carries each neurite's mappedSegIds at its nodes",
}
EXAMPLES = 5

# Written out per side / neurite kind: SQL text is never assembled from pieces.
_SYNAPSE_POSITIONS = {
    "pre": "SELECT synapse_id, pre_x, pre_y, pre_z FROM synapse WHERE dataset_id = %(d)s"
    " AND pre_x IS NOT NULL AND (%(ids)s::int[] IS NULL OR synapse_id = ANY(%(ids)s))"
    " ORDER BY synapse_id",
    "post": "SELECT synapse_id, post_x, post_y, post_z FROM synapse WHERE dataset_id = %(d)s"
    " AND post_x IS NOT NULL AND (%(ids)s::int[] IS NULL OR synapse_id = ANY(%(ids)s))"
    " ORDER BY synapse_id",
}
_SYNAPSE_SETS = {
    "pre": "SELECT DISTINCT synapse_id, segment_id FROM synapse_pre_segment"
    " WHERE dataset_id = %(d)s AND (%(ids)s::int[] IS NULL OR synapse_id = ANY(%(ids)s))",
    "post": "SELECT DISTINCT synapse_id, segment_id FROM synapse_post_segment"
    " WHERE dataset_id = %(d)s AND (%(ids)s::int[] IS NULL OR synapse_id = ANY(%(ids)s))",
}
_NODES = {
    "axon": "SELECT 'axon', n.axon_id, n.node_index, n.x, n.y, n.z, o.mapped_seg_id,"
    " n.segment_id IS NOT NULL AND coalesce(o.mapped_seg_id, 0) > 0"
    " FROM axon_skeleton_node n JOIN axon o"
    " ON o.dataset_id = n.dataset_id AND o.axon_id = n.axon_id WHERE n.dataset_id = %(d)s",
    "target": "SELECT 'target', n.target_id, n.node_index, n.x, n.y, n.z, o.mapped_seg_id,"
    " n.segment_id IS NOT NULL AND coalesce(o.mapped_seg_id, 0) > 0"
    " FROM target_skeleton_node n JOIN target o"
    " ON o.dataset_id = n.dataset_id AND o.target_id = n.target_id WHERE n.dataset_id = %(d)s",
}


@dataclass
class CheckResult:
    """One check: how many rows were checked, how many agree, how many could not be checked,
    and every disagreement (``disagreements``: one row each, with ``x, y, z``, ``expected``
    and ``found`` and the row's own key columns)."""

    name: str
    checked: int
    agreeing: int
    not_checked: int
    disagreements: pd.DataFrame = field(repr=False)

    @property
    def fraction(self) -> float | None:
        return None if self.checked == 0 else self.agreeing / self.checked

    def examples(self, n: int = EXAMPLES) -> list[dict[str, Any]]:
        return [
            {k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()}
            for row in self.disagreements.head(n).to_dict(orient="records")
        ]


def _dataset_id(conn: psycopg.Connection, dataset: str) -> int:
    row = conn.execute("SELECT dataset_id FROM dataset WHERE name = %s", (dataset,)).fetchone()
    if row is None:
        raise QueryError(f"no dataset {dataset!r} is loaded. Load it first: connectomedb load DIR")
    return int(row[0])


def _sample_ids(conn: psycopg.Connection, sql: str, did: int, sample: int | None,
                rng: np.random.Generator) -> list[int] | None:  # fmt: skip
    """None (every row) or a sorted random sample of the IDs ``sql`` lists."""
    if sample is None:
        return None
    ids = np.array([r[0] for r in conn.execute(sql, (did,))], dtype=np.int64)
    if ids.shape[0] > sample:
        ids = np.sort(rng.choice(ids, size=sample, replace=False))
    return ids.tolist()


def _frame(
    conn: psycopg.Connection, sql: str, params: dict[str, Any], cols: list[str]
) -> pd.DataFrame:
    return pd.DataFrame(conn.execute(sql, params).fetchall(), columns=cols)


def _values_at(frame: pd.DataFrame, volume: Any) -> tuple[np.ndarray, np.ndarray]:
    result = read_points(frame[["x", "y", "z"]].to_numpy(np.int64), volume)
    return result.values.astype(np.int64), result.status == STATUSES.index(OK)


def _synapse_side(conn: psycopg.Connection, did: int, side: str, ids: list[int] | None,
                  volume: Any) -> CheckResult:  # fmt: skip
    params = {"d": did, "ids": ids}
    frame = _frame(
        conn,
        _SYNAPSE_POSITIONS[side],
        params,
        ["synapse_id", "x", "y", "z"],
    )
    found, ok = _values_at(frame, volume)
    frame["found"] = found
    frame = frame[ok]
    sets = _frame(
        conn,
        _SYNAPSE_SETS[side],
        params,
        ["synapse_id", "found"],
    )
    hit = frame.merge(sets, on=["synapse_id", "found"], how="left", indicator=True)
    bad = hit[hit["_merge"] == "left_only"].drop(columns="_merge")
    expected = sets.groupby("synapse_id")["found"].apply(lambda s: sorted(s.tolist()))
    bad = bad.assign(expected=bad["synapse_id"].map(expected))
    return CheckResult(f"synapse_{side}", len(frame), len(frame) - len(bad), int((~ok).sum()),
                       bad[["synapse_id", "x", "y", "z", "expected", "found"]]
                       .reset_index(drop=True))  # fmt: skip


def _segments(
    conn: psycopg.Connection, did: int, ids: list[int] | None, volume: Any
) -> CheckResult:
    frame = _frame(
        conn,
        "SELECT segment_id, x, y, z FROM segment WHERE dataset_id = %(d)s"
        " AND (%(ids)s::bigint[] IS NULL OR segment_id = ANY(%(ids)s)) ORDER BY segment_id",
        {"d": did, "ids": ids},
        ["segment_id", "x", "y", "z"],
    )
    found, ok = _values_at(frame, volume)
    frame["expected"] = frame["segment_id"]
    frame["found"] = found
    frame = frame[ok]
    bad = frame[frame["found"] != frame["expected"]].reset_index(drop=True)
    return CheckResult("segment_position", len(frame), len(frame) - len(bad), int((~ok).sum()), bad)


def _mapped_nodes(conn: psycopg.Connection, did: int, sample: int | None,
                  rng: np.random.Generator, volume: Any) -> CheckResult:  # fmt: skip
    parts = []
    skipped = 0
    for kind in ("axon", "target"):
        nodes = _frame(
            conn,
            _NODES[kind],
            {"d": did},
            ["neurite", "id", "node_index", "x", "y", "z", "expected", "checkable"],
        )
        skipped += int((~nodes["checkable"]).sum())
        parts.append(nodes[nodes["checkable"]])
    frame = pd.concat(parts, ignore_index=True).drop(columns="checkable")
    if sample is not None and len(frame) > sample:
        frame = frame.iloc[np.sort(rng.choice(len(frame), size=sample, replace=False))]
    found, ok = _values_at(frame, volume)
    frame["expected"] = frame["expected"].astype(np.int64)
    frame["found"] = found
    frame = frame[ok]
    bad = frame[frame["found"] != frame["expected"]].reset_index(drop=True)
    return CheckResult("mapped_node", len(frame), len(frame) - len(bad),
                       skipped + int((~ok).sum()), bad)  # fmt: skip


def check_segmentation(conn: psycopg.Connection, dataset: str, *, sample: int | None = None,
                       seed: int = 0) -> list[CheckResult]:  # fmt: skip
    """Run the checks of this module on the loaded ``dataset`` and its registered volumes.

    Needs the segmentation volume; ``mapped_node`` runs only when the mapped segmentation is
    registered too. ``sample``: check a random ``sample`` rows per check (seeded by ``seed``).
    """
    did = _dataset_id(conn, dataset)
    seg = volume_of(conn, dataset, "segmentation")
    rng = np.random.default_rng(seed)
    syn_ids = _sample_ids(conn, "SELECT synapse_id FROM synapse WHERE dataset_id = %s", did,
                          sample, rng)  # fmt: skip
    results = [_synapse_side(conn, did, side, syn_ids, seg) for side in ("pre", "post")]
    seg_ids = _sample_ids(conn, "SELECT segment_id FROM segment WHERE dataset_id = %s", did,
                          sample, rng)  # fmt: skip
    results.append(_segments(conn, did, seg_ids, seg))
    from connectomedb.volumes.catalogue import registered

    mapped = registered(conn, dataset, "mapped-segmentation")
    if mapped is not None:
        results.append(_mapped_nodes(conn, did, sample, rng, mapped))
    return results


def store(conn: psycopg.Connection, dataset: str, results: list[CheckResult],
          sample: int | None) -> None:  # fmt: skip
    """Replace the stored results of ``dataset`` in ``segmentation_check`` (one transaction)."""
    with conn.transaction():
        conn.execute("DELETE FROM segmentation_check WHERE dataset = %s", (dataset,))
        for r in results:
            conn.execute(
                "INSERT INTO segmentation_check (dataset, check_name, sample, checked, agreeing,"
                " not_checked, fraction, examples) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                (dataset, r.name, sample, r.checked, r.agreeing, r.not_checked, r.fraction,
                 Jsonb(r.examples(20))),
            )  # fmt: skip

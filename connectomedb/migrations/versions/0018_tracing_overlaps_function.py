"""The function ``tracing_overlaps``: the overlaps of one dataset's tracings.

``tracing_overlaps(dataset, kind)`` returns, per tracing added with ``--dataset`` ``dataset``
(of the file kind ``kind``; every kind when NULL) and per axon or target it overlaps, the
tracing's nodes on the agglomerate and the path length it recovers: the rows of the query
``tracing_overlaps``, which selects them from this function, as ``tracing_evaluation`` does
for its best agglomerate. Unlike the view ``tracing_overlap`` (migration 0008), it starts from
the tracing nodes of the one dataset and kind asked, so its time follows the tracings.

A single SELECT in ``LANGUAGE sql``, STABLE, with the caller's rights (not SECURITY DEFINER)
and no SET clause: the planner inlines it into the calling query, which is planned as if the
body were written there. With the caller's rights it reads only what the caller may read, and
a STABLE SQL function cannot write. Every role may execute it (PostgreSQL's default), which
gives none anything it could not read by itself: the BI reader role, which reads the schema bi
only (migration 0004), is refused the tracing tables it reads. Only the owner may replace,
alter or drop it. The tables are named with their schema, so the caller's search path does not
change what it reads.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Fixed here, not imported: a migration must not change when the library does.
#
# The distinct segments under the tracing nodes are looked up in the agglomerates' segment
# indexes (one index scan per table over the sorted segment IDs), and the recovered edges are
# the edges joined to their source's agglomerates first, then to their target's (each step a
# materialized CTE, a fence, so no plan pairs every node of an agglomerate with every other).
# The edges of the tracings asked are read once into their own step (``edge``) before they meet
# the nodes: joined to the nodes straight from the table, the planner could look them up once
# per node through the index on ``tracing_id``, reading every edge of the node's tracing each
# time (2.3 s instead of 0.19 s for the 40 tracings of the demo benchmark).
TRACING_OVERLAPS = """
CREATE FUNCTION public.tracing_overlaps(dataset text, kind text DEFAULT NULL)
RETURNS TABLE (
    tracing_id integer,
    agglomerate_kind text,
    agglomerate_id integer,
    nodes bigint,
    path_length_um double precision
)
LANGUAGE sql STABLE PARALLEL SAFE
AS $body$
WITH tr AS (
    SELECT t.tracing_id FROM public.tracing t JOIN public.tracing_file f ON f.file_id = t.file_id
    WHERE f.dataset = tracing_overlaps.dataset
        AND (tracing_overlaps.kind IS NULL OR f.kind = tracing_overlaps.kind)
),
node AS MATERIALIZED (
    SELECT n.tracing_id, n.node_id, n.segment_id
    FROM tr JOIN public.tracing_node n ON n.tracing_id = tr.tracing_id
    WHERE n.segment_id > 0
),
segs AS MATERIALIZED (
    SELECT d.dataset_id, array_agg(n.segment_id ORDER BY n.segment_id) AS ids
    FROM public.dataset d, (SELECT DISTINCT segment_id FROM node) n
    WHERE d.name = tracing_overlaps.dataset GROUP BY d.dataset_id
),
held AS MATERIALIZED (
    SELECT DISTINCT a.segment_id, 'axon' AS agglomerate_kind, a.axon_id AS agglomerate_id
    FROM segs s JOIN public.axon_segment a
        ON a.dataset_id = s.dataset_id AND a.segment_id = ANY(s.ids)
    UNION ALL
    SELECT DISTINCT g.segment_id, 'target', g.target_id
    FROM segs s JOIN public.target_segment g
        ON g.dataset_id = s.dataset_id AND g.segment_id = ANY(s.ids)
),
node_agg AS MATERIALIZED (
    SELECT n.tracing_id, n.node_id, h.agglomerate_kind, h.agglomerate_id
    FROM node n JOIN held h ON h.segment_id = n.segment_id
),
edge AS MATERIALIZED (
    SELECT e.tracing_id, e.source_id, e.target_id, e.length_um
    FROM tr JOIN public.tracing_edge e ON e.tracing_id = tr.tracing_id
),
edge_from AS MATERIALIZED (
    SELECT e.tracing_id, e.target_id, e.length_um, a.agglomerate_kind, a.agglomerate_id
    FROM edge e JOIN node_agg a ON a.tracing_id = e.tracing_id AND a.node_id = e.source_id
)
-- One group per (tracing, agglomerate) over its nodes and its recovered edges.
SELECT part.tracing_id, part.agglomerate_kind, part.agglomerate_id, count(part.node_id),
       coalesce(sum(part.length_um), 0)
FROM (
    SELECT tracing_id, agglomerate_kind, agglomerate_id, node_id, NULL::float8 AS length_um
    FROM node_agg
    UNION ALL
    SELECT e.tracing_id, e.agglomerate_kind, e.agglomerate_id, NULL, e.length_um
    FROM edge_from e
    JOIN node_agg b ON b.tracing_id = e.tracing_id AND b.node_id = e.target_id
        AND b.agglomerate_kind = e.agglomerate_kind AND b.agglomerate_id = e.agglomerate_id
) part
GROUP BY part.tracing_id, part.agglomerate_kind, part.agglomerate_id
$body$
"""

ABOUT = (
    "Per tracing added with --dataset DATASET (of file kind KIND; every kind when NULL) and "
    "per axon or target it overlaps: its nodes on the agglomerate and the path length of its "
    "edges with both nodes on it (the rows of the query tracing_overlaps)."
)


def upgrade() -> None:
    op.execute(TRACING_OVERLAPS)
    op.execute(
        "COMMENT ON FUNCTION public.tracing_overlaps(text, text) IS '"
        + ABOUT.replace("'", "''")
        + "'"
    )


def downgrade() -> None:
    op.execute("DROP FUNCTION public.tracing_overlaps(text, text)")

-- name: tracing_overlaps
-- description: Per tracing and overlapping axon or target: its nodes and recovered path length.
-- params: kind text null
-- columns: tracing_id, agglomerate_kind, agglomerate_id, nodes, path_length_um
-- types: tracing_id int, agglomerate_kind text, agglomerate_id int, nodes int, path_length_um float
-- rule: as tracing_evaluation: a node overlaps every axon and target whose agglomerate holds
--   its segment (segment_id > 0); path_length_um sums the edges with both nodes in it. One row
--   per (tracing, agglomerate) with at least one node. Ordered by tracing_id, agglomerate_kind,
--   agglomerate_id.
-- The view tracing_overlap (migration 0008) holds these rows for every dataset; this query
-- computes them for the one dataset and kind asked, from the tracing nodes outwards: the
-- distinct segments under them are looked up in the agglomerates' segment indexes (one index
-- scan per table over the sorted segment IDs), and the recovered edges are the edges joined
-- to their source's agglomerates first, then to their target's (each step a fence, so no
-- plan pairs every node of an agglomerate with every other). The time follows the tracings,
-- not the 6.4 million agglomerate rows at full scale.
WITH tr AS (
    SELECT t.tracing_id FROM tracing t JOIN tracing_file f ON f.file_id = t.file_id
    WHERE f.dataset = %(dataset)s AND (%(kind)s::text IS NULL OR f.kind = %(kind)s::text)
),
node AS MATERIALIZED (
    SELECT n.tracing_id, n.node_id, n.segment_id
    FROM tr JOIN tracing_node n ON n.tracing_id = tr.tracing_id
    WHERE n.segment_id > 0
),
segs AS MATERIALIZED (
    SELECT d.dataset_id, array_agg(n.segment_id ORDER BY n.segment_id) AS ids
    FROM dataset d, (SELECT DISTINCT segment_id FROM node) n
    WHERE d.name = %(dataset)s GROUP BY d.dataset_id
),
held AS MATERIALIZED (
    SELECT DISTINCT a.segment_id, 'axon' AS agglomerate_kind, a.axon_id AS agglomerate_id
    FROM segs s JOIN axon_segment a
        ON a.dataset_id = s.dataset_id AND a.segment_id = ANY(s.ids)
    UNION ALL
    SELECT DISTINCT g.segment_id, 'target', g.target_id
    FROM segs s JOIN target_segment g
        ON g.dataset_id = s.dataset_id AND g.segment_id = ANY(s.ids)
),
node_agg AS MATERIALIZED (
    SELECT n.tracing_id, n.node_id, h.agglomerate_kind, h.agglomerate_id
    FROM node n JOIN held h ON h.segment_id = n.segment_id
),
edge_from AS MATERIALIZED (
    SELECT e.tracing_id, e.target_id, e.length_um, a.agglomerate_kind, a.agglomerate_id
    FROM tr JOIN tracing_edge e ON e.tracing_id = tr.tracing_id
    JOIN node_agg a ON a.tracing_id = e.tracing_id AND a.node_id = e.source_id
),
overlap AS (
    -- One group per (tracing, agglomerate) over its nodes and its recovered edges.
    SELECT tracing_id, agglomerate_kind, agglomerate_id, count(node_id) AS nodes,
           coalesce(sum(length_um), 0) AS path_length_um
    FROM (
        SELECT tracing_id, agglomerate_kind, agglomerate_id, node_id, NULL::float8 AS length_um
        FROM node_agg
        UNION ALL
        SELECT e.tracing_id, e.agglomerate_kind, e.agglomerate_id, NULL, e.length_um
        FROM edge_from e
        JOIN node_agg b ON b.tracing_id = e.tracing_id AND b.node_id = e.target_id
            AND b.agglomerate_kind = e.agglomerate_kind AND b.agglomerate_id = e.agglomerate_id
    ) part
    GROUP BY tracing_id, agglomerate_kind, agglomerate_id
)
SELECT tracing_id, agglomerate_kind, agglomerate_id, nodes, path_length_um
FROM overlap
ORDER BY tracing_id, agglomerate_kind, agglomerate_id

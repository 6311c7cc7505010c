-- name: tracing_overlaps
-- description: Per tracing and overlapping axon or target: its nodes and recovered path length.
-- params: kind text null
-- columns: tracing_id, agglomerate_kind, agglomerate_id, nodes, path_length_um
-- types: tracing_id int, agglomerate_kind text, agglomerate_id int, nodes int, path_length_um float
-- rule: as tracing_evaluation: a node overlaps every axon and target whose agglomerate holds
--   its segment (segment_id > 0); path_length_um sums the edges with both nodes in it. One row
--   per (tracing, agglomerate) with at least one node. Ordered by tracing_id, agglomerate_kind,
--   agglomerate_id.
WITH ds AS (SELECT dataset_id FROM dataset WHERE name = %(dataset)s),
tr AS (
    SELECT t.tracing_id
    FROM tracing t JOIN tracing_file f ON f.file_id = t.file_id
    WHERE f.dataset = %(dataset)s
      AND (%(kind)s::text IS NULL OR f.kind = %(kind)s::text)
),
member AS (
    SELECT 'axon' AS agglomerate_kind, axon_id AS agglomerate_id, segment_id
    FROM axon_segment WHERE dataset_id = (SELECT dataset_id FROM ds)
    UNION ALL
    SELECT 'target', target_id, segment_id
    FROM target_segment WHERE dataset_id = (SELECT dataset_id FROM ds)
),
node_agg AS (
    SELECT DISTINCT n.tracing_id, n.node_id, m.agglomerate_kind, m.agglomerate_id
    FROM tracing_node n JOIN tr ON tr.tracing_id = n.tracing_id
    JOIN member m ON m.segment_id = n.segment_id
    WHERE n.segment_id > 0
),
recovered AS (
    SELECT e.tracing_id, a.agglomerate_kind, a.agglomerate_id, sum(e.length_um) AS length_um
    FROM tracing_edge e
    JOIN node_agg a ON a.tracing_id = e.tracing_id AND a.node_id = e.source_id
    JOIN node_agg b ON b.tracing_id = e.tracing_id AND b.node_id = e.target_id
        AND b.agglomerate_kind = a.agglomerate_kind AND b.agglomerate_id = a.agglomerate_id
    GROUP BY e.tracing_id, a.agglomerate_kind, a.agglomerate_id
)
SELECT o.tracing_id, o.agglomerate_kind, o.agglomerate_id, count(*) AS nodes,
       coalesce(min(r.length_um), 0) AS path_length_um
FROM node_agg o
LEFT JOIN recovered r ON r.tracing_id = o.tracing_id
    AND r.agglomerate_kind = o.agglomerate_kind AND r.agglomerate_id = o.agglomerate_id
GROUP BY o.tracing_id, o.agglomerate_kind, o.agglomerate_id
ORDER BY o.tracing_id, o.agglomerate_kind, o.agglomerate_id

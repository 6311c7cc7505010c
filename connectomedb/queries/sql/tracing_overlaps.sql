-- name: tracing_overlaps
-- description: Per tracing and overlapping axon or target: its nodes and recovered path length.
-- params: kind text null
-- columns: tracing_id, agglomerate_kind, agglomerate_id, nodes, path_length_um
-- types: tracing_id int, agglomerate_kind text, agglomerate_id int, nodes int, path_length_um float
-- rule: as tracing_evaluation: a node overlaps every axon and target whose agglomerate holds
--   its segment (segment_id > 0); path_length_um sums the edges with both nodes in it. One row
--   per (tracing, agglomerate) with at least one node. Ordered by tracing_id, agglomerate_kind,
--   agglomerate_id.
-- Reads the view tracing_overlap (migration 0008), which holds these rows for every dataset.
SELECT tracing_id, agglomerate_kind, agglomerate_id, nodes, path_length_um
FROM tracing_overlap
WHERE dataset = %(dataset)s AND (%(kind)s::text IS NULL OR kind = %(kind)s::text)
ORDER BY tracing_id, agglomerate_kind, agglomerate_id

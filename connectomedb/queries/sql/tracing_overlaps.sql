-- name: tracing_overlaps
-- description: Per tracing and overlapping axon or target: its nodes and recovered path length.
-- params: kind text null
-- columns: tracing_id, agglomerate_kind, agglomerate_id, nodes, path_length_um
-- types: tracing_id int, agglomerate_kind text, agglomerate_id int, nodes int, path_length_um float
-- rule: as tracing_evaluation: a node overlaps every axon and target whose agglomerate holds
--   its segment (segment_id > 0); path_length_um sums the edges with both nodes in it. One row
--   per (tracing, agglomerate) with at least one node. Ordered by tracing_id, agglomerate_kind,
--   agglomerate_id.
-- The rows are those of the function tracing_overlaps(dataset, kind) (migration 0018), the one
-- place they are computed (tracing_evaluation reads them there too): from the dataset's tracing
-- nodes of the kind asked outwards, the distinct segments under them looked up in the
-- agglomerates' segment indexes, so the time follows the tracings, not the 6.4 million
-- agglomerate rows at full scale. The planner inlines the function: this query is planned as
-- if its body were written here. The view tracing_overlap (migration 0008) holds the same rows
-- for every dataset.
SELECT tracing_id, agglomerate_kind, agglomerate_id, nodes, path_length_um
FROM tracing_overlaps(%(dataset)s, %(kind)s)
ORDER BY tracing_id, agglomerate_kind, agglomerate_id

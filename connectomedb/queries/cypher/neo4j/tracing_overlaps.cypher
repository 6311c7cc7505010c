// name: tracing_overlaps
// description: Per tracing and overlapping axon or target: its nodes and recovered path length.
// params: kind text null
// columns: tracing_id, agglomerate_kind, agglomerate_id, nodes, path_length_um
// types: tracing_id int, agglomerate_kind text, agglomerate_id int, nodes int, path_length_um float
// rule: as tracing_evaluation: a node overlaps every axon and target whose agglomerate holds
//   its segment (segment_id > 0); path_length_um sums the edges with both nodes in it. One row
//   per (tracing, agglomerate) with at least one node. Ordered by tracing_id, agglomerate_kind,
//   agglomerate_id.
// The overlaps are written with the tracings (OVERLAPS, derived from each node's
// ON_AGGLOMERATE: see docs/tracings.md).
MATCH (t:Tracing {dataset: $dataset})-[o:OVERLAPS]->(a)
WHERE coalesce($kind, t.kind) = t.kind
RETURN t.id AS tracing_id, toLower(labels(a)[0]) AS agglomerate_kind, a.id AS agglomerate_id,
       o.nodes AS nodes, o.path_length_um AS path_length_um
ORDER BY tracing_id, agglomerate_kind, agglomerate_id

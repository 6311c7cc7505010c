// name: tracing_overlaps
// description: Per tracing and overlapping axon or target: its nodes and recovered path length.
// params: kind text null
// columns: tracing_id, agglomerate_kind, agglomerate_id, nodes, path_length_um
// types: tracing_id int, agglomerate_kind text, agglomerate_id int, nodes int, path_length_um float
// rule: as tracing_evaluation: a node overlaps every axon and target whose agglomerate holds
//   its segment (segment_id > 0); path_length_um sums the edges with both nodes in it. One row
//   per (tracing, agglomerate) with at least one node. Ordered by tracing_id, agglomerate_kind,
//   agglomerate_id.
MATCH (t:Tracing {dataset: $dataset})-[:HAS_NODE]->(n:TracingNode)
WHERE coalesce($kind, t.kind) = t.kind AND n.segment_id > 0
MATCH (a)-[:HAS_SEGMENT]->(:Segment {dataset: $dataset, id: n.segment_id})
WHERE toLower(labels(a)[0]) IN ['axon', 'target']
WITH t, a, count(DISTINCT n) AS nodes
OPTIONAL MATCH (t)-[:HAS_NODE]->(u:TracingNode)-[e:TRACED_TO]->(v:TracingNode)
WHERE EXISTS { MATCH (a)-[:HAS_SEGMENT]->(su:Segment {dataset: $dataset}) WHERE su.id = u.segment_id }
  AND EXISTS { MATCH (a)-[:HAS_SEGMENT]->(sv:Segment {dataset: $dataset}) WHERE sv.id = v.segment_id }
RETURN t.id AS tracing_id, toLower(labels(a)[0]) AS agglomerate_kind, a.id AS agglomerate_id,
       nodes, coalesce(sum(e.length_um), 0.0) AS path_length_um
ORDER BY tracing_id, agglomerate_kind, agglomerate_id

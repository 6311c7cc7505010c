// name: tracing_evaluation
// description: Per tracing: path length, nodes on segments, and how much of it the best-matching agglomerate recovers.
// params: kind text null
// columns: tracing_id, file, tree_id, tracing_name, nodes, path_length_um, nodes_on_segments, fraction_on_segments, agglomerates, best_kind, best_id, best_nodes, best_path_length_um, recall
// types: tracing_id int, file text, tree_id int, tracing_name text, nodes int, path_length_um float,
//   nodes_on_segments int, fraction_on_segments float, agglomerates int, best_kind text,
//   best_id int, best_nodes int, best_path_length_um float, recall float
// rule: tracings added with --dataset <dataset>, of the given kind (all when null). A
//   node is on a segment when its segment_id is > 0 (NULL: not looked up yet). A node overlaps
//   every axon and target (of the dataset) whose agglomerate holds its segment; an edge is
//   recovered by an agglomerate when both its nodes overlap it. The best agglomerate recovers
//   the most path length (ties: more nodes, then kind, then ID); recall = its recovered path
//   length / the tracing's path length. Ordered by tracing_id.
// The overlaps are written with the tracings (OVERLAPS, derived from each node's
// ON_AGGLOMERATE: see docs/tracings.md), and so is nodes_on_segments.
MATCH (t:Tracing {dataset: $dataset})
WHERE coalesce($kind, t.kind) = t.kind
OPTIONAL MATCH (t)-[o:OVERLAPS]->(a)
WITH t, t.nodes AS nodes, t.nodes_on_segments AS on_segments, a,
     coalesce(o.nodes, 0) AS a_nodes, coalesce(o.path_length_um, 0.0) AS a_len
WITH t, nodes, on_segments, count(a) AS agglomerates, max(a_len) AS top_len,
     collect({kind: toLower(labels(a)[0]), id: a.id, n: a_nodes, len: a_len}) AS cands
UNWIND cands AS c
WITH t, nodes, on_segments, agglomerates, top_len, c
WHERE c.len = top_len
WITH t, nodes, on_segments, agglomerates, top_len, max(c.n) AS top_n, collect(c) AS cands
UNWIND cands AS c
WITH t, nodes, on_segments, agglomerates, top_len, top_n, c
WHERE c.n = top_n
WITH t, nodes, on_segments, agglomerates, top_len, top_n, min(c.kind) AS top_kind,
     collect(c) AS cands
UNWIND cands AS c
WITH t, nodes, on_segments, agglomerates, top_len, top_n, top_kind, c
WHERE top_kind IS NULL OR c.kind = top_kind
RETURN t.id AS tracing_id, t.file AS file, t.tree_id AS tree_id, t.name AS tracing_name,
       nodes, t.path_length_um AS path_length_um, on_segments AS nodes_on_segments,
       CASE WHEN nodes > 0 THEN 1.0 * on_segments / nodes END AS fraction_on_segments,
       agglomerates, top_kind AS best_kind, min(c.id) AS best_id,
       CASE WHEN top_kind IS NULL THEN NULL ELSE top_n END AS best_nodes,
       CASE WHEN top_kind IS NULL THEN NULL ELSE top_len END AS best_path_length_um,
       CASE WHEN t.path_length_um > 0 THEN top_len / t.path_length_um END AS recall
ORDER BY tracing_id

-- name: tracing_evaluation
-- description: Per tracing: path length, nodes on segments, and how much of it the best-matching agglomerate recovers.
-- params: kind text null
-- columns: tracing_id, file, tree_id, tracing_name, nodes, path_length_um, nodes_on_segments, fraction_on_segments, agglomerates, best_kind, best_id, best_nodes, best_path_length_um, recall
-- types: tracing_id int, file text, tree_id int, tracing_name text, nodes int, path_length_um float,
--   nodes_on_segments int, fraction_on_segments float, agglomerates int, best_kind text,
--   best_id int, best_nodes int, best_path_length_um float, recall float
-- rule: tracings added with --dataset <dataset>, of the given kind (all when null). A
--   node is on a segment when its segment_id is > 0 (NULL: not looked up yet). A node overlaps
--   every axon and target (of the dataset) whose agglomerate holds its segment; an edge is
--   recovered by an agglomerate when both its nodes overlap it. The best agglomerate recovers
--   the most path length (ties: more nodes, then kind, then ID); recall = its recovered path
--   length / the tracing's path length. Ordered by tracing_id.
-- The overlaps (nodes and recovered path length per tracing and agglomerate) are the rows of
-- the function tracing_overlaps(dataset, kind) (migration 0018; see the query tracing_overlaps),
-- which the planner inlines here. The nodes on segments are counted per tracing from its nodes.
WITH tr AS (
    SELECT t.tracing_id, f.name AS file, t.tree_id, t.name, t.nodes, t.path_length_um
    FROM tracing t JOIN tracing_file f ON f.file_id = t.file_id
    WHERE f.dataset = %(dataset)s AND (%(kind)s::text IS NULL OR f.kind = %(kind)s::text)
),
ranked AS (
    SELECT tracing_id, agglomerate_kind, agglomerate_id, nodes, path_length_um AS length_um,
           row_number() OVER (PARTITION BY tracing_id ORDER BY path_length_um DESC, nodes DESC,
                              agglomerate_kind, agglomerate_id) AS rank,
           count(*) OVER (PARTITION BY tracing_id) AS agglomerates
    FROM tracing_overlaps(%(dataset)s, %(kind)s)
),
on_segment AS (
    SELECT n.tracing_id, count(*) AS nodes
    FROM tr JOIN tracing_node n ON n.tracing_id = tr.tracing_id
    WHERE n.segment_id > 0
    GROUP BY n.tracing_id
)
SELECT tr.tracing_id, tr.file, tr.tree_id, tr.name AS tracing_name, tr.nodes,
       tr.path_length_um, coalesce(s.nodes, 0) AS nodes_on_segments,
       coalesce(s.nodes, 0)::float8 / nullif(tr.nodes, 0) AS fraction_on_segments,
       coalesce(r.agglomerates, 0) AS agglomerates, r.agglomerate_kind AS best_kind,
       r.agglomerate_id AS best_id, r.nodes AS best_nodes, r.length_um AS best_path_length_um,
       coalesce(r.length_um, 0) / nullif(tr.path_length_um, 0) AS recall
FROM tr
LEFT JOIN on_segment s ON s.tracing_id = tr.tracing_id
LEFT JOIN ranked r ON r.tracing_id = tr.tracing_id AND r.rank = 1
ORDER BY tr.tracing_id

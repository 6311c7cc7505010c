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
-- The overlaps (nodes and recovered path length per tracing and agglomerate) are computed as
-- in tracing_overlaps (see there; the view tracing_overlap holds the same rows).
WITH tr AS (
    SELECT t.tracing_id, f.name AS file, t.tree_id, t.name, t.nodes, t.path_length_um
    FROM tracing t JOIN tracing_file f ON f.file_id = t.file_id
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
),
ranked AS (
    SELECT tracing_id, agglomerate_kind, agglomerate_id, nodes, path_length_um AS length_um,
           row_number() OVER (PARTITION BY tracing_id ORDER BY path_length_um DESC, nodes DESC,
                              agglomerate_kind, agglomerate_id) AS rank,
           count(*) OVER (PARTITION BY tracing_id) AS agglomerates
    FROM overlap
),
on_segment AS (
    SELECT tracing_id, count(*) AS nodes FROM node GROUP BY tracing_id
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

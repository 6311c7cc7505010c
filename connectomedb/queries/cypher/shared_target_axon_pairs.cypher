// name: shared_target_axon_pairs
// description: Pairs of axons (of axon_class when given) that share at least min_shared targets
//   (of target_class when given).
// params: min_shared int 2
// params: axon_class text null
// params: target_class text null
// params: limit int 1000
// columns: axon_a, axon_b, axon_a_class, axon_b_class, shared_targets
// types: axon_a int, axon_b int, axon_a_class text, axon_b_class text, shared_targets int
// rule: 4 (shared target = connected to both), 5. Each pair once: axon_a < axon_b.
//   Ordered by shared_targets descending, then axon_a, axon_b.

// Reads SHARES_TARGETS (pairs sharing at least 2 targets, per target class, built by the
// load and ranked in this listing's order, so only the first $limit are sorted). Pairs sharing
// one target are not stored; they follow the stored pairs of the scope in the order, so they
// are needed only when min_shared is below 2 and the scope stores fewer pairs than $limit
// (MotifHistogram counts them): then the second part enumerates the scope's pairs from
// CONNECTS_TO.
OPTIONAL MATCH (h:MotifHistogram {dataset: $dataset, motif: 'shared_target_axon_pairs'})
WHERE h.value >= 2
  AND (h.axon_class = $axon_class OR ($axon_class IS NULL AND h.axon_class IS NULL))
  AND (h.target_class = $target_class OR ($target_class IS NULL AND h.target_class IS NULL))
WITH coalesce(sum(h.instances), 0) AS stored
WHERE $min_shared >= 2 OR stored >= $limit
MATCH (x:Axon {dataset: $dataset})-[p:SHARES_TARGETS]->(y:Axon)
WHERE p.shared >= $min_shared
  AND (p.target_class = $target_class OR ($target_class IS NULL AND p.target_class IS NULL))
  AND ((p.axon_class = $axon_class AND (p.class_rank < $limit OR $limit IS NULL))
       OR ($axon_class IS NULL AND (p.rank < $limit OR $limit IS NULL)))
RETURN x.id AS axon_a, y.id AS axon_b, x.class AS axon_a_class, y.class AS axon_b_class,
       p.shared AS shared_targets
ORDER BY shared_targets DESC, axon_a, axon_b
LIMIT $limit
UNION ALL
OPTIONAL MATCH (h:MotifHistogram {dataset: $dataset, motif: 'shared_target_axon_pairs'})
WHERE h.value >= 2
  AND (h.axon_class = $axon_class OR ($axon_class IS NULL AND h.axon_class IS NULL))
  AND (h.target_class = $target_class OR ($target_class IS NULL AND h.target_class IS NULL))
WITH coalesce(sum(h.instances), 0) AS stored
WHERE $min_shared < 2 AND stored < $limit
MATCH (x:Axon)-[:CONNECTS_TO]->(t:Target {dataset: $dataset})<-[:CONNECTS_TO]-(y:Axon)
// (The bound on x.id stops the scan itself when min_shared is 2 or more: IDs are positive.)
WHERE x.id < CASE WHEN $min_shared < 2 THEN 9223372036854775807 ELSE 0 END AND x.id < y.id
  AND coalesce($axon_class, x.class) = x.class AND coalesce($axon_class, y.class) = y.class
  AND coalesce($target_class, t.class) = t.class
WITH x, y, count(*) AS shared_targets
WHERE shared_targets >= $min_shared
RETURN x.id AS axon_a, y.id AS axon_b, x.class AS axon_a_class, y.class AS axon_b_class,
       shared_targets
ORDER BY shared_targets DESC, axon_a, axon_b
LIMIT $limit

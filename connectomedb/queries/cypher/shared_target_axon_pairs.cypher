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
MATCH (x:Axon)-[:CONNECTS_TO]->(t:Target {dataset: $dataset})<-[:CONNECTS_TO]-(y:Axon)
WHERE x.id < y.id
  AND coalesce($axon_class, x.class) = x.class AND coalesce($axon_class, y.class) = y.class
  AND coalesce($target_class, t.class) = t.class
WITH x, y, count(*) AS shared_targets
WHERE shared_targets >= $min_shared
RETURN x.id AS axon_a, y.id AS axon_b, x.class AS axon_a_class, y.class AS axon_b_class,
       shared_targets
ORDER BY shared_targets DESC, axon_a, axon_b
LIMIT $limit

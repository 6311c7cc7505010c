// name: bifans
// description: Bi-fans: two axons that are both connected to the same two targets.
// params: axon_class text null
// params: target_class text null
// params: limit int 1000
// columns: axon_a, axon_b, target_a, target_b
// types: axon_a int, axon_b int, target_a int, target_b int
// rule: 4 (an edge is a connection), 5 (both axons of axon_class, both targets of target_class
//   when given). Each bi-fan once: axon_a < axon_b and target_a < target_b. Ordered by
//   axon_a, axon_b, target_a, target_b.
MATCH (x:Axon {dataset: $dataset})-[:CONNECTS_TO]->(t1:Target)<-[:CONNECTS_TO]-(y:Axon),
      (x)-[:CONNECTS_TO]->(t2:Target)<-[:CONNECTS_TO]-(y)
WHERE x.id < y.id AND t1.id < t2.id
  AND coalesce($axon_class, x.class) = x.class AND coalesce($axon_class, y.class) = y.class
  AND coalesce($target_class, t1.class) = t1.class
  AND coalesce($target_class, t2.class) = t2.class
RETURN x.id AS axon_a, y.id AS axon_b, t1.id AS target_a, t2.id AS target_b
ORDER BY axon_a, axon_b, target_a, target_b
LIMIT $limit

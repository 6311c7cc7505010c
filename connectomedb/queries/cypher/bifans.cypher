// name: bifans
// description: Bi-fans: two axons that are both connected to the same two targets.
// params: axon_class text null
// params: target_class text null
// params: limit int 1000
// columns: axon_a, axon_b, target_a, target_b
// rule: 4 (an edge is a connection), 5 (both axons of axon_class, both targets of target_class
//   when given). Each bi-fan once: axon_a < axon_b and target_a < target_b. Ordered by
//   axon_a, axon_b, target_a, target_b.

// Reads SHARES_TARGETS (pairs sharing at least 2 targets of the class, built by the load):
// each such pair makes at least one bi-fan, so the first $limit pairs hold the first $limit
// bi-fans.
MATCH (x:Axon {dataset: $dataset})-[p:SHARES_TARGETS]->(y:Axon)
WHERE (p.target_class = $target_class OR ($target_class IS NULL AND p.target_class IS NULL))
  AND (p.axon_class = $axon_class OR $axon_class IS NULL)
WITH x, y
ORDER BY x.id, y.id
LIMIT $limit
MATCH (x)-[:CONNECTS_TO]->(t:Target)<-[:CONNECTS_TO]-(y)
WHERE coalesce($target_class, t.class) = t.class
WITH x, y, collect(t.id) AS shared
UNWIND shared AS target_a
UNWIND shared AS target_b
WITH x, y, target_a, target_b
WHERE target_a < target_b
RETURN x.id AS axon_a, y.id AS axon_b, target_a, target_b
ORDER BY axon_a, axon_b, target_a, target_b
LIMIT $limit

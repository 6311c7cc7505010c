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

// Reads the BIFAN relationships (built by the load, ranked in this listing's order within
// each class filter), so only the first $limit are sorted.
MATCH (x:Axon {dataset: $dataset})-[f:BIFAN]->(y:Axon)
WHERE (f.target_class = $target_class OR ($target_class IS NULL AND f.target_class IS NULL))
  AND ((f.axon_class = $axon_class AND (f.class_rank < $limit OR $limit IS NULL))
       OR ($axon_class IS NULL AND (f.rank < $limit OR $limit IS NULL)))
RETURN x.id AS axon_a, y.id AS axon_b, f.target_a AS target_a, f.target_b AS target_b
ORDER BY axon_a, axon_b, target_a, target_b
LIMIT $limit

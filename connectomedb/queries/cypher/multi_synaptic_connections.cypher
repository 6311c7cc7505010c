// name: multi_synaptic_connections
// description: Axon-target pairs connected by at least min_synapses synapses, strongest first.
// params: min_synapses int 2
// params: axon_class text null
// params: target_class text null
// params: limit int 1000
// columns: axon_id, target_id, axon_class, target_class, synapses
// types: axon_id int, target_id int, axon_class text, target_class text, synapses int
// rule: 4 (connection multiplicity = its connectome synapses), 5 (classes).
//   Ordered by synapses descending, then axon_id, target_id.
MATCH (a:Axon {dataset: $dataset})-[c:CONNECTS_TO]->(t:Target)
WHERE c.synapses >= $min_synapses
  AND coalesce($axon_class, a.class) = a.class AND coalesce($target_class, t.class) = t.class
RETURN a.id AS axon_id, t.id AS target_id, a.class AS axon_class, t.class AS target_class,
       c.synapses AS synapses
ORDER BY synapses DESC, axon_id, target_id
LIMIT $limit

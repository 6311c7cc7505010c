// name: convergent_targets
// description: Targets contacted by at least min_axons distinct axons (of axon_class when given).
// params: min_axons int 2
// params: axon_class text null
// params: target_class text null
// params: limit int 1000
// columns: target_id, target_class, neuron_id, axons, synapses
// types: target_id int, target_class text, neuron_id int, axons int, synapses int
// rule: 4 (an axon contacts a target when they are connected), 5 (classes). synapses = the
//   target's connectome synapses from those axons. Ordered by axons descending, then target_id.
// Reads TargetConvergence (built by the load: per target, from every axon class and per axon
// class, its axons and synapses).
MATCH (c:TargetConvergence {dataset: $dataset})
WHERE (c.axon_class = $axon_class OR ($axon_class IS NULL AND c.axon_class IS NULL))
  AND coalesce($target_class, c.target_class) = c.target_class
  AND c.axons >= $min_axons
RETURN c.target_id AS target_id, c.target_class AS target_class, c.neuron_id AS neuron_id,
       c.axons AS axons, c.synapses AS synapses
ORDER BY axons DESC, target_id
LIMIT $limit

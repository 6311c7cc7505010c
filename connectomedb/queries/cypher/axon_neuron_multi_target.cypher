// name: axon_neuron_multi_target
// description: An axon contacting one neuron on at least min_targets distinct targets of that
//   neuron (for example on two dendrites, or on a dendrite and the soma).
// params: min_targets int 2
// params: axon_class text null
// params: limit int 1000
// columns: axon_id, neuron_id, axon_class, targets, synapses
// types: axon_id int, neuron_id int, axon_class text, targets int, synapses int
// rule: 8 (targets grouped by neuronId), 4, 5. Ordered by targets descending, then axon_id,
//   neuron_id.
MATCH (a:Axon {dataset: $dataset})-[c:CONNECTS_TO]->(t:Target)
WHERE t.neuron_id IS NOT NULL AND coalesce($axon_class, a.class) = a.class
WITH a, t.neuron_id AS neuron_id, count(*) AS targets, sum(c.synapses) AS synapses
WHERE targets >= $min_targets
RETURN a.id AS axon_id, neuron_id, a.class AS axon_class, targets, synapses
ORDER BY targets DESC, axon_id, neuron_id
LIMIT $limit

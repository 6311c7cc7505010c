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
MATCH (a:Axon)-[c:CONNECTS_TO]->(t:Target {dataset: $dataset})
WHERE coalesce($axon_class, a.class) = a.class AND coalesce($target_class, t.class) = t.class
WITH t, count(*) AS axons, sum(c.synapses) AS synapses
WHERE axons >= $min_axons
RETURN t.id AS target_id, t.class AS target_class, t.neuron_id AS neuron_id, axons, synapses
ORDER BY axons DESC, target_id
LIMIT $limit

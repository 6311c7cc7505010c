// name: divergent_axons
// description: Axons contacting at least min_targets distinct targets and at least min_neurons
//   distinct neurons (targets of target_class when given).
// params: min_targets int 2
// params: min_neurons int 0
// params: axon_class text null
// params: target_class text null
// params: limit int 1000
// columns: axon_id, axon_class, targets, neurons, synapses
// types: axon_id int, axon_class text, targets int, neurons int, synapses int
// rule: 4 (contact = connection), 5, 8 (neurons through the targets' neuronId; targets without
//   a neuron count in targets only). Ordered by targets descending, then axon_id.
MATCH (a:Axon {dataset: $dataset})-[c:CONNECTS_TO]->(t:Target)
WHERE coalesce($axon_class, a.class) = a.class AND coalesce($target_class, t.class) = t.class
WITH a, count(*) AS targets, count(DISTINCT t.neuron_id) AS neurons, sum(c.synapses) AS synapses
WHERE targets >= $min_targets AND neurons >= $min_neurons
RETURN a.id AS axon_id, a.class AS axon_class, targets, neurons, synapses
ORDER BY targets DESC, axon_id
LIMIT $limit

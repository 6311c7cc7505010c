// name: convergent_neurons
// description: Neurons contacted by at least min_axons distinct axons (of axon_class when given)
//   on any of their targets.
// params: min_axons int 2
// params: axon_class text null
// params: limit int 1000
// columns: neuron_id, axons, targets, synapses
// types: neuron_id int, axons int, targets int, synapses int
// rule: 8 (a neuron's inputs are summed over its targets), 4, 5. axons = distinct axons
//   connected to any of its targets; targets = its targets with such a connection;
//   synapses = its connectome synapses from those axons, summed over all of its targets.
//   Ordered by axons descending, then neuron_id.
MATCH (a:Axon)-[c:CONNECTS_TO]->(t:Target {dataset: $dataset})
WHERE t.neuron_id IS NOT NULL AND coalesce($axon_class, a.class) = a.class
WITH t.neuron_id AS neuron_id, count(DISTINCT a.id) AS axons, count(DISTINCT t.id) AS targets,
     sum(c.synapses) AS synapses
WHERE axons >= $min_axons
RETURN neuron_id, axons, targets, synapses
ORDER BY axons DESC, neuron_id
LIMIT $limit

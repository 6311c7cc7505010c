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
// Reads AxonDivergence (built by the load: per axon, over every target class and per target
// class, its targets, neurons and synapses).
MATCH (d:AxonDivergence {dataset: $dataset})
WHERE (d.target_class = $target_class OR ($target_class IS NULL AND d.target_class IS NULL))
  AND coalesce($axon_class, d.axon_class) = d.axon_class
  AND d.targets >= $min_targets AND d.neurons >= $min_neurons
RETURN d.axon_id AS axon_id, d.axon_class AS axon_class, d.targets AS targets,
       d.neurons AS neurons, d.synapses AS synapses
ORDER BY targets DESC, axon_id
LIMIT $limit

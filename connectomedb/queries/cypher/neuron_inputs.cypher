// name: neuron_inputs
// description: Input synapses of each neuron by axon class, summed over all of its targets
//   (dendrites, soma, axon initial segment).
// params: neuron_id int null
// columns: neuron_id, axon_class, targets, synapses, fraction
// types: neuron_id int, axon_class text, targets int, synapses int, fraction float
// rule: 8 (a neuron's inputs are summed over every target whose neuronId is that neuron),
//   2, 5. targets = its targets receiving synapses from that class; fraction = synapses / all
//   input synapses of the neuron.
// Reads the NEURON_INPUT relationships (per axon class and neuron, built by the load).
MATCH (c:AxonClass {dataset: $dataset})-[r:NEURON_INPUT]->(n:Neuron)
WHERE coalesce($neuron_id, n.id) = n.id
RETURN n.id AS neuron_id, c.name AS axon_class, r.targets AS targets, r.synapses AS synapses,
       r.fraction AS fraction
ORDER BY neuron_id, axon_class

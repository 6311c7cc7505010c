// name: neuron_inputs
// description: Input synapses of each neuron by axon class, summed over all of its targets
//   (dendrites, soma, axon initial segment).
// params: neuron_id int null
// columns: neuron_id, axon_class, targets, synapses, fraction
// types: neuron_id int, axon_class text, targets int, synapses int, fraction float
// rule: 8 (a neuron's inputs are summed over every target whose neuronId is that neuron),
//   2, 5. targets = its targets receiving synapses from that class; fraction = synapses / all
//   input synapses of the neuron.
MATCH (a:Axon)-[:MAKES]->(:Synapse)-[:ONTO]->(t:Target)
WHERE a.dataset = $dataset AND t.neuron_id IS NOT NULL
  AND coalesce($neuron_id, t.neuron_id) = t.neuron_id
WITH t.neuron_id AS neuron_id, a.class AS axon_class,
     count(DISTINCT t.id) AS targets, count(*) AS synapses
WITH neuron_id, sum(synapses) AS total,
     collect({axon_class: axon_class, targets: targets, synapses: synapses}) AS cells
UNWIND cells AS cell
RETURN neuron_id, cell.axon_class AS axon_class, cell.targets AS targets,
       cell.synapses AS synapses, cell.synapses * 1.0 / total AS fraction
ORDER BY neuron_id, axon_class

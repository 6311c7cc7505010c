-- name: neuron_inputs
-- description: Input synapses of each neuron by axon class, summed over all of its targets
--   (dendrites, soma, axon initial segment).
-- params: neuron_id int null
-- columns: neuron_id, axon_class, targets, synapses, fraction
-- types: neuron_id int, axon_class text, targets int, synapses int, fraction float
-- rule: 8 (a neuron's inputs are summed over every target whose neuronId is that neuron),
--   2, 5. targets = its targets receiving synapses from that class; fraction = synapses / all
--   input synapses of the neuron.
-- Reads the materialized bi_neuron_inputs (per neuron and axon class, refreshed by every load).
SELECT neuron_id, axon_class, targets, synapses, fraction
FROM bi_neuron_inputs
WHERE dataset = %(dataset)s
  AND (%(neuron_id)s::int IS NULL OR neuron_id = %(neuron_id)s::int)
ORDER BY neuron_id, axon_class

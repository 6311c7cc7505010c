-- name: neuron_inputs
-- description: Input synapses of each neuron by axon class, summed over all of its targets
--   (dendrites, soma, axon initial segment).
-- params: neuron_id int null
-- columns: neuron_id, axon_class, targets, synapses, fraction
-- types: neuron_id int, axon_class text, targets int, synapses int, fraction float
-- rule: 8 (a neuron's inputs are summed over every target whose neuronId is that neuron),
--   2, 5. targets = its targets receiving synapses from that class; fraction = synapses / all
--   input synapses of the neuron.
WITH cells AS (
    SELECT t.neuron_id, coalesce(ac.name, 'Unknown') AS axon_class,
           count(DISTINCT s.target_id) AS targets, count(*) AS synapses
    FROM synapse s
    JOIN axon a ON a.dataset_id = s.dataset_id AND a.axon_id = s.axon_id
    JOIN target t ON t.dataset_id = s.dataset_id AND t.target_id = s.target_id
    LEFT JOIN axon_class ac ON ac.dataset_id = a.dataset_id AND ac.code = a.class_code
    WHERE s.dataset_id = (SELECT dataset_id FROM dataset WHERE name = %(dataset)s)
      AND t.neuron_id IS NOT NULL
      AND (%(neuron_id)s::int IS NULL OR t.neuron_id = %(neuron_id)s::int)
    GROUP BY 1, 2
)
SELECT neuron_id, axon_class, targets, synapses,
       synapses::double precision / sum(synapses) OVER (PARTITION BY neuron_id) AS fraction
FROM cells
ORDER BY neuron_id, axon_class

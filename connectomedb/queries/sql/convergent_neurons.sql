-- name: convergent_neurons
-- description: Neurons contacted by at least min_axons distinct axons (of axon_class when given)
--   on any of their targets.
-- params: min_axons int 2
-- params: axon_class text null
-- params: limit int 1000
-- columns: neuron_id, axons, targets, synapses
-- types: neuron_id int, axons int, targets int, synapses int
-- rule: 8 (a neuron's inputs are summed over its targets), 4, 5. axons = distinct axons
--   connected to any of its targets; targets = its targets with such a connection;
--   synapses = its connectome synapses from those axons, summed over all of its targets.
--   Ordered by axons descending, then neuron_id.
WITH pairs AS (
    -- connection_named: one row per (axon, target) with a connectome synapse and their class
    -- names, built by the load.
    SELECT axon_id, target_id, axon_class, target_class, neuron_id, synapses
    FROM connection_named
    WHERE dataset_id = (SELECT dataset_id FROM dataset WHERE name = %(dataset)s)
)
SELECT neuron_id, count(DISTINCT axon_id) AS axons, count(DISTINCT target_id) AS targets,
       sum(synapses)::bigint AS synapses
FROM pairs
WHERE neuron_id IS NOT NULL
  AND (%(axon_class)s::text IS NULL OR axon_class = %(axon_class)s::text)
GROUP BY neuron_id
HAVING count(DISTINCT axon_id) >= %(min_axons)s
ORDER BY axons DESC, neuron_id
LIMIT %(limit)s

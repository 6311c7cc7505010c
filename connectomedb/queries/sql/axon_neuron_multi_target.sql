-- name: axon_neuron_multi_target
-- description: An axon contacting one neuron on at least min_targets distinct targets of that
--   neuron (for example on two dendrites, or on a dendrite and the soma).
-- params: min_targets int 2
-- params: axon_class text null
-- params: limit int 1000
-- columns: axon_id, neuron_id, axon_class, targets, synapses
-- types: axon_id int, neuron_id int, axon_class text, targets int, synapses int
-- rule: 8 (targets grouped by neuronId), 4, 5. Ordered by targets descending, then axon_id,
--   neuron_id.
WITH pairs AS (
    -- connection_named: one row per (axon, target) with a connectome synapse and their class
    -- names, built by the load.
    SELECT axon_id, target_id, axon_class, target_class, neuron_id, synapses
    FROM connection_named
    WHERE dataset_id = (SELECT dataset_id FROM dataset WHERE name = %(dataset)s)
)
SELECT axon_id, neuron_id, min(axon_class) AS axon_class, count(*) AS targets,
       sum(synapses)::bigint AS synapses
FROM pairs
WHERE neuron_id IS NOT NULL
  AND (%(axon_class)s::text IS NULL OR axon_class = %(axon_class)s::text)
GROUP BY axon_id, neuron_id
HAVING count(*) >= %(min_targets)s
ORDER BY targets DESC, axon_id, neuron_id
LIMIT %(limit)s

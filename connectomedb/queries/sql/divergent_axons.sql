-- name: divergent_axons
-- description: Axons contacting at least min_targets distinct targets and at least min_neurons
--   distinct neurons (targets of target_class when given).
-- params: min_targets int 2
-- params: min_neurons int 0
-- params: axon_class text null
-- params: target_class text null
-- params: limit int 1000
-- columns: axon_id, axon_class, targets, neurons, synapses
-- types: axon_id int, axon_class text, targets int, neurons int, synapses int
-- rule: 4 (contact = connection), 5, 8 (neurons through the targets' neuronId; targets without
--   a neuron count in targets only). Ordered by targets descending, then axon_id.
WITH pairs AS (
    -- connection: one row per (axon, target) with a connectome synapse, built by the load.
    SELECT c.axon_id, c.target_id, ac.name AS axon_class, tc.name AS target_class,
           c.neuron_id, c.synapses::bigint AS synapses
    FROM connection c
    JOIN axon_class ac ON ac.dataset_id = c.dataset_id AND ac.code = c.axon_class_key
    JOIN target_class tc ON tc.dataset_id = c.dataset_id AND tc.code = c.target_class_key
    WHERE c.dataset_id = (SELECT dataset_id FROM dataset WHERE name = %(dataset)s)
)
SELECT axon_id, min(axon_class) AS axon_class, count(*) AS targets,
       count(DISTINCT neuron_id) AS neurons, sum(synapses)::bigint AS synapses
FROM pairs
WHERE (%(axon_class)s::text IS NULL OR axon_class = %(axon_class)s::text)
      AND (%(target_class)s::text IS NULL OR target_class = %(target_class)s::text)
GROUP BY axon_id
HAVING count(*) >= %(min_targets)s AND count(DISTINCT neuron_id) >= %(min_neurons)s
ORDER BY targets DESC, axon_id
LIMIT %(limit)s

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
    SELECT s.axon_id, s.target_id,
           min(coalesce(ac.name, 'Unknown')) AS axon_class,
           min(coalesce(tc.name, 'Unknown')) AS target_class,
           min(t.neuron_id) AS neuron_id,
           count(*) AS synapses
    FROM synapse s
    JOIN axon a ON a.dataset_id = s.dataset_id AND a.axon_id = s.axon_id
    JOIN target t ON t.dataset_id = s.dataset_id AND t.target_id = s.target_id
    LEFT JOIN axon_class ac ON ac.dataset_id = a.dataset_id AND ac.code = a.class_code
    LEFT JOIN target_class tc ON tc.dataset_id = t.dataset_id AND tc.code = t.class_code
    WHERE s.dataset_id = (SELECT dataset_id FROM dataset WHERE name = %(dataset)s)
    GROUP BY s.axon_id, s.target_id
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

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
SELECT axon_id, neuron_id, min(axon_class) AS axon_class, count(*) AS targets,
       sum(synapses)::bigint AS synapses
FROM pairs
WHERE neuron_id IS NOT NULL
  AND (%(axon_class)s::text IS NULL OR axon_class = %(axon_class)s::text)
GROUP BY axon_id, neuron_id
HAVING count(*) >= %(min_targets)s
ORDER BY targets DESC, axon_id, neuron_id
LIMIT %(limit)s

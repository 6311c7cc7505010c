-- name: convergent_targets
-- description: Targets contacted by at least min_axons distinct axons (of axon_class when given).
-- params: min_axons int 2
-- params: axon_class text null
-- params: target_class text null
-- params: limit int 1000
-- columns: target_id, target_class, neuron_id, axons, synapses
-- types: target_id int, target_class text, neuron_id int, axons int, synapses int
-- rule: 4 (an axon contacts a target when they are connected), 5 (classes). synapses = the
--   target's connectome synapses from those axons. Ordered by axons descending, then target_id.
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
SELECT target_id, min(target_class) AS target_class, min(neuron_id) AS neuron_id,
       count(*) AS axons, sum(synapses)::bigint AS synapses
FROM pairs
WHERE (%(axon_class)s::text IS NULL OR axon_class = %(axon_class)s::text)
      AND (%(target_class)s::text IS NULL OR target_class = %(target_class)s::text)
GROUP BY target_id
HAVING count(*) >= %(min_axons)s
ORDER BY axons DESC, target_id
LIMIT %(limit)s

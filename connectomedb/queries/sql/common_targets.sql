-- name: common_targets
-- description: The targets connected to every axon of a given set (their common partners).
-- params: axon_ids int[] required
-- params: limit int 1000
-- columns: target_id, target_class, neuron_id, synapses
-- types: target_id int, target_class text, neuron_id int, synapses int
-- rule: 4 (partner = connected), 5. synapses = connectome synapses from the given axons.
--   The IDs are deduplicated; an empty set gives no rows. Ordered by target_id.
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
       sum(synapses)::bigint AS synapses
FROM pairs
WHERE axon_id = ANY(%(axon_ids)s::int[])
GROUP BY target_id
HAVING count(*) = cardinality(ARRAY(SELECT DISTINCT unnest(%(axon_ids)s::int[])))
ORDER BY target_id
LIMIT %(limit)s

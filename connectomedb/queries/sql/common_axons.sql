-- name: common_axons
-- description: The axons connected to every target of a given set (their common partners).
-- params: target_ids int[] required
-- params: limit int 1000
-- columns: axon_id, axon_class, synapses
-- types: axon_id int, axon_class text, synapses int
-- rule: 4 (partner = connected), 5. synapses = connectome synapses onto the given targets.
--   The IDs are deduplicated; an empty set gives no rows. Ordered by axon_id.
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
SELECT axon_id, min(axon_class) AS axon_class, sum(synapses)::bigint AS synapses
FROM pairs
WHERE target_id = ANY(%(target_ids)s::int[])
GROUP BY axon_id
HAVING count(*) = cardinality(ARRAY(SELECT DISTINCT unnest(%(target_ids)s::int[])))
ORDER BY axon_id
LIMIT %(limit)s

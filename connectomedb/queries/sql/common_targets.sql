-- name: common_targets
-- description: The targets connected to every axon of a given set (their common partners).
-- params: axon_ids int[] required
-- params: limit int 1000
-- columns: target_id, target_class, neuron_id, synapses
-- types: target_id int, target_class text, neuron_id int, synapses int
-- rule: 4 (partner = connected), 5. synapses = connectome synapses from the given axons.
--   The IDs are deduplicated; an empty set gives no rows. Ordered by target_id.
WITH pairs AS (
    -- connection: one row per (axon, target) with a connectome synapse, built by the load.
    SELECT c.axon_id, c.target_id, ac.name AS axon_class, tc.name AS target_class,
           c.neuron_id, c.synapses::bigint AS synapses
    FROM connection c
    JOIN axon_class ac ON ac.dataset_id = c.dataset_id AND ac.code = c.axon_class_key
    JOIN target_class tc ON tc.dataset_id = c.dataset_id AND tc.code = c.target_class_key
    WHERE c.dataset_id = (SELECT dataset_id FROM dataset WHERE name = %(dataset)s)
)
SELECT target_id, min(target_class) AS target_class, min(neuron_id) AS neuron_id,
       sum(synapses)::bigint AS synapses
FROM pairs
WHERE axon_id = ANY(%(axon_ids)s::int[])
GROUP BY target_id
HAVING count(*) = cardinality(ARRAY(SELECT DISTINCT unnest(%(axon_ids)s::int[])))
ORDER BY target_id
LIMIT %(limit)s

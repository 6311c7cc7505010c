-- name: common_targets
-- description: The targets connected to every axon of a given set (their common partners).
-- params: axon_ids int[] required
-- params: limit int 1000
-- columns: target_id, target_class, neuron_id, synapses
-- types: target_id int, target_class text, neuron_id int, synapses int
-- rule: 4 (partner = connected), 5. synapses = connectome synapses from the given axons.
--   The IDs are deduplicated; an empty set gives no rows. Ordered by target_id.
-- Reads connection_named (one row per connection with its class names, built by the load).
SELECT target_id, min(target_class) AS target_class, min(neuron_id) AS neuron_id,
       sum(synapses)::bigint AS synapses
FROM connection_named
WHERE dataset_id = (SELECT dataset_id FROM dataset WHERE name = %(dataset)s)
  AND axon_id = ANY(%(axon_ids)s::int[])
GROUP BY target_id
HAVING count(*) = cardinality(ARRAY(SELECT DISTINCT unnest(%(axon_ids)s::int[])))
ORDER BY target_id
LIMIT %(limit)s

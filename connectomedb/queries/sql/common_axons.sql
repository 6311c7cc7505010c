-- name: common_axons
-- description: The axons connected to every target of a given set (their common partners).
-- params: target_ids int[] required
-- params: limit int 1000
-- columns: axon_id, axon_class, synapses
-- types: axon_id int, axon_class text, synapses int
-- rule: 4 (partner = connected), 5. synapses = connectome synapses onto the given targets.
--   The IDs are deduplicated; an empty set gives no rows. Ordered by axon_id.
-- Reads connection_named (one row per connection with its class names, built by the load).
SELECT axon_id, min(axon_class) AS axon_class, sum(synapses)::bigint AS synapses
FROM connection_named
WHERE dataset_id = (SELECT dataset_id FROM dataset WHERE name = %(dataset)s)
  AND target_id = ANY(%(target_ids)s::int[])
GROUP BY axon_id
HAVING count(*) = cardinality(ARRAY(SELECT DISTINCT unnest(%(target_ids)s::int[])))
ORDER BY axon_id
LIMIT %(limit)s

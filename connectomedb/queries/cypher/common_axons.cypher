// name: common_axons
// description: The axons connected to every target of a given set (their common partners).
// params: target_ids int[] required
// params: limit int 1000
// columns: axon_id, axon_class, synapses
// types: axon_id int, axon_class text, synapses int
// rule: 4 (partner = connected), 5. synapses = connectome synapses onto the given targets.
//   The IDs are deduplicated; an empty set gives no rows. Ordered by axon_id.
MATCH (a:Axon)-[c:CONNECTS_TO]->(t:Target {dataset: $dataset})
WHERE t.id IN $target_ids
WITH a, count(*) AS partners, sum(c.synapses) AS synapses
WHERE partners = size($target_ids)
RETURN a.id AS axon_id, a.class AS axon_class, synapses
ORDER BY axon_id
LIMIT $limit

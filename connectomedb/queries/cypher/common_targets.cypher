// name: common_targets
// description: The targets connected to every axon of a given set (their common partners).
// params: axon_ids int[] required
// params: limit int 1000
// columns: target_id, target_class, neuron_id, synapses
// types: target_id int, target_class text, neuron_id int, synapses int
// rule: 4 (partner = connected), 5. synapses = connectome synapses from the given axons.
//   The IDs are deduplicated; an empty set gives no rows. Ordered by target_id.
MATCH (a:Axon {dataset: $dataset})-[c:CONNECTS_TO]->(t:Target)
WHERE a.id IN $axon_ids
WITH t, count(*) AS partners, sum(c.synapses) AS synapses
WHERE partners = size($axon_ids)
RETURN t.id AS target_id, t.class AS target_class, t.neuron_id AS neuron_id, synapses
ORDER BY target_id
LIMIT $limit

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
    -- connection: one row per (axon, target) with a connectome synapse, built by the load.
    SELECT c.axon_id, c.target_id, ac.name AS axon_class, tc.name AS target_class,
           c.neuron_id, c.synapses::bigint AS synapses
    FROM connection c
    JOIN axon_class ac ON ac.dataset_id = c.dataset_id AND ac.code = c.axon_class_key
    JOIN target_class tc ON tc.dataset_id = c.dataset_id AND tc.code = c.target_class_key
    WHERE c.dataset_id = (SELECT dataset_id FROM dataset WHERE name = %(dataset)s)
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

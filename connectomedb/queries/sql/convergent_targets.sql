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
-- Reads target_convergence (built by the load: per target, from every axon class and per axon
-- class, its axons and synapses).
WITH d AS (SELECT dataset_id FROM dataset WHERE name = %(dataset)s)
SELECT x.target_id, tc.name AS target_class, x.neuron_id, x.axons, x.synapses
FROM target_convergence x
JOIN target_class tc ON tc.dataset_id = x.dataset_id AND tc.code = x.target_class_key
WHERE x.dataset_id = (SELECT dataset_id FROM d)
  AND CASE WHEN %(axon_class)s::text IS NULL THEN x.axon_class_key IS NULL
           ELSE x.axon_class_key = (
               SELECT class_key FROM class_key
               WHERE dataset_id = (SELECT dataset_id FROM d) AND side = 'axon'
                 AND name = %(axon_class)s::text)
      END
  AND (%(target_class)s::text IS NULL OR tc.name = %(target_class)s::text)
  AND x.axons >= %(min_axons)s
ORDER BY x.axons DESC, x.target_id
LIMIT %(limit)s

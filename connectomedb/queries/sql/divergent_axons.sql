-- name: divergent_axons
-- description: Axons contacting at least min_targets distinct targets and at least min_neurons
--   distinct neurons (targets of target_class when given).
-- params: min_targets int 2
-- params: min_neurons int 0
-- params: axon_class text null
-- params: target_class text null
-- params: limit int 1000
-- columns: axon_id, axon_class, targets, neurons, synapses
-- types: axon_id int, axon_class text, targets int, neurons int, synapses int
-- rule: 4 (contact = connection), 5, 8 (neurons through the targets' neuronId; targets without
--   a neuron count in targets only). Ordered by targets descending, then axon_id.
-- Reads axon_divergence (built by the load: per axon, over every target class and per target
-- class, its targets, neurons and synapses).
WITH d AS (SELECT dataset_id FROM dataset WHERE name = %(dataset)s)
SELECT x.axon_id, ac.name AS axon_class, x.targets, x.neurons, x.synapses
FROM axon_divergence x
JOIN axon_class ac ON ac.dataset_id = x.dataset_id AND ac.code = x.axon_class_key
WHERE x.dataset_id = (SELECT dataset_id FROM d)
  AND CASE WHEN %(target_class)s::text IS NULL THEN x.target_class_key IS NULL
           ELSE x.target_class_key = (
               SELECT class_key FROM class_key
               WHERE dataset_id = (SELECT dataset_id FROM d) AND side = 'target'
                 AND name = %(target_class)s::text)
      END
  AND (%(axon_class)s::text IS NULL OR ac.name = %(axon_class)s::text)
  AND x.targets >= %(min_targets)s AND x.neurons >= %(min_neurons)s
ORDER BY x.targets DESC, x.axon_id
LIMIT %(limit)s

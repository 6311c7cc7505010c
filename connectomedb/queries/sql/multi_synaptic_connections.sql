-- name: multi_synaptic_connections
-- description: Axon-target pairs connected by at least min_synapses synapses, strongest first.
-- params: min_synapses int 2
-- params: axon_class text null
-- params: target_class text null
-- params: limit int 1000
-- columns: axon_id, target_id, axon_class, target_class, synapses
-- types: axon_id int, target_id int, axon_class text, target_class text, synapses int
-- rule: 4 (connection multiplicity = its connectome synapses), 5 (classes).
--   Ordered by synapses descending, then axon_id, target_id.
WITH pairs AS (
    -- connection_named: one row per (axon, target) with a connectome synapse and their class
    -- names, built by the load.
    SELECT axon_id, target_id, axon_class, target_class, neuron_id, synapses
    FROM connection_named
    WHERE dataset_id = (SELECT dataset_id FROM dataset WHERE name = %(dataset)s)
)
SELECT axon_id, target_id, axon_class, target_class, synapses
FROM pairs
WHERE synapses >= %(min_synapses)s
  AND (%(axon_class)s::text IS NULL OR axon_class = %(axon_class)s::text)
  AND (%(target_class)s::text IS NULL OR target_class = %(target_class)s::text)
ORDER BY synapses DESC, axon_id, target_id
LIMIT %(limit)s

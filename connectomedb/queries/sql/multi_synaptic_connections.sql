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
SELECT axon_id, target_id, axon_class, target_class, synapses
FROM pairs
WHERE synapses >= %(min_synapses)s
  AND (%(axon_class)s::text IS NULL OR axon_class = %(axon_class)s::text)
      AND (%(target_class)s::text IS NULL OR target_class = %(target_class)s::text)
ORDER BY synapses DESC, axon_id, target_id
LIMIT %(limit)s

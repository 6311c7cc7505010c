-- name: bifans
-- description: Bi-fans: two axons that are both connected to the same two targets.
-- params: axon_class text null
-- params: target_class text null
-- params: limit int 1000
-- columns: axon_a, axon_b, target_a, target_b
-- types: axon_a int, axon_b int, target_a int, target_b int
-- rule: 4 (an edge is a connection), 5 (both axons of axon_class, both targets of target_class
--   when given). Each bi-fan once: axon_a < axon_b and target_a < target_b. Ordered by
--   axon_a, axon_b, target_a, target_b.
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
),
kept AS (SELECT axon_id, target_id FROM pairs WHERE (%(axon_class)s::text IS NULL OR axon_class = %(axon_class)s::text)
      AND (%(target_class)s::text IS NULL OR target_class = %(target_class)s::text)),
shared AS (
    SELECT x.axon_id AS axon_a, y.axon_id AS axon_b, x.target_id
    FROM kept x JOIN kept y ON y.target_id = x.target_id AND y.axon_id > x.axon_id
)
SELECT p.axon_a, p.axon_b, p.target_id AS target_a, q.target_id AS target_b
FROM shared p
JOIN shared q ON q.axon_a = p.axon_a AND q.axon_b = p.axon_b AND q.target_id > p.target_id
ORDER BY axon_a, axon_b, target_a, target_b
LIMIT %(limit)s

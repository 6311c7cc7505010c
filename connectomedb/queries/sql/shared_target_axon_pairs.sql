-- name: shared_target_axon_pairs
-- description: Pairs of axons (of axon_class when given) that share at least min_shared targets
--   (of target_class when given).
-- params: min_shared int 2
-- params: axon_class text null
-- params: target_class text null
-- params: limit int 1000
-- columns: axon_a, axon_b, axon_a_class, axon_b_class, shared_targets
-- types: axon_a int, axon_b int, axon_a_class text, axon_b_class text, shared_targets int
-- rule: 4 (shared target = connected to both), 5. Each pair once: axon_a < axon_b.
--   Ordered by shared_targets descending, then axon_a, axon_b.
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
kept AS (SELECT axon_id, target_id, axon_class FROM pairs WHERE (%(axon_class)s::text IS NULL OR axon_class = %(axon_class)s::text)
      AND (%(target_class)s::text IS NULL OR target_class = %(target_class)s::text))
SELECT x.axon_id AS axon_a, y.axon_id AS axon_b,
       min(x.axon_class) AS axon_a_class, min(y.axon_class) AS axon_b_class,
       count(*) AS shared_targets
FROM kept x
JOIN kept y ON y.target_id = x.target_id AND y.axon_id > x.axon_id
GROUP BY x.axon_id, y.axon_id
HAVING count(*) >= %(min_shared)s
ORDER BY shared_targets DESC, axon_a, axon_b
LIMIT %(limit)s

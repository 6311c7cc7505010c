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

-- Reads axon_pair (pairs sharing at least 2 targets of the class, built by the load): each
-- such pair makes at least one bi-fan, so the first `limit` pairs hold the first `limit`
-- bi-fans; their shared targets come from connection.
WITH d AS (SELECT dataset_id FROM dataset WHERE name = %(dataset)s),
-- class_key (migration 0008): the key of a class name.
ak AS (
    SELECT class_key FROM class_key
    WHERE dataset_id = (SELECT dataset_id FROM d) AND side = 'axon' AND name = %(axon_class)s::text
),
tk AS (
    SELECT class_key FROM class_key
    WHERE dataset_id = (SELECT dataset_id FROM d) AND side = 'target'
      AND name = %(target_class)s::text
),
pairs AS (
    SELECT p.axon_a, p.axon_b
    FROM axon_pair p
    WHERE p.dataset_id = (SELECT dataset_id FROM d)
      AND CASE WHEN %(target_class)s::text IS NULL THEN p.target_class_key IS NULL
               ELSE p.target_class_key = (SELECT class_key FROM tk) END
      AND (%(axon_class)s::text IS NULL
           OR (p.axon_a_class_key = (SELECT class_key FROM ak)
               AND p.axon_b_class_key = (SELECT class_key FROM ak)))
    -- The constant leading columns let the index on (dataset, target class, axon_a, axon_b)
    -- give the pairs in this order: only the first limit are read.
    ORDER BY p.dataset_id, p.target_class_key, p.axon_a, p.axon_b
    LIMIT %(limit)s
),
-- The targets of a pair: those of axon_a (of the target class) that axon_b also has, each
-- axon's connections read as one range of the connection key.
shared AS (
    SELECT p.axon_a, p.axon_b, t.target_id
    FROM pairs p
    CROSS JOIN LATERAL (
        SELECT x.target_id FROM connection x
        WHERE x.dataset_id = (SELECT dataset_id FROM d) AND x.axon_id = p.axon_a
          AND (%(target_class)s::text IS NULL OR x.target_class_key = (SELECT class_key FROM tk))
        INTERSECT ALL
        SELECT y.target_id FROM connection y
        WHERE y.dataset_id = (SELECT dataset_id FROM d) AND y.axon_id = p.axon_b
    ) t
)
SELECT p.axon_a, p.axon_b, p.target_id AS target_a, q.target_id AS target_b
FROM shared p
JOIN shared q ON q.axon_a = p.axon_a AND q.axon_b = p.axon_b AND q.target_id > p.target_id
ORDER BY axon_a, axon_b, target_a, target_b
LIMIT %(limit)s

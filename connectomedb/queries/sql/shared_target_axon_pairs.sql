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

-- Reads axon_pair (the pairs sharing at least 2 targets, per target class, built by the load).
-- Pairs sharing one target are not stored: with min_shared below 2 they follow every stored
-- pair of the scope in the order, so they are needed only when the scope stores fewer pairs
-- than limit (motif_histogram counts them), and then only the first (limit - stored) in
-- (axon_a, axon_b) order, found axon by axon from connection.
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
stored AS (
    SELECT p.axon_a, p.axon_b, p.axon_a_class_key, p.axon_b_class_key, p.shared::bigint AS shared
    FROM axon_pair p
    WHERE p.dataset_id = (SELECT dataset_id FROM d)
      AND p.shared >= %(min_shared)s
      AND CASE WHEN %(target_class)s::text IS NULL THEN p.target_class_key IS NULL
               ELSE p.target_class_key = (SELECT class_key FROM tk) END
      AND (%(axon_class)s::text IS NULL
           OR (p.axon_a_class_key = (SELECT class_key FROM ak)
               AND p.axon_b_class_key = (SELECT class_key FROM ak)))
    -- The constant leading columns let the index on (dataset, target class, shared), read
    -- backwards, give the rows in the order of the listing: only the first limit are read.
    ORDER BY p.dataset_id DESC, p.target_class_key DESC, p.shared DESC, p.axon_a, p.axon_b
    LIMIT %(limit)s
),
stored_count AS (
    SELECT coalesce(sum(h.instances), 0) AS n
    FROM motif_histogram h
    WHERE h.dataset_id = (SELECT dataset_id FROM d) AND h.motif = 'shared_target_axon_pairs'
      AND h.value >= 2
      AND h.axon_class IS NOT DISTINCT FROM %(axon_class)s::text
      AND h.target_class IS NOT DISTINCT FROM %(target_class)s::text
),
first_axons AS (
    SELECT c.axon_id, c.axon_class_key
    FROM connection c
    WHERE c.dataset_id = (SELECT dataset_id FROM d)
      AND %(min_shared)s < 2
      AND (%(limit)s::bigint IS NULL OR (SELECT n FROM stored_count) < %(limit)s::bigint)
      AND (%(axon_class)s::text IS NULL OR c.axon_class_key = (SELECT class_key FROM ak))
      AND (%(target_class)s::text IS NULL OR c.target_class_key = (SELECT class_key FROM tk))
    GROUP BY c.axon_id, c.axon_class_key
),
enumerated AS (
    SELECT a.axon_id AS axon_a, b.axon_b, a.axon_class_key AS axon_a_class_key,
           b.axon_b_class_key, 1::bigint AS shared
    FROM first_axons a
    CROSS JOIN LATERAL (
        SELECT y.axon_id AS axon_b, min(y.axon_class_key) AS axon_b_class_key
        FROM connection x
        JOIN connection y ON y.dataset_id = x.dataset_id AND y.target_id = x.target_id
                         AND y.axon_id > x.axon_id
        WHERE x.dataset_id = (SELECT dataset_id FROM d) AND x.axon_id = a.axon_id
          AND (%(axon_class)s::text IS NULL OR y.axon_class_key = (SELECT class_key FROM ak))
          AND (%(target_class)s::text IS NULL
               OR x.target_class_key = (SELECT class_key FROM tk))
        GROUP BY y.axon_id
        HAVING count(*) = 1
    ) b
    ORDER BY a.axon_id, b.axon_b
    LIMIT CASE WHEN %(limit)s::bigint IS NULL THEN NULL
               ELSE greatest(%(limit)s::bigint - (SELECT n FROM stored_count), 0) END
),
found AS (SELECT * FROM stored UNION ALL SELECT * FROM enumerated)
SELECT f.axon_a, f.axon_b, ca.name AS axon_a_class, cb.name AS axon_b_class,
       f.shared AS shared_targets
FROM found f
JOIN axon_class ca ON ca.dataset_id = (SELECT dataset_id FROM d) AND ca.code = f.axon_a_class_key
JOIN axon_class cb ON cb.dataset_id = (SELECT dataset_id FROM d) AND cb.code = f.axon_b_class_key
ORDER BY shared_targets DESC, axon_a, axon_b
LIMIT %(limit)s

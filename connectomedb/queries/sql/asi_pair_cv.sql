-- name: asi_pair_cv
-- description: The plasticity test: for connections of exactly two synapses, the coefficient of
--   variation (CV) of their two ASI areas, next to the CV of the same synapses paired at random
--   (a fixed hash order), by axon class x target class.
-- params: synapse_type text null
-- params: axon_class text null
-- params: target_class text null
-- columns: axon_class, target_class, pairs, cv_mean, cv_median, random_pairs, random_cv_mean,
--   random_cv_median
-- types: axon_class text, target_class text, pairs int, cv_mean float, cv_median float,
--   random_pairs int, random_cv_mean float, random_cv_median float
-- rule: 4 (a connection of multiplicity exactly 2, counting all its connectome synapses), 5.
--   A connection counts when both synapses have an ASI area > 0 (and, when synapse_type is
--   given, are both of it: the multiplicity still counts every type). CV of two areas
--   x, y = sample standard deviation / mean = sqrt(2)*|x - y|/(x + y).
--   Random pairs: within each class pair, the counted synapses ordered by
--   h = (synapse_id * 2654435761) mod 2^32 (a bijection on IDs below 2^32, so no ties), the 1st
--   paired with the 2nd, the 3rd with the 4th, ...; an odd last synapse is left out.
--   Percentiles: linear interpolation (percentile_cont).
WITH syn AS (
    SELECT s.synapse_id, s.axon_id, s.target_id, s.asi_area,
           coalesce(st.name, 'Unknown') AS synapse_type,
           coalesce(ac.name, 'Unknown') AS axon_class,
           coalesce(tc.name, 'Unknown') AS target_class
    FROM synapse s
    JOIN axon a ON a.dataset_id = s.dataset_id AND a.axon_id = s.axon_id
    JOIN target t ON t.dataset_id = s.dataset_id AND t.target_id = s.target_id
    LEFT JOIN axon_class ac ON ac.dataset_id = a.dataset_id AND ac.code = a.class_code
    LEFT JOIN target_class tc ON tc.dataset_id = t.dataset_id AND tc.code = t.class_code
    LEFT JOIN synapse_type st ON st.dataset_id = s.dataset_id AND st.code = s.type_code
    WHERE s.dataset_id = (SELECT dataset_id FROM dataset WHERE name = %(dataset)s)
),
doublets AS (
    SELECT axon_id, target_id
    FROM syn
    GROUP BY axon_id, target_id
    HAVING count(*) = 2
       AND count(*) FILTER (
           WHERE asi_area > 0
             AND (%(synapse_type)s::text IS NULL OR synapse_type = %(synapse_type)s::text)) = 2
),
members AS (
    SELECT syn.*
    FROM syn JOIN doublets USING (axon_id, target_id)
    WHERE (%(axon_class)s::text IS NULL OR axon_class = %(axon_class)s::text)
      AND (%(target_class)s::text IS NULL OR target_class = %(target_class)s::text)
),
observed AS (
    SELECT axon_class, target_class,
           sqrt(2.0) * (max(asi_area) - min(asi_area)) / (max(asi_area) + min(asi_area)) AS cv
    FROM members
    GROUP BY axon_id, target_id, axon_class, target_class
),
ranked AS (
    SELECT axon_class, target_class, asi_area,
           row_number() OVER (
               PARTITION BY axon_class, target_class
               ORDER BY mod(synapse_id::bigint * 2654435761, 4294967296), synapse_id
           ) AS rank
    FROM members
),
shuffled AS (
    SELECT axon_class, target_class,
           sqrt(2.0) * (max(asi_area) - min(asi_area)) / (max(asi_area) + min(asi_area)) AS cv
    FROM ranked
    GROUP BY axon_class, target_class, (rank + 1) / 2
    HAVING count(*) = 2
),
observed_stats AS (
    SELECT axon_class, target_class, count(*) AS pairs, avg(cv) AS cv_mean,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY cv) AS cv_median
    FROM observed GROUP BY 1, 2
),
shuffled_stats AS (
    SELECT axon_class, target_class, count(*) AS random_pairs, avg(cv) AS random_cv_mean,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY cv) AS random_cv_median
    FROM shuffled GROUP BY 1, 2
)
SELECT o.axon_class, o.target_class, o.pairs, o.cv_mean, o.cv_median,
       coalesce(r.random_pairs, 0) AS random_pairs, r.random_cv_mean, r.random_cv_median
FROM observed_stats o
LEFT JOIN shuffled_stats r USING (axon_class, target_class)
ORDER BY o.axon_class, o.target_class

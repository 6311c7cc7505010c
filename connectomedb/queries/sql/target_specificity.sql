-- name: target_specificity
-- description: Per axon class, the fraction of its synapses onto each target class, and the
--   distribution over the class's axons of each axon's own fraction (mean, median, quartiles).
-- params: min_axon_synapses int 1
-- params: min_target_synapses int 1
-- params: axon_class text null
-- columns: axon_class, target_class, axons, synapses, fraction, axon_fraction_mean,
--   axon_fraction_median, axon_fraction_q1, axon_fraction_q3
-- types: axon_class text, target_class text, axons int, synapses int, fraction float,
--   axon_fraction_mean float, axon_fraction_median float, axon_fraction_q1 float,
--   axon_fraction_q3 float
-- rule: 2, 3, 5, 6 as class_matrix. An axon's fraction onto a target class = its kept synapses
--   onto that class / all its kept synapses; every axon with a kept synapse counts, with 0 for
--   target classes it does not contact; target classes = those of any kept synapse of the
--   dataset (a row for each, with synapses 0 where the class has none). axons = the axon
--   class's axons with a kept synapse, the same on every row of the class.
--   Percentiles: linear interpolation (percentile_cont).
-- Without a target threshold (at most 1) every synapse of a kept axon is kept, and the answer
-- is the load's class_specificity (migration 0012): one block of rows per axon threshold that
-- keeps a different set of axons, the first at or above min_axon_synapses answering it.
-- With a target threshold the distribution of the axons' fractions is counted from the kept
-- synapses of connectome_synapse into a histogram: per axon class, target class, axon's kept
-- synapses (total) and its kept synapses onto the target class, how many axons; rows without a
-- target class count the class's axons (each with all its synapses).
WITH d AS (SELECT dataset_id FROM dataset WHERE name = %(dataset)s),
kept AS (
    SELECT axon_id, axon_class_key AS axon_key, target_class_key AS target_key
    FROM connectome_synapse
    WHERE dataset_id = (SELECT dataset_id FROM d) AND %(min_target_synapses)s > 1
      AND axon_synapses >= %(min_axon_synapses)s
      AND (target_synapses >= %(min_target_synapses)s OR target_class = 'AxonInitialSegment')
),
per_axon_target AS (
    SELECT axon_id, axon_key, target_key, count(*) AS synapses,
           sum(count(*)) OVER (PARTITION BY axon_id) AS total
    FROM kept GROUP BY 1, 2, 3
),
hist AS (
    SELECT axon_key, target_key, total, synapses, count(*) AS axons
    FROM per_axon_target GROUP BY 1, 2, 3, 4
    UNION ALL
    SELECT axon_key, NULL::smallint, total, total, count(*)
    FROM (SELECT DISTINCT axon_id, axon_key, total FROM per_axon_target) a
    GROUP BY 1, 2, 3, 4
),
axon_names AS (
    SELECT code, name FROM axon_class WHERE dataset_id = (SELECT dataset_id FROM d)
),
target_names AS (
    SELECT code, name FROM target_class WHERE dataset_id = (SELECT dataset_id FROM d)
),
target_keys AS (SELECT DISTINCT target_key FROM hist WHERE target_key IS NOT NULL),
chosen AS (
    SELECT h.* FROM hist h
    WHERE %(axon_class)s::text IS NULL
       OR h.axon_key IN (SELECT code FROM axon_names WHERE name = %(axon_class)s::text)
),
class_axons AS (
    SELECT axon_key, sum(axons) AS n FROM chosen WHERE target_key IS NULL GROUP BY 1
),
-- One row per distinct non-zero fraction of a cell, with how many axons have it (m) and how
-- many have it or a smaller one (upto).
fractions AS (
    SELECT axon_key, target_key, f, m,
           sum(m) OVER (PARTITION BY axon_key, target_key ORDER BY f) AS upto
    FROM (
        SELECT axon_key, target_key, synapses::double precision / total AS f, sum(axons) AS m
        FROM chosen WHERE target_key IS NOT NULL GROUP BY 1, 2, 3
    ) x
),
cells AS (
    SELECT ca.axon_key, tk.target_key, ca.n,
           coalesce(sum(h.axons * h.synapses), 0) AS synapses,
           coalesce(sum(h.axons * (h.synapses::double precision / h.total)), 0) AS f_sum,
           coalesce(sum(h.axons), 0) AS k
    FROM class_axons ca
    CROSS JOIN target_keys tk
    LEFT JOIN chosen h ON h.axon_key = ca.axon_key AND h.target_key = tk.target_key
    GROUP BY 1, 2, 3
),
-- percentile_cont(q) over the n fractions of a cell, of which the n - k smallest are 0:
-- positions lo = floor(h) and hi = ceil(h) of h = q (n - 1) in the ascending list,
-- interpolated; a position p >= n - k holds the fraction whose upto first exceeds p - (n - k).
positions AS (
    SELECT c.axon_key, c.target_key, q.i, pos.h - floor(pos.h) AS w, side.j,
           CASE side.j WHEN 0 THEN floor(pos.h) ELSE ceil(pos.h) END - (c.n - c.k) AS p
    FROM cells c
    CROSS JOIN (VALUES (1, 0.5::double precision), (2, 0.25), (3, 0.75)) q (i, q)
    CROSS JOIN LATERAL (SELECT q.q * (c.n - 1) AS h) pos
    CROSS JOIN (VALUES (0), (1)) side (j)
),
valued AS (
    SELECT p.axon_key, p.target_key, p.i, p.w, p.j,
           CASE WHEN p.p < 0 THEN 0 ELSE min(f.f) END AS v
    FROM positions p
    LEFT JOIN fractions f ON f.axon_key = p.axon_key AND f.target_key = p.target_key
        AND f.upto > p.p AND f.upto - f.m <= p.p
    GROUP BY 1, 2, 3, 4, 5, p.p
),
picked AS (
    SELECT axon_key, target_key,
           array_agg(lo + w * (hi - lo) ORDER BY i) AS p
    FROM (
        SELECT axon_key, target_key, i, w, min(v) FILTER (WHERE j = 0) AS lo,
               min(v) FILTER (WHERE j = 1) AS hi
        FROM valued GROUP BY 1, 2, 3, 4
    ) x
    GROUP BY 1, 2
)
SELECT coalesce(an.name, 'Unknown') AS axon_class, coalesce(tn.name, 'Unknown') AS target_class,
       c.n::bigint AS axons, c.synapses::bigint AS synapses,
       c.synapses::double precision / sum(c.synapses) OVER (PARTITION BY c.axon_key)
           AS fraction,
       c.f_sum / c.n AS axon_fraction_mean,
       z.p[1] AS axon_fraction_median, z.p[2] AS axon_fraction_q1,
       z.p[3] AS axon_fraction_q3
FROM cells c
JOIN picked z ON z.axon_key = c.axon_key AND z.target_key = c.target_key
LEFT JOIN axon_names an ON an.code = c.axon_key
LEFT JOIN target_names tn ON tn.code = c.target_key
UNION ALL
SELECT coalesce(an.name, 'Unknown'), coalesce(tn.name, 'Unknown'), s.axons, s.synapses,
       s.fraction, s.axon_fraction_mean, s.axon_fraction_median, s.axon_fraction_q1,
       s.axon_fraction_q3
FROM class_specificity s
LEFT JOIN axon_names an ON an.code = s.axon_class_key
LEFT JOIN target_names tn ON tn.code = s.target_class_key
WHERE s.dataset_id = (SELECT dataset_id FROM d) AND %(min_target_synapses)s <= 1
  AND s.axon_synapses = (
      SELECT min(axon_synapses) FROM class_specificity
      WHERE dataset_id = (SELECT dataset_id FROM d) AND axon_synapses >= %(min_axon_synapses)s
  )
  AND (%(axon_class)s::text IS NULL OR an.name = %(axon_class)s::text)
ORDER BY 1, 2

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
-- The kept synapses: connectome_synapse carries each synapse's class keys (one smallint per
-- class name) and the connectome synapse counts of its axon and target, so the thresholds are
-- plain filters and the aggregates below group small integers; names are joined at the end.
WITH kept AS (
    SELECT axon_id, axon_class_key AS axon_key, target_class_key AS target_key
    FROM connectome_synapse
    WHERE dataset_id = (SELECT dataset_id FROM dataset WHERE name = %(dataset)s)
      AND axon_synapses >= %(min_axon_synapses)s
      AND (target_synapses >= %(min_target_synapses)s OR target_class = 'AxonInitialSegment')
),
axon_names AS (
    SELECT code, name FROM axon_class
    WHERE dataset_id = (SELECT dataset_id FROM dataset WHERE name = %(dataset)s)
),
target_names AS (
    SELECT code, name FROM target_class
    WHERE dataset_id = (SELECT dataset_id FROM dataset WHERE name = %(dataset)s)
),
-- Per axon and target class: kept synapses, the axon's total (total) and the axon's first
-- row (nth = 1, to count the class's axons without a DISTINCT). Without thresholds (both at
-- most 1) every connectome synapse is kept and connectome_synapse holds these figures on one
-- flagged row per axon and target class; otherwise they are counted from the kept synapses.
per_axon_target AS (
    SELECT axon_id, axon_class_key AS axon_key, target_class_key AS target_key,
           axon_target_class_synapses AS synapses, axon_synapses AS total,
           CASE WHEN first_of_axon THEN 1 ELSE 2 END AS nth
    FROM connectome_synapse
    WHERE dataset_id = (SELECT dataset_id FROM dataset WHERE name = %(dataset)s)
      AND first_of_axon_target_class
      AND %(min_axon_synapses)s <= 1 AND %(min_target_synapses)s <= 1
    UNION ALL
    SELECT axon_id, axon_key, target_key, count(*) AS synapses,
           sum(count(*)) OVER w AS total,
           row_number() OVER w AS nth
    FROM kept
    WHERE NOT (%(min_axon_synapses)s <= 1 AND %(min_target_synapses)s <= 1)
    GROUP BY 1, 2, 3
    WINDOW w AS (PARTITION BY axon_id)
),
target_keys AS (SELECT DISTINCT target_key FROM per_axon_target),
chosen AS (
    SELECT p.* FROM per_axon_target p
    WHERE %(axon_class)s::text IS NULL
       OR p.axon_key IN (SELECT code FROM axon_names WHERE name = %(axon_class)s::text)
),
class_axons AS (SELECT axon_key, count(*) FILTER (WHERE nth = 1) AS n FROM chosen GROUP BY 1),
-- Per cell, percentile_cont(q) over all n axons of the class, the n - k without a synapse
-- onto the target class counting 0: position h = q (n - 1) of the ascending list, whose
-- first n - k entries are 0. Past them it is position h - (n - k) of the k non-zero
-- fractions (percentile_cont over those at (h - (n - k)) / (k - 1)); in between it is
-- interpolated from 0 to the smallest non-zero fraction. Only the k non-zero fractions are
-- sorted, not the n.
nonzero AS (
    SELECT c.axon_key, c.target_key, c.synapses, c.synapses::double precision / c.total AS f,
           ca.n, cell.k
    FROM chosen c
    JOIN class_axons ca ON ca.axon_key = c.axon_key
    JOIN (SELECT axon_key, target_key, count(*) AS k FROM chosen GROUP BY 1, 2) cell
        ON cell.axon_key = c.axon_key AND cell.target_key = c.target_key
),
stats AS (
    SELECT axon_key, target_key, n, k, sum(synapses) AS synapses, sum(f) AS f_sum, min(f) AS f_min,
           percentile_cont(ARRAY[
               greatest(0.5 * (n - 1) - (n - k), 0) / greatest(k - 1, 1),
               greatest(0.25 * (n - 1) - (n - k), 0) / greatest(k - 1, 1),
               greatest(0.75 * (n - 1) - (n - k), 0) / greatest(k - 1, 1)
           ]::double precision[]) WITHIN GROUP (ORDER BY f) AS nz
    FROM nonzero
    GROUP BY axon_key, target_key, n, k
),
picked AS (
    SELECT s.axon_key, s.target_key, s.synapses, s.f_sum,
           array_agg(CASE WHEN h >= s.n - s.k THEN s.nz[q.i]
                          WHEN h > s.n - s.k - 1 THEN (h - (s.n - s.k - 1)) * s.f_min
                          ELSE 0 END ORDER BY q.i) AS p
    FROM stats s
    CROSS JOIN (VALUES (1, 0.5::double precision), (2, 0.25), (3, 0.75)) q (i, q)
    CROSS JOIN LATERAL (SELECT q.q * (s.n - 1) AS h) pos
    GROUP BY s.axon_key, s.target_key, s.synapses, s.f_sum
),
cells AS (
    SELECT ca.axon_key, tk.target_key, ca.n AS axons,
           coalesce(z.synapses, 0) AS synapses, coalesce(z.f_sum, 0) AS f_sum, z.p
    FROM class_axons ca
    CROSS JOIN target_keys tk
    LEFT JOIN picked z ON z.axon_key = ca.axon_key AND z.target_key = tk.target_key
)
SELECT coalesce(an.name, 'Unknown') AS axon_class, coalesce(tn.name, 'Unknown') AS target_class,
       c.axons, c.synapses::bigint AS synapses,
       c.synapses::double precision / sum(c.synapses) OVER (PARTITION BY c.axon_key)
           AS fraction,
       c.f_sum / c.axons AS axon_fraction_mean,
       coalesce(c.p[1], 0) AS axon_fraction_median, coalesce(c.p[2], 0) AS axon_fraction_q1,
       coalesce(c.p[3], 0) AS axon_fraction_q3
FROM cells c
LEFT JOIN axon_names an ON an.code = c.axon_key
LEFT JOIN target_names tn ON tn.code = c.target_key
ORDER BY 1, 2

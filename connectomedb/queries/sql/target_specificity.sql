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
-- With a target threshold (above 1) the answer is the load's class_specificity_target
-- (migration 0015): one block of rows per pair of an axon synapse count and a target synapse
-- count that keeps a different set of synapses; the block of the first axon count at or above
-- min_axon_synapses, then of its first target count at or above min_target_synapses, answers
-- it (2147483647: only the synapses onto axon initial segments kept); none: nothing is kept.
WITH d AS (SELECT dataset_id FROM dataset WHERE name = %(dataset)s),
axon_names AS (
    SELECT code, name FROM axon_class WHERE dataset_id = (SELECT dataset_id FROM d)
),
target_names AS (
    SELECT code, name FROM target_class WHERE dataset_id = (SELECT dataset_id FROM d)
),
axon_level AS (
    SELECT min(axon_synapses) AS a FROM class_specificity_target
    WHERE dataset_id = (SELECT dataset_id FROM d) AND %(min_target_synapses)s > 1
      AND axon_synapses >= %(min_axon_synapses)s
),
block AS (
    SELECT (SELECT a FROM axon_level) AS a, min(target_synapses) AS t
    FROM class_specificity_target
    WHERE dataset_id = (SELECT dataset_id FROM d) AND axon_synapses = (SELECT a FROM axon_level)
      AND target_synapses >= least(%(min_target_synapses)s, 2147483647)
)
SELECT coalesce(an.name, 'Unknown') AS axon_class, coalesce(tn.name, 'Unknown') AS target_class,
       s.axons, s.synapses, s.fraction, s.axon_fraction_mean, s.axon_fraction_median,
       s.axon_fraction_q1, s.axon_fraction_q3
FROM class_specificity_target s
JOIN block b ON s.axon_synapses = b.a AND s.target_synapses = b.t
LEFT JOIN axon_names an ON an.code = s.axon_class_key
LEFT JOIN target_names tn ON tn.code = s.target_class_key
WHERE s.dataset_id = (SELECT dataset_id FROM d)
  AND (%(axon_class)s::text IS NULL OR an.name = %(axon_class)s::text)
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
